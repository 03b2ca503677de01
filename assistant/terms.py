"""Words, stems, names and numbers: the light text analysis shared by retrieval and answering."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z0-9]")

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom whose why will with would you your yours yourself
    yourselves tell me please say said says according much many does did done get got give given go going
    may might must shall 's kind sort thing things something anything way ways one ones
    however additionally meanwhile moreover furthermore also while yet still even already
    """.split()
)

# Words that name the kind of fact asked for rather than the topic: they are not expected in the answer.
QUESTION_FRAME = frozenset(
    """
    cost costs costing price amount sum size big large value worth total figure number year years date
    time name named person people company companies firm organisation organization who whom where city
    country place percent percentage share rank ranked ranking position
    held hold holds take took taken place happen happened happens located locate based situated called
    """.split()
)

# Markdown footnote markers ("[^2]") and answer markers ("[1]") are references, not words.
FOOTNOTE_RE = re.compile(r"\[\^?\w{1,8}\]")

_stemmer = snowballstemmer.stemmer("english")
QUESTION_FRAME_STEMS = frozenset(_stemmer.stemWord(w) for w in QUESTION_FRAME)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word.lower().replace("’", "'").removesuffix("'s"))


def words(text: str) -> list[str]:
    """Word tokens as they stand in the text (case kept)."""
    return WORD_RE.findall(text)


def content_terms(text: str) -> list[str]:
    """Stemmed, lower-cased content words: what BM25 indexes and coverage is measured on."""
    out = []
    for w in words(text):
        low = w.lower()
        if low in STOPWORDS or len(low) < 2 and not low.isdigit():
            continue
        out.append(stem(low))
        # Hyphenated compounds ("10-trillion-yen", "AI-powered") also match their parts.
        if "-" in low:
            out.extend(stem(p) for p in low.split("-") if p and p not in STOPWORDS)
    return out


# --- Facts of a given type -------------------------------------------------------------------------

_NUM = r"\d[\d,]*(?:\.\d+)?"
_SCALE = r"(?:trillion|billion|million|thousand|hundred|bn|mn|tn|k|m)"
_CURRENCY_WORD = r"(?:yen|dollars?|euros?|pounds?|yuan|won|rupees?|usd|jpy|eur|gbp|cny|krw)"
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen dozens"
)
MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)

AMOUNT_RE = re.compile(
    rf"(?:[$€£¥₩]\s?{_NUM}(?:[\s-]*{_SCALE}\b)?)"
    rf"|(?:\b{_NUM}[\s-]*(?:{_SCALE}[\s-]*)?(?:{_CURRENCY_WORD}\b|%|percent\b))"
    rf"|(?:\b{_NUM}[\s-]*{_SCALE}\b)",
    re.IGNORECASE,
)
PERCENT_RE = re.compile(rf"\b{_NUM}\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d|21\d\d)s?\b")
DATE_RE = re.compile(
    rf"{YEAR_RE.pattern}|\b(?:{'|'.join(MONTHS.split())})\b\.?(?:\s+\d{{1,2}})?"
    r"|\b(?:next|last|this|coming|past)\s+(?:decade|year|month|century)\b|\b\d{1,2}(?:st|nd|rd|th)\s+century\b",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(rf"\b{_NUM}\b|\b(?:{'|'.join(NUMBER_WORDS.split())})\b", re.IGNORECASE)
ORDINAL_RE = re.compile(
    r"\b\d+(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|last)\b",
    re.IGNORECASE,
)


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


def numbers(text: str) -> list[str]:
    """Counts: numbers that are not years and not part of a money amount."""
    money = [m.span() for m in AMOUNT_RE.finditer(text)]
    return [
        m.group(0)
        for m in NUMBER_RE.finditer(text)
        if not YEAR_RE.fullmatch(m.group(0)) and not any(a <= m.start() < b for a, b in money)
    ]


def dates(text: str) -> list[str]:
    return [m.group(0) for m in DATE_RE.finditer(text)]


def ordinals(text: str) -> list[str]:
    return [m.group(0) for m in ORDINAL_RE.finditer(text)]


def name_runs(text: str, proper: frozenset[str] = frozenset()) -> list[str]:
    """Runs of capitalised words (names of people, firms, places), e.g. "Seth Hays", "TSMC".

    A capitalised word at the start of a sentence counts when it is known to be a name
    (``proper``: stems seen capitalised mid-sentence in the corpus), is an acronym, or is
    followed by another capitalised word ("Seth Hays, author of ...").
    """
    tokens: list[tuple[str, bool, bool, bool]] = []  # (word, capitalised, sentence-initial, break after)
    sentence_start = True
    for m in re.finditer(r"\S+", FOOTNOTE_RE.sub("", text)):
        raw = m.group(0)
        token = raw.strip("\"'“”‘’()[],;:!?.")
        core = re.sub(r"(?:'s|’s)$", "", token)
        is_cap = bool(core) and core[0].isupper() and core.lower() not in STOPWORDS
        brk = raw[-1:] in ",;:!?.)\"'”’" or core != token
        tokens.append((core, is_cap, sentence_start, brk))
        sentence_start = raw.rstrip("\"'”’)]") .endswith((".", "!", "?"))
    runs: list[str] = []
    current: list[str] = []
    for i, (core, is_cap, initial, brk) in enumerate(tokens):
        if is_cap and initial and not current:
            known = (core.isupper() and len(core) > 1) or stem(core) in proper
            followed = not brk and i + 1 < len(tokens) and tokens[i + 1][1]
            is_cap = known or followed
        if is_cap:
            current.append(core)
        if current and (not is_cap or brk):
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


# --- Places --------------------------------------------------------------------------------------

_LOCATIVE_RE = re.compile(r"\b(?:in|at|near|from|to|outside|inside|across|around)\s+(?:the\s+)?((?:[a-z]+\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)")


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    import pycountry

    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.add(value.lower())
                names.add(value.split(",")[0].lower())
    return frozenset(names)


def is_country_or_demonym(name: str) -> bool:
    """"Japan", "Taiwanese", "Korean": a country, or an adjective made from one."""
    low = name.lower()
    if low in country_names():
        return True
    return any(len(low) > len(c) >= 4 and low[:4] == c[:4] and low.endswith(("ese", "an", "ish", "i")) for c in country_names())


def places(text: str, below_country: bool) -> list[str]:
    """Capitalised names after a locative preposition ("in Hiroshima"); with ``below_country``
    (a city, region or prefecture is asked for), names of countries do not count."""
    out = []
    for m in _LOCATIVE_RE.finditer(FOOTNOTE_RE.sub("", text)):
        name = " ".join(w for w in m.group(1).split() if w[:1].isupper())
        if not name or name.lower() in STOPWORDS:
            continue
        if below_country and is_country_or_demonym(name):
            continue
        out.append(name)
    return out
