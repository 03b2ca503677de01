"""Hybrid retrieval: dense vectors from Chroma and BM25 keywords, fused by reciprocal rank."""

from __future__ import annotations

import math
import threading
from collections import Counter
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.index.store import all_chunks
from assistant.text.sentences import split_sentences
from assistant.text.words import FOOTNOTE_RE, STOPWORDS, content_terms, stem, words


class CorpusStats:
    """Term statistics of the indexed chunks: IDF weights and which words are proper names."""

    def __init__(self, texts: list[str]) -> None:
        self.n = len(texts)
        df: Counter[str] = Counter()
        cap: Counter[str] = Counter()
        low: Counter[str] = Counter()
        for text in texts:
            df.update(set(content_terms(text)))
            clean = FOOTNOTE_RE.sub("", text)
            for line in clean.split("\n"):
                for span in split_sentences(line):
                    sentence = line[span.start : span.end]
                    for i, word in enumerate(words(sentence)):
                        if word.lower() in STOPWORDS:
                            continue
                        if word[0].isupper():
                            if i > 0:
                                cap[stem(word)] += 1
                        else:
                            low[stem(word)] += 1
        self.df = df
        self.proper = frozenset(s for s, c in cap.items() if c > low.get(s, 0))
        self.max_idf = math.log((self.n + 1) / 0.5)

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 0.5))

    def weight(self, term: str) -> float:
        """Every query word counts; rare ones count more (up to twice as much)."""
        return 1.0 + max(self.idf(term), 0.0) / self.max_idf

    def known(self, term: str) -> bool:
        return term in self.df


class HybridRetriever(BaseRetriever):
    """Dense (Chroma, cosine) and BM25 rankings fused with reciprocal rank fusion.

    Returned documents carry the chunk metadata plus ``score`` (fused), ``dense`` (cosine
    similarity) and ``rank``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    embeddings: Any
    k: int = 5
    fetch_k: int = 20
    rrf_k: int = 60

    _chunks: list[tuple[str, str, dict]] = PrivateAttr(default_factory=list)
    _bm25: Any = PrivateAttr(default=None)
    _stats: CorpusStats | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Reload the keyword index from the store (after an ingest)."""
        from rank_bm25 import BM25Okapi

        chunks = all_chunks(self.store)
        stats = CorpusStats([text for _, text, _ in chunks])
        bm25 = BM25Okapi([content_terms(text) or ["_"] for _, text, _ in chunks]) if chunks else None
        with self._lock:
            self._chunks, self._bm25, self._stats = chunks, bm25, stats

    @property
    def chunks(self) -> list[tuple[str, str, dict]]:
        return self._chunks

    @property
    def stats(self) -> CorpusStats:
        if self._stats is None:
            self.refresh()
        return self._stats

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        """The ``k`` best chunks for ``query``; call through ``invoke(query, k=...)`` so callbacks fire."""
        k = k or self.k
        if self._stats is None:
            self.refresh()
        if not self._chunks:
            return []
        fetch = max(self.fetch_k, k)
        fused: dict[tuple[str, int], float] = {}
        found: dict[tuple[str, int], Document] = {}

        vector = self.embeddings.embed_query(query)
        dense = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=min(fetch, len(self._chunks)))
        for rank, (doc, distance) in enumerate(dense):
            key = (doc.metadata["source"], doc.metadata["start"])
            doc.metadata["dense"] = 1.0 - float(distance)
            found[key] = doc
            fused[key] = fused.get(key, 0.0) + 1.0 / (self.rrf_k + rank + 1)

        query_terms = content_terms(query)
        if query_terms and self._bm25 is not None:
            scores = self._bm25.get_scores(query_terms)
            order = sorted(range(len(scores)), key=lambda i: -scores[i])[:fetch]
            for rank, i in enumerate(order):
                if scores[i] <= 0:
                    break
                _, text, meta = self._chunks[i]
                key = (meta["source"], meta["start"])
                if key not in found:
                    found[key] = Document(page_content=text, metadata=dict(meta))
                fused[key] = fused.get(key, 0.0) + 1.0 / (self.rrf_k + rank + 1)

        ranked = sorted(fused, key=lambda key: -fused[key])[:k]
        out = []
        for rank, key in enumerate(ranked):
            doc = found[key]
            doc.metadata.update(score=round(fused[key], 6), rank=rank + 1)
            doc.metadata.setdefault("dense", 0.0)
            out.append(doc)
        return out
