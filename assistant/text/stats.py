"""Term statistics of an indexed corpus: IDF weights and which words are proper names.

Computed once per index (at ingest, saved beside the vectors by ``assistant.index.keywords``) and
read back on open, as counting a large corpus in Python takes seconds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.text.sentences import split_sentences
from assistant.text.words import FOOTNOTE_RE, STOPWORDS, content_terms, stem, words


class CorpusStats:
    """Term statistics of the indexed chunks: IDF weights and which words are proper names."""

    def __init__(self, texts: Sequence[str], terms: Sequence[list[str]] | None = None) -> None:
        """``terms``: ``content_terms`` of each text when the caller has them already."""
        df: Counter[str] = Counter()
        cap: Counter[str] = Counter()
        low: Counter[str] = Counter()
        for i, text in enumerate(texts):
            df.update(set(terms[i] if terms is not None else content_terms(text)))
            clean = FOOTNOTE_RE.sub("", text)
            for line in clean.split("\n"):
                for span in split_sentences(line):
                    sentence = line[span.start : span.end]
                    for j, word in enumerate(words(sentence)):
                        if word.lower() in STOPWORDS:
                            continue
                        if word[0].isupper():
                            if j > 0:
                                cap[stem(word)] += 1
                        else:
                            low[stem(word)] += 1
        self._set(len(texts), df, frozenset(s for s, c in cap.items() if c > low.get(s, 0)))

    @classmethod
    def from_counts(cls, n: int, df: dict[str, int], proper: Iterable[str]) -> "CorpusStats":
        """Statistics as ``to_counts`` gave them (read back from a saved index)."""
        stats = cls.__new__(cls)
        stats._set(int(n), Counter({str(t): int(c) for t, c in df.items()}), frozenset(proper))
        return stats

    def to_counts(self) -> dict:
        return {"n": self.n, "df": dict(self.df), "proper": sorted(self.proper)}

    def _set(self, n: int, df: Counter, proper: frozenset[str]) -> None:
        self.n = n
        self.df = df
        self.proper = proper
        self.max_idf = math.log((self.n + 1) / 0.5)
        self._weights: dict[str, float] = {}

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 0.5))

    def weight(self, term: str) -> float:
        """Every query word counts; rare ones count more (up to twice as much)."""
        w = self._weights.get(term)
        if w is None:  # asked for every question word of every candidate sentence: computed once a term
            w = self._weights[term] = 1.0 + max(self.idf(term), 0.0) / self.max_idf
        return w

    def known(self, term: str) -> bool:
        return term in self.df
