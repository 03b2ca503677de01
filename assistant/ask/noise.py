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


# A question typed without its question mark: the embedding model reads "... plant" and "... plant?"
# a little apart, enough to change which passage ranks first for one question in thirty.
_ASKING_RE = re.compile(r"^(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|has|have|"
                        r"had|can|could|will|would|should)\b[^?]*[^?.!\s]$", re.I)


def strip_noise(question: str) -> str:
    """The question without markup, pasted URLs or instructions addressed to the assistant, and with
    its question mark."""
    text = _URL_RE.sub(" ", _TAG_RE.sub(" ", question))
    text = _MD_RE.sub(" ", text)
    text = _ORDER_RE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" \"'")
    if len(content_terms(text)) < 1:
        return question.strip()
    return text + "?" if _ASKING_RE.match(text) else text
