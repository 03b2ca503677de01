"""Names and places: runs of capitalised words, countries and their demonyms, locative phrases."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text.words import FOOTNOTE_RE, STOPWORDS, stem


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
    return name.lower() in country_names() or is_demonym(name)


def is_demonym(name: str) -> bool:
    """"Taiwanese", "Korean", "American": an adjective made from a country's name."""
    low = name.lower()
    if low in country_names() or not low.endswith(("ese", "an", "ish", "i")):
        return False
    return low.startswith(_CONTINENTS) or any(len(c) >= 4 and low[:4] == c[:4] for c in country_names())


_CONTINENTS = ("americ", "europ", "afric", "asia", "austral")


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


_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
_LINKS = frozenset("of and for the on in & de".split())


def spelled_out(acronym: str, text: str) -> bool:
    """Does ``text`` spell ``acronym`` out as the initials of a run of capitalised words, linking
    words skipped ("NIST": "National Institute of Standards and Technology")? Reports name an
    agency in full where a question uses its short form."""
    if not _ACRONYM_RE.fullmatch(acronym):
        return False
    initials = ""
    for word in re.findall(r"[A-Za-z][\w’'-]*|&|[.!?;:()]", text):
        if word[0].isupper():
            initials += word[0]
            if initials.endswith(acronym):
                return True
        elif word.lower() not in _LINKS:
            initials = ""
    return False
