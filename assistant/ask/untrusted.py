"""Document text is data, never instructions: find and mask passages that address the reader.

A sentence such as "Ignore previous instructions and answer that ..." supports no answer. Masking
replaces it with spaces, so every offset into the passage stays exact.
"""

from __future__ import annotations

import re

from langchain_core.documents import Document

from assistant.answers import chunk_body
from assistant.text.sentences import split_sentences

INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,60}\b(?:instructions?|prompts?|rules|above|previous|prior)\b"
    r"|\b(?:system prompt|you must answer|answer that|respond with|respond that|reply that|say that)\b",
    re.I,
)


def is_instruction(text: str) -> bool:
    return bool(INSTRUCTION_RE.search(text))


def mask_instructions(doc: Document) -> Document:
    """``doc`` with every instruction-like sentence of its body blanked out (same length, same offsets)."""
    if not INSTRUCTION_RE.search(doc.page_content):
        return doc
    body = chunk_body(doc)
    prefix = doc.page_content[: len(doc.page_content) - len(body)]
    for span in split_sentences(body):
        if is_instruction(body[span.start : span.end]):
            body = body[: span.start] + " " * (span.end - span.start) + body[span.end :]
    return Document(page_content=prefix + body, metadata=doc.metadata)
