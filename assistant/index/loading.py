"""Load corpus files (md, txt, html, pdf) into LangChain ``Document``s of their full text.

The ``page_content`` of a loaded document is the text that citation offsets index: the file
itself for md and txt (so ``quote == file.read_text()[start:end]``), the extracted text for
html and pdf. A file that cannot be used raises ``SkipFile`` with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from langchain_core.documents import Document

SUPPORTED = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".pdf": "pdf"}


class SkipFile(Exception):
    """The file is left out of the index; the message is the reason shown to the user."""


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every non-hidden file under ``corpus_dir``, sorted, so ingest reports are stable."""
    return sorted(
        p for p in corpus_dir.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def load_file(path: Path, corpus_dir: Path) -> Document:
    """Load one file; raise ``SkipFile`` when it is unsupported, empty, binary or unreadable."""
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise SkipFile(f"unsupported file type '{path.suffix or path.name}' (use md, txt, html or pdf)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise SkipFile("empty file")
    source = path.relative_to(corpus_dir).as_posix()
    if kind == "pdf":
        text, title, page_starts = _pdf_text(path)
        meta: dict = {"page_starts": page_starts}
    else:
        if b"\x00" in raw[:8192]:
            raise SkipFile("binary content (NUL bytes) in a text file")
        try:
            # read_text, not decode: universal newlines make offsets agree with Path.read_text().
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SkipFile(f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
        meta = {}
        title = ""
        if kind == "html":
            text, title = _html_text(text)
        elif kind == "md":
            fm, body_start = _front_matter(text)
            meta.update({k: v for k, v in fm.items() if isinstance(v, (str, int, float, bool))})
            meta["body_start"] = body_start
            title = str(fm.get("title") or "")
    if not text.strip():
        raise SkipFile("no text could be extracted")
    title = title or _first_heading(text, meta.get("body_start", 0)) or path.stem.replace("_", " ").replace("-", " ")
    meta.update({"source": source, "filetype": kind, "title": title.strip()})
    meta.setdefault("body_start", 0)
    return Document(page_content=text, metadata=meta)


def _front_matter(text: str) -> tuple[dict, int]:
    """Parse YAML front matter; return it and the offset where the body starts."""
    import frontmatter
    import yaml

    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        return {}, 0
    try:
        fm_text, content = handler.split(text)
        data = handler.load(fm_text) or {}
    except (ValueError, yaml.YAMLError):
        return {}, 0
    return (data if isinstance(data, dict) else {}), len(text) - len(content)


def _first_heading(text: str, start: int) -> str:
    m = re.search(r"^#\s+(.+)$", text[start:], re.MULTILINE)
    return m.group(1).strip() if m else ""


_BLOCK_TAGS = ("p", "li", "tr", "pre", "blockquote", "dd", "dt", "figcaption", "caption", "div", "section", "article", "br", "table")


def _html_text(html: str) -> tuple[str, str]:
    """Visible text of an HTML page, headings marked with ``#`` so chunking keeps the outline."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "template", "head", "nav", "svg", "iframe", "form", "button"]):
        tag.decompose()
    for level in range(1, 7):
        for h in soup.find_all(f"h{level}"):
            h.replace_with(f"\n\n{'#' * level} {h.get_text(' ', strip=True)}\n\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    text = soup.get_text()
    lines = [re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    if not title:
        title = _first_heading(text, 0)
    return text, title


def _pdf_text(path: Path) -> tuple[str, str, list[int]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "")
    except (PyPdfError, OSError, ValueError, KeyError) as exc:
        raise SkipFile(f"unreadable PDF: {exc}") from exc
    starts, parts, offset = [], [], 0
    for page in pages:
        starts.append(offset)
        parts.append(page.strip() + "\n\n")
        offset += len(parts[-1])
    return "".join(parts), title, starts
