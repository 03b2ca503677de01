"""Tables as citable rows: one unit per row, carrying its header.

A table row answers a question only together with its header ("How much did Intel get?" needs
"Company: Intel" and "Award: $7.86 billion" from one row), and a row run together with its
neighbours, or quoted with its pipes, is no answer at all. Every table therefore becomes one
``TableRow`` per body row:

* ``row_text`` is the row in readable form with its header, "Company: Intel; Award: $7.86
  billion; Site: Ohio" (empty cells left out). Chunking embeds it with the row and puts it in the
  chunk metadata, so retrieval finds the row by any of its cells and an answerer can show it.
* ``start``/``end`` is what a citation quotes, always exact text of the loaded document.

How the quoted span is chosen depends on who owns the loaded text:

* **html and pdf** — the loaded text is extracted, so it is ours to build: each row is written
  as its own paragraph in the ``row_text`` form, ending with a full stop so that every sentence
  splitter cuts rows apart (``render_row``). The quoted span is that whole line.
* **md and txt** — the loaded text is the file itself (``quote == file[start:end]``), which
  cannot be rewritten. A span over several cells of a pipe table would quote the pipes, so the
  quoted span is the row's most telling *single cell*: the first cell after the row's key
  (first column) that holds a number, else its longest cell after the key, else the key itself
  (``pipe_tables``). ``row_start``/``row_end`` give the whole row line, for highlighting, and
  the header-carrying ``row_text`` is in the chunk's embedded text and metadata. No span of a
  chunk ever contains a ``|`` of a table, and rows are never glued to one another.

The header and delimiter lines of a pipe table are in no chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.quantities import CURRENCY_SIGNS

_DELIMITER_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPHASIS_RE = re.compile(r"^[*_`~]+|[*_`~]+$")


@dataclass
class TableRow:
    start: int          # the quoted span (exact text of the loaded document)
    end: int
    row_start: int      # the whole row
    row_end: int
    row_text: str       # "Header: cell; Header: cell"
    caption: str = ""   # the table's caption, when it has one
    block_start: int = -1  # the whole table (header and delimiter lines included); -1: just the row
    block_end: int = -1

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def clean_cell(text: str) -> str:
    """Cell text for ``row_text``: emphasis markers and inner whitespace runs removed."""
    text = re.sub(r"\s+", " ", text).strip()
    prev = None
    while prev != text:
        prev = text
        text = _EMPHASIS_RE.sub("", text).strip()
    return text.replace("\\|", "|")


_YEAR_ONLY_RE = re.compile(r"\b(?:FY|CY|Q[1-4]\s*)?(?:19|20)\d\d\b")


def header_is_data(cells: list[str]) -> bool:
    """Is a two-column table's first row a key and its value ("Process node | 2 nanometres"), not
    column headers? A spec sheet often has no header row; its first value states a figure (a year
    alone is a header: "Company | 2024")."""
    filled = [clean_cell(c) for c in cells]
    if len(filled) != 2 or not all(filled) or any(ch.isdigit() for ch in filled[0]):
        return False
    return bool(re.search(r"\d", _YEAR_ONLY_RE.sub("", filled[1])) or re.search(rf"[{CURRENCY_SIGNS}%]", filled[1]))


def row_text(headers: list[str], cells: list[str]) -> str:
    """"Header: cell; Header: cell" over the non-empty cells (a cell without header stands alone);
    with no headers at all, the first cell names the row: "Process node: 2 nanometres"."""
    if not any(headers):
        filled = [clean_cell(c) for c in cells if clean_cell(c)]
        return f"{filled[0]}: {'; '.join(filled[1:])}" if len(filled) > 1 else "".join(filled)
    parts = []
    for i, cell in enumerate(cells):
        cell = clean_cell(cell)
        if not cell:
            continue
        head = clean_cell(headers[i]) if i < len(headers) else ""
        parts.append(f"{head}: {cell}" if head and head != cell else cell)
    return "; ".join(parts)


def render_row(headers: list[str], cells: list[str]) -> str:
    """A row as a line of extracted text: ``row_text`` ending with a full stop."""
    line = row_text(headers, cells)
    if line and line[-1] not in ".!?":
        line += "."
    return line


def _cells(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of the pipe-table line ``text[lo:hi]``, whitespace trimmed."""
    bars = [i for i in range(lo, hi) if text[i] == "|" and (i == lo or text[i - 1] != "\\")]
    line = text[lo:hi]
    edges = []
    first = lo + len(line) - len(line.lstrip())
    last = lo + len(line.rstrip())
    cuts = [first - 1] if not bars or bars[0] != first else []
    cuts += bars
    if not bars or bars[-1] != last - 1:
        cuts.append(last)
    for a, b in zip(cuts, cuts[1:]):
        s, e = a + 1, b
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        edges.append((s, e))
    return edges


