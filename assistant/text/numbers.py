"""Numbers, amounts, dates and ordinals: one number grammar for question typing, answer facts and
the LLM verifier."""

from __future__ import annotations

import re
from string import ascii_letters

from assistant.text.quantities import CURRENCY_QUALIFIER, CURRENCY_SIGNS, CURRENCY_WORDS, ISO_BEFORE, LETTER_DOLLARS
from assistant.text.words import STOPWORDS

_NUM = r"\d[\d,]*(?:\.\d+)?"
_SCALE = r"(?:trillion|billion|million|thousand|hundred|bn|mn|tn|k|m)"
# Scale words that change a number's value, with their abbreviations spelt out ("1.3bn" == "1.3 billion").
SCALES = {"trillion": "trillion", "billion": "billion", "million": "million", "thousand": "thousand",
          "bn": "billion", "mn": "million", "tn": "trillion"}
_CURRENCY_WORD = "(?:" + "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True)) + ")"
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen dozens"
)
MONTH_NAMES = "january february march april may june july august september october november december"
MONTHS = MONTH_NAMES + " jan feb mar apr jun jul aug sep sept oct nov dec"

_MONEY = (
    rf"(?:(?:{LETTER_DOLLARS}|[{CURRENCY_SIGNS}]|\b(?:rm|rs\.?|nis|{ISO_BEFORE})(?=\s?\d))\s?{_NUM}(?:[\s-]*(?:{_SCALE}|lakhs?|crores?)\b)?)"  # "RM500 billion", "Rs 7,600 crore", "NIS 11.1 billion"
    rf"|(?:\b{_NUM}[\s-]*(?:{_SCALE}[\s-]*)?(?:(?:{CURRENCY_QUALIFIER}\s+)?{_CURRENCY_WORD}\b|%|percent\b))"
)
MONEY_RE = re.compile(_MONEY, re.IGNORECASE)
AMOUNT_RE = re.compile(rf"{_MONEY}|(?:\b{_NUM}[\s-]*{_SCALE}\b)", re.IGNORECASE)
_BARE_SCALED_RE = re.compile(rf"\b{_NUM}[\s-]*(?:trillion|billion|million|thousand|bn|mn|tn)\b", re.IGNORECASE)
PERCENT_RE = re.compile(rf"\b{_NUM}\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
YEAR_RE = re.compile(r"\b(?:FY|CY)?(1[89]\d\d|20\d\d|21\d\d)s?\b")  # "FY2030": a fiscal year
DATE_RE = re.compile(
    rf"{YEAR_RE.pattern}|\b(?:{'|'.join(MONTHS.split())})\b\.?(?:\s+\d{{1,2}}(?!\d))?"
    # day first ("24 May"): the month capitalised, so "12 may" stays a number and a verb
    rf"|\b\d{{1,2}}\s+(?-i:{'|'.join(m.capitalize() for m in MONTHS.split())})\b"
    r"|\b(?:next|last|this|coming|past)\s+(?:decade|year|month|century)\b|\b\d{1,2}(?:st|nd|rd|th)\s+century\b",
    re.IGNORECASE,
)
# A figure may carry its unit unspaced ("500MW", "2nm").
NUMBER_RE = re.compile(
    rf"\b{_NUM}(?:\b|(?=(?:[kMGT]W|[kMGT]Wh|nm|mm|GB|TB|PF|EF)\b))|\b(?:{'|'.join(NUMBER_WORDS.split())})\b", re.IGNORECASE
)
ORDINAL_RE = re.compile(
    r"\b\d+(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|last)\b",
    re.IGNORECASE,
)


_NUMERATORS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "nine": 9}
_DENOMINATORS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
# Shares said in words: "a third", "two-fifths", "three quarters", "half of" ("the second half of
# 2024" is a time, and so is "the first quarter": they have no numerator word).
FRACTION_RE = re.compile(
    rf"(?<!and )\b({'|'.join(_NUMERATORS)})[\s-]+(half|thirds?|quarters?|fifths?|tenths?)\b|\b(?<!first )(?<!second )half(?= of\b)",
    re.IGNORECASE,
)


def fractions(text: str) -> list[str]:
    return [m.group(0) for m in FRACTION_RE.finditer(text)]


