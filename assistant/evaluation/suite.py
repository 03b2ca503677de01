"""Evaluate several corpora at once and report each on its own, so a regression on one shows even
when the total holds; with ``cross``, each corpus is scored with a calibration fit on the others.

A suite file is JSON, paths relative to the file::

    {"corpora": {
       "seed":     {"questions": "questions.jsonl", "corpus": "../../corpus", "fit": false},
       "us-chips": {"questions": "corpora/us-chips/questions.jsonl", "corpus": "corpora/us-chips/docs"}}}

``fit`` (default true) marks the corpora a calibration may be fit on. In a cross run a ``fit``
corpus is scored with the calibration fit on the other ``fit`` corpora, and the others with the
one fit on all of them; nothing is scored with a calibration fit on its own questions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import QuestionSetError
from assistant.evaluation import report as reporting
from assistant.evaluation.cases import load_cases
from assistant.evaluation.metrics import METRIC_KEYS


@dataclass(frozen=True)
class Entry:
    name: str
    questions: Path
    corpus: Path
    fit: bool = True


def load_suite(path: str | Path) -> list[Entry]:
    """The corpora of a suite file, checked: every question set and corpus folder must exist."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            Entry(name, (path.parent / e["questions"]).resolve(), (path.parent / e["corpus"]).resolve(), bool(e.get("fit", True)))
            for name, e in data["corpora"].items()
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QuestionSetError(
            f'cannot read the suite {path} ({exc}); it must be JSON like {{"corpora": {{"name": {{"questions": ..., "corpus": ...}}}}}}'
        ) from None
    for e in entries:
        if not e.questions.is_file() or not e.corpus.is_dir():
            raise QuestionSetError(f"suite {path}: corpus {e.name!r} needs {e.questions} and the folder {e.corpus}")
    return entries


def fit_calibrations(entries: Sequence[Entry], work: Path, k: int | None, progress: bool) -> dict[str, Path]:
    """Calibration files for a cross run: per ``fit`` corpus the one fit on the others, and under
    ``"*"`` the one fit on all of them."""
    from assistant import Assistant
    from assistant.evaluation.calibrate import collect, fit

    samples = {}
    for e in entries:
        if e.fit:
            bot = Assistant(corpus_dir=e.corpus, index_dir=work / f"index-{e.name}", **({"k": k} if k else {}))
            samples[e.name] = collect(bot, load_cases(e.questions))
            if progress:
                print(f"collected {len(samples[e.name])} cases of {e.name}", flush=True)
    files = {}
    for name in [*samples, "*"]:
        train = [n for n in samples if n != name]
        if not train:
            continue
        path = work / f"calibration-{'all' if name == '*' else 'without-' + name}.json"
        fit([s for n in train for s in samples[n]], train).save(path)
        files[name] = path
    return files


def run_suite(
    suite: str | Path,
    out: Path,
    *,
    only: Sequence[str] | None = None,
    cross: bool = False,
    k: int | None = None,
    progress: bool = True,
) -> dict:
    """Evaluate each corpus of ``suite`` (``only`` those named) into ``out/<name>/``; return the
    suite report: per corpus its metrics and what its calibration was fit on, and the total."""
    from assistant.evaluation.runner import evaluate_outcomes

    entries = [e for e in load_suite(suite) if not only or e.name in only]
    if not entries:
        raise QuestionSetError(f"none of {list(only or [])} is a corpus of {suite}")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    calibrations = fit_calibrations(load_suite(suite), out, k, progress) if cross else {}
    reports, outcomes = {}, []
    for e in entries:
        calibration = calibrations.get(e.name) or calibrations.get("*")
        report, _, asked = evaluate_outcomes(
            e.questions, corpus=e.corpus, index=out / f"index-{e.name}", out=out / e.name, k=k,
            calibration=calibration, progress=progress,
        )
        report["meta"]["calibration"] = str(calibration) if calibration else "shipped"
        reports[e.name] = report
        outcomes.extend(asked)
    total = reporting.build_report(outcomes, reports[entries[0].name]["meta"]["k"], {"suite": str(suite)})
    summary = {
        "corpora": {
            name: {**{key: r[key] for key in METRIC_KEYS}, "counts": r["counts"], "per_kind": r["per_kind"],
                   "calibration": r["meta"]["calibration"]}
            for name, r in reports.items()
        },
        "total": {**{key: total[key] for key in METRIC_KEYS}, "counts": total["counts"]},
        "meta": {"suite": str(suite), "cross": cross, "seconds": round(time.perf_counter() - t0, 1)},
    }
    (out / "suite.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary
