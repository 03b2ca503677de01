"""What a figure question is measured in and of: the currency and period it is asked in, and the
part of a whole a share is asked of (``questions.analyse`` fills these into a ``ParsedQuestion``)."""

from __future__ import annotations

import re

from assistant.text.numbers import NUMBER_WORDS
from assistant.text.quantities import DOLLARS_OF, NATIONAL, SUFFIX_UNITS
from assistant.text.words import QUESTION_FRAME_STEMS, content_terms, stem

# Currency words as a question names them ("in zlotys", "how many yen"): those ``text.quantities``
# reads after a figure, less the ones that also begin names ("Dong Nai province", "Rand Water").
_CURRENCY_OF = {w: unit for w, unit in SUFFIX_UNITS.items() if unit != "%" and w not in ("dong", "rand", "lira")}
_ASKED_CURRENCY_RE = re.compile(
    r"\b(?:in|how\s+many(?:\s+(?:thousand|million|billion|trillion|crore|lakh)s?(?:\s+of)?)?)\s+(?:the\s+)?"
    r"(" + "|".join(sorted((re.escape(q) for q in DOLLARS_OF), key=len, reverse=True)) + r")?\s*"
    r"(?:" + NATIONAL + r"\s+)?"  # "in Japanese yen": the currency's word says it
    r"(" + "|".join(sorted(_CURRENCY_OF, key=len, reverse=True)) + r")s?\b", re.I)


# A figure asked per day, week or month: the answer must be given per the same period ("50,000 wafers
# a month"; "480,000 wafers a year" answers another question). Years are left out: "annual" is often
# meant where a report does not write it. Lower case only, so "Semiconductor Daily" is a name.
PERIOD_RES = {
    period: re.compile(rf"\b(?:per|a|an|each|every)\s+{period}\b|\b{adverb}\b|/\s?{period}\b")
    for period, adverb in (("day", "daily"), ("week", "weekly"), ("month", "monthly"))
}
# A price per share is a rate too: "at $20.47 apiece", "$30 a share"; the deal's total answers another
# question. ("a share of the market" is a portion, not a rate.)
PERIOD_RES["share"] = re.compile(r"\b(?:per|a|each)\s+share\b(?!\s+of)|\bapiece\b")


def without_currency(question: str) -> str:
    """The question less the currency it asks an amount in ("... worth in US dollars?")."""
    return _ASKED_CURRENCY_RE.sub(" ", question)


def asked_period(question: str) -> str | None:
    return next((period for period, pattern in PERIOD_RES.items() if pattern.search(question)), None)


def asked_currency(question: str) -> str | None:
    """The currency an amount is asked in ("What is it worth in US dollars?", "How many yen ..." ->
    "usd", "yen"), in the units
    of ``text.quantities``; None when the question names none."""
    m = _ASKED_CURRENCY_RE.search(question)
    if not m:
        return None
    word = m.group(2).lower()
    qualifier = (m.group(1) or "").lower()
    return DOLLARS_OF.get(qualifier, "usd") if word.startswith("dollar") else _CURRENCY_OF[word]


# "How much of the budget goes to X", "What share of the fund is earmarked for X": the part asked about.
_PORTION_RE = re.compile(
    r"\b(?:how\s+(?:much|many)|what\s+(?:share|portion|part|fraction|proportion|percentage))\s+of\b[^?]*?"
    r"\b(?:allocated|earmarked|set\s+aside|reserved|devoted|dedicated|assigned|directed|channell?ed|spent|used|"
    r"goes|go|going|went|flows?|flowed|come|comes|came)\s+(?:to|for|on|towards?|into)\s+([^?]+)"
    r"|\bhow\s+much\s+of\b[^?]*?\b(?:covers?|covered|funds?|funded|pays?\s+for|paid\s+for)\s+([^?]+)"
    # "How much did TSMC spend on R&D", "How much has the fund invested in SMIC": what the money went into
    r"|\bhow\s+much\b(?!\s+of\b)[^?]*?\b(?:spend|spent|spending|invest|invested|investing)\s+(?:on|in|into)\s+([^?]+)",
    re.I)


_NUMBER_STEMS = frozenset(stem(w) for w in NUMBER_WORDS.split())
_PORTION_TAIL_RE = re.compile(r"\s+(?:by|in|so|through|during|under|since|before|after|this|last|next|over|until)\b.*$", re.I)


def asked_portion(question: str) -> list[str]:
    """The stems naming the part of a whole that a share is asked of: "advanc packag facil" in "How
    much of Samsung's investment goes to its advanced packaging facility?". The whole's own figure
    ("invested $40 billion") does not answer it."""
    m = _PORTION_RE.search(question)
    if not m:
        return []
    # The part's own words: what follows ("in 2024", "so far", "under the plan") says when or how.
    part = _PORTION_TAIL_RE.sub("", next(g for g in m.groups() if g))
    if re.match(r"(?:that|this|these|those|it|them)\b", part, re.I):
        return []  # "invested in that project": the conversation named the part, not this question
    return [t for t in content_terms(part) if t not in QUESTION_FRAME_STEMS and not t.isdigit() and t not in _NUMBER_STEMS]
