"""The vector store: Chroma collections (a local folder or a Chroma server) named per index.

A collection is named ``assistant-<owner>-<settings>-<build>``: ``owner`` identifies this index
(machine, index folder and corpus folder), ``settings`` hashes the index signature (embedding model,
chunking), and ``build`` is new for every build, so a collection never changes once readers use
it. An ingest only ever creates, fills and deletes collections of its own owner: two corpora, or
two checkouts, share one Chroma server without touching each other's vectors.

Every Chroma failure leaves this module as an ``IndexStoreError`` with a one-line message.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from assistant.errors import IndexChangedError, IndexStoreError, IndexUnreachableError
from assistant.index.manifest import Manifest  # noqa: F401 - re-exported: callers read manifests from here
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

PREFIX = "assistant-"
COPY_BATCH = 1000


# --- names -----------------------------------------------------------------------------------------


def owner_key(settings: Settings) -> str:
    """Which index this is: the same machine, index folder and corpus folder give the same key.

    The host name is part of it because two machines may hold the same paths and share one server.
    """
    where = "\0".join((socket.gethostname(), str(Path(settings.index_dir).resolve()), str(Path(settings.corpus_dir).resolve())))
    return hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def signature_key(settings: Settings) -> str:
    return hashlib.sha256(json.dumps(settings.index_signature(), sort_keys=True).encode()).hexdigest()[:8]


def new_collection_name(settings: Settings) -> str:
    """A name never used before, so no reader anywhere has a cached view of it."""
    return f"{PREFIX}{owner_key(settings)}-{signature_key(settings)}-{secrets.token_hex(4)}"


def is_own(name: str, settings: Settings) -> bool:
    return name.startswith(f"{PREFIX}{owner_key(settings)}-")


def where(settings: Settings) -> str:
    return settings.chroma_url or str(Path(settings.index_dir) / "chroma")


# --- errors ----------------------------------------------------------------------------------------


def unreachable(exc: BaseException) -> bool:
    """The server is down or not answering (as opposed to answering with an error)."""
    import httpx

    if isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError)):
        return True
    return isinstance(exc, ValueError) and "could not connect" in str(exc).lower()


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def translate(settings: Settings, exc: BaseException, doing: str) -> IndexStoreError:
    """The one-line ``IndexStoreError`` for a Chroma failure while ``doing`` something."""
    if isinstance(exc, IndexStoreError):
        return exc
    from chromadb.errors import NotFoundError

    if isinstance(exc, NotFoundError):
        return IndexChangedError(f"the index collection was replaced while {doing}; ask again")
    if settings.chroma_url and unreachable(exc):
        return IndexUnreachableError(
            f"cannot reach the Chroma server at {settings.chroma_url} while {doing} ({_short(exc)}); "
            "start it (`chroma run`) or fix ASSISTANT_CHROMA_URL"
        )
    return IndexStoreError(
        f"the Chroma index at {where(settings)} failed while {doing} ({type(exc).__name__}: {_short(exc)}); "
        "run `assistant ingest` to repair it"
    )


def from_store(exc: BaseException) -> bool:
    """The exception comes from Chroma or its transport, not from the code around it."""
    package = type(exc).__module__.split(".")[0]
    return package in {"chromadb", "httpx", "httpcore", "sqlite3"} or unreachable(exc)


@contextmanager
def store_errors(settings: Settings, doing: str, narrow: bool = False) -> Iterator[None]:
    """Turn a Chroma or transport failure inside the block into an ``IndexStoreError``.

    ``narrow``: only exceptions ``from_store`` (the block does more than talk to Chroma, and a bug
    elsewhere must keep its own traceback); otherwise any exception, as Chroma raises many types.
    """
    try:
        yield
    except IndexStoreError:
        raise
    except Exception as exc:
        if narrow and not from_store(exc):
            raise
        raise translate(settings, exc, doing) from exc


# --- clients ---------------------------------------------------------------------------------------


def _local_path(settings: Settings) -> Path:
    return (Path(settings.index_dir) / "chroma").resolve()


# The database file each cached local Chroma system opened (inode), to notice a folder replaced
# under this process: deleted, moved aside by another process's repair, or rebuilt.
_opened: dict[str, int | None] = {}


def _db_inode(path: Path) -> int | None:
    try:
        return (path / "chroma.sqlite3").stat().st_ino
    except OSError:
        return None


def chroma_client(settings: Settings):
    """A Chroma client: HTTP when ``chroma_url`` is set, else persistent under ``index_dir/chroma``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry would try the network on every start; this product runs offline.
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        path = _local_path(settings)
        if str(path) in _opened and _opened[str(path)] != _db_inode(path):
            forget_local_client(settings)  # Chroma would go on serving the old, open database file
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        _opened[str(path)] = _db_inode(path)
        return client
    except Exception as exc:  # chromadb raises ValueError, ConnectionError and its own types
        if settings.chroma_url:
            raise IndexUnreachableError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({_short(exc)}); "
                "start it (`chroma run`) or fix ASSISTANT_CHROMA_URL"
            ) from exc
        raise IndexStoreError(
            f"cannot open the Chroma index at {where(settings)} ({_short(exc)}); run `assistant ingest` to repair it"
        ) from exc


