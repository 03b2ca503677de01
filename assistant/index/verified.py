"""A stamp of the local Chroma store as the last ingest left it, so an ingest with nothing to do
need not open Chroma at all (importing and starting it takes seconds; listing 10k ids, more).

An ingest checks the live collection against its manifest (every chunk id) and, when all is
consistent, records here what identifies the store's state: the database file, its collections
and segments, the sequence number of the last write of any kind (Chroma numbers every add, update
and delete), the row count, and the vector segment files with their sizes. The next ingest whose
corpus matches the manifest reads these few rows with the standard library's sqlite3, read-only:
when they are all the same, nothing was written to the store since it was checked, and the check
stands. Any difference, unreadable value or unknown layout (another Chroma version) means "check in
full". Chroma writes on every client start (a lock row), so the file's own size and time say nothing.

A Chroma server is always checked in full: its data is not ours to read behind its back.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from assistant.index.manifest import token
from assistant.settings import Settings

STAMP = "verified.json"
VERSION = 1


def _chroma(settings: Settings) -> Path:
    return Path(settings.index_dir) / "chroma"


def stamp(settings: Settings, collection: str) -> dict | None:
    """What identifies the store's contents now, or None when it cannot be read this way."""
    if settings.chroma_url or not collection:
        return None
    folder = _chroma(settings)
    db = folder / "chroma.sqlite3"
    try:
        inode = db.stat().st_ino
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
        try:
            rows = {
                "collections": con.execute("SELECT id, name FROM collections ORDER BY id").fetchall(),
                "segments": con.execute("SELECT id, type, collection FROM segments ORDER BY id").fetchall(),
                "max_seq_id": con.execute("SELECT segment_id, seq_id FROM max_seq_id ORDER BY segment_id").fetchall(),
                "queue": con.execute("SELECT MAX(seq_id), COUNT(*) FROM embeddings_queue").fetchall(),
                "embeddings": con.execute("SELECT COUNT(*) FROM embeddings").fetchall(),
            }
        finally:
            con.close()
        # Sizes, not times: Chroma rewrites a small collection's vector files from its log on every
        # open (the same content), and the log's sequence numbers above already date every write.
        files = sorted(
            [str(f.relative_to(folder)), f.stat().st_size]
            for d in folder.iterdir()
            if d.is_dir()
            for f in d.rglob("*")
            if f.is_file()
        )
    except (OSError, sqlite3.Error):
        return None
    if collection not in {name for _, name in rows["collections"]}:
        return None
    # Rows as lists, as JSON gives them back.
    tables = {k: [list(r) for r in v] for k, v in rows.items()}
    return {"version": VERSION, "collection": collection, "inode": inode, "tables": tables, "files": files,
            "manifest": list(token(settings.index_dir) or ())}


def save(settings: Settings, collection: str) -> None:
    """Record the store as just checked (after an ingest left it consistent); best effort."""
    path = Path(settings.index_dir) / STAMP
    current = stamp(settings, collection)
    try:
        if current is None:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(f"{STAMP}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(current), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # the next ingest checks in full


def unchanged(settings: Settings, collection: str) -> bool:
    """True when the store is as the last consistent ingest left it."""
    try:
        saved = json.loads((Path(settings.index_dir) / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    current = stamp(settings, collection)
    return current is not None and saved == current
