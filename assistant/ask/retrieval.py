"""Hybrid retrieval: dense vectors from Chroma and BM25 keywords, fused by reciprocal rank."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.index.keywords import KeywordIndex, open_keywords
from assistant.index.store import all_chunks
from assistant.text.stats import CorpusStats
from assistant.text.words import content_terms

__all__ = ["CorpusStats", "HybridRetriever"]  # CorpusStats lives in assistant.text.stats; kept importable here


class HybridRetriever(BaseRetriever):
    """Dense (Chroma, cosine) and BM25 rankings fused with reciprocal rank fusion.

    Returned documents carry the chunk metadata plus ``score`` (fused), ``dense`` (cosine
    similarity) and ``rank``. With ``index_dir`` and ``collection`` the keyword index saved with the
    collection at ingest is loaded instead of rebuilt (and saved when it is missing).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    embeddings: Any
    k: int = 5
    fetch_k: int = 20
    rrf_k: int = 60
    index_dir: Path | None = None
    collection: str = ""

    _chunks: list[tuple[str, str, dict]] = PrivateAttr(default_factory=list)
    _keywords: KeywordIndex | None = PrivateAttr(default=None)
    _stats: CorpusStats | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Reload the chunks and the keyword index from the store (after an ingest)."""
        chunks = all_chunks(self.store)
        keywords = open_keywords(self.index_dir, self.collection, chunks)
        with self._lock:
            self._chunks, self._keywords, self._stats = chunks, keywords, keywords.stats

    @property
    def chunks(self) -> list[tuple[str, str, dict]]:
        return self._chunks

    @property
    def word_vectors(self) -> dict | None:
        """The frequent words' vectors saved with the index, if it has them."""
        return self._keywords.word_vectors if self._keywords is not None else None

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
        if query_terms and self._keywords is not None:
            for rank, (i, _) in enumerate(self._keywords.top(query_terms, fetch)):
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
