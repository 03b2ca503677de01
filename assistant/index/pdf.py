"""PDF files: text rebuilt from the positions of its lines, tables as rows, furniture set apart.

``pypdf`` gives the text of a page line by line in drawing order; run through its visitor it
also gives each line's position, font and size. From those this module rebuilds what plain
extraction loses:

* **tables** — a table draws its cells one after another, so a row's cells come out as
  separate lines sharing one baseline ("Intel", "$8.5 billion", "$7.865 billion" …) and a cell
  that wraps adds lines below its first. Lines that share a baseline with lines drawn just before
  or after them, at different x, mark a table; its columns are those x positions, and a new row
  starts where the vertical gap is wider than the gap between the wrapped lines of one cell.
  Each row is written as one line "Header: cell; Header: cell." (see ``tables``), never run
  together with the next row;
* **headings** — lines in a larger font than the body (or wholly bold and short) become ``#``
  lines, so citations carry a section path; the largest at the top of page 1 is the title;
* **paragraphs** — a wider gap than the line spacing ends a paragraph; the lines of one
  paragraph are joined with spaces (a paragraph that runs on to the next page is joined too);
  bullets start a paragraph of their own, without the glyph;
* **furniture** — running headers and footers (page numbers, a line repeated on every page,
  small print in the top or bottom margin) are left out, and the lines under the title that
  name the publisher, date and author ("Silicon Policy Institute | Policy Brief No. 7 | January
  2025 | Author: …") are kept in the text but marked as furniture and read as metadata, with
  the document information (``/Title``, ``/Author``, ``/CreationDate``) as fallback.

When no position can be had for a page, its plain extracted text is used as before.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.index.furniture import URL_RE, find_date, iso_date, loose_date, split_site
from assistant.index.pdf_layout import Line, join_lines, page_lines, tables
from assistant.index.tables import TableRow, render_row, row_text

_BULLETS = "\x7f•▪◦‣·●■–"
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_ORG_RE = re.compile(
    r"\b(?:Institute|Forum|Council|Cent(?:re|er)|Foundation|Association|University|Agency|Department|Ministry|Office|"
    r"Commission|Committee|Bank|Fund|Group|Inc|Ltd|LLC|Corporation|Press|News|Times|Journal|Review|Observatory|"
    r"Laborator(?:y|ies)|Society|Board|Authority|Network|Alliance|Initiative|Service|Bureau|Tribune|Post|Herald|"
    r"Wire|Daily|Weekly|Partners|Consult\w*|Research|Think Tank|Policy)\b"
)
_AUTHOR_RE = re.compile(r"\b(?:Authors?|By|Written by|Prepared by)\s*:?\s+(?P<name>[A-Z][^|·•\n]{1,120})")
_FURNITURE_CUE_RE = re.compile(r"\b(?:Authors?|By|Published|Updated|Date|Prepared by|Written by|Brief|Report|Paper|Issue|No\.)\b|\s[|·•]\s|\s-\s")


@dataclass
class Pdf:
    text: str
    meta: dict[str, str]
    page_starts: list[int]
    rows: list[TableRow] = field(default_factory=list)
    furniture: list[tuple[int, int]] = field(default_factory=list)


# --- the document -------------------------------------------------------------------------------


def read_pdf(path: Path) -> Pdf:
    """Rebuild the text of the PDF at ``path`` (raises pypdf's errors on a broken file)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    info = reader.metadata or {}
    pages: list[tuple[list[Line], str, float]] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            lines, plain = page_lines(page, number)
            height = float(page.mediabox.height)
        except Exception:  # noqa: BLE001 - no layout for this page: its plain text, as pypdf gives it
            lines, plain, height = [], page.extract_text() or "", 0.0
        if any(math.isnan(ln.x) or math.isnan(ln.y) for ln in lines):
            lines = []
        pages.append((lines, plain, height))
    try:
        return _Builder(info, pages).build()
    except Exception:  # noqa: BLE001 - an unforeseen layout: fall back to the plain text of each page
        return _Builder(info, [([], plain, height) for _, plain, height in pages]).build()


class _Builder:
    def __init__(self, info, pages) -> None:
        self.info = info
        self.pages = pages
        self.parts: list[str] = []
        self.pos = 0
        self.rows: list[TableRow] = []
        self.furniture: list[tuple[int, int]] = []
        self.meta: dict[str, str] = {}
        self.running: list[str] = []

    # text assembly
    def add(self, piece: str, join: bool = False) -> tuple[int, int]:
        if self.parts and join:
            self.parts.append(" ")
            self.pos += 1
        elif self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(piece)
        self.pos += len(piece)
        return start, self.pos

    def build(self) -> Pdf:
        all_lines = [ln for lines, _, _ in self.pages for ln in lines]
        body_size = self._body_size(all_lines)
        self._drop_running(body_size)
        all_lines = [ln for lines, _, _ in self.pages for ln in lines]
        found = [{t.first: t for t in tables(lines)} for lines, _, _ in self.pages]
        # the body's size is that of the running text: table cells are often set smaller
        cells = {(n, i) for n, page in enumerate(found) for t in page.values() for i in t.lines}
        body_size = self._body_size([ln for ln in all_lines if (ln.page - 1, ln.index) not in cells] or all_lines)
        leading = self._leading(all_lines)
        page_starts: list[int] = []
        title_lines = self._title_lines(self.pages[0][0] if self.pages else [], body_size)
        title_ids = {id(ln) for ln in title_lines}
        # heading sizes below the title's, largest first: "##", "###" …
        sizes = sorted(
            {round(ln.size * 2) / 2 for ln in all_lines if ln.size > body_size + 0.9 and id(ln) not in title_ids}, reverse=True
        )
        front: list[Line] = []
        open_paragraph = False  # the last paragraph may run on to the next page
        for (lines, plain, _), page_tables in zip(self.pages, found):
            page_starts.append(self.pos + (2 if self.parts else 0))
            if not lines:
                text = plain.strip()
                if text:
                    page_starts[-1] = self.add(text)[0]
                open_paragraph = False
                continue
            in_table = {i for t in page_tables.values() for i in t.lines}
            para: list[Line] = []
            first_piece = True

            def flush() -> None:
                nonlocal para, open_paragraph, first_piece
                if not para:
                    return
                text = join_lines([ln.text for ln in para])
                join = open_paragraph and first_piece and text[:1].islower()
                span = self.add(text, join=join)
                if first_piece:
                    page_starts[-1] = span[0]
                first_piece = False
                open_paragraph = text[-1:] not in ".!?:;\"”’)"
                para = []

            prev: Line | None = None
            for ln in lines:
                if ln.index in page_tables:
                    flush()
                    t = page_tables[ln.index]
                    for cells in t.rows:
                        line = render_row(t.headers, cells)
                        if line:
                            s, e = self.add(line)
                            if first_piece:
                                page_starts[-1] = s
                                first_piece = False
                            self.rows.append(TableRow(s, e, s, e, row_text(t.headers, cells)))
                    open_paragraph = False
                    prev = None
                    continue
                if ln.index in in_table:
                    continue
                if title_lines and ln is title_lines[0]:
                    flush()
                    if self.parts:
                        # Above the title of a saved web page: its masthead, menu and cookie notice.
                        self.furniture.append((page_starts[0], self.pos))
                    title = join_lines([t.text for t in title_lines])
                    s, _ = self.add(f"# {title}")
                    if first_piece:
                        page_starts[-1] = s
                        first_piece = False
                    self.meta.setdefault("title", title)
                    front = self._front_lines(lines, title_lines, body_size, sizes)
                    if front:
                        self.furniture.append(self.add("\n".join(f.text for f in front)))
                    open_paragraph = False
                    prev = None
                    continue
                if id(ln) in title_ids or any(ln is f for f in front):
                    continue
                level = self._heading_level(ln, body_size, sizes)
                if level:
                    flush()
                    s, _ = self.add(f"{'#' * level} {ln.text}")
                    if first_piece:
                        page_starts[-1] = s
                        first_piece = False
                    open_paragraph = False
                    prev = None
                    continue
                bullet = ln.text[:1] in _BULLETS and ln.text[1:2] == " "
                if bullet:
                    ln = Line(ln.text[1:].strip(), ln.x, ln.y, ln.size, ln.bold, ln.page, ln.index)
                gap = (prev.y - ln.y) if prev is not None else 0.0
                limit = leading.get(round(ln.size * 2) / 2, ln.size * 1.2) * 1.25 + 0.5
                if para and (bullet or gap > limit or gap < 0 or abs(ln.size - para[-1].size) > 0.6):
                    flush()
                para.append(ln)
                prev = ln
            flush()
        self._meta_from_front(front, body_size)
        return Pdf("".join(self.parts) + "\n", {k: v for k, v in self.meta.items() if v}, page_starts, self.rows, self.furniture)

    # analysis helpers
    @staticmethod
    def _body_size(lines: list[Line]) -> float:
        counts: Counter[float] = Counter()
        for ln in lines:
            counts[round(ln.size * 2) / 2] += len(ln.text)
        return counts.most_common(1)[0][0] if counts else 10.0

    @staticmethod
    def _leading(lines: list[Line]) -> dict[float, float]:
        """The usual distance between consecutive lines of each font size."""
        gaps: dict[float, list[float]] = {}
        for a, b in zip(lines, lines[1:]):
            if a.page == b.page and abs(a.size - b.size) < 0.3 and a.y - b.y > 0.5:
                gaps.setdefault(round(a.size * 2) / 2, []).append(a.y - b.y)
        out = {}
        for size, values in gaps.items():
            rounded = Counter(round(v, 1) for v in values)
            out[size] = min(v for v, _ in rounded.most_common(3))
        return out

    def _drop_running(self, body_size: float) -> None:
        """Leave out running headers and footers (kept aside: their address is metadata)."""
        band_texts: Counter[str] = Counter()
        for lines, _, height in self.pages:
            for ln in lines:
                if height and (ln.y < 0.08 * height or ln.y > 0.92 * height):
                    band_texts[re.sub(r"\d+", "#", ln.text)] += 1
        kept_pages = []
        for lines, plain, height in self.pages:
            kept = []
            for ln in lines:
                in_band = height and (ln.y < 0.08 * height or ln.y > 0.92 * height)
                key = re.sub(r"\d+", "#", ln.text)
                if in_band and (
                    _PAGE_NUMBER_RE.match(ln.text.strip()) or ln.size < body_size - 0.9 or (len(self.pages) > 1 and band_texts[key] > 1)
                ):
                    self.running.append(ln.text)
                    continue
                kept.append(ln)
            for i, ln in enumerate(kept):
                ln.index = i
            kept_pages.append((kept, plain, height))
        self.pages = kept_pages

    @staticmethod
    def _title_lines(lines: list[Line], body_size: float) -> list[Line]:
        if not lines:
            return []
        top = max(ln.size for ln in lines[:12])  # a saved web page has its masthead and menu above
        if top < body_size + 1.5:
            return []
        out = []
        for ln in lines:
            if abs(ln.size - top) <= 0.3:
                out.append(ln)
            elif out:
                break
            elif len(out) == 0 and ln.index > 11:
                break
        return out[:4]

    @staticmethod
    def _heading_level(ln: Line, body_size: float, sizes: list[float]) -> int:
        short = len(ln.text) <= 100 and ln.text[-1:] not in ".,;:"
        if ln.size > body_size + 0.9 and short:
            size = round(ln.size * 2) / 2
            rank = sizes.index(size) if size in sizes else len(sizes)
            return min(2 + rank, 6)
        if ln.bold and short and abs(ln.size - body_size) <= 0.6 and len(ln.text.split()) <= 12:
            return min(2 + len(sizes), 6)
        return 0

    def _front_lines(self, lines: list[Line], title_lines: list[Line], body_size: float, sizes: list[float]) -> list[Line]:
        """Lines under the title naming publisher, date and author, up to the first heading."""
        out = []
        last = title_lines[-1].index
        for ln in lines[last + 1 :]:
            if self._heading_level(ln, body_size, sizes) or len(ln.text) > 140 or len(out) >= 5:
                break
            cue = _FURNITURE_CUE_RE.search(ln.text) or loose_date(ln.text) or (_ORG_RE.search(ln.text) and len(ln.text) <= 90)
            if not cue or (ln.text.endswith(".") and len(ln.text.split()) > 8):
                break
            out.append(ln)
        return out

    def _meta_from_front(self, front: list[Line], body_size: float) -> None:
        info = self.info
        text = "\n".join(ln.text for ln in front)
        info_title = str(info.get("/Title") or "").strip() if hasattr(info, "get") else ""
        info_author = str(info.get("/Author") or "").strip() if hasattr(info, "get") else ""
        info_date = str(info.get("/CreationDate") or "").strip() if hasattr(info, "get") else ""
        site = ""
        if info_title:
            # A page saved as PDF keeps the browser's title, "Headline | Site Name".
            self.meta["title"], site = split_site(info_title)
        m = _AUTHOR_RE.search(text)
        if m:
            name = re.split(r"\s+[|·•]\s+|\s+-\s+", m.group("name"))[0].strip()
            self.meta["author"] = re.sub(r",\s+[a-z][^,]*$", "", name)  # less a role: ", technology correspondent"
        date = ""
        for ln in front:
            date = loose_date(ln.text)
            if date:
                break
        if not date and info_date and not info_date.startswith("D:20000101000000"):
            found = find_date(info_date)
            date = found[0] if found else ""
        self.meta["date"] = iso_date(date) if date else ""
        publisher = ""
        if info_author and _ORG_RE.search(info_author):
            publisher = info_author
        else:
            for ln in front:
                first = re.split(r"\s+[|·•]\s+|\s+-\s+", ln.text)[0]
                if _ORG_RE.search(first) and not _AUTHOR_RE.match(first) and not loose_date(first):
                    publisher = re.sub(r",\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?$", "", first).strip()
                    break
        self.meta["publisher"] = publisher or site
        if info_author and not publisher and not self.meta.get("author"):
            self.meta["author"] = info_author
        for line in [*self.running, text]:
            u = URL_RE.search(line)
            if u:
                self.meta["url"] = u.group(0).rstrip(".,;)")
                break
