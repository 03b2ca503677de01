"""What "supported" means for one model sentence against the text it cites.

Checked in order, each failure a one-line reason: every quantity (value, scale and unit), year and
proper name of the sentence stands in the cited chunks; a negation is not flipped; and the content
words are covered by the cited text, exactly, by stem, or by a close synonym (embedding cosine of
the two words). Meaning alone is never enough: a fluent sentence with one changed fact reads close.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.text.names import name_runs
from assistant.text.quantities import CURRENCY_SIGNS, missing_quantities
from assistant.text.words import FOOTNOTE_RE, content_terms

NEGATION_RE = re.compile(r"\b(?:not|no longer|never|no|none|neither|nor|without|cannot|n't|unlikely|fail(?:s|ed)? to)\b|n't\b", re.I)
# A word starting with a capital, letters of any script and digits included ("François", "GH200", "RM500").
CAPITALISED_RE = re.compile(r"(?<=[\w,;:()\"'-] )[^\W\d_][^\W_]+|(?<=[a-z]-)[^\W\d_][^\W_]+")
MIN_COVERAGE = 0.75  # share of content words the cited text must hold (or a close synonym of)
MIN_SYNONYM = 0.72  # word-to-word cosine that counts as a close synonym (MiniLM: "cost"~"price" 0.74)


def normalise(text: str) -> str:
    """Lower case, footnotes and punctuation dropped, possessives cut, spaces collapsed, padded."""
    text = FOOTNOTE_RE.sub(" ", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(rf"[-–—{CURRENCY_SIGNS}]", " ", text.lower())
    words = (w.strip(".'") for w in re.findall(r"[\w.%']+", text))  # "Taiwan." is "taiwan"; "8.6" stays
    return " " + " ".join(w for w in words if w).replace("'s ", " ").replace("’s ", " ") + " "


def missing_names(claim: str, source_norm: str, proper: frozenset[str]) -> list[str]:
    """Name words of the claim (TSMC, Kumamoto, Rapidus) absent from the normalised source."""
    words = []
    for run in name_runs(claim, proper):
        # A name stands whole ("Mark Liu", not "Samsung Liu" beside a "Samsung" elsewhere in the chunk).
        whole = " ".join(w for w in normalise(run).split() if not w.isdigit())
        words += [whole] if whole and f" {whole} " not in source_norm else []
    # Capitalised words inside the sentence are names too, even where the name grammar does not
    # see them ("post-Fukushima", "Samsung-friendly").
    words += [w.lower() for w in CAPITALISED_RE.findall(claim) if w[0].isupper()]
    return [w for w in dict.fromkeys(words) if f" {w} " not in source_norm]


def negated(text: str) -> bool:
    return bool(NEGATION_RE.search(text))


class WordCover:
    """Covers a claim's content words by the cited text's words, allowing close synonyms."""

    def __init__(self, embeddings) -> None:
        self.embeddings = embeddings
        self._cache: dict[str, np.ndarray] = {}

    def _matrix(self, words: list[str]) -> np.ndarray:
        new = [w for w in words if w not in self._cache]
        if new:  # one batch per passage, not one model call per word
            for w, v in zip(new, self.embeddings.embed_documents(new)):
                self._cache[w] = np.asarray(v, dtype=np.float32)
        if len(self._cache) > 50000:
            self._cache.clear()
            return self._matrix(words)
        return np.stack([self._cache[w] for w in words])

    def uncovered(self, claim: str, source: str) -> tuple[list[str], float]:
        """The claim's content words the source neither holds nor has a close synonym for, and the share covered."""
        wanted = list(dict.fromkeys(content_terms(claim)))
        if not wanted:
            return [], 1.0
        have = set(content_terms(source))
        missing = [w for w in wanted if w not in have]
        if missing and have:
            # Stems embed well enough for synonyms ("invest" ~ "fund"); exact matches never need it.
            source_words = sorted(have)
            matrix = self._matrix(source_words)
            sims = self._matrix(missing) @ matrix.T
            missing = [w for w, row in zip(missing, sims) if float(row.max()) < MIN_SYNONYM]
        return missing, 1.0 - len(missing) / len(wanted)


def fact_problems(claim: str, source: str, proper: frozenset[str]) -> list[str]:
    """Quantities and names of ``claim`` missing from ``source`` (the cited chunks' trusted text)."""
    return missing_quantities(claim, FOOTNOTE_RE.sub(" ", source)) + missing_names(claim, normalise(source), proper)
