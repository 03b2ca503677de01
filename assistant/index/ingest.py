"""Incremental ingest: corpus files -> chunks -> embeddings -> Chroma, guided by a hash manifest."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from assistant.errors import CorpusError
from assistant.index.chunking import chunk_document
from assistant.index.loading import SkipFile, corpus_files, load_file
from assistant.index.store import Manifest, chroma_client, drop_collections, local_index_exists, open_store
from assistant.settings import Settings

BATCH = 64


@dataclass
class IngestReport:
    """What an ingest run did. ``embedded`` counts the chunks whose vectors were computed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    embedded: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.removed)} removed",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.skipped)} skipped",
            f"{self.chunks} chunks in the index ({self.embedded} embedded)",
            f"{self.seconds:.2f} s",
        ]
        return ("rebuilt: " if self.rebuilt else "") + ", ".join(parts)


def index_usable(settings: Settings, manifest: Manifest | None) -> bool:
    """The index exists and was built with these settings (it may still be behind the corpus)."""
    return manifest is not None and manifest.signature == settings.index_signature() and local_index_exists(settings)


def needs_ingest(settings: Settings) -> bool:
    """True when the index is missing, built with other settings, or behind the corpus."""
    manifest = Manifest.load(settings.index_dir)
    if not index_usable(settings, manifest):
        return True
    files = _hash_files(settings)
    known = {s: f["sha256"] for s, f in manifest.files.items()}
    return files != known


def _hash_files(settings: Settings) -> dict[str, str]:
    out = {}
    for path in corpus_files(settings.corpus_dir):
        try:
            out[path.relative_to(settings.corpus_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            out[path.relative_to(settings.corpus_dir).as_posix()] = "unreadable"
    return out


def ingest(
    settings: Settings,
    rebuild: bool = False,
    embeddings=None,
    progress: bool = True,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
) -> IngestReport:
    """Bring the index in line with the corpus; only new or changed files are embedded."""
    t0 = time.perf_counter()
    if not settings.corpus_dir.is_dir():
        raise CorpusError(f"corpus folder '{settings.corpus_dir}' does not exist; create it and put md, txt, html or pdf files in it")
    report = IngestReport()
    manifest = Manifest.load(settings.index_dir)
    if rebuild or not index_usable(settings, manifest):
        report.rebuilt = manifest is not None or rebuild
        manifest = Manifest(signature=settings.index_signature(), files={})
        fresh = True
    else:
        fresh = False

    current = _hash_files(settings)
    todo: list[str] = []
    for source, digest in current.items():
        old = manifest.files.get(source)
        if old and old["sha256"] == digest:
            if old.get("skipped"):
                report.skipped[source] = old["skipped"]
            else:
                report.unchanged.append(source)
        else:
            todo.append(source)
    gone = [s for s in manifest.files if s not in current]

    if not (todo or gone or fresh):
        report.chunks = sum(f.get("chunks", 0) for f in manifest.files.values())
        report.seconds = time.perf_counter() - t0
        return report

    client = chroma_client(settings)
    if fresh:
        drop_collections(client)
    if embeddings is None:
        from assistant.index.embeddings import load_embeddings

        embeddings = load_embeddings(settings.embedding_model)
    store = open_store(settings, embeddings, client)

    for source in gone:
        entry = manifest.files.pop(source)
        _delete(store, entry)
        if not entry.get("skipped"):
            report.removed.append(source)

    new_chunks = []
    for source in todo:
        old = manifest.files.pop(source, None)
        if old:
            _delete(store, old)
        try:
            doc = load_file(settings.corpus_dir / source, settings.corpus_dir)
            chunks = chunk_document(doc, settings.chunk_size, settings.chunk_overlap)
            if not chunks:
                raise SkipFile("no sentences found")
        except SkipFile as exc:
            report.skipped[source] = str(exc)
            manifest.files[source] = {"sha256": current[source], "skipped": str(exc), "ids": [], "chunks": 0}
            log(f"skipped {source}: {exc}")
            if old and not old.get("skipped"):
                report.removed.append(source)
            continue
        ids = [f"{source}#{i}@{current[source][:10]}" for i in range(len(chunks))]
        new_chunks.extend(zip(ids, chunks))
        manifest.files[source] = {"sha256": current[source], "ids": ids, "chunks": len(chunks), "title": doc.metadata["title"]}
        (report.updated if old and not old.get("skipped") else report.added).append(source)

    if new_chunks:
        from tqdm import tqdm

        bar = tqdm(total=len(new_chunks), desc="Embedding", unit="chunk", disable=not progress, file=sys.stderr)
        for i in range(0, len(new_chunks), BATCH):
            batch = new_chunks[i : i + BATCH]
            store.add_texts(
                [c.page_content for _, c in batch], metadatas=[c.metadata for _, c in batch], ids=[cid for cid, _ in batch]
            )
            bar.update(len(batch))
        bar.close()
    report.embedded = len(new_chunks)
    manifest.save(settings.index_dir)
    report.chunks = sum(f.get("chunks", 0) for f in manifest.files.values())
    report.seconds = time.perf_counter() - t0
    return report


def _delete(store, entry: dict) -> None:
    if entry.get("ids"):
        store.delete(ids=entry["ids"])
