"""Check an LLM answer sentence by sentence against the passages it cites.

A sentence is supported by a passage when every number, amount, year and name in it appears in
the passage, and its meaning is close (embedding cosine >= ``min_support``) to a sentence span of
the passage. A sentence citing a passage that does not support it is re-pointed to one that does,
else dropped. Text in a passage that reads as an instruction to the reader ("ignore previous
instructions ...") is untrusted and supports nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant.answers import Answer, Citation, chunk_body
from assistant.ask.untrusted import mask_instructions
from assistant.text.names import name_runs
from assistant.text.numbers import scaled_numbers
from assistant.text.sentences import split_sentences
from assistant.text.words import FOOTNOTE_RE, content_terms

MARKER_RE = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
NOT_IN_SOURCES_RE = re.compile(
    r"not in the (?:sources|documents|passages)|(?:sources|documents|passages) (?:do not|don't|does not|doesn't) "
    r"(?:say|contain|mention|state|give|hold)|no information|cannot answer|can't answer",
    re.I,
)


def normalise(text: str) -> str:
    """Lower case, hyphens and dollar signs to spaces, thousands separators dropped, spaces collapsed."""
    text = FOOTNOTE_RE.sub(" ", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"[-–—$€¥£]", " ", text.lower())
    return " " + " ".join(re.findall(r"[\w.%']+", text)).replace("'s ", " ").replace("’s ", " ") + " "


def facts(sentence: str, proper: frozenset[str] = frozenset()) -> list[str]:
    """Numbers (with their scale word), years and name words a passage must contain, normalised."""
    found = scaled_numbers(sentence)
    for run in name_runs(sentence, proper):
        found += [w for w in normalise(run).split() if not w.isdigit()]
    return list(dict.fromkeys(found))


@dataclass
class Check:
    """One answer sentence and what the verifier made of it."""

    text: str  # the sentence without its markers
    cited: list[int]  # the [n] it gave (1-based passage numbers)
    status: str = "dropped"  # kept | corrected | dropped
    passage: int | None = None  # 0-based index of the supporting passage
    start: int = 0
    end: int = 0
    quote: str = ""
    score: float = 0.0
    reason: str = ""


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    says_not_in_sources: bool = False

    @property
    def kept(self) -> list[Check]:
        return [c for c in self.checks if c.status != "dropped"]

    def counts(self) -> dict[str, int]:
        out = {"sentences": len(self.checks), "kept": 0, "corrected": 0, "dropped": 0}
        for c in self.checks:
            out[c.status] += 1
        return out


class Verifier:
    """Verifies answer sentences against retrieved passages with the assistant's embedding model."""

    def __init__(self, embeddings, min_support: float = 0.5, proper: frozenset[str] = frozenset()) -> None:
        self.embeddings = embeddings
        self.min_support = min_support
        self.proper = proper

    def _spans(self, doc: Document) -> list[tuple[int, int, str]]:
        """(start, end, text) of each trusted sentence and pair of neighbouring sentences, in source offsets."""
        meta = doc.metadata
        # Masked (blanked) instructions split into no sentence, whether a sentence, its paragraph
        # or its section was addressed to the assistant.
        body = chunk_body(mask_instructions(doc))
        base = meta["start"]
        sentences = split_sentences(body, offset=base)
        spans = [(s.start, s.end) for s in sentences]
        spans += [(a.start, b.end) for a, b in zip(sentences, sentences[1:])]
        return [(a, b, body[a - base : b - base]) for a, b in spans]

    def verify(self, text: str, docs: list[Document]) -> Verification:
        result = Verification()
        spans = [self._spans(d) for d in docs]
        trusted = [normalise(" ".join(t for _, _, t in s)) for s in spans]
        for raw in _sentences(text):
            cited = [int(n) for group in MARKER_RE.findall(raw) for n in group.split(",")]
            claim = " ".join(MARKER_RE.sub(" ", raw).split()).strip()
            if not any(c.isalnum() for c in claim):
                continue
            if NOT_IN_SOURCES_RE.search(claim):
                result.says_not_in_sources = True
                continue
            check = Check(text=claim, cited=cited)
            result.checks.append(check)
            wanted = facts(claim, self.proper)
            vector = np.asarray(self.embeddings.embed_query(claim))
            order = [n - 1 for n in cited if 0 < n <= len(docs)]
            order += [i for i in range(len(docs)) if i not in order]
            reasons = []
            for i in order:
                missing = [f for f in wanted if f" {f} " not in trusted[i]]
                if missing or not spans[i]:
                    reasons.append(f"[{i + 1}] lacks {', '.join(missing) or 'trusted text'}")
                    continue
                texts = [t for _, _, t in spans[i]]
                sims = np.asarray(self.embeddings.embed_documents(texts)) @ vector
                best = int(np.argmax(sims))
                if float(sims[best]) < self.min_support:
                    reasons.append(f"[{i + 1}] similarity {float(sims[best]):.2f}")
                    continue
                start, end, quote = spans[i][best]
                # Close in meaning is not enough: most of the claim's words must stand in the span, or a
                # fluent sentence with invented details ("remains highly competitive") would pass.
                shared = _shared_words(claim, quote)
                if shared < MIN_SHARED_WORDS:
                    reasons.append(f"[{i + 1}] shares {shared:.0%} of its words")
                    continue
                check.status = "kept" if i + 1 in cited else "corrected"
                check.passage, check.start, check.end, check.quote = i, start, end, quote
                check.score = round(float(sims[best]), 4)
                break
            if check.status == "dropped":
                bad = [n for n in cited if not 0 < n <= len(docs)]
                check.reason = (f"no passage [{', '.join(map(str, bad))}]; " if bad else "") + "; ".join(reasons[:3])
        return result


MIN_SHARED_WORDS = 0.6


def _shared_words(claim: str, quote: str) -> float:
    words = set(content_terms(claim))
    return len(words & set(content_terms(quote))) / len(words) if words else 0.0


def _sentences(text: str) -> list[str]:
    text = text.strip()
    return [text[s.start : s.end] for s in split_sentences(text)]


def to_answer(question: str, verification: Verification, docs: list[Document]) -> Answer:
    """The verified sentences as an LLM-mode answer, citations renumbered in order of use."""
    numbers: dict[tuple[int, int, int], int] = {}
    citations, parts = [], []
    for check in verification.kept:
        key = (check.passage, check.start, check.end)
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            citations.append(
                Citation.from_chunk(numbers[key], docs[check.passage], check.start, check.end, check.quote, check.score)
            )
        claim = check.text if check.text.endswith((".", "!", "?")) else check.text + "."
        parts.append(f"{claim[:-1].rstrip()} [{numbers[key]}]{claim[-1]}")
    return Answer(question=question, text=" ".join(parts), abstained=False, citations=citations, mode="llm")