def fraction_values(text: str) -> list[str]:
    """Shares said in words, as "numerator/denominator": "two-fifths" -> "2/5"."""
    out = []
    for m in FRACTION_RE.finditer(text):
        top, bottom = (m.group(1) or "one").lower(), (m.group(2) or "half").lower().rstrip("s")
        out.append(f"{_NUMERATORS[top]}/{_DENOMINATORS[bottom]}")
    return out


MULTIPLIER_RE = re.compile(r"\b(?:double[sd]?|doubling|triple[sd]?|tripling|quadruple[sd]?|halve[sd]?|\w+fold)\b", re.I)


QUANTITY_RE = re.compile(rf"\b({_NUM})\s+(?:{_SCALE}\s+)?([a-z]{{2,20}})\b")


def amounts(text: str) -> list[str]:
    """Money, quantities with a scale or unit ("300 megawatts"), and multipliers ("triple")."""
    found = [m.group(0).strip() for m in AMOUNT_RE.finditer(text) if not YEAR_RE.fullmatch(m.group(0).strip())]
    money = [m.span() for m in AMOUNT_RE.finditer(text)]
    for m in QUANTITY_RE.finditer(text):
        unit = m.group(2)
        if YEAR_RE.fullmatch(m.group(1)) or unit in STOPWORDS or unit in MONTHS.split():
            continue
        if not any(a <= m.start() < b for a, b in money):
            found.append(m.group(0))
    return found + MULTIPLIER_RE.findall(text)


_LAKH_CRORE_RE = re.compile(r"\d\s?(?:lakh|crore)s?\b", re.I)


def is_money(fact: str) -> bool:
    """Can ``fact`` be a sum of money: written with a currency, or a scaled number ("114 billion",
    "10,372 crore") whose currency the sentence may give elsewhere, or a multiplier? Not a quantity of
    something else ("21 exaflops", "1.4 gigawatts", "10,000 jobs")."""
    if PERCENT_RE.fullmatch(fact.strip()):
        return False  # a share is not a sum: "capped at 30 percent" does not say what is spent
    return bool(AMOUNT_RE.search(fact) or MULTIPLIER_RE.search(fact) or _LAKH_CRORE_RE.search(fact))


def numbers(text: str) -> list[str]:
    """Counts: numbers that are not years, dates or part of a money amount or a share; a count with a
    scale word is kept whole ("14.5 million" units). "One of" picks one out, it counts nothing."""
    # A day of the month ("March 4") counts nothing either.
    skip = [m.span() for m in MONEY_RE.finditer(text)] + [m.span() for m in DATE_RE.finditer(text)]
    scaled = {m.start(): m.group(0) for m in _BARE_SCALED_RE.finditer(text)}
    return [
        scaled.get(m.start(), m.group(0))
        for m in NUMBER_RE.finditer(text)
        if not YEAR_RE.fullmatch(m.group(0)) and not any(a <= m.start() < b for a, b in skip)
        # A number joined to a word is part of a name ("Israel-1", "COVID-19", "F-35"), no count.
        and not (m.start() >= 2 and text[m.start() - 1] == "-" and text[m.start() - 2] in ascii_letters)
        and not (m.group(0).lower() == "one" and text[m.end() : m.end() + 3].lower() == " of")
        # A number joined to a unit of size is a size: "300-millimetre wafers", "2nm chips", "12-inch".
        and not _SIZE_RE.match(text, m.end())
    ]


_SIZE_RE = re.compile(r"[- ]?(?:mm|nm|µm|millimet(?:re|er)s?|nanomet(?:re|er)s?|micromet(?:re|er)s?|inch(?:es)?)\b", re.I)


def dates(text: str) -> list[str]:
    return [m.group(0) for m in DATE_RE.finditer(text)]


def ordinals(text: str) -> list[str]:
    return [m.group(0) for m in ORDINAL_RE.finditer(text)]




SCALED_NUMBER_RE = re.compile(rf"({_NUM})(?:(?:\s*|-)({'|'.join(SCALES)})\b)?", re.I)  # "10-trillion-yen" too


def scaled_numbers(text: str) -> list[str]:
    """Every number with its scale word, normalised: "$1,300 mn" -> "1300 million"."""
    out = []
    for m in SCALED_NUMBER_RE.finditer(text):
        scale = SCALES.get((m.group(2) or "").lower(), "")
        out.append(f"{m.group(1).replace(',', '')} {scale}".strip())
    return out
