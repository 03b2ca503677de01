"""The vector store: a Chroma collection (local folder or Chroma server) plus the ingest manifest.

The collection is named from a hash of the embedding model and chunking settings, and the
manifest records that signature, so changed settings rebuild the index instead of mixing vectors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from assistant.errors import IndexStoreError
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

MANIFEST = "manifest.json"


@dataclass
class Manifest:
    """What is in the index: the build signature and, per source file, its hash and chunk ids."""

    signature: dict = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, index_dir: Path) -> "Manifest | None":
        path = index_dir / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["signature"], data["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged manifest means "rebuild", not a crash

    def save(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = index_dir / (MANIFEST + ".tmp")
        tmp.write_text(
            json.dumps({"signature": self.signature, "files": self.files}, indent=1),
            encoding="utf-8",
        )
        tmp.replace(index_dir / MANIFEST)


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
        path = settings.index_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises ValueError, ConnectionError and its own types
        where = settings.chroma_url or settings.index_dir
        raise IndexStoreError(
            f"cannot open the Chroma index at {where} ({exc}); check ASSISTANT_CHROMA_URL or run `assistant ingest --rebuild`"
        ) from exc


def local_index_exists(settings: Settings) -> bool:
    return settings.chroma_url is not None or (settings.index_dir / "chroma").is_dir()


def open_store(settings: Settings, embeddings: "Embeddings", client=None) -> "Chroma":
    from langchain_chroma import Chroma

    return Chroma(
        collection_name=settings.collection_name(),
        embedding_function=embeddings,
        client=client or chroma_client(settings),
        collection_configuration={"hnsw": {"space": "cosine"}},
    )


def drop_collections(client, keep: str | None = None) -> None:
    """Delete this package's collections other than ``keep`` (old settings' vectors)."""
    for col in client.list_collections():
        name = col if isinstance(col, str) else col.name
        if name.startswith("assistant-") and name != keep:
            client.delete_collection(name)


def all_chunks(store: "Chroma") -> list[tuple[str, str, dict]]:
    """Every stored chunk as (id, text, metadata), for the keyword index."""
    data = store.get(include=["documents", "metadatas"])
    return list(zip(data["ids"], data["documents"], data["metadatas"]))