def forget_local_client(settings: Settings) -> None:
    """Drop this process's cached Chroma system for the local folder, so the next client rereads the
    files (Chroma keeps one system per path, which would keep serving a moved or replaced folder)."""
    if settings.chroma_url:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(_local_path(settings))
    _opened.pop(key, None)
    system = SharedSystemClient._identifier_to_system.pop(key, None)
    SharedSystemClient._identifier_to_refcount.pop(key, None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # noqa: BLE001 - a broken system may fail to stop; it is dropped either way
            pass


def move_aside(settings: Settings, why: str, log: Callable[[str], None]) -> None:
    """Move a damaged local Chroma folder out of the way (kept for inspection) so it is rebuilt."""
    forget_local_client(settings)
    folder = Path(settings.index_dir) / "chroma"
    if not folder.exists():
        return
    aside = folder.with_name(f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}")
    folder.rename(aside)
    log(f"the Chroma index at {folder} could not be read ({why}); moved it to {aside.name} and rebuilding")


# --- collections -----------------------------------------------------------------------------------


def collection_names(client, settings: Settings) -> list[str]:
    """The collections this index may manage: all in its own local folder, only its own on a server."""
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    if settings.chroma_url:
        return [n for n in names if is_own(n, settings)]
    return names


def create_collection(client, name: str, settings: Settings):
    return client.create_collection(
        name,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"corpus_dir": str(Path(settings.corpus_dir).resolve())[-200:], "host": socket.gethostname()[:100]},
    )


def get_collection(client, name: str):
    """The collection, or None when it does not exist."""
    from chromadb.errors import NotFoundError

    if not name:
        return None
    try:
        return client.get_collection(name)
    except NotFoundError:
        return None


PAGE = 5000  # records per read: Chroma fails one read of ~100k records ("too many SQL variables")


def get_all(collection, include: list[str]) -> dict[str, list]:
    """Every record of a collection (or a LangChain ``Chroma``), read a page at a time."""
    out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        page = collection.get(include=include, limit=PAGE, offset=offset)
        for key in out:
            out[key].extend(page[key])
        if len(page["ids"]) < PAGE:
            return out
        offset += PAGE


def stored_ids(collection) -> set[str]:
    return set(get_all(collection, [])["ids"])


def read_records(collection, ids: list[str]) -> dict:
    """Records with their vectors, for copying into a new collection (nothing is embedded again)."""
    return collection.get(ids=ids, include=["embeddings", "documents", "metadatas"])


def write_records(collection, data: dict) -> None:
    collection.upsert(ids=data["ids"], embeddings=data["embeddings"], documents=data["documents"], metadatas=data["metadatas"])


def add_records(collection, ids: list[str], texts: list[str], metadatas: list[dict], vectors: list[list[float]]) -> None:
    # upsert, not add: a resumed build may write a record again.
    collection.upsert(ids=ids, documents=texts, metadatas=metadatas, embeddings=vectors)


def open_store(settings: Settings, embeddings: "Embeddings", collection: str, client=None) -> "Chroma":
    """The LangChain view of an existing collection, for ``Assistant.vector_store`` (never creates one:
    a reader must not resurrect a deleted collection as an empty one). The answerers search the
    collection itself (``ask/retrieval.py``)."""
    from langchain_chroma import Chroma

    with store_errors(settings, "opening the index"):
        return Chroma(
            collection_name=collection,
            embedding_function=embeddings,
            client=client or chroma_client(settings),
            create_collection_if_not_exists=False,
        )


def all_chunks(collection, lean: bool = False) -> list[tuple[str, str, dict]]:
    """Every stored chunk as (id, text, metadata) in document order (source, then offset): the order a
    fresh build inserts them, so keyword ties rank alike however the collection was built.

    ``lean``: the metadata cut down to ``source``, ``start`` and ``prefix_len``, page by page (building the keyword
    index needs no more, and a large index's full metadata costs hundreds of megabytes)."""
    if lean:
        rows = []
        offset = 0
        while True:
            page = collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
            rows += [
                (i, text, {"source": m.get("source", ""), "start": m.get("start", 0), "prefix_len": m.get("prefix_len", 0)})
                for i, text, m in zip(page["ids"], page["documents"], page["metadatas"])
            ]
            if len(page["ids"]) < PAGE:
                break
            offset += PAGE
    else:
        data = get_all(collection, ["documents", "metadatas"])
        rows = list(zip(data["ids"], data["documents"], data["metadatas"]))
    return sorted(rows, key=lambda r: (str(r[2].get("source", "")), r[2].get("start", 0), r[0]))
