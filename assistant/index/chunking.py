"""Structure-aware chunking: sections by heading, chunks on sentence boundaries, exact offsets.

Every chunk and sentence keeps ``start``/``end`` offsets into the loaded text, so a quote can
always be cut back out of its source verbatim.

What is no statement stays out of every chunk (see ``furniture``): front matter, the header
lines of saved plain text, bylines, datelines ("WASHINGTON, Dec 20 (Agency) -" is cut off the
sentence it opens), credit lines, table captions and a PDF's publisher lines, given by the
loader as ``body_start`` and ``furniture`` spans. The document's metadata (``title``,
``publisher``, ``date``, ``url``, ``author``, ``dateline``; strings, "" when unknown) is copied to
every chunk instead, for citations and for publisher- or date-scoped questions.

Each table row is a chunk of its own (see ``tables``): its ``start``/``end`` is the row's
quotable span, ``row_text`` the row with its header ("Company: Intel; Award: …"), which is also
embedded with it, and ``row_start``/``row_end`` the whole row. Rows are never joined to each
other or to prose, and a table's header and delimiter lines are in no chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.text.sentences import Span, split_sentences

# 6: bylines without "By"; 7: page chrome, "Headline | Site" titles; 8: tables with no header row,
# a byte-order mark before front matter or header lines.
CHUNKER_VERSION = 8

DOC_META_KEYS = ("publisher", "date", "url", "author", "dateline")

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FOOTNOTE_DEF_RE = re.compile(r"^\[\^\w+\]:")


@dataclass
class Section:
    headings: list[str]
    paragraphs: list[Span] = field(default_factory=list)
    units: list = field(default_factory=list)  # in document order: Span (prose) or dict (a table row)


def sections(
    text: str, start: int, markdown: bool, skip: list | tuple = (), rows: list | tuple = ()
) -> list[Section]:
    """Paragraph spans (and table rows) grouped under their heading path.

    Markdown headings (``#``) open sections; in plain text a short standalone line with no closing
    punctuation, followed by a blank line, is taken as a heading (as news copy and reports use them).
    Text inside a ``skip`` span is left out; a table (a row's ``block_start``–``block_end``, or
    the row itself) is replaced by its rows.
    """
    cuts = sorted([(int(s), int(e), None) for s, e in skip] + _table_extents(rows), key=lambda c: (c[0], -c[1]))
    out = [Section([])]
    path: list[tuple[int, str]] = []
    emitted: set[int] = set()
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text[start:]):
        lo, hi = start + m.start(), start + m.end()
        block = text[lo:hi].strip()
        if not block:
            continue
        lo += len(text[lo:hi]) - len(text[lo:hi].lstrip())
        hi = lo + len(block)
        inside = [c for c in cuts if c[0] < hi and c[1] > lo]
        if not inside:
            level, title = _heading(block, markdown)
            if title:
                path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
                out.append(Section([t for _, t in path]))
                continue
            if markdown and _FOOTNOTE_DEF_RE.match(block):
                continue  # footnote definitions are references to sources, not statements to answer from
        _add_pieces(text, lo, hi, inside, out[-1], emitted)
    return [s for s in out if s.units]


def _table_extents(rows) -> list[tuple[int, int, list[dict]]]:
    """(start, end, rows) of each table: a Markdown table's whole block, or a written-out row."""
    tables: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        if row.get("block_start", -1) >= 0:
            key = (int(row["block_start"]), int(row["block_end"]))
        else:
            key = (int(row["row_start"]), int(row["row_end"]))
        tables.setdefault(key, []).append(row)
    return [(s, e, rs) for (s, e), rs in tables.items()]


def _add_pieces(text: str, lo: int, hi: int, cuts: list, section: Section, emitted: set[int]) -> None:
    """The prose of ``text[lo:hi]`` outside ``cuts`` as paragraphs, each table cut as its rows."""
    cursor = lo
    for s, e, rows in cuts:
        if s > cursor:
            _add_prose(text, cursor, min(s, hi), section)
        if rows:
            for row in sorted(rows, key=lambda r: r["row_start"]):
                if id(row) not in emitted and lo <= row["row_start"] < hi:
                    emitted.add(id(row))
                    section.units.append(row)
        cursor = max(cursor, e)
    if cursor < hi:
        _add_prose(text, cursor, hi, section)


def _add_prose(text: str, lo: int, hi: int, section: Section) -> None:
    piece = text[lo:hi]
    stripped = piece.strip()
    if not stripped or not any(c.isalnum() for c in stripped):
        return
    start = lo + len(piece) - len(piece.lstrip())
    span = Span(start, start + len(stripped))
    section.paragraphs.append(span)
    section.units.append(span)


def _heading(block: str, markdown: bool) -> tuple[int, str]:
    if "\n" in block:
        return 0, ""
    m = _HEADING_RE.match(block)
    if m:
        return len(m.group(1)), m.group(2)
    if not markdown and len(block) <= 80 and block[-1:] not in ".!?:;,\"'”’)" and block[:1].isupper():
        return 6, block
    return 0, ""


def chunk_document(doc: Document, chunk_size: int, overlap: int) -> list[Document]:
    """Split a loaded document into chunks of whole sentences within one section.

    ``page_content`` is the heading context followed by the exact chunk text; metadata holds
    ``start``/``end`` (offsets of that text in the loaded document) and ``prefix_len``.
    """
    return list(iter_chunks(doc, chunk_size, overlap))


def iter_chunks(doc: Document, chunk_size: int, overlap: int) -> Iterator[Document]:
    """``chunk_document``'s chunks one at a time: a large file is embedded batch by batch without a
    list of all its chunks (the same chunks in the same order, so chunk ``i`` is always the same)."""
    text = doc.page_content
    meta = doc.metadata
    title = meta.get("title", "")
    count = 0
    found = sections(
        text,
        meta.get("body_start", 0),
        meta.get("filetype") == "md",
        meta.get("furniture") or (),
        meta.get("table_rows") or (),
    )
    for section in found:
        heading = " > ".join(h for h in section.headings if h != title)
        group: list[Span] = []
        for unit in section.units:
            if isinstance(unit, dict):
                if group:
                    yield _make_chunk(text, group, meta, title, heading, count)
                    count += 1
                    group = []
                yield _row_chunk(text, unit, meta, title, heading, count)
                count += 1
                continue
            for sentence in _bounded(text, split_sentences(text[unit.start : unit.end], unit.start), chunk_size):
                if group and sentence.end - group[0].start > chunk_size:
                    yield _make_chunk(text, group, meta, title, heading, count)
                    count += 1
                    group = group[-overlap:] if overlap and len(group) > overlap else []
                    if group and sentence.end - group[0].start > chunk_size:
                        group = []
                group.append(sentence)
        if group:
            yield _make_chunk(text, group, meta, title, heading, count)
            count += 1


def _bounded(text: str, spans: list[Span], limit: int) -> list[Span]:
    """Cut sentences longer than ``limit`` (run-on PDF text) at word boundaries."""
    out = []
    for s in spans:
        start = s.start
        while s.end - start > limit:
            cut = start + limit
            while cut > start + limit // 2 and not text[cut].isspace():
                cut -= 1
            out.append(Span(start, cut))
            start = cut
            while start < s.end and text[start].isspace():
                start += 1
        if start < s.end:
            out.append(Span(start, s.end))
    return out


def _base_metadata(meta: dict, title: str, heading: str, start: int, end: int, prefix: str, index: int) -> dict:
    out = {
        "source": meta["source"],
        "title": title,
        "filetype": meta.get("filetype", ""),
        "heading": heading,
        "start": start,
        "end": end,
        "prefix_len": len(prefix),
        "chunk": index,
        "page": _page_at(meta.get("page_starts"), start),
    }
    for key in DOC_META_KEYS:
        value = meta.get(key)
        out[key] = "" if value is None else str(value)
    return out


_MONTH_NAMES = "January February March April May June July August September October November December".split()


def source_line(meta: dict) -> str:
    """"Publisher, 21 July 2023": who published the document and when, as embedded context."""
    date = str(meta.get("date") or "")
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if m and 1 <= int(m.group(2)) <= 12:
        date = f"{int(m.group(3))} {_MONTH_NAMES[int(m.group(2)) - 1]} {m.group(1)}"
    return ", ".join(p for p in (str(meta.get("publisher") or "").strip(), date) if p)


def _prefix(meta: dict, title: str, heading: str, *extra: str) -> str:
    """The context embedded before a chunk's text, never quoted: the heading path (the title when
    there is none), the document's publisher and date, and for a table row its readable form."""
    # The heading path tells chunks of one document apart; the title only when there is no heading.
    lines = [heading or title]
    if meta.get("date"):  # a dated report: its publisher and date, which its furniture used to state
        lines.append(source_line(meta))
    lines.extend(extra)
    return "".join(f"{line}\n\n" for line in lines if line)


def _make_chunk(text: str, group: list[Span], meta: dict, title: str, heading: str, index: int) -> Document:
    start, end = group[0].start, group[-1].end
    prefix = _prefix(meta, title, heading)
    return Document(page_content=prefix + text[start:end], metadata=_base_metadata(meta, title, heading, start, end, prefix, index))


def _row_chunk(text: str, row: dict, meta: dict, title: str, heading: str, index: int) -> Document:
    """One table row: its quotable span, embedded with the section path and the header-carrying row."""
    start, end = int(row["start"]), int(row["end"])
    caption = row.get("caption") or ""
    if caption and caption != heading.split(" > ")[-1]:
        heading = f"{heading} > {caption}" if heading else caption
    body = text[start:end]
    row_text = row.get("row_text") or body
    prefix = _prefix(meta, title, heading, row_text if row_text.rstrip(".") != body.rstrip(".") else "")
    metadata = _base_metadata(meta, title, heading, start, end, prefix, index)
    metadata.update({"row_text": row_text, "row_start": int(row["row_start"]), "row_end": int(row["row_end"])})
    return Document(page_content=prefix + body, metadata=metadata)


def _page_at(page_starts: list[int] | None, offset: int) -> int:
    """1-based PDF page holding ``offset``; 0 for documents without pages."""
    if not page_starts:
        return 0
    page = 0
    for i, s in enumerate(page_starts):
        if s <= offset:
            page = i + 1
    return page
