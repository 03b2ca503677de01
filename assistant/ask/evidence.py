"""Gather the evidence for one question: resolve it against the conversation, retrieve a pool of
passages (more for each part of a multi-part question), and mask instructions inside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.ask.conversation import History, resolve
from assistant.ask.questions import ParsedQuestion, parts_of
from assistant.ask.retrieval import HybridRetriever
from assistant.ask.untrusted import mask_instructions


@dataclass
class Evidence:
    question: ParsedQuestion   # the question, resolved against the conversation
    query: str                 # what retrieval searched with
    passages: list[Document]   # the k best passages, reported with the answer
    pool: list[Document]       # the wider pool the answerer reads, instructions masked
    parts: list[tuple[ParsedQuestion, str]] = field(default_factory=list)  # multi-part: (part, its query)


def gather(question: str, history: History, retriever: HybridRetriever, k: int) -> Evidence:
    """Retrieve what ``question`` needs; the answerer ranks sentences itself, so it reads 2k passages."""
    parsed, query = resolve(question, history, retriever.stats.proper)
    pool = retriever.invoke(query, k=2 * k)
    passages = pool[:k]
    parts = parts_of(parsed, query, retriever.stats.proper)
    seen = {(d.metadata["source"], d.metadata["start"]) for d in pool}
    for _, part_query in parts:
        for doc in retriever.invoke(part_query, k=k):
            key = (doc.metadata["source"], doc.metadata["start"])
            if key not in seen:
                seen.add(key)
                pool.append(doc)
    # Instructions inside documents are data, never answers.
    return Evidence(parsed, query, passages, [mask_instructions(d) for d in pool], parts)
