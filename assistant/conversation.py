"""Follow-up questions: carry the earlier turns' key words into a standalone retrieval query."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import terms
from assistant.questions import Question, analyse, is_follow_up

History = Sequence[tuple[str, str]]


def resolve(question: str, history: History | None, proper: frozenset[str] = frozenset()) -> tuple[Question, str]:
    """Analyse ``question`` in the light of ``history``; return it and the query to retrieve with.

    A question that leans on the conversation ("How much did it cost?") borrows the content words
    of the previous question and the names in the previous answer, so retrieval lands on the
    passage the conversation is about. Older turns are consulted when the last one is too thin.
    """
    parsed = analyse(question, proper)
    if not history or not is_follow_up(question, len(parsed.terms)):
        return parsed, question
    carried_words: list[str] = []
    for prev_q, prev_a in reversed(list(history)[-3:]):
        words = [w for w in terms.words(prev_q) if w.lower() not in terms.STOPWORDS and w.lower() not in terms.QUESTION_FRAME]
        words += terms.name_runs(prev_a or "", proper)[:4]
        carried_words.extend(words)
        if len(set(terms.content_terms(" ".join(carried_words)))) >= 3:
            break
    carried_words = list(dict.fromkeys(carried_words))
    parsed.carried = [t for t in dict.fromkeys(terms.content_terms(" ".join(carried_words))) if t not in parsed.terms]
    return parsed, f"{question} ({' '.join(carried_words)})" if carried_words else question
