"""The calibration: which sentence answers, and when to abstain, learned from question sets.

Nothing here is fit to the set it is reported on: ``assistant eval --suite --cross`` fits on one
dev corpus and scores on another (``assistant/evaluation/calibrate.py`` does the fitting).

The **ranker** is a small logistic regression that orders the candidate sentences of a question.
Its features (``RANK_FEATURES``), all measured by ``candidates.py``:

- ``cos`` / ``cos_gap``: embedding cosine with the question, and its distance below the best
  candidate of the same question (the ``_gap`` features are relative to the question's best, so
  one model serves questions with many or few good sentences);
- ``cov`` / ``cov_gap``: weighted share of the question's words in the sentence (exact, by stem,
  by compound or by close meaning; rare words weigh more);
- ``own``: the share of the words asked *now* (not carried from earlier turns) it matches;
- ``ctx``: the same coverage over the sentence's chunk, heading and title;
- ``typed`` / ``untyped``: the question asks for a type of fact (amount, date, person, ...) and the
  sentence holds one it does not already state / holds none;
- ``names_ok``: every name, year and amount the question mentions stands in its context;
- ``chunk_rank``: 1 / (1 + rank of its chunk in hybrid retrieval); ``dense``: the chunk's cosine;
- ``refers``: it opens with a referring word ("It", "The company"); ``length``: log of its words;
- ``window`` / ``window_gap``: coverage of the sentence together with the one before it, which
  often names the subject ("... the Crolles fab. About 1,000 jobs are expected.");
- ``near``: a fact of the asked type stands within a few words of a question word ("1,000 jobs");
- ``names_here``: the share of the names the question mentions that stand in the sentence or the
  one before it (``names_ok`` asks the same of the whole chunk);
- ``cos_ctx`` / ``cos_ctx_gap``: cosine of the sentence read with its chunk's heading and the
  sentence before it, as a reader meets it.

Sentence vectors are means of their tokens' states in the chunk's model pass
(``index/sentence_pools.py``), so ``cos`` and ``cos_ctx`` cost no model call per question.

The **abstention thresholds** judge the sentence the ranker puts first (``extractive.choose``):
``min_relevance`` (least relevance, discounted for question words the evidence leaves unmatched)
and ``relative_margin`` (a sentence holding the asked type of fact must score at least this share
of the most relevant one). Three rules stand before them, not fit: every name the question mentions
stands in the sentence's document (``names_ok``); a figure is stated by one of the names the
question gives its subject (in the sentence, the one before it, or the title: ``names_near``); and a
figure question's measure ("budget", "employees") is named in its passage. ``second_ratio`` lets a runner-up join the answer when the ranker
rates it nearly as likely (the ratio of their probabilities). All three are chosen by grid search
on the training sets, maximising the share of questions handled right (answered with the answer, or
abstained on when the sources do not hold it), each point judged with its neighbours. Weighing
abstention as much as answering instead (the mean of the two accuracies) was tried: on held-out
corpora it refused 27-41 % of answerable questions, so every question counts once, as a user's does.

The fitted model is a JSON file (``calibration.json`` beside this module is the shipped one,
fit on all the dev corpora) with its feature names, so a model never meets features it was not fit on.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.ask.candidates import Candidate
from assistant.ask.questions import ParsedQuestion
from assistant.errors import AssistantError
from assistant.text.words import REFERRING_RE

VERSION = 1
DEFAULT_PATH = Path(__file__).with_name("calibration.json")

RANK_FEATURES = (
    "cos", "cos_gap", "cov", "cov_gap", "own", "ctx", "typed", "untyped", "names_ok",
    "chunk_rank", "dense", "refers", "length", "window", "window_gap", "near", "names_here", "cos_ctx", "cos_ctx_gap",
)


class CalibrationError(AssistantError):
    """The calibration file is missing, unreadable or fit on other features."""


def own_share(question: ParsedQuestion, cand: Candidate) -> float:
    own = [t for t in question.terms]
    return sum(1.0 for t in own if cand.matched.get(t, 0.0) > 0) / len(own) if own else 0.0


def rank_features(question: ParsedQuestion, cands: list[Candidate]) -> np.ndarray:
    """One row of ``RANK_FEATURES`` per candidate."""
    if not cands:
        return np.zeros((0, len(RANK_FEATURES)))
    best_cos = max(c.cosine for c in cands)
    best_cov = max(c.coverage for c in cands)
    best_win = max(c.window for c in cands)
    best_ctx = max(c.cosine_ctx for c in cands)
    asked = question.answer_type is not None
    rows = []
    for c in cands:
        rows.append((
            c.cosine,
            c.cosine - best_cos,
            c.coverage,
            c.coverage - best_cov,
            own_share(question, c),
            c.context,
            float(asked and bool(c.facts)),
            float(asked and not c.facts),
            float(c.names_ok),
            1.0 / (1.0 + c.chunk_rank),
            float(c.doc.metadata.get("dense", 0.0)),
            float(bool(REFERRING_RE.match(c.text))),
            math.log(1 + len(c.text.split())),
            c.window,
            c.window - best_win,
            float(c.near),
            c.names_here,
            c.cosine_ctx,
            c.cosine_ctx - best_ctx,
        ))
    return np.asarray(rows, dtype=float)


@dataclass
class Linear:
    """A fitted logistic regression: standardise, weigh, squash."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))


@dataclass
class Calibration:
    ranker: Linear
    min_relevance: float = 0.42
    relative_margin: float = 0.8
    second_ratio: float = 1.01  # a runner-up this close (in probability) joins the answer; > 1: never
    version: int = VERSION
    trained_on: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Calibration":
        path = Path(path or DEFAULT_PATH)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(Linear(**data["ranker"]), float(data["min_relevance"]), float(data["relative_margin"]),
                        float(data["second_ratio"]), int(data["version"]), list(data.get("trained_on", [])))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CalibrationError(
                f"cannot read the calibration {path} ({exc}); point ASSISTANT_CALIBRATION at a file written by "
                "`assistant calibrate`, or unset it for the shipped one"
            ) from None
        if tuple(model.ranker.features) != RANK_FEATURES or model.version != VERSION:
            raise CalibrationError(f"the calibration {path} was fit on other features; refit it with `assistant calibrate`")
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    def scores(self, question: ParsedQuestion, cands: list[Candidate]) -> dict[int, float]:
        """Ranker score per candidate, keyed by ``id(candidate)``."""
        if not cands:
            return {}
        return dict(zip(map(id, cands), self.ranker.logit(rank_features(question, cands)).tolist()))


def fit_linear(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float = 1.0) -> Linear:
    """A balanced, L2-regularised logistic regression on standardised features (deterministic)."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return Linear(list(names), [round(float(v), 6) for v in mean], [round(float(v), 6) for v in scale],
                  [round(float(v), 6) for v in model.coef_[0]], round(float(model.intercept_[0]), 6))
