"""The question and its conversation: checked input, and follow-ups resolved into a standalone query.

``parse_history`` is the one reader of conversation history for every surface (CLI ``--history``,
the web API, ``Assistant.ask``): a list of ``[question, answer]`` string pairs, as Python pairs
or as JSON text, within the size limits of the settings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from assistant.ask.casing import restore_case
from assistant.ask.questions import ParsedQuestion, analyse, is_follow_up
from assistant.errors import InvalidHistoryError, InvalidQuestionError
from assistant.text.names import name_runs
from assistant.text.words import QUESTION_FRAME, STOPWORDS, content_terms, words

History = Sequence[tuple[str, str]]

_SHAPE = 'a list of [question, answer] pairs of strings, e.g. [["Who builds the fab?", "TSMC [1]"]]'


def check_question(question: object, max_chars: int) -> str:
    """The question stripped, or ``InvalidQuestionError`` saying what to change."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidQuestionError("the question is empty: type a question about the documents")
    if len(question) > max_chars:
        raise InvalidQuestionError(
            f"the question is {len(question)} characters long; keep it under {max_chars} (ask about one thing at a time)"
        )
    if not _encodable(question):
        raise InvalidQuestionError("the question holds characters that are not valid text (a lone surrogate); retype it")
    return question.strip()


def parse_history(history: object, max_turns: int = 20, max_chars: int = 4000) -> list[tuple[str, str]]:
    """Earlier turns as ``(question, answer)`` pairs; ``InvalidHistoryError`` for anything else.

    ``history`` may be None, JSON text, or a sequence of two-item sequences of strings. More than
    ``max_turns`` turns, or a turn over ``max_chars`` characters, is refused rather than cut, so a
    caller never gets an answer to a conversation other than the one it sent.
    """
    if history is None:
        return []
    if isinstance(history, str):
        if not history.strip():
            return []
        try:
            history = json.loads(history)
        except (ValueError, RecursionError) as exc:
            raise InvalidHistoryError(f"the history is not valid JSON ({str(exc).split(':')[0]}); give {_SHAPE}") from None
    if not isinstance(history, (list, tuple)):
        raise InvalidHistoryError(f"the history is a {type(history).__name__}; give {_SHAPE}")
    if len(history) > max_turns:
        raise InvalidHistoryError(f"the history has {len(history)} turns; send at most the last {max_turns}")
    pairs = []
    for i, turn in enumerate(history, start=1):
        if not (isinstance(turn, (list, tuple)) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise InvalidHistoryError(f"turn {i} of the history is not a [question, answer] pair of strings; give {_SHAPE}")
        if any(len(t) > max_chars for t in turn):
            raise InvalidHistoryError(f"turn {i} of the history is over {max_chars} characters; shorten it")
        if not all(_encodable(t) for t in turn):
            raise InvalidHistoryError(f"turn {i} of the history holds characters that are not valid text (a lone surrogate)")
        pairs.append((turn[0], turn[1]))
    return pairs


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def resolve(question: str, history: History | None, proper: frozenset[str] = frozenset()) -> tuple[ParsedQuestion, str]:
    """Analyse ``question`` in the light of ``history``; return it and the query to retrieve with.

    A question that leans on the conversation ("How much did it cost?") borrows the content words
    of the previous question and the names in the previous answer, so retrieval lands on the
    passage the conversation is about. Older turns are consulted when the last one is too thin.
    """
    question = restore_case(question, proper)
    parsed = analyse(question, proper)
    if not history or not is_follow_up(question, len(parsed.terms)):
        return parsed, question
    carried_words: list[str] = []
    for prev_q, prev_a in reversed(list(history)[-3:]):
        prev_q = restore_case(prev_q, proper)
        said = [w for w in words(prev_q) if w.lower() not in STOPWORDS and w.lower() not in QUESTION_FRAME]
        answered = name_runs(prev_a or "", proper)[:4]
        carried_words.extend(said + answered)
        names = name_runs(prev_q, proper) + answered
        parsed.carried_names += [n for n in names if n not in parsed.carried_names]
        if len(set(content_terms(" ".join(carried_words)))) >= 3:
            break
    carried_words = list(dict.fromkeys(carried_words))
    parsed.carried = [t for t in dict.fromkeys(content_terms(" ".join(carried_words))) if t not in parsed.terms]
    return parsed, f"{question} ({' '.join(carried_words)})" if carried_words else question
