"""Pure scoring: per-question verdicts and the aggregate metrics of a run.

Nothing here asks questions or touches files, so every number can be checked by hand.

Matching rules
--------------
* An **answer group** matches when any one of its alternatives occurs in the answer text after
  both are lower-cased, stripped of ``[n]`` / ``[^n]`` markers and thousands separators
  (``10,000`` == ``10000``), and stripped of all whitespace ("$65billion" == "$65 billion").
  Every group must match. ``forbidden`` texts are matched the same way, in answers that did not
  abstain (an abstention claims nothing; unanswerable questions are scored on abstention alone).
* **Evidence** is found in a passage or a cited quote when the passage contains one of the
  evidence texts after both are lower-cased, whitespace-collapsed and stripped of Markdown
  footnote markers such as ``[^2]``. The evidence texts of a question are alternatives: any
  one of them counts.
* A metric with nothing to measure (e.g. abstention accuracy on a set with no unanswerable
  questions) is ``None``, never 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_MARKER = re.compile(r"\[\^?\d+\]")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009'_](?=\d{3}(?!\d))")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S*\w\S*")


# ---------------------------------------------------------------- text matching


def normalise_answer(text: str) -> str:
    """Answer-matching form: lower case, no citation markers, no thousands separators, no whitespace."""
    text = _MARKER.sub("", text.lower())
    text = _THOUSANDS.sub("", text)
    return _SPACE.sub("", text)


def normalise_evidence(text: str) -> str:
    """Evidence-matching form: lower case, no ``[^n]`` footnote markers, whitespace collapsed."""
    return _SPACE.sub(" ", _FOOTNOTE.sub("", text).lower()).strip()


def contains_evidence(text: str, evidence: Sequence[str]) -> bool:
    """Whether ``text`` contains any one of the evidence texts (see the module docstring)."""
    hay = normalise_evidence(text)
    return any(normalise_evidence(e) in hay for e in evidence if normalise_evidence(e))


def missing_groups(text: str, groups: Sequence[Sequence[str]]) -> list[int]:
    """Indexes of the answer groups none of whose alternatives occurs in ``text``."""
    hay = normalise_answer(text)
    return [i for i, group in enumerate(groups) if not any(normalise_answer(alt) in hay for alt in group)]


def forbidden_found(text: str, forbidden: Sequence[str]) -> list[str]:
    """The forbidden texts that occur in ``text``."""
    hay = normalise_answer(text)
    return [f for f in forbidden if normalise_answer(f) and normalise_answer(f) in hay]


def answer_words(text: str) -> int:
    """Words in an answer: runs of non-space holding a letter or digit, ``[n]`` markers excluded."""
    return len(_WORD.findall(_MARKER.sub(" ", text)))


def first_evidence_rank(passages: Sequence[str], evidence: Sequence[str], k: int) -> int | None:
    """1-based rank of the first of the top ``k`` passages that contains the evidence, else ``None``."""
    for rank, text in enumerate(passages[:k], start=1):
        if contains_evidence(text, evidence):
            return rank
    return None


def unique_citations(citations: Iterable[dict]) -> list[dict]:
    """Citations with repeats of the same span (source, start, end) dropped, first kept."""
    seen: set[tuple] = set()
    out = []
    for c in citations:
        key = (c.get("source"), c.get("start"), c.get("end"), c.get("quote"))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


# ---------------------------------------------------------------- aggregate primitives


def ratio(flags: Iterable[bool]) -> float | None:
    """Share of true flags; ``None`` for no flags."""
    flags = list(flags)
    return sum(bool(f) for f in flags) / len(flags) if flags else None


def recall_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of questions whose evidence appeared at rank <= k (``None`` rank = not retrieved)."""
    return ratio(r is not None and r <= k for r in ranks)


