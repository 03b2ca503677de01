"""A question typed all in lower case ("how much did tsmc get for its arizona fabs?") gets back the
capitals of the words the corpus writes as names, and of countries and their adjectives, so the
name checks read "tsmc" as they read "TSMC" (and "brazil", which a report may never name, as
"Brazil"). Retrieval never needed them (BM25 and the embedding model both ignore case); the answerer's
checks that a question's names stand in the report do."""

from __future__ import annotations

import re

from assistant.text.names import country_names, is_demonym
from assistant.text.words import STOPWORDS, WORD_RE, stem

_POSSESSIVE_RE = re.compile(r"(?:'s|’s)$")


def restore_case(question: str, proper: frozenset[str]) -> str:
    """``question`` with a capital on each word whose stem the corpus capitalises mid-sentence more
    often than not (``CorpusStats.proper``) and on each country; a question with a capital anywhere
    but its first letter is left as typed."""
    if any(c.isupper() for c in question[1:]):
        return question

    def capital(m: re.Match) -> str:
        word = m.group(0)
        core = _POSSESSIVE_RE.sub("", word)
        if core in STOPWORDS or core.isdigit():
            return word
        if stem(core) in proper or core in country_names() or is_demonym(core):
            return word[0].upper() + word[1:]
        return word

    low = question.lower()
    for country in (c for c in country_names() if " " in c and c in low):  # "south korea", first
        question = re.sub(rf"\b{re.escape(country)}\b", country.title(), question, flags=re.I)
    return WORD_RE.sub(capital, question)
