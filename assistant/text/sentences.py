"""One sentence splitter for the whole package: chunking, answering, masking and verifying all cut
text at the same boundaries, with exact offsets into the text they were given."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st inc ltd co corp vs etc e.g i.e u.s u.k u.n no nos fig figs approx est dept "
    "gen gov sen rep jan feb mar apr jun jul aug sep sept oct nov dec al".split()
)
# A sentence ends at . ! or ? (plus closing quotes, brackets and footnote markers) before a space
# and a capital, digit, quote or bracket; abbreviations and initials are checked separately.
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?:\[\^?\w{1,8}\])*(?=\s+[\"'“‘(\[A-Z0-9])")
_LIST_ITEM_RE = re.compile(r"\n(?=\s*(?:[-*+•]|\d+[.)]|\|)\s)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentence spans of ``text`` (shifted by ``offset``), whitespace trimmed off each end."""
    spans: list[Span] = []
    pieces: list[tuple[int, int]] = []
    last = 0
    for m in _LIST_ITEM_RE.finditer(text):
        pieces.append((last, m.start()))
        last = m.start()
    pieces.append((last, len(text)))
    for lo, hi in pieces:
        cursor = lo
        for m in _BOUNDARY_RE.finditer(text, lo, hi):
            before = text[cursor : m.start() + 1].split()
            word = before[-1].lower().rstrip(".") if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            spans.append(Span(cursor, m.end()))
            cursor = m.end()
        spans.append(Span(cursor, hi))
    out = []
    for s in spans:
        piece = text[s.start : s.end]
        stripped = piece.strip()
        if not stripped or not any(c.isalnum() for c in stripped):
            continue
        lead = len(piece) - len(piece.lstrip())
        out.append(Span(offset + s.start + lead, offset + s.start + lead + len(stripped)))
    return out
