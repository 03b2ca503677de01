"""The ingest manifest: what a collection holds, written atomically only after the vectors are stored.

``manifest.json`` is the live index: the Chroma collection readers open, the settings it was built
with, and per source file its hash and chunk ids. ``manifest.building.json`` describes an index
being built (every ingest that changes something builds a new collection): it is committed batch by
batch, and becomes ``manifest.json`` by one atomic rename when complete. A crash therefore leaves
the old index live and the build resumable, never a manifest that promises vectors not stored.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

LIVE = "manifest.json"
BUILDING = "manifest.building.json"


@dataclass
class Manifest:
    """An index's contents. ``files[source]`` holds ``sha256``, ``ids``, ``chunks``, ``title``, or
    ``skipped`` (the reason) for a file that is not indexed."""

    signature: dict = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)
    collection: str = ""  # the Chroma collection holding these files' vectors
    owner: str = ""  # which index this is (``store.owner_key``): collections of other owners are never touched
    previous: str = ""  # the collection this one replaced, kept one generation for questions in flight
    generation: int = 0  # counts switch-overs, for people reading the file
    rebuild: bool = False  # (building only) everything is embedded afresh, nothing copied from the live index

    @classmethod
    def load(cls, index_dir: Path, name: str = LIVE) -> "Manifest | None":
        """The manifest, or None when it is missing, damaged or from an older format (all mean "build")."""
        try:
            data = json.loads((Path(index_dir) / name).read_text(encoding="utf-8"))
            manifest = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (OSError, ValueError, TypeError):
            return None
        if not isinstance(manifest.files, dict) or not isinstance(manifest.signature, dict):
            return None
        return manifest

    def save(self, index_dir: Path, name: str = LIVE) -> None:
        """Write atomically and durably: readers see the old file or the new one, never a torn one."""
        index_dir = Path(index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = index_dir / f"{name}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, indent=1, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, index_dir / name)

    def indexed(self) -> dict[str, dict]:
        """The entries whose chunks are in the collection (skipped files left out)."""
        return {s: e for s, e in self.files.items() if not e.get("skipped")}

    def ids(self) -> set[str]:
        return {i for e in self.indexed().values() for i in e.get("ids", ())}

    def chunk_count(self) -> int:
        return sum(len(e.get("ids", ())) for e in self.indexed().values())


def discard(index_dir: Path, name: str) -> None:
    try:
        (Path(index_dir) / name).unlink()
    except FileNotFoundError:
        pass


def token(index_dir: Path) -> tuple[int, int, int] | None:
    """Changes whenever the live manifest is replaced: a reader's cheap "is my index still current?"."""
    try:
        st = (Path(index_dir) / LIVE).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
