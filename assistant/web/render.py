"""What the web page shows of an answer: the answer with its markers, and each cited passage
highlighted inside its paragraph.

Every piece of document text and user input goes through ``html.escape`` before it reaches the
page; nothing is sanitised by hand beyond that.
"""

from __future__ import annotations

import html
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - types only
    from assistant.answers import Answer, Citation

log = logging.getLogger(__name__)

CONTEXT_CHARS = 500  # most characters of surrounding paragraph shown on each side of a quote


def escape(text: object) -> str:
    """Text made safe to put inside HTML (quotes included)."""
    return html.escape(str(text), quote=True)


def format_answer(answer: "Answer") -> str:
    """The chat bubble for an answer; an abstention gets its own marker and style, a revised LLM answer a note."""
    text = escape(answer.text)
    if answer.abstained:
        text = f'<span class="abstained"><strong>No answer in the sources.</strong> {text}</span>'
    note = answer.revision_note()
    if note:
        # The draft streamed before it was verified; say why what replaced it differs.
        text += f'<br><span class="revised"><em>{escape(note)}</em></span>'
    return text


def format_error(message: str) -> str:
    return f'<span class="error"><strong>Error:</strong> {escape(message)}</span>'


@lru_cache(maxsize=64)
def _document_text(path: str, mtime_ns: int, corpus_dir: str) -> str:
    """The text that citation offsets index (``mtime_ns`` keys the cache to the file's version)."""
    from assistant.index.loading import load_file

    return load_file(Path(path), Path(corpus_dir)).page_content


def _source_text(corpus_dir: Path, source: str) -> str | None:
    """The loaded text of ``source``, or None when it is missing or lies outside the corpus."""
    root = corpus_dir.resolve()
    path = (root / source).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    try:
        return _document_text(str(path), path.stat().st_mtime_ns, str(root))
    except Exception:  # noqa: BLE001 - context is a nicety; the quote alone still shows
        log.debug("could not reload %s for context", source, exc_info=True)
        return None


def _passage_text(answer: "Answer", citation: "Citation") -> str | None:
    for passage in answer.passages or []:
        if not isinstance(passage, dict):
            continue
        text = passage.get("text") or passage.get("page_content") or passage.get("content")
        if isinstance(text, str) and citation.quote and citation.quote in text:
            if passage.get("source", citation.source) == citation.source:
                return text
    return None


def quote_in_context(corpus_dir: Path, answer: "Answer", citation: "Citation") -> tuple[str, str, str]:
    """(before, quote, after): the quote and the rest of the paragraph around it.

    The paragraph comes from the source file (offsets checked against the quote), else from the
    retrieved passage holding the quote, else the quote stands alone.
    """
    quote = citation.quote
    text = _source_text(corpus_dir, citation.source)
    start, end = citation.start, citation.end
    if text is None or text[start:end] != quote:
        text = _passage_text(answer, citation)
        if text is None:
            return "", quote, ""
        start = text.index(quote)
        end = start + len(quote)
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS] + "…"
    return before.lstrip(), quote, after.rstrip()


def render_sources(corpus_dir: Path, answer: "Answer | None") -> str:
    """HTML for the sources panel: one card per citation of the latest answer, all text escaped."""
    if answer is None:
        return '<div class="source-empty">Sources of the latest answer appear here.</div>'
    if not answer.citations:
        why = "The assistant abstained: no source holds the answer." if answer.abstained else "No citations."
        return f'<div class="source-empty">{escape(why)}</div>'
    cards = []
    for c in answer.citations:
        before, quote, after = quote_in_context(corpus_dir, answer, c)
        meta = [f"file: <code>{escape(c.source)}</code>"]
        if c.heading:
            meta.append(f"section: {escape(c.heading)}")
        if c.page is not None:
            meta.append(f"page {int(c.page)}")
        meta.append(f"score: {float(c.score):.3f}")
        cards.append(
            f'<div class="source-card" data-n="{int(c.n)}">'
            f'<div class="source-title">[{int(c.n)}] {escape(c.title or c.source)}</div>'
            f'<div class="source-meta">{" · ".join(meta)}</div>'
            f'<blockquote class="source-context">{escape(before)}<mark>{escape(quote)}</mark>'
            f"{escape(after)}</blockquote>"
            "</div>"
        )
    return "".join(cards)
