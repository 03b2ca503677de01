"""Question words matched to evidence words: exactly by stem, by compound, or by close meaning.

The meaning match compares word embeddings. A question compares the same few hundred evidence words
with the same few terms sentence after sentence, so each word's cosines to all the terms are
computed once per question, in one matrix product, and a sentence takes the best of its words' rows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from assistant.ask.questions import ParsedQuestion


class SoftMatcher:
    """Matches question words to evidence words: exactly by stem, by compound ("chips" in
    "microchips"), or by close meaning (word embeddings, cosine >= NEAR)."""

    NEAR = 0.6

    def __init__(self, embeddings, question: ParsedQuestion, vectors: dict[str, np.ndarray]) -> None:
        self.embeddings = embeddings
        self.terms = question.all_terms
        self.surface = {t: question.surface.get(t, t) for t in question.terms}
        self._vectors = vectors
        # Each evidence word's cosine to every question word that may match by meaning, one row per word.
        self._soft = [t for t in self.terms if t in self.surface and not t.isdigit()]
        self._column = {t: i for i, t in enumerate(self._soft)}
        self._row: dict[str, int] = {}
        self._sims = np.zeros((0, len(self._soft)))

    def _vec(self, words: list[str]) -> None:
        todo = list(dict.fromkeys(w for w in words if w not in self._vectors))
        if todo:
            for w, v in zip(todo, self.embeddings.embed_documents(todo)):
                self._vectors[w] = np.asarray(v)

    def prepare(self, words: Iterable[str], embed: bool = True) -> None:
        """Have the cosines of ``words`` (the evidence's surface words) to the question's terms; with
        ``embed`` False only of those whose vectors are at hand (a word is embedded only when a
        sentence needs it)."""
        new = list(dict.fromkeys(w for w in words if w not in self._row and not w.isdigit()
                                 and (embed or w in self._vectors)))
        if not new or not self._soft:
            return
        self._vec([self.surface[t] for t in self._soft] + new)
        terms = np.stack([self._vectors[self.surface[t]] for t in self._soft])
        sims = np.stack([self._vectors[w] for w in new]) @ terms.T
        self._row.update({w: len(self._sims) + i for i, w in enumerate(new)})
        self._sims = np.vstack([self._sims, sims])

    def matches(self, lexicon: dict[str, str]) -> dict[str, float]:
        out: dict[str, float] = {}
        pending = []
        joined = " ".join(lexicon)  # one substring test rules most compounds out before the word-by-word one
        for t in self.terms:
            if t in lexicon:
                out[t] = 1.0
            elif len(t) >= 4 and t in joined and any(len(w) > len(t) and (w.endswith(t) or w.startswith(t)) for w in lexicon):
                out[t] = 0.9
            elif t in self.surface and not t.isdigit():
                pending.append(t)
        words = [w for w in lexicon.values() if not w.isdigit()] if pending else []
        if words:
            if any(w not in self._row for w in words):
                self.prepare(words)
            best = self._sims[[self._row[w] for w in words]].max(axis=0)
            for t in pending:
                sim = float(best[self._column[t]])
                if sim >= self.NEAR:
                    out[t] = sim
        return out
