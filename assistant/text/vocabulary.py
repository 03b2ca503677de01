"""A corpus's frequent words and their vectors: what near-synonym matching (``ask/candidates.py``)
compares question words with. Computed once per collection by the first process that opens it (in
the ingest they cost 40 % of its time on 441 chunks) and saved with its keyword files
(``index/keywords.py``), so later openings cost a file read instead of thousands of model calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from assistant.text.words import FOOTNOTE_RE, word_terms, words

MAX_WORDS = 5000
MAX_TEXTS = 2000
BATCH = 256


def lexicon(text: str) -> dict[str, str]:
    """Stem -> surface word for the content words of ``text``."""
    return dict(_lexicon(text))


@lru_cache(maxsize=8192)
def _lexicon(text: str) -> tuple[tuple[str, str], ...]:
    # Warm questions read the same sentences and chunks again and again: each is analysed once.
    out: dict[str, str] = {}
    for word in words(FOOTNOTE_RE.sub("", text)):
        for w in (*word.split("-"), word) if "-" in word else (word,):
            for t in word_terms(w):
                out.setdefault(t, w.lower())
    return tuple(out.items())


def frequent_words(texts: Sequence[str], max_words: int = MAX_WORDS, max_texts: int = MAX_TEXTS) -> list[str]:
    """The corpus's most frequent content words (surface forms), most frequent first.

    Words are counted over at most ``max_texts`` texts spread evenly over the corpus: a large
    corpus's frequent words show in any such sample, while counting 100k chunks in Python takes
    tens of seconds. Time and memory are bounded whatever the corpus size.
    """
    step = -(-len(texts) // max_texts) if len(texts) > max_texts else 1
    counts: Counter[str] = Counter()
    for text in texts[::step]:
        counts.update(w for w in lexicon(text).values() if not w.isdigit())
    return [w for w, _ in counts.most_common(max_words)]


def word_vectors(vocabulary: Sequence[str], embeddings) -> dict[str, np.ndarray]:
    """One vector per word, from the index's own embedder (so they compare with its question vectors)."""
    out: dict[str, np.ndarray] = {}
    for i in range(0, len(vocabulary), BATCH):
        batch = list(vocabulary[i : i + BATCH])
        for w, v in zip(batch, embeddings.embed_documents(batch)):
            out[w] = np.asarray(v)
    return out
