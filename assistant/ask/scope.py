"""Questions scoped to one publisher ("According to Meridian Wire, how much ...?"): find the
publisher among those the corpus's documents name, and take it out of what is asked. After
"according to" a short form will do ("According to Nikkei, ..." for "Nikkei Asia") when it begins
one publisher's name only."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LEAD_RE = r"(?:(?:according to|as reported by|as per|reported by)\s+)?(?:the\s+)?"
# "According to Nikkei, how ...", "as reported by the BBC what ...": the name ends at a comma or the question.
_SHORT_RE = re.compile(
    r"\b(?:according to|as reported by|as per|reported by)\s+(?:the\s+)?([^,?;:]+?)(?:'s|’s)?\s*"
    r"(?:,|$|(?=\b(?:how|what|which|who|whom|when|where|why|is|are|was|were|did|does|do|has|have|had|will)\b))", re.I)


def find_publisher(question: str, publishers: Iterable[str]) -> tuple[str | None, str]:
    """(publisher, question without it) when the question names one of ``publishers``, else (None, question).

    A leading "The" is optional on both sides; the longest name wins ("Korea Tech Insight" over "Korea Tech").
    """
    publishers = [p for p in publishers if p]
    low = question.lower()
    for name in sorted(set(publishers), key=len, reverse=True):
        core = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
        # The name must stand in the question as written: checked before a pattern is compiled for
        # it, as a corpus names a publisher per document and a new process compiles each once.
        if len(core) < 3 or core.lower() not in low:
            continue
        m = re.search(rf"\b{_LEAD_RE}{re.escape(core.lower())}(?:'s|’s)?\b\s*,?\s*", low)
        if m:
            rest = (question[: m.start()] + " " + question[m.end() :]).strip(" ,")
            return name, rest[:1].upper() + rest[1:]
    return _short_form(question, publishers)


def _short_form(question: str, publishers: Iterable[str]) -> tuple[str | None, str]:
    m = _SHORT_RE.search(question)
    if not m:
        return None, question
    said = m.group(1).lower().replace("’", "'").split()
    owner = next((i for i, w in enumerate(said) if w.endswith("'s")), None)
    if owner is not None:  # "According to Nikkei's report": the name is the owner
        said = said[:owner] + [said[owner][:-2]]
    cores = {p: re.sub(r"^the\s+", "", p.strip(), flags=re.I).lower().split() for p in publishers if p}
    # Only a form that starts exactly one name: "According to Japan" is no publisher when both "Japan
    # Times" and "Japan Today" report.
    found = [p for p, core in cores.items() if len(said) < len(core) and core[: len(said)] == said]
    if len(found) != 1:
        return None, question
    rest = (question[: m.start()] + " " + question[m.end() :]).strip(" ,")
    return found[0], rest[:1].upper() + rest[1:]
