"""Questions wrapped in noise: markup, pasted links and instructions to the assistant around a
question neither answer it nor block it; the question is answered on what is left."""

from __future__ import annotations

import re

from assistant.text.words import content_terms

_TAG_RE = re.compile(r"<[^<>]{0,200}>")
_URL_RE = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.I)
_MD_RE = re.compile(r"[*_`#>]{1,3}")
_ORDER_RE = re.compile(
    r"(?:^|(?<=[.!?:]))\s*(?:please\s+)?(?:ignore|disregard|forget|override)\b[^.!?:]*[.!?:]"
    r"|(?:^|(?<=[.!?:]))\s*(?:you are|act as|pretend|system:|assistant:|answer only|respond only|reply only)\b[^.!?:]*[.!?:]",
    re.I,
)


def strip_noise(question: str) -> str:
    """The question without markup, pasted URLs or instructions addressed to the assistant."""
    text = _URL_RE.sub(" ", _TAG_RE.sub(" ", question))
    text = _MD_RE.sub(" ", text)
    text = _ORDER_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" \"'")
    return text if len(content_terms(text)) >= 1 else question.strip()
