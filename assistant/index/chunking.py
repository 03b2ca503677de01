"""Structure-aware chunking: sections by heading, chunks on sentence boundaries, exact offsets.

Every chunk and sentence keeps ``start``/``end`` offsets into the loaded text, so a quote can
always be cut back out of its source verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.text.sentences import Span, split_sentences

CHUNKER_VERSION = 4

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FOOTNOTE_DEF_RE = re.compile(r"^\[\^\w+\]:")


@dataclass
class Section:
    headings: list[str]
    paragraphs: list[Span] = field(default_factory=list)


def sections(text: str, start: int, markdown: bool) -> list[Section]:
    """Paragraph spans grouped under their heading path.

    Markdown headings (``#``) open sections; in plain text a short standalone line with no closing
    punctuation, followed by a blank line, is taken as a heading (as news copy and reports use them).
    """
    out = [Section([])]
    path: list[tuple[int, str]] = []
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text[start:]):
        lo, hi = start + m.start(), start + m.end()
        block = text[lo:hi].strip()
        if not block:
            continue
        lo += len(text[lo:hi]) - len(text[lo:hi].lstrip())
        hi = lo + len(block)
        level, title = _heading(block, markdown)
        if title:
            path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
            out.append(Section([t for _, t in path]))
        elif markdown and _FOOTNOTE_DEF_RE.match(block):
            continue  # footnote definitions are references to sources, not statements to answer from
        else:
            out[-1].paragraphs.append(Span(lo, hi))
    return [s for s in out if s.paragraphs]


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
    text = doc.page_content
    meta = doc.metadata
    title = meta.get("title", "")
    chunks: list[Document] = []
    for section in sections(text, meta.get("body_start", 0), meta.get("filetype") == "md"):
        heading = " > ".join(h for h in section.headings if h != title)
        sentences = [
            s
            for p in section.paragraphs
            for s in _bounded(text, split_sentences(text[p.start : p.end], p.start), chunk_size)
        ]
        group: list[Span] = []
        for sentence in sentences:
            if group and sentence.end - group[0].start > chunk_size:
                chunks.append(_make_chunk(text, group, meta, title, heading, len(chunks)))
                group = group[-overlap:] if overlap and len(group) > overlap else []
                if group and sentence.end - group[0].start > chunk_size:
                    group = []
            group.append(sentence)
        if group:
            chunks.append(_make_chunk(text, group, meta, title, heading, len(chunks)))
    return chunks


def _bounded(text: str, spans: list[Span], limit: int) -> list[Span]:
    """Cut sentences longer than ``limit`` (tables, run-on PDF text) at word boundaries."""
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


def _make_chunk(text: str, group: list[Span], meta: dict, title: str, heading: str, index: int) -> Document:
    start, end = group[0].start, group[-1].end
    # The heading path tells chunks of one document apart; the title only when there is no heading.
    context = heading or title
    prefix = f"{context}\n\n" if context else ""
    metadata = {
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
    return Document(page_content=prefix + text[start:end], metadata=metadata)


def _page_at(page_starts: list[int] | None, offset: int) -> int:
    """1-based PDF page holding ``offset``; 0 for documents without pages."""
    if not page_starts:
        return 0
    page = 0
    for i, s in enumerate(page_starts):
        if s <= offset:
            page = i + 1
    return page