def mrr(ranks: Sequence[int | None]) -> float | None:
    """Mean reciprocal rank of the first passage holding the evidence (0 when none did)."""
    return sum(1.0 / r if r else 0.0 for r in ranks) / len(ranks) if ranks else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean; ``None`` for no values."""
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------- per-question scoring


@dataclass
class Scored:
    """The verdict on one question and the facts each metric is computed from.

    Fields that do not apply to the question (e.g. ``answer_correct`` on an unanswerable one,
    or ``evidence_rank`` when the question lists no evidence) are ``None``.
    """

    id: str
    kind: str
    answerable: bool
    verdict: str  # "pass", "fail" or "error"
    reasons: list[str] = field(default_factory=list)
    error: str | None = None
    abstained: bool | None = None
    answer_correct: bool | None = None
    abstain_correct: bool | None = None
    has_evidence: bool = False
    evidence_rank: int | None = None
    citation_correct: bool | None = None
    citations: int = 0
    citations_with_evidence: int = 0
    words: int | None = None
    latency_ms: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def score_question(
    *,
    qid: str,
    kind: str,
    answerable: bool,
    answers: Sequence[Sequence[str]],
    evidence: Sequence[str],
    forbidden: Sequence[str],
    k: int,
    answer: dict | None,
    error: str | None = None,
    latency_ms: float | None = None,
) -> Scored:
    """Score one question against an answer dict (``Answer.to_dict()`` shape) or an error.

    A question that raised counts as wrong on every metric that applies to it (answer, citation,
    abstention, recall) but is not counted as a refusal, and has no latency or word count.
    """
    has_ev = bool(evidence)
    s = Scored(id=qid, kind=kind, answerable=answerable, verdict="fail", has_evidence=has_ev)
    if answer is None:
        s.verdict, s.error = "error", error or "no answer"
        s.reasons = [f"error: {s.error}"]
        if answerable:
            s.answer_correct = False
            s.citation_correct = False if has_ev else None
        else:
            s.abstain_correct = False
        return s

    text = answer.get("text", "") or ""
    s.abstained = bool(answer.get("abstained"))
    s.latency_ms = latency_ms
    if not s.abstained:
        s.words = answer_words(text)
    # Forbidden texts are claims an answer must not make; an abstention makes none (its text may
    # still name the closest passage, e.g. a title holding a figure), so only answers are checked.
    bad = [] if s.abstained else forbidden_found(text, forbidden)
    if bad:
        s.reasons.append("forbidden text in the answer: " + "; ".join(repr(b) for b in bad))

    passages = [p.get("text", "") for p in answer.get("passages", []) or []]
    cites = unique_citations(answer.get("citations", []) or [])
    if has_ev:
        s.evidence_rank = first_evidence_rank(passages, evidence, k)
        s.citations = len(cites)
        s.citations_with_evidence = sum(contains_evidence(c.get("quote", ""), evidence) for c in cites)

    if answerable:
        missing = [] if s.abstained else missing_groups(text, answers)
        s.answer_correct = not s.abstained and not missing and not bad
        if s.abstained:
            s.reasons.append("abstained on an answerable question")
        for i in missing:
            s.reasons.append(f"answer lacks group {i + 1}: any of " + ", ".join(repr(a) for a in answers[i]))
        if has_ev:
            s.citation_correct = s.citations_with_evidence > 0
            if not s.citation_correct:
                s.reasons.append("no cited quote contains the evidence")
        ok = s.answer_correct and s.citation_correct is not False
    else:
        s.abstain_correct = s.abstained
        if not s.abstained:
            s.reasons.append("answered a question the sources cannot answer")
        ok = s.abstain_correct
    s.verdict = "pass" if ok else "fail"
    return s


# ---------------------------------------------------------------- run summary

METRIC_KEYS = (
    "answer_accuracy",
    "citation_accuracy",
    "citation_precision",
    "recall_at_k",
    "mrr",
    "abstention_accuracy",
    "false_refusal_rate",
    "mean_answer_words",
    "latency_p50_ms",
    "latency_p95_ms",
    "errors",
)


def summarise(scored: Sequence[Scored], k: int) -> dict:
    """The run's metrics under the stable keys of ``METRIC_KEYS`` plus their counts.

    * answer_accuracy: answerable questions answered (not abstained) with every group and no forbidden text.
    * citation_accuracy: answerable questions with evidence where some cited quote contains it.
    * citation_precision: of the distinct citations on answerable questions with evidence, the share
      whose quote contains the evidence.
    * recall_at_k / mrr: over questions with evidence (answerable or not), from the retrieved passages.
    * abstention_accuracy: unanswerable questions that abstained.
    * false_refusal_rate: answerable questions that abstained (errors are not refusals).
    * mean_answer_words: over answers that did not abstain.
    * latency_p50_ms / latency_p95_ms: over questions that did not raise.
    * errors: questions that raised.
    """
    answerable = [s for s in scored if s.answerable]
    unanswerable = [s for s in scored if not s.answerable]
    with_ev = [s for s in answerable if s.has_evidence]
    retrieval = [s for s in scored if s.has_evidence]
    ranks = [s.evidence_rank for s in retrieval]
    cites = sum(s.citations for s in with_ev)
    good_cites = sum(s.citations_with_evidence for s in with_ev)
    latencies = [s.latency_ms for s in scored if s.latency_ms is not None]
    words = [s.words for s in scored if s.words is not None]
    return {
        "answer_accuracy": ratio(s.answer_correct for s in answerable),
        "citation_accuracy": ratio(s.citation_correct for s in with_ev),
        "citation_precision": good_cites / cites if cites else None,
        "recall_at_k": recall_at_k(ranks, k),
        "mrr": mrr(ranks),
        "abstention_accuracy": ratio(s.abstain_correct for s in unanswerable),
        "false_refusal_rate": ratio(bool(s.abstained) for s in answerable),
        "mean_answer_words": mean(words),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "errors": sum(s.verdict == "error" for s in scored),
        "counts": {
            "questions": len(scored),
            "passed": sum(s.verdict == "pass" for s in scored),
            "answerable": len(answerable),
            "answer_correct": sum(bool(s.answer_correct) for s in answerable),
            "answerable_with_evidence": len(with_ev),
            "citation_correct": sum(bool(s.citation_correct) for s in with_ev),
            "citations": cites,
            "citations_with_evidence": good_cites,
            "with_evidence": len(retrieval),
            "retrieved_at_k": sum(r is not None for r in ranks),
            "unanswerable": len(unanswerable),
            "abstain_correct": sum(bool(s.abstain_correct) for s in unanswerable),
            "refused": sum(bool(s.abstained) for s in answerable),
        },
    }


def per_kind(scored: Sequence[Scored], k: int) -> dict[str, dict]:
    """``summarise`` for each ``kind``, in order of first appearance."""
    kinds = list(dict.fromkeys(s.kind for s in scored))
    return {kind: summarise([s for s in scored if s.kind == kind], k) for kind in kinds}


def check_floors(metrics: dict, floors: dict[str, float]) -> list[str]:
    """Lines naming each metric below its floor (a metric with nothing to measure fails too)."""
    misses = []
    for key, floor in floors.items():
        value = metrics.get(key)
        if value is None:
            misses.append(f"{key} has nothing to measure (floor {floor})")
        elif value < floor:
            misses.append(f"{key} {value:.3f} is below the floor {floor}")
    return misses