def _is_row(line: str) -> bool:
    return line.count("|") >= 1 and not _DELIMITER_RE.match(line) and line.strip() != "|"


def _quoted_cell(text: str, cells: list[tuple[int, int]]) -> tuple[int, int]:
    filled = [(s, e) for s, e in cells if e > s and any(c.isalnum() for c in text[s:e])]
    if not filled:
        return cells[0]
    rest = filled[1:] if len(filled) > 1 else filled
    for s, e in rest:
        if any(c.isdigit() for c in text[s:e]):
            return _strip_emphasis(text, s, e)
    s, e = max(rest, key=lambda c: c[1] - c[0])
    return _strip_emphasis(text, s, e)


def _strip_emphasis(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in "*_`~":
        s += 1
    while e > s and text[e - 1] in "*_`~":
        e -= 1
    return s, e


def pipe_tables(text: str, start: int = 0) -> list[TableRow]:
    """The rows of every Markdown (GFM) pipe table in ``text`` from ``start``.

    A table is a header line with pipes followed by a delimiter line (``|---|---|``), then the
    rows up to the first line without a pipe; two or more consecutive lines that start and end
    with a pipe count as a table too (the first taken as its header).
    """
    spans = []
    pos = start
    for line in text[start:].split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    rows: list[TableRow] = []
    i = 0
    while i < len(spans) - 1:
        lo, hi = spans[i]
        line = text[lo:hi]
        nlo, nhi = spans[i + 1]
        nxt = text[nlo:nhi]
        delimited = "|" in line and _DELIMITER_RE.match(nxt) is not None and "|" in nxt
        boxed = line.strip().startswith("|") and line.strip().endswith("|") and len(line.strip()) > 1
        boxed_next = nxt.strip().startswith("|") and nxt.strip().endswith("|") and _is_row(nxt)
        if not (delimited or (boxed and boxed_next)):
            i += 1
            continue
        header_cells = _cells(text, lo, hi)
        headers = [text[s:e] for s, e in header_cells]
        j = i + 2 if delimited else i + 1
        body = [(lo, hi)] if header_is_data(headers) else []
        if body:
            headers = []
        while j < len(spans):
            rlo, rhi = spans[j]
            if not text[rlo:rhi].strip() or "|" not in text[rlo:rhi]:
                break
            if _is_row(text[rlo:rhi]):
                body.append((rlo, rhi))
            j += 1
        last_lo, last_hi = spans[j - 1]
        block_start = lo + len(line) - len(line.lstrip())
        block_end = last_lo + len(text[last_lo:last_hi].rstrip())
        for rlo, rhi in body:
            cells = _cells(text, rlo, rhi)
            s, e = _quoted_cell(text, cells)
            row = text[rlo:rhi]
            rows.append(
                TableRow(
                    start=s,
                    end=e,
                    row_start=rlo + len(row) - len(row.lstrip()),
                    row_end=rlo + len(row.rstrip()),
                    row_text=row_text(headers, [text[a:b] for a, b in cells]),
                    block_start=block_start,
                    block_end=block_end,
                )
            )
        i = j
    return rows
