"""Words and stems: the light text analysis shared by retrieval, answering and verification."""

from __future__ import annotations

import re
import threading
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

# Snowball stemmers keep state while stemming: sharing one between threads gives wrong stems (and
# the cache below would keep them), so each thread gets its own.
_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    if not hasattr(_local, "stemmer"):
        _local.stemmer = snowballstemmer.stemmer("english")
    return _local.stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower().replace("’", "'").removesuffix("'s"))


QUESTION_FRAME_STEMS = frozenset(stem(w) for w in QUESTION_FRAME)


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


@lru_cache(maxsize=16384)
def term_set(text: str) -> frozenset[str]:
    """``content_terms`` of a sentence, title or heading as a set, cached: the name checks ask it of the
    same sentences and headings for every candidate near them, question after question."""
    return frozenset(content_terms(text))


@lru_cache(maxsize=65536)
def word_terms(word: str) -> frozenset[str]:
    """``content_terms`` of one word or token, cached: answering asks it of every word of every candidate
    sentence, and the same words come back question after question."""
    return frozenset(content_terms(word))


# Words that refer back to something named earlier: a question holding one leans on the conversation
# ("How much did it cost?"), and a sentence opening with one speaks of what the sentence before it named.
REFERRING_RE = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|this|that|these|those|there|he|him|his|she|her|hers"
    r"|the (?:same|latter|former|company|project|plan|firm|group|move))\b",
    re.I,
)
