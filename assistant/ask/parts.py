"""Multi-part questions: "Who is building X, and which chips will it use?" and "What loans went to
Micron and to SK hynix?" become one question per part, each with the query to retrieve it by."""

from __future__ import annotations

import re

from assistant.ask.questions import AMOUNT, NUMBER, ParsedQuestion, analyse
from assistant.text.names import name_runs
from assistant.text.words import content_terms

_PART_RE = re.compile(
    r"\s*(?:[?;:]|,?\s+and\s+(?=(?:(?:by|in|for|at|from|on|to|of|with|until|since)\s+)?"
    r"(?:what|how|which|who|whom|whose|when|where|why)\b))\s*", re.I
)


# "when it was voided" is a clause; "when did it close" (an auxiliary next) is a question of its own.
_CLAUSE_RE = re.compile(
    r"(when|where)\b(?!\s+(?:did|does|do|will|would|is|was|are|were|has|have|had|can|could|should|shall|may|might)\b)", re.I)


def split_parts(question: str) -> list[str]:
    """Split a multi-part question ("Who is building X, and which chips will it use?") into its
    parts; a question that does not split cleanly into parts of two or more content words stays whole."""
    pieces = [p.strip(" ,") for p in _PART_RE.split(question) if p and p.strip(" ,")]
    for i in range(1, len(pieces)):
        # "Who spoke when the deal was signed and when it was voided?": a clause parallel to one of the
        # part before asks that part's question again.
        m = _CLAUSE_RE.match(pieces[i])
        at = re.search(rf"(?<=\s){m.group(1)}\b", pieces[i - 1], re.I) if m else None
        if at:
            pieces[i] = pieces[i - 1][: at.start()] + pieces[i]
    if len(pieces) > 1 and all(len(content_terms(p)) >= 2 for p in pieces):
        return pieces
    return [question]


_PREPS = r"(?:to|for|of|at|in|with|by|from|regarding|about|on)"
_PREP_RE = re.compile(rf"\b{_PREPS}\s+(?:the\s+)?$", re.I)
_PHRASE_END_RE = re.compile(r"[,?;]|$")


def split_coordinated(question: str) -> list[str]:
    """Two questions from one that asks the same of two names joined by "and": "What loans were
    offered to Micron and to SK hynix?" -> "... offered to Micron?", "... offered to SK hynix?".

    The first name must follow a preposition ("to", "for", "regarding", ...), so names that act
    together ("SoftBank and Nvidia are building ...") stay one question; the second phrase runs to
    the next comma or the question mark and is about as long as the first.
    """
    # "... in Tampines and, initially, at Micron's plant": an adverb set off after "and" qualifies the
    # second phrase; it does not end it.
    for m in re.finditer(r",?\s+and(?:,\s*\w+ly,)?\s+", question):
        left, right = question[: m.start()], question[m.end() :]
        a_runs, b_runs = name_runs(left), name_runs(right)
        if not a_runs or not b_runs:
            continue
        a_at = left.rfind(a_runs[-1])
        end = _PHRASE_END_RE.search(right).start()
        b_phrase, rest = right[:end], right[end:]
        b_prep = re.match(rf"{_PREPS}\b", b_phrase, re.I)
        owner = re.match(r"(?:the\s+)?([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)['’]s\s", b_phrase)
        a_owner = list(re.finditer(r"(?:\bthe\s+)?\b[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*['’]s\s", left))
        if owner and a_owner and not b_prep:
            # "Tower's 2024 revenue and ASML's net sales": the same asked of two owners
            first, second = left + rest, left[: a_owner[-1].start()] + b_phrase + rest
            if len(content_terms(first)) >= 2 and len(content_terms(second)) >= 2:
                return [first.strip(" ,"), second.strip(" ,")]
        if b_prep:
            # "with SK hynix in Indiana and with Amkor in Arizona": the first phrase opens at the same preposition
            at = left.lower().rfind(b_prep.group(0).lower() + " ")
            prep = _PREP_RE.search(left[: at + len(b_prep.group(0)) + 1]) if at >= 0 else None
        else:
            prep = _PREP_RE.search(left[:a_at]) if a_at >= 0 else None
        if not prep or b_runs[0] not in b_phrase:
            continue
        a_phrase = left[prep.start() :]
        extra = len(b_phrase.split()) - len(b_runs[0].split()) - (len(a_phrase.split()) - len(a_runs[-1].split()))
        if extra > 2:
            continue
        lead = "" if b_prep else prep.group(0)
        first = left + rest
        second = left[: prep.start()] + lead + b_phrase + rest
        if len(content_terms(first)) >= 2 and len(content_terms(second)) >= 2:
            return [first.strip(" ,"), second.strip(" ,")]
    return [question]


_ONE_RE = re.compile(r"^(which|what)\s+ones?\b", re.I)
_ASKED_NOUN_RE = re.compile(r"^(?i:which|what)\s+(?:[A-Z][\w-]*\s+)*([a-z][\w-]*)\b")


def _fill_one(text: str, pieces: list[str]) -> str:
    """"..., and which one confirmed it?" asks for what the other part asks for: "which minister"."""
    if not _ONE_RE.match(text):
        return text
    for other in pieces:
        m = _ASKED_NOUN_RE.match(other.strip())
        if other is not text and m and not _ONE_RE.match(other):
            return _ONE_RE.sub(lambda w: f"{w.group(1)} {m.group(1)}", text, count=1)
    return text


def parts_of(question: ParsedQuestion, query: str, proper: frozenset[str] = frozenset()) -> list[tuple[ParsedQuestion, str]]:
    """The parts of a multi-part question, each with the query to retrieve it by; [] for one part.

    Parts split at "and what/when/..." carry the whole question's other terms, so "and when will it
    open?" still knows what "it" is; parts that ask the same of two names carry only the
    conversation's terms, so each looks for its own name.
    """
    pieces = split_parts(question.text)
    coordinated = False
    if len(pieces) < 2:
        pieces = split_coordinated(question.text)
        coordinated = True
    if len(pieces) < 2:
        return []
    pieces = [_fill_one(text, pieces) for text in pieces]
    out = []
    for text in pieces:
        part = analyse(text, proper)
        carry = question.carried if coordinated else question.all_terms
        part.carried = [t for t in carry if t not in part.terms]
        out.append((part, text if coordinated else f"{text} ({query})"))
    # "How many jobs at X, and how many at Y?": a count that leaves out what it counts counts what
    # the other part names; "How much aid went to X, and how much to Y?" asks for money twice.
    for part, _ in out:
        if part.answer_type == NUMBER and not part.counted:
            part.counted = next((other.counted for other, _ in out if other.counted), None)
        if part.answer_type == AMOUNT and not part.money:
            part.money = any(other.money for other, _ in out)
    return out
