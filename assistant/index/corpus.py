"""The corpus listing: which files under ``corpus_dir`` may be read, and why the others are not.

Only regular files whose real path lies inside the corpus folder are read. A symbolic link out
of it (to /etc/passwd, /proc/self/status, another checkout), a device, a FIFO or a socket is
refused with its reason, so nothing outside the folder the user chose can reach an answer.
Hidden files and folders are listed as skipped rather than silently dropped, and a name that is
not valid UTF-8 is skipped under its escaped form instead of aborting the run.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

# The kernel's pseudo-files look like regular files but describe this machine: never corpus material.
# (Devices elsewhere are refused as not regular files.)
_SYSTEM_ROOTS = (Path("/proc"), Path("/sys"))


@dataclass
class CorpusListing:
    """``files``: source (POSIX path relative to the corpus folder) -> path to read, sorted.
    ``skipped``: source (escaped when it is not valid UTF-8) -> why it is not read."""

    files: dict[str, Path] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def list_corpus(corpus_dir: Path) -> CorpusListing:
    """Every readable corpus file, and every refused entry with its reason; never raises for one entry."""
    root = Path(corpus_dir).resolve()
    listing = CorpusListing()
    _walk(Path(corpus_dir), "", root, listing)
    listing.files = dict(sorted(listing.files.items()))
    listing.skipped = dict(sorted(listing.skipped.items()))
    return listing


def display_name(source: str) -> str:
    """``source`` as text that can always be printed: undecodable bytes become ``\\xff`` escapes."""
    return os.fsencode(source).decode("utf-8", "backslashreplace")


def file_digest(path: Path) -> str:
    """SHA-256 of a regular file's bytes; ``OSError`` when it is unreadable or no longer a regular file.

    O_NONBLOCK keeps a FIFO swapped in after listing from hanging the ingest.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is no longer a regular file")
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inside(path: Path, root: Path) -> bool:
    """True when ``path``'s real location lies inside ``root`` (itself resolved) and is no kernel file."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return False
    if any(real.is_relative_to(system) for system in _SYSTEM_ROOTS):
        return False
    return real.is_relative_to(root)


def _walk(folder: Path, prefix: str, root: Path, listing: CorpusListing) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        listing.skipped[display_name(prefix or ".") + "/"] = f"folder cannot be listed ({exc.strerror or exc})"
        return
    for entry in entries:
        source = f"{prefix}{entry.name}"
        reason = _name_problem(entry.name)
        if reason:
            listing.skipped[display_name(source)] = reason
            continue
        if entry.name.startswith("."):
            is_dir = entry.is_dir(follow_symlinks=False)
            listing.skipped[source + ("/" if is_dir else "")] = "hidden folder" if is_dir else "hidden file"
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            reason = _link_problem(path, root)
            if reason:
                listing.skipped[source] = reason
                continue
        try:
            mode = path.stat().st_mode  # follows an accepted link to its (inside) target
        except OSError as exc:
            listing.skipped[source] = f"unreadable: {exc.strerror or exc}"
            continue
        if stat.S_ISDIR(mode):
            _walk(path, source + "/", root, listing)
        elif stat.S_ISREG(mode):
            listing.files[source] = path
        else:
            listing.skipped[source] = f"not a regular file ({_kind(mode)}); only regular files are read"


def _name_problem(name: str) -> str | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir hands undecodable bytes over as lone surrogates
        return "the file name is not valid UTF-8; rename the file"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "the file name holds control characters; rename the file"
    return None


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a symbolic link is not followed, or None when it leads to a file inside the corpus."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symbolic link"
    if not inside(path, root):
        return "symbolic link to a file outside the corpus folder (not read)"
    if real.is_dir():
        return "symbolic link to a folder (not followed)"
    return None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"
