"""Hybrid retrieval: dense vectors from Chroma and BM25 keywords, fused by reciprocal rank."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document

from assistant.index.keywords import KeywordIndex, open_keywords
from assistant.index.store import all_chunks
from assistant.text.stats import CorpusStats
from assistant.text.words import content_terms

if TYPE_CHECKING:
    from langchain_core.retrievers import BaseRetriever

__all__ = ["CorpusStats", "HybridRetriever"]  # CorpusStats lives in assistant.text.stats; kept importable here


class HybridRetriever:
    """Dense (Chroma, cosine) and BM25 rankings fused with reciprocal rank fusion.

    Returned documents carry the chunk metadata plus ``score`` (fused), ``dense`` (cosine
    similarity) and ``rank``. With ``index_dir`` and ``name`` the keyword index saved with the
    collection at ingest is loaded instead of rebuilt (and saved when it is missing).

    It searches the Chroma ``collection`` itself, not through LangChain's vector store, and is not
    itself a LangChain ``BaseRetriever`` (``as_retriever`` gives one): importing LangChain's retriever
    and vector-store modules pulls in its tracing and LangSmith's client, 0.8 s of every one-shot
    answer on a small machine, which the offline answerer never uses.
    """

    def __init__(
        self, collection: Any, embeddings: Any, k: int = 5, fetch_k: int = 20, rrf_k: int = 60,
        index_dir: Path | None = None, name: str = "",
    ) -> None:
        self.collection, self.embeddings = collection, embeddings
        self.k, self.fetch_k, self.rrf_k = k, fetch_k, rrf_k
        self.index_dir, self.name = index_dir, name
        self._chunks: list[tuple[str, str, dict]] = []
        self._keywords: KeywordIndex | None = None
        self._stats: CorpusStats | None = None
        self._lock = threading.Lock()
        self._langchain: BaseRetriever | None = None

    def refresh(self) -> None:
        """Reload the chunks and the keyword index from the store (after an ingest)."""
        chunks = all_chunks(self.collection)
        keywords = open_keywords(self.index_dir, self.name, chunks)
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

    def as_retriever(self) -> "BaseRetriever":
        """This search as a LangChain retriever (``invoke(query, k=...)``, callbacks), for chains."""
        if self._langchain is None:
            from assistant.ask.langchain_retriever import LangChainRetriever

            self._langchain = LangChainRetriever(search=self)
        return self._langchain

    def search(self, query: str, k: int | None = None) -> list[Document]:
        """The ``k`` best chunks for ``query``."""
        k = k or self.k
        if self._stats is None:
            self.refresh()
        if not self._chunks:
            return []
        fetch = max(self.fetch_k, k)
        fused: dict[tuple[str, int], float] = {}
        found: dict[tuple[str, int], Document] = {}

        vector = self.embeddings.embed_query(query)
        dense = self.collection.query(
            query_embeddings=[vector], n_results=min(fetch, len(self._chunks)), include=["documents", "metadatas", "distances"]
        )
        rows = zip(dense["ids"][0], dense["documents"][0], dense["metadatas"][0], dense["distances"][0])
        for rank, (chunk_id, text, meta, distance) in enumerate(rows):
            key = (meta["source"], meta["start"])
            # The collection measures cosine distance (``store.create_collection``).
            found[key] = Document(id=chunk_id, page_content=text, metadata={**meta, "dense": 1.0 - float(distance)})
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
