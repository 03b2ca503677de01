"""Where a PDF page's lines sit, and the tables they form (see ``pdf`` for the whole picture).

``page_lines`` reads each line of a page in drawing order with its position, font size and
boldness (pypdf's text visitor); ``tables`` finds the tables among them: lines that share a
baseline with lines drawn just before or after them, at different x, are the cells of a row;
the columns are those x positions; a cell that wraps adds lines below its first, and a new row
starts where the vertical gap is wider than the gap between the wrapped lines of one cell.
A browser printing a page draws a row as one line of pieces, one per cell: ``page_lines`` splits
such lines into cells when their pieces start where the next row's do (``_cell_rows``), and a
header centred over its columns is matched to them in order.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.index.tables import header_is_data


@dataclass
class Line:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    page: int
    index: int


def _position(cm, tm) -> tuple[float, float, float]:
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2])) * math.sqrt(abs(cm[0] * cm[3] - cm[1] * cm[2]))
    return x, y, scale


def page_lines(page, number: int) -> tuple[list[Line], str]:
    """The page's lines in drawing order, with position, size and boldness; and its plain text."""
    frags: list[tuple[str, float, float, float, bool]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        try:
            x, y, scale = _position(cm, tm)
        except (TypeError, IndexError, ValueError):
            x = y = scale = float("nan")
        base = str((font_dict or {}).get("/BaseFont", "")) if hasattr(font_dict, "get") else ""
        frags.append((text, x, y, (font_size or 0) * (scale or 1), bool(re.search(r"Bold|Black|Heavy|Semibold|Demi", base))))

    plain = page.extract_text(visitor_text=visit) or ""
    # Each line as the pieces it was drawn in, one per text-showing operation: (x, y, size, bold, text).
    drawn: list[list[tuple[float, float, float, bool, str]]] = []
    cur: list[tuple[float, float, float, bool, str]] = []

    def emit() -> None:
        nonlocal cur
        if "".join(seg[4] for seg in cur).strip():
            drawn.append(cur)
        cur = []

    for text, x, y, size, is_bold in frags:
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if k == 0 and piece.strip() or not cur:
                if piece.strip():
                    cur.append((x, y, size, is_bold, piece) if k == 0 else (float("nan"), y, size, is_bold, piece))
            else:
                cur[-1] = (*cur[-1][:4], cur[-1][4] + piece)
            if k < len(pieces) - 1:
                emit()
    emit()
    celled = _cell_rows(drawn)
    lines: list[Line] = []
    for i, segs in enumerate(drawn):
        segs = [seg for seg in segs if seg[4].strip()]
        if i not in celled:
            x, y, size = segs[0][:3]
            segs = [(x, y, size, all(seg[3] for seg in segs), "".join(seg[4] for seg in segs))]
        for x, y, size, bold, text in segs:
            lines.append(Line(text.strip(), x, y, size, bold, number, len(lines)))
    return lines, plain


_MARKER_RE = re.compile(r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|[\x7f•▪◦‣·●■–-])\s*$")


def _cell_rows(drawn: list[list[tuple[float, float, float, bool, str]]]) -> set[int]:
    """Lines drawn as several pieces that are table rows: some browsers and office suites draw a
    row as one line of separate pieces, one per cell, where other writers break the line. A row's
    pieces start where the next row's do (two or more matching starts, or the one second column
    of a two-column grid); a bold word inside a sentence, or a list item's marker and text, do not
    line up so. The line just above such rows with as many columns is their header (often
    centred in its cells, so its starts need not match)."""
    def starts(i: int) -> list[float]:
        return [seg[0] for seg in drawn[i][1:] if seg[0] == seg[0]]  # NaN: a wrapped fragment's next piece

    def columns(i: int) -> int:
        return len(_cluster([seg[0] for seg in drawn[i] if seg[0] == seg[0]], 3.0))

    def marked(i: int) -> bool:
        return bool(_MARKER_RE.match(drawn[i][0][4]))

    rows: set[int] = set()
    for i in range(len(drawn) - 1):
        a, b = starts(i), starts(i + 1)
        if not a or not b or marked(i) or marked(i + 1):
            continue
        matched = sum(any(abs(u - v) <= 2.0 for v in b) for u in a)
        if matched >= min(2, len(a), len(b)) and (matched >= 2 or len(a) == len(b) == 1):
            rows.update((i, i + 1))
    for i in sorted(rows):
        if i - 1 >= 0 and i - 1 not in rows and columns(i - 1) == columns(i) >= 2:
            rows.add(i - 1)
    return rows


def _cluster(values: list[float], tol: float) -> list[float]:
    """Representative values of ``values`` merged within ``tol``."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _near(value: float, centres: list[float], tol: float) -> int | None:
    best = None
    for i, c in enumerate(centres):
        if abs(value - c) <= tol and (best is None or abs(value - c) < abs(value - centres[best])):
            best = i
    return best


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Table:
    first: int                     # content index of its first line on the page
    lines: set[int]                # content indices of all its lines
    headers: list[str]
    rows: list[list[str]]


def tables(lines: list[Line]) -> list[Table]:
    """Tables on one page (see the module doc)."""
    if len(lines) < 4:
        return []
    levels: dict[int, list[int]] = {}
    ys = _cluster([ln.y for ln in lines], 1.0)
    for ln in lines:
        levels.setdefault(_near(ln.y, ys, 1.0), []).append(ln.index)
    multi: set[int] = set()
    for members in levels.values():
        if len(members) < 2:
            continue
        xs = _cluster([lines[i].x for i in members], 8.0)
        compact = max(members) - min(members) <= 4 * len(members) + 8
        if len(xs) >= 2 and compact:
            multi.update(members)
    if not multi:
        return []
    runs: list[list[int]] = []
    for i in sorted(multi):
        if runs and i - runs[-1][-1] <= 15:
            runs[-1].append(i)
        else:
            runs.append([i])
    tables = []
    for run in runs:
        table = _table(lines, run)
        if table is not None:
            tables.append(table)
    return tables


def _table(lines: list[Line], run: list[int]) -> Table | None:
    top = max(lines[i].y for i in run)
    head = sorted((i for i in run if abs(lines[i].y - top) <= 1.0), key=lambda i: lines[i].x)
    cols = _cluster([lines[i].x for i in run], 3.0)
    body_cols = _cluster([lines[i].x for i in run if i not in head], 3.0)
    placed: dict[int, float] = {}
    if len(head) == len(body_cols) >= 2 and any(_near(lines[i].x, body_cols, 3.0) is None for i in head):
        # Header cells centred over their columns: the k-th heads the k-th column.
        cols, placed = body_cols, {i: c for i, c in zip(head, body_cols)}
    if len(cols) < 2:
        return None
    member = list(range(run[0], run[-1] + 1))
    sizes = sorted(lines[i].size for i in run)
    cell_size = sizes[len(sizes) // 2]
    widths = [b - a for a, b in zip(cols, cols[1:])] + [float("inf")]
    # A wrapped last cell adds lines after the last shared baseline.
    j = run[-1] + 1
    bottom = min(lines[i].y for i in run)
    while j < len(lines):
        ln = lines[j]
        c = _near(ln.x, cols, 3.0)
        est = len(ln.text) * ln.size * 0.45
        if c is None or abs(ln.size - cell_size) > 0.6 or ln.y >= bottom or bottom - ln.y > 1.6 * ln.size or est > widths[c] + 10:
            break
        member.append(j)
        bottom = ln.y
        j += 1
    def column(i: int) -> int | None:
        return _near(placed.get(i, lines[i].x), cols, 3.0)

    if any(column(i) is None for i in member):
        return None  # text at other positions: not a grid (two-column prose, say)
    levels = sorted(_cluster([lines[i].y for i in member], 1.0), reverse=True)
    gaps = [a - b for a, b in zip(levels, levels[1:])]
    leading = min(gaps) if gaps else 0.0
    starts = {levels[0]} | {b for (a, b), g in zip(zip(levels, levels[1:]), gaps) if g > leading * 1.3}
    if len(starts) < 2 and len(levels) > 1:
        starts = set(levels)
    grid: list[list[list[str]]] = []
    row_of_level = {}
    for lv in levels:
        if lv in starts:
            grid.append([[] for _ in cols])
        row_of_level[lv] = len(grid) - 1
    for i in sorted(member, key=lambda i: (-lines[i].y, lines[i].x)):
        ln = lines[i]
        r = row_of_level[levels[_near(ln.y, levels, 1.0) if _near(ln.y, levels, 1.0) is not None else 0]]
        grid[r][column(i)].append(ln.text)
    cells = [[join_lines(parts) for parts in row] for row in grid]
    cells = [row for row in cells if any(row)]
    if len(cells) < 2:
        return None
    if header_is_data(cells[0]):
        return Table(run[0], set(member), [], cells)  # a spec sheet: keys and values, no header row
    return Table(run[0], set(member), cells[0], cells[1:])


def join_lines(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not out:
            out = p
        elif out.endswith("-") and out[-2:-1].isalpha():
            out += p
        else:
            out += " " + p
    return out
