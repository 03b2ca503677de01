"""Building a collection: copy unchanged files' vectors, embed the rest, commit batch by batch, switch.

A build never writes into the collection readers use. It fills a new collection and commits
``manifest.building.json`` after every batch whose records are stored, so the manifest never names a
chunk that is not in the store. When every file is in, one atomic rename makes it the live manifest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IndexStoreError
from assistant.index import store
from assistant.index.manifest import BUILDING, LIVE, Manifest, discard
from assistant.settings import Settings

BATCH = 32  # chunks embedded and stored per commit: the embedder's own batch, so commits cost no speed


class LiveUnreadable(IndexStoreError):
    """The live collection lists its chunk ids but cannot return their records (a damaged store)."""


@dataclass
class Pending:
    """A file loaded and chunked, waiting to be embedded."""

    source: str
    entry: dict  # its manifest entry: sha256, ids, chunks, title
    chunks: list  # LangChain Documents


class Build:
    """One new collection being filled; ``commit`` after each stored batch, ``switch`` at the end."""

    def __init__(self, settings: Settings, client, manifest: Manifest, collection, log: Callable[[str], None]) -> None:
        self.settings = settings
        self.client = client
        self.manifest = manifest
        self.collection = collection
        self.log = log
        self.embedded = 0

    @classmethod
    def start(cls, settings: Settings, client, rebuild: bool, log: Callable[[str], None]) -> "Build":
        name = store.new_collection_name(settings)
        with store.store_errors(settings, "creating a collection"):
            collection = store.create_collection(client, name, settings)
        manifest = Manifest(
            signature=settings.index_signature(), collection=name, owner=store.owner_key(settings), rebuild=rebuild
        )
        build = cls(settings, client, manifest, collection, log)
        build.commit()
        return build

    def commit(self) -> None:
        _save(self.manifest, self.settings.index_dir, BUILDING)

    def forget(self, sources: list[str]) -> None:
        """Take files out of the build (deleted or changed since a crashed run stored them)."""
        ids = [i for s in sources for i in self.manifest.files.pop(s, {}).get("ids", ())]
        if ids:
            with store.store_errors(self.settings, "writing the index"):
                self.collection.delete(ids=ids)
        if sources:
            self.commit()

    def copy(self, live_collection, entries: dict[str, dict]) -> None:
        """Copy unchanged files from the live collection with their vectors, a batch at a time."""
        batch: dict[str, dict] = {}
        for source, entry in entries.items():
            batch[source] = entry
            if sum(len(e["ids"]) for e in batch.values()) >= store.COPY_BATCH:
                self._copy(live_collection, batch)
                batch = {}
        if batch:
            self._copy(live_collection, batch)

    def _copy(self, live_collection, batch: dict[str, dict]) -> None:
        ids = [i for e in batch.values() for i in e["ids"]]
        try:
            data = store.read_records(live_collection, ids)
        except Exception as exc:  # noqa: BLE001 - whatever Chroma raises, the live records are unreadable
            if self.settings.chroma_url and store.unreachable(exc):
                raise store.translate(self.settings, exc, "reading the index") from exc
            raise LiveUnreadable(f"{type(exc).__name__}: {exc}") from exc
        if len(data["ids"]) != len(ids):
            raise LiveUnreadable(f"{len(ids) - len(data['ids'])} listed chunks could not be read")
        with store.store_errors(self.settings, "writing the index"):
            store.write_records(self.collection, data)
        self.manifest.files.update(batch)
        self.commit()

    def embed(self, pending: list[Pending], embeddings, progress: bool) -> None:
        """Embed and store the files' chunks; each file is committed once all its chunks are stored."""
        total = sum(len(p.chunks) for p in pending)
        if not total:
            return
        from tqdm import tqdm

        bar = tqdm(total=total, desc="Embedding", unit="chunk", disable=not progress, file=sys.stderr)
        group: list[Pending] = []
        for item in pending:
            group.append(item)
            if sum(len(p.chunks) for p in group) >= BATCH:
                self._embed(group, embeddings, bar)
                group = []
        if group:
            self._embed(group, embeddings, bar)
        bar.close()

    def _embed(self, group: list[Pending], embeddings, bar) -> None:
        ids = [i for p in group for i in p.entry["ids"]]
        chunks = [c for p in group for c in p.chunks]
        vectors = embeddings.embed_documents([c.page_content for c in chunks])
        with store.store_errors(self.settings, "writing the index"):
            store.add_records(self.collection, ids, [c.page_content for c in chunks], [c.metadata for c in chunks], vectors)
        for p in group:
            self.manifest.files[p.source] = p.entry
        self.embedded += len(chunks)
        self.commit()
        bar.update(len(chunks))

    def switch(self, live: Manifest | None) -> Manifest:
        """Make this build the live index (one atomic rename), keeping the replaced collection one
        generation longer for questions still reading it."""
        manifest = self.manifest
        manifest.rebuild = False
        manifest.generation = (live.generation if live else 0) + 1
        manifest.previous = ""
        if live and live.collection and live.collection != manifest.collection:
            if not self.settings.chroma_url or store.is_own(live.collection, self.settings):
                manifest.previous = live.collection
        _save(manifest, self.settings.index_dir, LIVE)
        discard(self.settings.index_dir, BUILDING)
        return manifest


def _save(manifest: Manifest, index_dir: Path, name: str) -> None:
    try:
        manifest.save(index_dir, name)
    except OSError as exc:
        raise IndexStoreError(
            f"cannot write the manifest in {index_dir} ({exc.strerror or exc}); check free space and permissions"
        ) from None


def drop_stale_collections(settings: Settings, client, keep: set[str], log: Callable[[str], None]) -> None:
    """Delete this index's collections other than ``keep`` (finished or abandoned builds). On a server,
    other indexes' collections are never listed, let alone deleted."""
    try:
        names = store.collection_names(client, settings)
        for name in names:
            if name not in keep:
                client.delete_collection(name)
    except Exception as exc:  # noqa: BLE001 - tidying up is retried by the next ingest; never fail for it
        log(f"could not delete old collections ({type(exc).__name__}); the next ingest tries again")
