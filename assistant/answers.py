"""What an answer is: its text, whether it abstained, and the citations it rests on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.documents import Document


def chunk_body(chunk: "Document") -> str:
    """A chunk's own text: ``page_content`` less the heading context prefixed for embedding.

    ``chunk_body(c)[i]`` is character ``c.metadata["start"] + i`` of the loaded source text.
    """
    return chunk.page_content[chunk.metadata.get("prefix_len", 0):]


def passage(chunk: "Document") -> dict:
    """A retrieved chunk as reported in ``Answer.passages``."""
    meta = chunk.metadata
    return {
        "source": meta["source"],
        "title": meta.get("title", ""),
        "heading": meta.get("heading", ""),
        "start": meta["start"],
        "end": meta["end"],
        "text": chunk_body(chunk),
        "score": meta.get("score", 0.0),
        "page": meta.get("page") or None,
        "url": meta.get("url") or None,
        "publisher": meta.get("publisher") or None,
        "date": meta.get("date") or None,
    }


@dataclass(frozen=True)
class Citation:
    """One cited passage. ``quote`` is exactly ``loaded_text[start:end]`` of ``source``.

    For md and txt files the loaded text is the file itself (read as UTF-8); for html and pdf it
    is the extracted text, and ``page`` gives the PDF page (1-based) where the quote starts.
    """

    n: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    heading: str = ""
    page: int | None = None

    @classmethod
    def from_chunk(cls, n: int, chunk: "Document", start: int, end: int, quote: str, score: float) -> "Citation":
        """Cite ``quote`` (source text ``start:end``) inside ``chunk``."""
        meta = chunk.metadata
        return cls(
            n=n,
            source=meta["source"],
            title=meta.get("title", ""),
            quote=quote,
            start=start,
            end=end,
            score=round(score, 4),
            heading=meta.get("heading", ""),
            page=int(meta.get("page") or 0) or None,
        )


@dataclass
class Answer:
    """A short answer with ``[n]`` markers tied to ``citations``; ``abstained`` when the sources fall short."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    mode: str = "extractive"  # "llm" when the text comes from a verified LLM answer
    fallback: str | None = None  # why LLM mode fell back to the extractive answer, when it did
    verification: dict | None = None  # LLM mode: sentences the verifier kept, corrected and dropped
    retrieval_query: str = ""
    seconds: float = 0.0
    passages: list[dict] = field(default_factory=list)

    def revision_note(self) -> str | None:
        """What a reader of the streamed draft must know about the final answer (LLM mode): why it
        is the extractive answer, or how many of the model's sentences were dropped or corrected."""
        if self.fallback:
            return f"Extractive answer: {self.fallback}."
        counts = self.verification or {}
        dropped, corrected = counts.get("dropped", 0), counts.get("corrected", 0)
        if not dropped and not corrected:
            return None
        parts = []
        if dropped:
            parts.append(f"{dropped} sentence{'s' * (dropped > 1)} of the model's draft dropped: not supported by the "
                         "passage cited")
        if corrected:
            parts.append(f"{corrected} re-pointed to the passage that supports {'them' if corrected > 1 else 'it'}")
        return "; ".join(parts) + "."

    def to_dict(self) -> dict:
        """A JSON-serialisable dict (used by ``--json``, the web API and the evaluation)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Answer":
        """Rebuild an answer from ``to_dict()`` output (e.g. from the web API)."""
        citations = [Citation(**{k: v for k, v in c.items() if k in Citation.__dataclass_fields__}) for c in data.get("citations", [])]
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "citations"}
        return cls(citations=citations, **fields)
