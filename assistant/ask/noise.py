"""Questions wrapped in noise: markup, pasted links and instructions to the assistant around a
question neither answer it nor block it; the question is answered on what is left. Statements
typed before a question ("I'm writing a briefing on chip subsidies. How much did Intel get?
Thanks!") are context, not part of what is asked."""

from __future__ import annotations

import re

from assistant.text.sentences import split_sentences
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
    return _with_mark(text)


def _with_mark(text: str) -> str:
    return text + "?" if _ASKING_RE.match(text) else text


# "Thanks!", "Thank you so much.", "Hi there": short, and no request ("Please list the firms." is one).
_PLEASANTRY_RE = re.compile(r"^(?:many\s+)?(?:thanks?|thank\s+you|thx|cheers|ta|much appreciated|appreciated|"
                            r"appreciate\s+it|hi|hello|hey)\b(?:\s+[^\s?]+){0,3}\s*[.!]*$", re.I)
_GREETING_RE = re.compile(r"^(?:hi|hello|hey)(?:\s+there)?\s*[,!:]\s*", re.I)


def split_context(question: str) -> tuple[str, str]:
    """(context, question) of what was typed: the statements before the first sentence that asks
    (ends in "?") are its context, and pleasantries around it are dropped. A follow-up leans on the
    context as on an earlier turn ("Intel got a grant in 2024. How much was it?"); a question that
    stands alone is answered without it."""
    sentences = [_GREETING_RE.sub("", question[s.start : s.end]) for s in split_sentences(question)]
    sentences = [s for s in sentences if s and not _PLEASANTRY_RE.match(s)]
    asking = [i for i, s in enumerate(sentences) if s.endswith("?")]
    if not asking or len(sentences) < 2:
        return "", _with_mark(" ".join(sentences)) if sentences else question
    first = asking[0]
    return " ".join(sentences[:first]), " ".join(sentences[first:])
