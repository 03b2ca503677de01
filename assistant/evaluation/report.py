"""Turn scored outcomes into ``report.json``, ``report.md`` and two PNG charts, and compare two reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import AssistantError
from assistant.evaluation import metrics
from assistant.evaluation.cases import Outcome
from assistant.evaluation.metrics import METRIC_KEYS, Scored
from assistant.evaluation.render import draw_charts, render_markdown

REPORT_VERSION = 1


class ReportError(AssistantError):
    """An old report given to ``--compare`` cannot be read."""


def score_outcome(o: Outcome, k: int) -> Scored:
    q = o.case
    return metrics.score_question(
        qid=q.id,
        kind=q.kind,
        answerable=q.answerable,
        answers=q.answers,
        evidence=q.evidence,
        forbidden=q.forbidden,
        k=k,
        answer=o.answer,
        error=o.error,
        latency_ms=o.latency_ms,
    )


def _row(o: Outcome, s: Scored, k: int) -> dict:
    q, a = o.case, o.answer or {}
    ev = q.evidence
    return {
        "id": q.id,
        "kind": q.kind,
        "question": q.question,
        "history": [list(t) for t in q.history],
        "answerable": q.answerable,
        "expected": {"answers": q.answers, "evidence": ev, "forbidden": q.forbidden},
        "verdict": s.verdict,
        "reasons": s.reasons,
        "error": s.error,
        "answer": a.get("text"),
        "abstained": s.abstained,
        "mode": a.get("mode"),
        "latency_ms": s.latency_ms,
        "words": s.words,
        "answer_correct": s.answer_correct,
        "citation_correct": s.citation_correct,
        "abstain_correct": s.abstain_correct,
        "evidence_rank": s.evidence_rank,
        "citations": [
            {
                **{key: c.get(key) for key in ("n", "source", "title", "heading", "page", "start", "end", "score")},
                "quote": c.get("quote", ""),
                "contains_evidence": metrics.contains_evidence(c.get("quote", ""), ev) if ev else None,
            }
            for c in a.get("citations", []) or []
        ],
        "retrieved": [
            {
                "rank": rank,
                **{key: p.get(key) for key in ("source", "title", "heading", "page", "start", "end", "score")},
                "contains_evidence": metrics.contains_evidence(p.get("text", ""), ev) if ev else None,
                "text": p.get("text", ""),
            }
            for rank, p in enumerate((a.get("passages", []) or [])[:k], start=1)
        ],
    }


def build_report(outcomes: Sequence[Outcome], k: int, meta: dict, old: dict | None = None) -> dict:
    """The full report: metrics under ``METRIC_KEYS``, ``per_kind``, ``questions`` rows, ``meta``, ``compare``."""
    scored = [score_outcome(o, k) for o in outcomes]
    summary = metrics.summarise(scored, k)
    report: dict = {key: summary[key] for key in METRIC_KEYS}
    report["counts"] = summary["counts"]
    report["per_kind"] = metrics.per_kind(scored, k)
    report["questions"] = [_row(o, s, k) for o, s in zip(outcomes, scored)]
    report["meta"] = {"report_version": REPORT_VERSION, "k": k, **meta}
    report["compare"] = compare_reports(report, old, meta.get("compare_path")) if old is not None else None
    return report


def load_report(path: str | Path) -> dict:
    """Read an older ``report.json`` for ``--compare``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"report {path} does not exist; pass the report.json of an earlier run") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"cannot read report {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ReportError(f"{path} is not a report.json written by `assistant eval` (no \"questions\" list)")
    return data


def compare_reports(new: dict, old: dict, old_path: str | None = None) -> dict:
    """Deltas of every metric (new - old) and the questions whose pass/fail verdict flipped."""
    deltas = {}
    for key in METRIC_KEYS:
        a, b = old.get(key), new.get(key)
        delta = b - a if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
        deltas[key] = {"old": a, "new": b, "delta": delta}
    old_rows = {r.get("id"): r for r in old.get("questions", []) if isinstance(r, dict)}
    new_rows = {r["id"]: r for r in new.get("questions", [])}
    flipped = []
    for qid, row in new_rows.items():
        before = old_rows.get(qid)
        if before is None:
            continue
        was_ok, now_ok = before.get("verdict") == "pass", row["verdict"] == "pass"
        if was_ok != now_ok:
            flipped.append(
                {
                    "id": qid,
                    "was": before.get("verdict"),
                    "now": row["verdict"],
                    "question": row["question"],
                    "old_answer": before.get("answer"),
                    "new_answer": row["answer"],
                }
            )
    return {
        "against": old_path,
        "deltas": deltas,
        "flipped": flipped,
        "fixed": sum(f["now"] == "pass" for f in flipped),
        "broken": sum(f["now"] != "pass" for f in flipped),
        "added": [q for q in new_rows if q not in old_rows],
        "removed": [q for q in old_rows if q not in new_rows],
    }


# ---------------------------------------------------------------- writing


def write_report(report: dict, out: str | Path) -> dict[str, Path]:
    """Write ``report.json``, ``report.md`` and the charts into ``out`` (created if needed)."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        json_path = out / "report.json"
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        acc, lat = draw_charts(report, out)
        md_path = out / "report.md"
        md_path.write_text(render_markdown(report) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write the report into {out}: {exc}; pass a writable folder with --out") from None
    return {"json": json_path, "markdown": md_path, "accuracy_chart": acc, "latency_chart": lat}
