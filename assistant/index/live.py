"""The reader's side of the index: open the collection the live manifest names, checked.

Readers take no lock. Collections never change once live (every ingest builds a new one and the
manifest switches atomically), so a reader that opened one sees a complete index until it notices
the manifest changed (``manifest.token``) and opens the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.errors import IndexStoreError, IndexUnreachableError
from assistant.index import store
from assistant.index.ingest import index_usable
from assistant.index.manifest import Manifest, token
from assistant.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class LiveIndex:
    collection: Any  # the Chroma collection, searched directly (``ask/retrieval.py`` says why)
    manifest: Manifest
    token: tuple | None  # the live manifest's token when it was read


class _Mismatch(IndexStoreError):
    """The collection does not hold what the manifest lists (damaged): only an ingest mends it."""


def open_live(settings: Settings, build: Callable[[], object]) -> LiveIndex:
    """The live index, opened for reading; ``build`` (an ingest) runs first when there is none, and
    repairs it when its collection is missing or does not hold what the manifest lists."""
    problem: IndexStoreError | None = None
    for attempt in range(3):
        seen = token(settings.index_dir)
        manifest = Manifest.load(settings.index_dir)
        if not index_usable(settings, manifest):
            if attempt < 2:
                build()
            continue
        try:
            return _open(settings, manifest, seen)
        except IndexUnreachableError:
            raise
        except _Mismatch as exc:
            problem = exc
        except IndexStoreError as exc:
            problem = exc
            # Chroma caches one view per local folder: after another process moved a damaged folder
            # aside, only a fresh client sees the rebuilt one. Try that once before rebuilding.
            store.forget_local_client(settings)
            if attempt == 0:
                continue
        if attempt < 2:
            log.warning("the index cannot be read (%s); repairing it", problem)
            build()
    raise problem or IndexStoreError(
        f"no usable index in {settings.index_dir} after building it; run `assistant ingest` to see why"
    )


def _open(settings: Settings, manifest: Manifest, seen: tuple | None) -> LiveIndex:
    with store.store_errors(settings, "opening the index"):
        client = store.chroma_client(settings)
        collection = client.get_collection(manifest.collection)
        count = collection.count()
    if count != manifest.chunk_count():
        raise _Mismatch(
            f"the index collection {manifest.collection} holds {count} chunks but its manifest lists "
            f"{manifest.chunk_count()}; run `assistant ingest` to repair it"
        )
    return LiveIndex(collection, manifest, seen)


def live_records(settings: Settings) -> dict[str, tuple[str, dict]]:
    """Every record of the live collection, id -> (text, metadata): what a clean build must equal.

    For checking an index (tests, scripts/crash_ingest.py); raises when the manifest and the store
    disagree on the ids, since then no comparison of records means anything.
    """
    manifest = Manifest.load(settings.index_dir)
    if manifest is None or not manifest.collection:
        raise IndexStoreError(f"no index in {settings.index_dir}; run `assistant ingest`")
    with store.store_errors(settings, "reading the index"):
        data = store.get_all(store.chroma_client(settings).get_collection(manifest.collection), ["documents", "metadatas"])
    if set(data["ids"]) != manifest.ids():
        raise IndexStoreError(f"the index in {settings.index_dir} does not hold what its manifest lists")
    return {i: (text, meta) for i, text, meta in zip(data["ids"], data["documents"], data["metadatas"])}
