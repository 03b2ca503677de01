"""Building a collection: copy unchanged files' vectors, embed the rest, commit batch by batch, switch.

A build never writes into the collection readers use. It fills a new collection and commits
``manifest.building.json`` after every batch whose records are stored, so the manifest never names a
chunk that is not in the store. Chunks stream from the files in batches (a large file is never a
list of all its chunks, and a killed build resumes inside it). When every file is in, the keyword
index is saved for the collection and one atomic rename makes it the live manifest.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IndexStoreError
from assistant.index import store
from assistant.index.chunking import iter_chunks
from assistant.index.keywords import KeywordIndex, drop_stale_keywords, has_keywords
from assistant.index.manifest import BUILDING, LIVE, Manifest, chunk_id, discard, entry_ids
from assistant.index.sentence_pools import PoolStore, drop_stale_pools, pool_key
from assistant.settings import Settings

_log = logging.getLogger(__name__)

BATCH = 128  # chunks embedded, stored and committed at once: Chroma costs ~40 ms a call besides ~1 ms a
# record, so 128 keeps its share small next to embedding, while a killed ingest loses at most that many


class LiveUnreadable(IndexStoreError):
    """The live collection lists its chunk ids but cannot return their records (a damaged store)."""


@dataclass
class Pending:
    """A file loaded (its chunks counted, not kept), waiting to be embedded from chunk ``done`` on."""

    source: str
    entry: dict  # its manifest entry without the chunk ids: sha256, title
    doc: object  # the loaded LangChain Document
    total: int  # its number of chunks
    chunk_size: int
    overlap: int
    done: int = 0  # chunks stored already (by a killed run, or by this one)

    def chunks(self) -> Iterator:
        return iter_chunks(self.doc, self.chunk_size, self.overlap)

    def stored_entry(self) -> dict:
        """Its manifest entry as far as it is stored: complete with ids, or ``partial``."""
        sha = self.entry["sha256"]
        if self.done < self.total:
            return {**self.entry, "partial": self.done}
        return {**self.entry, "ids": [chunk_id(self.source, sha, i) for i in range(self.total)], "chunks": self.total}


class Build:
    """One new collection being filled; ``commit`` after each stored batch, ``switch`` at the end."""

    def __init__(self, settings: Settings, client, manifest: Manifest, collection, log: Callable[[str], None]) -> None:
        self.settings = settings
        self.client = client
        self.manifest = manifest
        self.collection = collection
        self.log = log
        self.embedded = 0
        self.pools: PoolStore | None = None  # opened by the first batch: a build that embeds nothing never reads it

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
        ids = [i for s in sources for i in entry_ids(s, self.manifest.files.pop(s, {}))]
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
        """Embed and store the files' chunks ``BATCH`` at a time, committing after each batch: a file
        is listed with its ids once all its chunks are stored, as ``partial`` until then."""
        for item in pending:
            if item.done >= item.total:  # every chunk was stored before a kill: only the entry is left to write
                self.manifest.files[item.source] = item.stored_entry()
        total = sum(max(p.total - p.done, 0) for p in pending)
        if not total:
            self.commit()
            return
        from tqdm import tqdm

        # tqdm shows chunks/s and the time left from the total.
        bar = tqdm(total=total, desc="Embedding", unit="chunk", disable=not progress, file=sys.stderr, smoothing=0.05)
        # The model embeds one batch while the batch before it is written and committed and the next
        # one is cut into chunks: otherwise the cores wait on those steps for a tenth of an ingest.
        # Batches are still stored and committed in order, each only once its vectors are in.
        model = ThreadPoolExecutor(1, thread_name_prefix="embed")
        try:
            previous = None
            for batch in _batches(pending):
                current = (batch, model.submit(_embed, batch, embeddings))
                if previous is not None:
                    self._store(*previous, bar)
                previous = current
            if previous is not None:
                self._store(*previous, bar)
        finally:
            model.shutdown(cancel_futures=True)
        bar.close()

    def _store(self, batch: list[tuple[Pending, int, object]], embedded: Future, bar) -> None:
        vectors, pools = embedded.result()
        if pools:  # stored before the batch is committed, so a committed chunk always has them
            self._save_pools(pools)
        with store.store_errors(self.settings, "writing the index"):
            store.add_records(self.collection, [chunk_id(p.source, p.entry["sha256"], i) for p, i, _ in batch],
                              [c.page_content for _, _, c in batch], [c.metadata for _, _, c in batch], vectors)
        for p, i, _ in batch:
            p.done = i + 1
        for p in {id(p): p for p, _, _ in batch}.values():
            self.manifest.files[p.source] = p.stored_entry()
        self.embedded += len(batch)
        self.commit()
        bar.update(len(batch))

    def _save_pools(self, pools: dict) -> None:
        try:
            if self.pools is None:
                self.pools = PoolStore.for_settings(self.settings)
            if self.pools is not None and pools:
                self.pools.add(pools)
        except OSError as exc:  # readers pool a chunk themselves when its pools are missing
            _log.warning("could not save sentence vectors (%s); answers will compute them", exc)

    def _compact_pools(self, live_chunks: int) -> None:
        """Drop the pools of chunks no longer indexed once they outnumber the live ones (checked by
        builds that added pools: only they make the store grow)."""
        if self.pools is None or len(self.pools) <= 2 * live_chunks + 1000:
            return
        try:
            with store.store_errors(self.settings, "reading the index", narrow=True):
                chunks = store.all_chunks(self.collection, lean=True)
            self.pools.compact({pool_key(text, meta.get("prefix_len", 0)) for _, text, meta in chunks})
        except (OSError, IndexStoreError) as exc:  # only space is lost; the next switch tries again
            _log.warning("could not compact the sentence vectors (%s)", exc)

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
        save_keywords(self.settings, self.collection, manifest.collection)  # before readers can open it
        self._compact_pools(sum(e.get("chunks", 0) for e in manifest.files.values()))
        _save(manifest, self.settings.index_dir, LIVE)
        discard(self.settings.index_dir, BUILDING)
        return manifest


def _batches(pending: list[Pending]) -> Iterator[list[tuple[Pending, int, object]]]:
    """The chunks not stored yet, ``BATCH`` at a time, as (file, chunk number, chunk)."""
    batch: list[tuple[Pending, int, object]] = []
    for item in pending:
        for i, chunk in enumerate(item.chunks()):
            if i < item.done:
                continue
            batch.append((item, i, chunk))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _embed(batch: list[tuple[Pending, int, object]], embeddings) -> tuple[list, dict]:
    """The batch's vectors, and its sentences' pools by chunk key when the embedder gives them
    (``sentence_pools``: pooled from the same model pass)."""
    if not hasattr(embeddings, "embed_chunks"):
        return embeddings.embed_documents([c.page_content for _, _, c in batch]), {}
    chunks = [(c.page_content, c.metadata.get("prefix_len", 0)) for _, _, c in batch]
    embedded = embeddings.embed_chunks(chunks)
    return [v for v, _ in embedded], {pool_key(*c): p for c, (_, p) in zip(chunks, embedded) if p is not None}


def _save(manifest: Manifest, index_dir: Path, name: str) -> None:
    try:
        manifest.save(index_dir, name)
    except OSError as exc:
        raise IndexStoreError(
            f"cannot write the manifest in {index_dir} ({exc.strerror or exc}); check free space and permissions"
        ) from None


def save_keywords(settings: Settings, collection, name: str) -> None:
    """Build and save the keyword index of a complete collection, unless it is there already. A
    failure only costs readers the time to build it themselves, so it never fails the ingest."""
    if has_keywords(settings.index_dir, name):
        return
    try:
        with store.store_errors(settings, "reading the index", narrow=True):
            chunks = store.all_chunks(collection, lean=True)
        KeywordIndex.build(chunks).save(settings.index_dir, name)
    except (OSError, IndexStoreError) as exc:
        _log.warning("could not save the keyword index (%s); readers will build it", exc)


def drop_stale_collections(settings: Settings, client, keep: set[str], log: Callable[[str], None]) -> None:
    """Delete this index's collections other than ``keep`` (finished or abandoned builds), and their
    keyword files. On a server, other indexes' collections are never listed, let alone deleted."""
    drop_stale_keywords(settings.index_dir, keep)
    drop_stale_pools(settings.index_dir, settings.index_signature())
    try:
        names = store.collection_names(client, settings)
        for name in names:
            if name not in keep:
                client.delete_collection(name)
    except Exception as exc:  # noqa: BLE001 - tidying up is retried by the next ingest; never fail for it
        log(f"could not delete old collections ({type(exc).__name__}); the next ingest tries again")
