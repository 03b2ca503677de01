"""Load corpus files (md, txt, html, pdf) into LangChain ``Document``s of their full text.

The ``page_content`` of a loaded document is the text that citation offsets index: the file
itself for md and txt (so ``quote == file.read_text()[start:end]``), the extracted text for
html (``html``: the article without the page's boilerplate) and pdf (``pdf``: lines rebuilt
into paragraphs, headings and table rows). A file that cannot be used raises ``SkipFile`` with
the reason.

Document furniture becomes metadata and stays out of what can be quoted (``furniture``): every
loaded document has ``title``, ``publisher``, ``date`` (ISO ``yyyy-mm-dd`` when it names a day),
``url``, ``author`` and ``dateline`` (strings, "" when unknown), read from Markdown front
matter, the header lines of saved plain text (``Title:``, ``Publisher:``, ``Date:``,
``Source:``), the HTML head, or the PDF's first lines and document information, and completed
from a byline or dateline in the text. Besides, for chunking:

* ``body_start`` — where the body starts (past front matter or header lines);
* ``furniture`` — ``[start, end]`` spans of the text that are no statement (bylines,
  datelines, credit lines, table captions, a PDF's publisher lines);
* ``table_rows`` — one dict per table row (``tables.TableRow``): the span to quote, the row's
  extent and its header-carrying ``row_text``;
* ``page_starts`` — for PDFs, the offset where each page's text starts.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from langchain_core.documents import Document

from assistant.index import furniture
from assistant.index.furniture import URL_RE, iso_date, split_site
from assistant.index.tables import pipe_tables

SUPPORTED = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".pdf": "pdf"}

# Front-matter keys read as each metadata field, in order of preference.
_FRONT_MATTER_KEYS = {
    "title": ("title", "headline"),
    "publisher": ("publisher", "publication", "site_name", "sitename", "site", "outlet", "source"),
    "date": ("date", "published", "publish_date", "pubdate", "date_published", "created"),
    "url": ("url", "link", "canonical", "canonical_url", "permalink", "source_url", "source"),
    "author": ("author", "authors", "byline", "by"),
}


UNSUPPORTED = "unsupported file type"  # a reason that only a rename changes (an ingest need not retry it)


class SkipFile(Exception):
    """The file is left out of the index; the message is the reason shown to the user."""


def load_file(path: Path, corpus_dir: Path) -> Document:
    """Load one file; raise ``SkipFile`` when it is unsupported, empty, binary or unreadable."""
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise SkipFile(f"{UNSUPPORTED} '{path.suffix or path.name}' (use md, txt, html or pdf)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise SkipFile("empty file")
    source = path.relative_to(corpus_dir).as_posix()
    meta: dict = {}
    info: dict[str, str] = {}   # title, publisher, date, url, author as the document states them
    rows: list = []
    spans: list[tuple[int, int]] = []
    body_start = 0
    if kind == "pdf":
        pdf = _pdf(path)
        text = pdf.text
        meta["page_starts"] = pdf.page_starts
        info, rows, spans = dict(pdf.meta), pdf.rows, list(pdf.furniture)
    else:
        if b"\x00" in raw[:8192]:
            raise SkipFile("binary content (NUL bytes) in a text file")
        try:
            # read_text, not decode: universal newlines make offsets agree with Path.read_text().
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SkipFile(f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
        if kind == "html":
            from assistant.index.html import extract

            page = extract(text)
            text, info, rows, spans = page.text, dict(page.meta), page.rows, list(page.furniture)
        elif kind == "md":
            fm, body_start = _front_matter(text)
            meta.update({k: _scalar(v) for k, v in fm.items() if isinstance(v, (str, int, float, bool, _dt.date))})
            info = _front_matter_info(fm)
        else:
            info, body_start = furniture.header_block(text)
        if kind in ("md", "txt"):
            rows = pipe_tables(text, body_start)
    if not text.strip():
        raise SkipFile("no text could be extracted")
    tables = [(r.block_start, r.block_end) if r.block_start >= 0 else (r.row_start, r.row_end) for r in rows]
    found = furniture.scan(text, body_start, skip=spans + tables)
    for key, value in found.meta.items():
        if value and not info.get(key):
            info[key] = value
    if not info.get("publisher") and found.meta.get("agency"):
        info["publisher"] = found.meta["agency"]
    title = str(info.get("title") or "").strip()
    if title and not info.get("publisher"):
        # A web clipper keeps the page's title, "Headline | Site Name".
        title, info["publisher"] = split_site(title)
    title = title or _first_heading(text, body_start) or path.stem.replace("_", " ").replace("-", " ")
    meta.update(
        {
            "source": source,
            "filetype": kind,
            "title": title.strip(),
            "publisher": _clean(info.get("publisher")),
            "date": iso_date(info.get("date")) if info.get("date") else "",
            "url": _clean(info.get("url")),
            "author": _clean(info.get("author")),
            "dateline": _clean(info.get("dateline")),
            "body_start": body_start,
            "furniture": sorted([list(s) for s in spans + found.spans]),
            "table_rows": [r.to_dict() for r in rows],
        }
    )
    return Document(page_content=text, metadata=meta)


def _clean(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _scalar(value):
    return iso_date(value) if isinstance(value, _dt.date) else value


def _front_matter_info(fm: dict) -> dict[str, str]:
    """title, publisher, date, url and author from front matter (lists of authors joined)."""
    out: dict[str, str] = {}
    for field, keys in _FRONT_MATTER_KEYS.items():
        for key in keys:
            value = fm.get(key)
            if isinstance(value, dict):
                value = value.get("name") or value.get("url")
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v.get("name", "") if isinstance(v, dict) else v) for v in value if v)
            if value is None or value == "":
                continue
            value = iso_date(value) if field == "date" else str(value).strip()
            is_url = bool(URL_RE.match(value))
            if key == "source" and (field == "url") != is_url:
                continue  # "source:" is the address when it is one, else the publisher
            out[field] = value
            break
    return out


def _front_matter(text: str) -> tuple[dict, int]:
    """Parse YAML front matter; return it and the offset where the body starts."""
    import frontmatter
    import yaml

    handler = frontmatter.YAMLHandler()
    bom = 1 if text.startswith("\ufeff") else 0  # a file saved with a byte-order mark (Windows editors)
    if not handler.detect(text[bom:]):
        return {}, 0
    try:
        fm_text, content = handler.split(text[bom:])
        data = handler.load(fm_text) or {}
    except (ValueError, yaml.YAMLError):
        return {}, 0
    return (data if isinstance(data, dict) else {}), len(text) - len(content)


def _first_heading(text: str, start: int) -> str:
    m = re.search(r"^#\s+(.+)$", text[start:], re.MULTILINE)
    return m.group(1).strip() if m else ""


def _pdf(path: Path):
    from pypdf.errors import PyPdfError

    from assistant.index.pdf import read_pdf

    try:
        return read_pdf(path)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SkipFile(f"unreadable PDF: {exc}") from exc
