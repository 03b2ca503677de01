"""The ingest manifest: what a collection holds, written atomically only after the vectors are stored.

``manifest.json`` is the live index: the Chroma collection readers open, the settings it was built
with, and per source file its hash and chunk ids. ``manifest.building.json`` describes an index
being built (every ingest that changes something builds a new collection): it is committed batch by
batch, and becomes ``manifest.json`` by one atomic rename when complete. A crash therefore leaves
the old index live and the build resumable, never a manifest that promises vectors not stored.

A large file is committed batch by batch too: while only its first chunks are stored, its entry in
the building manifest says how many (``partial``) instead of listing ids, and a resumed build
embeds it from there. Chunk ``i`` of a file always has the id ``chunk_id(source, sha256, i)``.
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
    ``skipped`` (the reason) for a file that is not indexed, or (building only) ``sha256``, ``title``
    and ``partial``, the number of its first chunks stored so far."""

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
        # A build commits after every batch: compact JSON there (the C encoder, several times faster
        # than the indented one, which matters once thousands of chunk ids are listed).
        indent = None if name == BUILDING else 1
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, indent=indent, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, index_dir / name)

    def indexed(self) -> dict[str, dict]:
        """The entries whose chunks are all in the collection (skipped and partly stored files left out)."""
        return {s: e for s, e in self.files.items() if not e.get("skipped") and "partial" not in e}

    def partial(self) -> dict[str, dict]:
        """(building only) The files of which only the first ``partial`` chunks are stored yet."""
        return {s: e for s, e in self.files.items() if "partial" in e and not e.get("skipped")}

    def ids(self) -> set[str]:
        """Every chunk id the collection should hold, partly stored files' included."""
        return {i for s, e in self.files.items() if not e.get("skipped") for i in entry_ids(s, e)}

    def chunk_count(self) -> int:
        return sum(len(e.get("ids", ())) for e in self.indexed().values())


def chunk_id(source: str, sha256: str, index: int) -> str:
    return f"{source}#{index}@{sha256[:10]}"


def entry_ids(source: str, entry: dict) -> list[str]:
    """The chunk ids an entry stands for: its list, or a partly stored file's first ``partial``."""
    if "partial" in entry:
        return [chunk_id(source, entry.get("sha256", ""), i) for i in range(int(entry["partial"]))]
    return list(entry.get("ids", ()))


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
