"""Check an LLM answer sentence by sentence against the passages it cites: the judge of LLM mode.

A sentence reaches the user when the passages it cites support it (see ``support``): every
quantity, year and name stands in their chunks, no negation is flipped, most content words are
covered (or close synonyms are), and its meaning is close (cosine >= ``min_support``) to a sentence
span of them. A sentence citing several passages is checked against their union. One that fails
is dropped, unless it is a quote of another passage, when it is re-pointed there ("corrected").
Text in a passage that reads as an instruction ("ignore previous instructions ...") supports nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant.answers import Answer, Citation, chunk_body
from assistant.ask.untrusted import mask_instructions
from assistant.llm.support import MIN_COVERAGE, WordCover, fact_problems, negated, normalise
from assistant.text.names import name_runs
from assistant.text.numbers import scaled_numbers
from assistant.text.quantities import missing_quantities
from assistant.text.sentences import split_sentences
from assistant.text.words import FOOTNOTE_RE, content_terms

# Spans this close in similarity to a passage's best one count as where a sentence's support lies.
NEAR_BEST = 0.1
# Share of content words two sentences must have in common (both ways) to say the same thing.
RESTATED = 0.8
MARKER_RE = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
NOT_IN_SOURCES_RE = re.compile(
    r"not in the (?:sources|documents|passages)|(?:sources|documents|passages) (?:do not|don't|does not|doesn't) "
    r"(?:say|contain|mention|state|give|hold)|no information|cannot answer|can't answer",
    re.I,
)

Span = tuple[int, int, str]  # source offsets and text of a sentence (or two neighbouring ones)


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
    quotes: list[tuple[int, int, int, str, float]] = field(default_factory=list)  # (passage, start, end, quote, score)
    reason: str = ""

    @property
    def passage(self) -> int | None:
        return self.quotes[0][0] if self.quotes else None


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    says_not_in_sources: bool = False
    declined: list[str] = field(default_factory=list)  # the model's "not in the sources" sentences

    @property
    def kept(self) -> list[Check]:
        return [c for c in self.checks if c.status != "dropped"]

    def counts(self) -> dict[str, int]:
        out = {"sentences": len(self.checks), "kept": 0, "corrected": 0, "dropped": 0}
        for c in self.checks:
            out[c.status] += 1
        return out

    def report(self) -> dict:
        """Counts plus one row per sentence: what ``Answer.verification`` holds (JSON-serialisable)."""
        rows = [{"sentence": c.text, "status": c.status, "reason": c.reason} for c in self.checks]
        rows += [{"sentence": s, "status": "declined", "reason": "the model says the sources do not hold the answer"}
                 for s in self.declined]
        return {**self.counts(), "details": rows}


class Verifier:
    """Verifies answer sentences against retrieved passages with the assistant's embedding model."""

    def __init__(self, embeddings, min_support: float = 0.5, proper: frozenset[str] = frozenset(),
                 cover: WordCover | None = None) -> None:
        self.embeddings = embeddings
        self.min_support = min_support
        self.proper = proper
        self.cover = cover or WordCover(embeddings)

    def _spans(self, doc: Document) -> list[Span]:
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
        vectors: dict[int, np.ndarray] = {}

        def span_vectors(i: int) -> np.ndarray:
            if i not in vectors:
                vectors[i] = np.asarray(self.embeddings.embed_documents([t for _, _, t in spans[i]]))
            return vectors[i]

        for raw in _sentences(text):
            cited = [int(n) for group in MARKER_RE.findall(raw) for n in group.split(",")]
            claim = re.sub(r"\s+(?=[.!?,;:])", "", " ".join(MARKER_RE.sub(" ", raw).split())).strip()
            if not any(c.isalnum() for c in claim):
                continue
            if NOT_IN_SOURCES_RE.search(claim):
                result.says_not_in_sources = True
                result.declined.append(claim)
                continue
            check = Check(text=claim, cited=cited)
            result.checks.append(check)
            vector = np.asarray(self.embeddings.embed_query(claim))
            valid = list(dict.fromkeys(n - 1 for n in cited if 0 < n <= len(docs)))
            bad = [n for n in cited if not 0 < n <= len(docs)]
            reason = ("cites no passage" if not cited else "") if not valid else ""
            if valid:
                reason = self._support(claim, vector, valid, spans, span_vectors, check)
                if not reason:
                    check.status = "kept"
            if check.status == "dropped":
                # Re-pointing is allowed only to a passage the sentence quotes: a correction must
                # itself be a quote, never a second guess.
                for i in range(len(docs)):
                    if i not in valid and spans[i] and _quotes(claim, spans[i]):
                        if not self._support(claim, vector, [i], spans, span_vectors, check):
                            check.status = "corrected"
                            break
            if check.status == "dropped":
                check.quotes = []
                check.reason = (f"no passage [{', '.join(map(str, bad))}]; " if bad else "") + (reason or "unsupported")
        return result

    def _support(self, claim: str, vector: np.ndarray, idx: list[int], spans: list[list[Span]], span_vectors,
                 check: Check) -> str:
        """Why the passages ``idx`` (0-based) do not support ``claim``; "" when they do (quotes set on ``check``)."""
        where = ", ".join(f"[{i + 1}]" for i in idx)
        if not any(spans[i] for i in idx):
            return f"{where} holds no trusted text"
        source = " ".join(t for i in idx for _, _, t in spans[i])
        lacking = fact_problems(claim, source, self.proper)
        if lacking:
            return f"{where} lacks {', '.join(lacking[:4])}"
        best: list[tuple[int, int, int, str, float]] = []
        near: list[str] = []
        for i in idx:
            if spans[i]:
                sims = span_vectors(i) @ vector
                j = int(np.argmax(sims))
                start, end, quote = spans[i][j]
                best.append((i, start, end, quote, round(float(sims[j]), 4)))
                top = float(sims[j])
                near += [t for (_, _, t), sim in zip(spans[i], sims) if sim >= max(self.min_support, top - NEAR_BEST)]
        best.sort(key=lambda q: -q[4])
        if best[0][4] < self.min_support:
            return f"meaning far from {where} (similarity {best[0][4]:.2f})"
        # A quantity must stand where the sentence's meaning is found, not anywhere in the chunk:
        # a chunk that mentions "$75 billion in lending authority" does not back "$75 billion in fabs".
        astray = missing_quantities(claim, FOOTNOTE_RE.sub(" ", " ".join(near)))
        if astray:
            return f"{where} states {', '.join(astray[:4])} only apart from what the sentence says"
        changed = _restated_with_other_figures(claim, [t for i in idx for _, _, t in spans[i]])
        if changed:
            return f"{where} says the same with other figures ({changed})"
        if negated(claim) != negated(best[0][3]):
            return f"negation flipped against {where}"
        missing, share = self.cover.uncovered(claim, source)
        if share < MIN_COVERAGE:
            return f"{where} does not cover: {', '.join(missing[:5])}"
        check.quotes = best
        return ""


