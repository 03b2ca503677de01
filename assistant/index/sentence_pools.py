"""Sentence vectors that cost no model call: pooled from the token states of the chunk they sit in.

Embedding a chunk already computes one state per token; the chunk's vector is their mean. The mean of
the tokens of one sentence is that sentence's vector, read in its chunk ("late chunking"), and the
mean over the chunk's heading prefix, the sentence before and the sentence is the sentence as a
reader meets it. The answerer ranks sentences by both. Computed at ingest from the same model pass
as the chunk's vector, they leave a new question with one model call (the question itself), where
embedding its 30-80 candidate sentences twice took most of a warm ``ask()``. Held-out on the three
dev corpora (calibration refit each time) they answered as well as sentences embedded alone: 0.684
of 310 questions right against 0.668.

``ChunkPools`` keeps, per sentence span of a chunk's ``page_content``, the mean of its token states
and their count, so means of neighbouring spans combine exactly. ``PoolStore`` keeps them on disk
in ``<index_dir>/pools/<signature>/``, keyed by the chunk's text (the same text, model and settings
give the same states, so a rebuilt collection reuses what an earlier one stored), one shard per
ingest batch: ``N.npy`` (float16 means, memory-mapped on open) and ``N.json`` (keys, spans, counts),
the JSON written last, so a killed ingest leaves either a whole shard or an ignored ``.npy``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.text.sentences import split_sentences

log = logging.getLogger(__name__)

POOLS = "pools"
FORMAT = 1  # bump when what is pooled, or how, changes


@dataclass
class ChunkPools:
    """Token-state means of one chunk: row 0 its heading prefix, then one row per sentence span."""

    spans: list[tuple[int, int]]  # sentence spans in ``page_content`` coordinates
    means: np.ndarray             # (len(spans) + 1, dim), float16
    counts: np.ndarray            # tokens behind each row; 0: none (truncated away, or no prefix)

    def row(self, start: int, end: int) -> int | None:
        """The row of the sentence ``[start, end)`` of ``page_content``, if it has tokens."""
        try:
            i = self.spans.index((start, end)) + 1
        except ValueError:
            return None
        return i if self.counts[i] else None

    def vector(self, rows: Sequence[int]) -> np.ndarray:
        """The unit vector of the tokens of ``rows`` together (a count-weighted mean of their means)."""
        weights = self.counts[list(rows)].astype(np.float32)
        total = (self.means[list(rows)].astype(np.float32) * weights[:, None]).sum(axis=0)
        return total / max(float(np.linalg.norm(total)), 1e-12)


def pool_key(text: str, prefix_len: int) -> str:
    return hashlib.sha1(f"{prefix_len}\0{text}".encode("utf-8")).hexdigest()


def pool_chunk(text: str, prefix_len: int, states: np.ndarray, offsets: Sequence[tuple[int, int]]) -> ChunkPools:
    """Pool ``states`` (one row per non-special token of ``text``, with its character ``offsets``)
    over the prefix and over each sentence of the chunk's body."""
    spans = [(s.start, s.end) for s in split_sentences(text[prefix_len:], prefix_len)]
    bounds = [(0, prefix_len), *spans]
    starts = np.fromiter((a for a, _ in offsets), dtype=np.int64, count=len(offsets))
    ends = np.fromiter((b for _, b in offsets), dtype=np.int64, count=len(offsets))
    means = np.zeros((len(bounds), states.shape[1]), dtype=np.float32)
    counts = np.zeros(len(bounds), dtype=np.int32)
    for i, (a, b) in enumerate(bounds):
        inside = (starts >= a) & (ends <= b) & (ends > starts)
        n = int(inside.sum())
        if n:
            means[i] = states[inside].mean(axis=0)
            counts[i] = n
    return ChunkPools(spans, means.astype(np.float16), counts)


