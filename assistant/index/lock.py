"""One ingest at a time per index: an OS file lock in the index folder.

The lock is ``flock``-based (``filelock``), so the kernel releases it when its holder dies, even
by ``kill -9``: a crashed ingest never leaves a stale lock behind. Readers take no lock; they read
only complete collections (see ``ingest``), so an ingest never blocks a question.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexBusyError, IndexStoreError

LOCK_NAME = ".ingest.lock"
DEFAULT_WAIT = 900.0  # seconds; a full rebuild of a large corpus on a laptop fits well inside


@contextmanager
def ingest_lock(
    index_dir: Path,
    wait: float = DEFAULT_WAIT,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
) -> Iterator[None]:
    """Hold the index's ingest lock; wait up to ``wait`` seconds (saying so) when another ingest has it."""
    from filelock import Timeout

    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = _file_lock(index_dir / LOCK_NAME)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log(f"another ingest of {index_dir} is running; waiting for it (up to {wait:.0f} s) …")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise IndexBusyError(
                    f"another ingest of {index_dir} is still running after {wait:.0f} s; "
                    "let it finish, then run `assistant ingest` again"
                ) from None
    except OSError as exc:
        raise IndexStoreError(
            f"cannot lock the index folder {index_dir} ({exc.strerror or exc}); check that it is writable"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _file_lock(path: Path):
    from filelock import FileLock

    try:
        # Keep the file: a lock file deleted on release is one more race between waiting processes.
        return FileLock(str(path), preserve_lock_file=True)
    except TypeError:  # filelock 3 has no such option and never deletes the file
        return FileLock(str(path))