def _restated_with_other_figures(claim: str, texts: list[str]) -> str:
    """The first source sentence that ``claim`` restates word for word but for its figures, when the
    figures differ ("the rate went from 8 to 25 percent" against "... from 8 to 15 percent"); "".
    Right words around a wrong number is the commonest changed fact, and the sentences around the
    right one often hold the wrong number. A sentence that also restates one with its own figures is
    faithful to that one: two cited reports giving different figures is the sources' disagreement,
    not the model's."""
    own = {t for t in content_terms(claim) if not any(c.isdigit() for c in t)}
    if not own:
        return ""
    other = ""
    for text in texts:
        if len(split_sentences(text)) != 1:
            continue
        theirs = {t for t in content_terms(text) if not any(c.isdigit() for c in t)}
        if not theirs or len(own & theirs) < RESTATED * len(own) or len(own & theirs) < RESTATED * len(theirs):
            continue
        if not missing_quantities(claim, FOOTNOTE_RE.sub(" ", text)):
            return ""
        other = other or " ".join(text.split())[:80]
    return other


def _quotes(claim: str, spans: list[Span]) -> bool:
    """Is ``claim`` (normalised) a verbatim part of one of the spans?"""
    text = normalise(claim).strip()
    return len(text) > 12 and any(text in normalise(t) for _, _, t in spans)


def _sentences(text: str) -> list[str]:
    text = text.strip()
    return [text[s.start : s.end] for s in split_sentences(text)]


def to_answer(question: str, verification: Verification, docs: list[Document]) -> Answer:
    """The verified sentences as an LLM-mode answer, citations renumbered in order of use."""
    numbers: dict[tuple[int, int, int], int] = {}
    citations, parts = [], []
    for check in verification.kept:
        marks = []
        for passage, start, end, quote, score in check.quotes:
            key = (passage, start, end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(Citation.from_chunk(numbers[key], docs[passage], start, end, quote, score))
            marks.append(numbers[key])
        claim = check.text if check.text.endswith((".", "!", "?")) else check.text + "."
        parts.append(f"{claim[:-1].rstrip()} {''.join(f'[{m}]' for m in dict.fromkeys(marks))}{claim[-1]}")
    return Answer(question=question, text=" ".join(parts), abstained=False, citations=citations, mode="llm")
