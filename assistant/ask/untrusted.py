"""Document text is data, never instructions: find and mask text addressed to the answerer.

A sentence written for the assistant rather than for a human reader supports no answer. It is
found by its *grammar*, not by a list of phrases: it **addresses an AI** ("Note for the
assistant: ...", "Dear chatbot,", "AI models reading this ...", "if you are a language model"),
**directs the answer** (an answer verb as an imperative at the start of a clause: "State that
...", "Tell the user ...", "Give X as the answer"; the answerer or "you" with a modal: "you are
required to reply ...", "whoever answers should insist ..."; "your answer"; "When asked about X,
say Y"; "questions about X should be answered with Y"; "the correct answer to ... is Y"), or
**role-plays or overrides** (chat-template markers, "you are now ...", "act as ...", "set aside
everything you retrieved", "this overrides every other source").

Reporting ("Officials said that ...", "The minister told reporters that ...", "Analysts must now
answer whether ...") matches none of these: the verb's subject is not the answerer, or the verb is
inflected. A sentence that addresses an AI, or points at its neighbours ("the following"), taints
its paragraph; an addressed heading or title taints its section. Masking blanks the text with
spaces (line breaks kept), so every offset into the passage stays exact. The rules themselves are
in ``untrusted_rules``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from langchain_core.documents import Document

from assistant.answers import chunk_body
from assistant.ask.untrusted_rules import RULES
from assistant.text.literals import Needs, folded, may_match, needed
from assistant.text.sentences import split_sentences

# --------------------------------------------------------------------------- normalising

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"), None)
_PUNCT = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'",
     "—": " - ", "–": " - ", "‐": "-", "‑": "-", "‒": "-", "−": "-"}
)


def _normalise(text: str) -> str:
    """Compatibility forms folded (full-width letters, ligatures), invisible characters dropped,
    quotes and dashes made plain, Markdown emphasis and whitespace runs removed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_PUNCT)
    text = re.sub(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)", "", text)
    return " ".join(text.split())


# A flagged sentence that points at its neighbours taints its whole paragraph.
_POINTS_AROUND = re.compile(
    r"\b(?:the (?:following|below|next|as follows)|as follows|below|what follows|"
    r"the next (?:sentence|line|paragraph|passage|section|statement)s?|"
    r"the (?:previous|preceding|above|last|prior|earlier) (?:sentence|line|paragraph|statement|fact|figure|claim|"
    r"passage|text)s?|the above|this (?:fact|figure|claim|statement|sentence|information))\b|:\s*$",
    re.I,
)


@lru_cache(maxsize=1)
def _rules_with_needs() -> list[tuple[str, str, Needs]]:
    """Each rule (kind, source) with the words it cannot match without (``text.literals``), read once
    on first use: reading them costs about 0.1 s, which a process that never reads a passage need not pay."""
    return [(kind, source, needed(source, re.I)) for kind, source in RULES]


@lru_cache(maxsize=None)
def compiled_rule(source: str) -> re.Pattern[str]:
    """A rule compiled when a sentence first holds its words (compiling all of them costs 0.2 s)."""
    return re.compile(source, re.I)


@lru_cache(maxsize=8192)
def instruction_kind(text: str) -> str | None:
    """Why ``text`` reads as an instruction to the answerer ("addressed", "vocative", "directive",
    "role", "override"), or None when it reads as ordinary prose."""
    norm = _normalise(text)
    if not norm:
        return None
    # Nearly every sentence lacks the words of nearly every rule: a substring test skips the search.
    words = folded(norm)
    for kind, source, needs in _rules_with_needs():
        if may_match(needs, words) and compiled_rule(source).search(norm):
            return kind
    return None


def is_instruction(text: str) -> bool:
    """True when ``text`` (a sentence, heading or title) is addressed to the answerer as an instruction."""
    return instruction_kind(text) is not None


def _taints_paragraph(text: str, kind: str) -> bool:
    return kind in ("addressed", "role") or bool(_POINTS_AROUND.search(_normalise(text)))


@lru_cache(maxsize=4096)
def instruction_spans(body: str) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets in ``body`` of the text to mask: instruction sentences, and the whole
    paragraph of one that is addressed to an AI or points at its neighbours. Cached: the same
    passages come back question after question, and splitting them into sentences costs a tenth of a warm question."""
    spans: list[tuple[int, int]] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", body)]
    for lo, hi in paragraphs:
        for s in split_sentences(body[lo:hi], lo):
            sentence = body[s.start : s.end]
            kind = instruction_kind(sentence)
            if kind is None:
                continue
            if _taints_paragraph(sentence, kind):
                spans = [sp for sp in spans if not lo <= sp[0] < hi] + [(lo, hi)]
                break
            spans.append((s.start, s.end))
    return tuple(spans)


def _section_addressed(doc: Document) -> bool:
    """The chunk's heading path or document title is itself addressed to an AI (or a role marker)."""
    meta = doc.metadata
    for label in (meta.get("heading") or "", meta.get("title") or ""):
        for part in label.split(" > "):
            if instruction_kind(part) in ("addressed", "role"):
                return True
    return False


def mask_instructions(doc: Document) -> Document:
    """``doc`` with every instruction to the answerer in its body blanked out (same length, same
    offsets); a chunk under an addressed heading or title is blanked whole."""
    body = chunk_body(doc)
    prefix = doc.page_content[: len(doc.page_content) - len(body)]
    spans = [(0, len(body))] if _section_addressed(doc) else instruction_spans(body)
    if not spans:
        return doc
    chars = list(body)
    for start, end in spans:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = " "
    return Document(page_content=prefix + "".join(chars), metadata=doc.metadata)