class PoolStore:
    """The chunks' pools on disk, read by key; ``add`` writes one shard."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._where: dict[str, tuple[int, int, list[tuple[int, int]], list[int]]] = {}
        self._shards: list[np.ndarray] = []
        self._load()

    @classmethod
    def for_settings(cls, settings) -> "PoolStore | None":
        if settings.index_dir is None:
            return None
        return cls(pools_folder(settings.index_dir, settings.index_signature()))

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def get(self, key: str) -> ChunkPools | None:
        found = self._where.get(key)
        if found is None:
            return None
        shard, row, spans, counts = found
        return ChunkPools(spans, self._shards[shard][row : row + len(spans) + 1], np.asarray(counts, dtype=np.int32))

    def add(self, pools: dict[str, ChunkPools]) -> None:
        """Write ``pools`` as one shard (keys already stored are left out)."""
        fresh = {k: p for k, p in pools.items() if k not in self._where}
        if not fresh:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{secrets.token_hex(6)}"
        rows, index, at = [], {}, 0
        for key, p in fresh.items():
            rows.append(p.means)
            index[key] = [at, [list(s) for s in p.spans], [int(c) for c in p.counts]]
            at += len(p.spans) + 1
        matrix = np.concatenate(rows).astype(np.float16)
        _write(self.folder / f"{name}.npy", lambda f: np.save(f, matrix))
        _write(self.folder / f"{name}.json", lambda f: f.write(json.dumps({"format": FORMAT, "keys": index}).encode()))
        shard = len(self._shards)
        # Mapped, not held: a large ingest's pools stay on disk.
        self._shards.append(np.load(self.folder / f"{name}.npy", mmap_mode="r"))
        for key, (row, spans, counts) in index.items():
            self._where[key] = (shard, row, [tuple(s) for s in spans], counts)

    def compact(self, keep: set[str], per_shard: int = 1024) -> None:
        """Rewrite the store with only the ``keep`` keys (the chunks of the live collection): a
        corpus that keeps changing would otherwise keep every old chunk's pools."""
        old = sorted(self.folder.glob("*.json")) + sorted(self.folder.glob("*.npy"))
        kept = [k for k in keep if k in self._where]
        entries = {k: self.get(k) for k in kept}
        self._where, self._shards = {}, []
        for i in range(0, len(kept), per_shard):
            self.add({k: entries[k] for k in kept[i : i + per_shard]})
        for path in old:  # new shards get new names, so every old file can go
            path.unlink(missing_ok=True)

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for meta in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
                if data.get("format") != FORMAT:
                    continue
                matrix = np.load(meta.with_suffix(".npy"), mmap_mode="r")
            except (OSError, ValueError) as exc:
                log.warning("skipping the damaged sentence-vector shard %s (%s)", meta.name, exc)
                continue
            shard = len(self._shards)
            self._shards.append(matrix)
            for key, (row, spans, counts) in data["keys"].items():
                if row + len(spans) + 1 <= len(matrix):
                    self._where[key] = (shard, row, [tuple(s) for s in spans], counts)


def pools_folder(index_dir: Path, signature: dict) -> Path:
    digest = hashlib.sha1(json.dumps(signature, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return Path(index_dir) / POOLS / digest


def drop_stale_pools(index_dir: Path, signature: dict) -> None:
    """Delete the pools of other index settings (a changed model, backend or chunking)."""
    keep = pools_folder(index_dir, signature)
    root = Path(index_dir) / POOLS
    if root.is_dir():
        for folder in root.iterdir():
            if folder != keep:
                shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, write) -> None:
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def chunk_pools(docs: Sequence, embeddings, store: PoolStore | None) -> list[ChunkPools | None]:
    """The pools of retrieved chunks: stored at ingest, else pooled now from one model pass per chunk
    (an index built before pools were stored, or a chunk whose shard is missing); None where the
    embedder gives no token states."""
    chunks = [(d.page_content, d.metadata.get("prefix_len", 0)) for d in docs]
    found = [store.get(pool_key(*c)) if store is not None else None for c in chunks]
    missing = [i for i, p in enumerate(found) if p is None]
    if missing and hasattr(embeddings, "embed_chunks"):
        for i, (_, pools) in zip(missing, embeddings.embed_chunks([chunks[i] for i in missing])):
            found[i] = pools
    return found
