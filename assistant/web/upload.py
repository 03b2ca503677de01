"""Documents added from the page: check an uploaded file and write it into the corpus folder.

The HTTP layer (``security.WebGuard``) already refuses oversized uploads and wrong types; this is
the second, authoritative check, made on the file Gradio hands over, right before it is written:

- **name**: only its last part is used as given by a browser; a name with folder parts (``../x.md``)
  is refused, characters outside letters, digits and ``._-+()`` and space become ``_``, hidden
  names (``.x.md``) and names without an accepted suffix are refused, and the target must resolve
  to a file directly inside the corpus folder;
- **size**: zero bytes and more than ``MAX_UPLOAD_BYTES`` are refused (checked with ``stat``
  before anything is read);
- **content** must match the suffix: a PDF starts with ``%PDF-``; md, txt and html are UTF-8
  without NUL bytes; html must look like HTML (a known tag near the start);
- **duplicates**: an existing file of that name is kept unless ``replace`` is set (the page asks
  with its Replace tick); the same bytes again are reported as already there;
- **atomic write**: the bytes go to a hidden temp file in the corpus folder (hidden, so neither
  an ingest nor the watcher reads it half-written), then are linked (no replace) or renamed
  (replace) into place.

Nothing here indexes: the page hands the saved names to ``watch.BackgroundIngest``.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.web.security import MAX_UPLOAD_BYTES, UPLOAD_TYPES

if TYPE_CHECKING:  # pragma: no cover - types only
    from assistant.index.ingest import IngestReport

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\-+() ]+")
_HTML_SNIFF = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|title|meta|p|div|h[1-6]|article|section|main|table|ul|ol|span|a)\b", re.I
)
SAVED, EXISTS, SAME, REFUSED = "saved", "exists", "same", "refused"


class UploadRefused(Exception):
    """The upload is not written; the message is the reason shown to the user."""


@dataclass
class UploadResult:
    """What happened to one uploaded file: ``status`` is saved, exists (not replaced), same
    (identical file already there) or refused; ``name`` is the corpus name (or the name as given
    when refused before it had one); ``message`` is the line shown in the page."""

    name: str
    status: str
    message: str
    replaced: bool = False


def safe_name(given: str) -> str:
    """The corpus file name for an upload called ``given``, or ``UploadRefused`` with the reason."""
    shown = repr(given[:80])
    if not given or not given.strip():
        raise UploadRefused("the file has no name")
    if "/" in given or "\\" in given or "\x00" in given:
        raise UploadRefused(f"{shown}: names with folder parts are not accepted; upload the file itself")
    name = unicodedata.normalize("NFC", given).strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UploadRefused(f"{shown}: the name holds control characters")
    if name.startswith("."):
        raise UploadRefused(f"{shown}: hidden files (names starting with '.') are not accepted")
    name = _UNSAFE.sub("_", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(" ._") or "." + suffix.lower() not in UPLOAD_TYPES:
        raise UploadRefused(f"{shown}: file type not accepted (use md, txt, html or pdf)")
    if len(name) > MAX_NAME_CHARS:
        name = stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip() + "." + suffix
    return name


def content_problem(name: str, data: bytes) -> str | None:
    """Why ``data`` does not match the type its ``name`` claims, or None when it does."""
    suffix = "." + name.rsplit(".", 1)[-1].lower()
    kind = UPLOAD_TYPES.get(suffix)
    if kind is None:
        return "file type not accepted (use md, txt, html or pdf)"
    if not data:
        return "the file is empty (0 bytes)"
    if kind == "pdf":
        return None if data.startswith(b"%PDF-") else "not a PDF (it does not start with %PDF-)"
    if b"\x00" in data:
        return "not a text file (it holds NUL bytes; a binary file renamed?)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
    if not text.strip():
        return "the file holds only white space"
    if suffix in (".html", ".htm") and not _HTML_SNIFF.search(data[:65536]):
        return "does not look like HTML (no HTML tag near its start)"
    return None


def target(corpus_dir: Path, name: str) -> Path:
    """``corpus_dir / name``, checked to be directly inside the corpus folder (resolved)."""
    root = Path(corpus_dir).resolve()
    path = root / name
    if path.parent != root or Path(os.path.normpath(path)).parent != root:
        raise UploadRefused(f"{name!r} would be written outside the corpus folder")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UploadRefused(f"{name!r} exists in the corpus as something other than a plain file; not replaced")
    return path


def save_upload(corpus_dir: Path, source: str | Path, given: str | None = None, replace: bool = False,
                max_bytes: int = MAX_UPLOAD_BYTES) -> UploadResult:
    """Check the uploaded file at ``source`` (named ``given``, by default its own name) and write
    it into ``corpus_dir``; never raises for a bad upload (the result says why)."""
    source = Path(source)
    given = source.name if given is None else given
    try:
        name = safe_name(given)
        size = source.stat().st_size
        if size == 0:
            raise UploadRefused(f"{name}: the file is empty (0 bytes)")
        if size > max_bytes:
            raise UploadRefused(f"{name}: too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB)")
        data = source.read_bytes()
        why = content_problem(name, data)
        if why:
            raise UploadRefused(f"{name}: {why}")
        path = target(corpus_dir, name)
    except UploadRefused as exc:
        return UploadResult(given, REFUSED, f"refused {exc}")
    except OSError as exc:
        return UploadResult(given, REFUSED, f"refused {given!r}: cannot read the upload ({exc.strerror or exc})")
    try:
        return _write(path, data, replace)
    except OSError as exc:
        return UploadResult(name, REFUSED, f"refused {name}: cannot write it into the corpus ({exc.strerror or exc})")


def _write(path: Path, data: bytes, replace: bool) -> UploadResult:
    name = path.name
    if path.exists():
        if path.read_bytes() == data:
            return UploadResult(name, SAME, f"{name} is already in the corpus with the same content")
        if not replace:
            return UploadResult(name, EXISTS, f"{name} exists — tick Replace to overwrite it")
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            existed = path.exists()
            os.replace(tmp, path)
        else:
            existed = False
            try:
                os.link(tmp, path)  # fails if a file of that name appeared meanwhile: never overwrites
            except FileExistsError:
                return UploadResult(name, EXISTS, f"{name} exists — tick Replace to overwrite it")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _fsync_dir(path.parent)
    verb = "replaced" if existed else "saved"
    return UploadResult(name, SAVED, f"{verb} {name} ({len(data) / 1024:.1f} KB)", replaced=existed)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_all(corpus_dir: Path, files: list[str | Path] | None, replace: bool = False) -> list[UploadResult]:
    """``save_upload`` for each file the page hands over (Gradio keeps the browser's file name)."""
    return [save_upload(corpus_dir, f, replace=replace) for f in files or []]


def describe(results: list[UploadResult]) -> str:
    """One line per uploaded file, for the page's status box."""
    return "\n".join(f"- {r.message}" for r in results)


def report_lines(report: "IngestReport", names: list[str]) -> str:
    """An ``IngestReport`` as the page shows it: the summary, then what became of each uploaded
    file (added, updated, skipped with its reason) and any other file skipped."""
    lines = [f"Indexed: {report.summary()}"]
    for name in names:
        if name in report.added:
            lines.append(f"- {name}: added, answerable now")
        elif name in report.updated:
            lines.append(f"- {name}: updated, answerable now")
        elif name in report.skipped:
            lines.append(f"- {name}: skipped — {report.skipped[name]}")
        elif name in report.unchanged:
            lines.append(f"- {name}: already indexed")
    others = {s: why for s, why in report.skipped.items() if s not in names}
    lines += [f"- {s}: skipped — {why}" for s, why in sorted(others.items())[:10]]
    return "\n".join(lines)
