"""Fit the answer calibration (``assistant/ask/calibration.py``) on question sets.

``collect`` asks nothing: it gathers each case's evidence and candidate sentences through
``Assistant.explain``, labelling a candidate right when it holds the case's evidence text or
every group of its right answer. ``fit``
then trains the ranker on those labels and grid-searches the two abstention thresholds, replaying
``extractive.choose`` on the stored candidates, so a fit costs one pass over the set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.ask.calibration import RANK_FEATURES, Calibration, fit_linear, rank_features
from assistant.ask.candidates import Candidate
from assistant.ask.extractive import choose, runner_up
from assistant.ask.questions import ParsedQuestion
from assistant.evaluation.cases import Case
from assistant.evaluation.metrics import contains_evidence, missing_groups

if TYPE_CHECKING:
    from assistant.ask.retrieval import CorpusStats
    from assistant.pipeline import Assistant

MIN_RELEVANCE_GRID = tuple(round(v, 2) for v in np.arange(0.30, 0.61, 0.02))
RELATIVE_MARGIN_GRID = tuple(round(v, 2) for v in np.arange(0.60, 0.96, 0.05))
SECOND_RATIO_GRID = (1.01, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5)
RANKER_C = 0.1  # strong regularisation: a few hundred labelled questions, features that correlate


@dataclass
class Sample:
    case: Case
    question: ParsedQuestion
    candidates: list[Candidate]
    stats: "CorpusStats"
    labels: list[bool]  # per candidate: it holds the case's evidence


def collect(bot: "Assistant", cases: Sequence[Case]) -> list[Sample]:
    """One ``Sample`` per case of a set, over ``bot``'s corpus."""
    samples = []
    for case in cases:
        evidence, cands = bot.explain(case.question, list(case.history))
        labels = [_holds(case, c.text) for c in cands]
        samples.append(Sample(case, evidence.question, cands, evidence.stats, labels))
    return samples


def _holds(case: Case, text: str) -> bool:
    """Does ``text`` answer ``case``: it holds the evidence, or every group of the right answer?"""
    if not case.answerable:
        return False
    return bool(case.evidence and contains_evidence(text, case.evidence)) or not missing_groups(text, case.answers)


def _right(sample: Sample, picked: list[Candidate]) -> bool:
    """Would answering with ``picked`` (nothing: abstaining) pass this case?"""
    if not sample.case.answerable:
        return not picked
    return bool(picked) and _holds(sample.case, " ".join(c.text for c in picked))


def _answer(sample: Sample, calibration: Calibration, scores: dict[int, float] | None = None) -> list[Candidate]:
    first = choose(sample.question, sample.candidates, sample.stats, calibration, scores)
    if first is None:
        return []
    second = runner_up(sample.question, sample.candidates, first, calibration, scores)
    return [first] if second is None else [first, second]


def score(samples: Sequence[Sample], calibration: Calibration, scores: list[dict[int, float]] | None = None) -> float:
    """The share of cases the chooser gets right (answered with the answer, or abstained on when
    the sources do not hold it): every question counts once, as every user's does."""
    scores = scores or [calibration.scores(s.question, s.candidates) for s in samples]
    right = [_right(s, _answer(s, calibration, sc)) for s, sc in zip(samples, scores)]
    return sum(right) / len(right) if right else 0.0


def fit(samples: Sequence[Sample], trained_on: Sequence[str]) -> Calibration:
    """The ranker from the labelled candidates, then the thresholds that score best with it."""
    rows = [(rank_features(s.question, s.candidates), s.labels) for s in samples if any(s.labels)]
    if not rows:
        raise ValueError("no case has its evidence among the candidates; nothing to fit on")
    x = np.vstack([r[0] for r in rows])
    y = np.concatenate([np.asarray(r[1], dtype=int) for r in rows])
    calibration = Calibration(fit_linear(x, y, RANK_FEATURES, c=RANKER_C), trained_on=sorted(trained_on))
    scores = [calibration.scores(s.question, s.candidates) for s in samples]  # the ranker is fixed now
    best = (-1.0, 0.0, 0.0, 0.0)
    for ratio in SECOND_RATIO_GRID:
        grid = np.zeros((len(RELATIVE_MARGIN_GRID), len(MIN_RELEVANCE_GRID)))
        for i, margin in enumerate(RELATIVE_MARGIN_GRID):
            for j, floor in enumerate(MIN_RELEVANCE_GRID):
                calibration.min_relevance, calibration.relative_margin, calibration.second_ratio = floor, margin, ratio
                grid[i, j] = score(samples, calibration, scores)
        for i, margin in enumerate(RELATIVE_MARGIN_GRID):
            for j, floor in enumerate(MIN_RELEVANCE_GRID):
                # A point is judged with its neighbours in both thresholds: with a few hundred cases
                # one or two questions make a lone peak (or a ridge at an extreme), and those do not
                # carry to other corpora; a broad plateau does.
                smooth = float(grid[max(0, i - 1) : i + 2, max(0, j - 1) : j + 2].mean())
                # Ties keep the first found: strict on the second sentence, permissive on the thresholds.
                if smooth > best[0] + 1e-9:
                    best = (smooth, floor, margin, ratio)
    calibration.min_relevance, calibration.relative_margin, calibration.second_ratio = best[1:]
    return calibration
