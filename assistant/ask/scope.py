"""Questions scoped to one publisher ("According to Meridian Wire, how much ...?"): find the
publisher among those the corpus's documents name, and take it out of what is asked."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LEAD_RE = r"(?:(?:according to|as reported by|as per|reported by)\s+)?(?:the\s+)?"


def find_publisher(question: str, publishers: Iterable[str]) -> tuple[str | None, str]:
    """(publisher, question without it) when the question names one of ``publishers``, else (None, question).

    A leading "The" is optional on both sides; the longest name wins ("Korea Tech Insight" over "Korea Tech").
    """
    low = question.lower()
    for name in sorted({p for p in publishers if p}, key=len, reverse=True):
        core = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
        if len(core) < 3:
            continue
        m = re.search(rf"\b{_LEAD_RE}{re.escape(core.lower())}(?:'s|’s)?\b\s*,?\s*", low)
        if m:
            rest = (question[: m.start()] + " " + question[m.end() :]).strip(" ,")
            return name, rest[:1].upper() + rest[1:]
    return None, question
