"""The human side of a report: ``report.md`` with tables and the charts drawn with matplotlib."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.metrics import METRIC_KEYS

ACCURACY_CHART = "accuracy_by_kind.png"
LATENCY_CHART = "latency.png"

_LABELS = {
    "answer_accuracy": "Answer accuracy",
    "citation_accuracy": "Citation accuracy",
    "citation_precision": "Citation precision",
    "recall_at_k": "Retrieval recall@k",
    "mrr": "Retrieval MRR",
    "abstention_accuracy": "Abstention accuracy",
    "false_refusal_rate": "False-refusal rate",
    "mean_answer_words": "Mean answer words",
    "latency_p50_ms": "Latency p50 (ms)",
    "latency_p95_ms": "Latency p95 (ms)",
    "errors": "Errors",
}
# Metrics where a rise is bad, for the arrows in the comparison.
_LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms", "errors"}


def _fmt(key: str, value: object) -> str:
    if value is None:
        return "n/a"
    if key == "errors":
        return str(value)
    if key.endswith("_ms"):
        return f"{value:.0f}"
    if key == "mean_answer_words":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _fmt_delta(key: str, delta: float | None) -> str:
    if delta is None:
        return "n/a"
    if delta == 0:
        return "="
    better = (delta < 0) if key in _LOWER_IS_BETTER else (delta > 0)
    sign = "+" if delta > 0 else "-"
    text = _fmt(key, abs(delta))
    # Latency and word count drift is not a quality verdict; mark only the scored metrics.
    mark = "" if key.endswith("_ms") or key == "mean_answer_words" else (" ✅" if better else " ❌")
    return f"{sign}{text}{mark}"


def _counts_note(key: str, c: dict) -> str:
    notes = {
        "answer_accuracy": f"{c['answer_correct']}/{c['answerable']} answerable",
        "citation_accuracy": f"{c['citation_correct']}/{c['answerable_with_evidence']} answerable with evidence",
        "citation_precision": f"{c['citations_with_evidence']}/{c['citations']} citations",
        "recall_at_k": f"{c['retrieved_at_k']}/{c['with_evidence']} with evidence",
        "mrr": f"{c['with_evidence']} with evidence",
        "abstention_accuracy": f"{c['abstain_correct']}/{c['unanswerable']} unanswerable",
        "false_refusal_rate": f"{c['refused']}/{c['answerable']} answerable",
        "errors": f"of {c['questions']} questions",
    }
    return notes.get(key, "")


def _quote_block(text: str) -> str:
    return "\n".join("> " + line for line in (text or "").splitlines()) or ">"


def render_markdown(report: dict) -> str:
    """``report.md``: summary, per-kind table, charts, flips (with ``--compare``), failing questions."""
    meta, counts, cmp = report["meta"], report["counts"], report.get("compare")
    lines = [
        "# Evaluation report",
        "",
        f"- Question set: `{meta.get('questions_file')}` ({counts['questions']} questions, "
        f"{counts['passed']} passed)",
        f"- Asked: {meta.get('target')}; k = {meta['k']}",
        f"- Started {meta.get('started')}; asking took {meta.get('wall_seconds', 0):.1f} s "
        f"after {meta.get('warm_up_seconds', 0):.1f} s of start-up (model, index)",
        "",
        "## Summary",
        "",
    ]
    if cmp:
        lines += [
            f"Compared with `{cmp.get('against')}`.",
            "",
            "| Metric | Value | Old | Δ | Counted over |",
            "|---|---:|---:|---:|---|",
        ]
        for key in METRIC_KEYS:
            d = cmp["deltas"][key]
            lines.append(
                f"| {_LABELS[key]} | {_fmt(key, report[key])} | {_fmt(key, d['old'])} | "
                f"{_fmt_delta(key, d['delta'])} | {_counts_note(key, counts)} |"
            )
    else:
        lines += ["| Metric | Value | Counted over |", "|---|---:|---|"]
        for key in METRIC_KEYS:
            lines.append(f"| {_LABELS[key]} | {_fmt(key, report[key])} | {_counts_note(key, counts)} |")

    lines += [
        "",
        "## Per kind",
        "",
        "| Kind | Questions | Answer acc. | Citation acc. | Abstention acc. | Recall@k | MRR | p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, m in report["per_kind"].items():
        lines.append(
            f"| {kind} | {m['counts']['questions']} | {_fmt('a', m['answer_accuracy'])} | "
            f"{_fmt('a', m['citation_accuracy'])} | {_fmt('a', m['abstention_accuracy'])} | "
            f"{_fmt('a', m['recall_at_k'])} | {_fmt('a', m['mrr'])} | {_fmt('latency_p50_ms', m['latency_p50_ms'])} |"
        )
    lines += ["", "## Charts", "", f"![Accuracy by kind]({ACCURACY_CHART})", "", f"![Latency]({LATENCY_CHART})", ""]

    if cmp:
        lines += ["## Flipped questions", ""]
        if not cmp["flipped"]:
            lines.append("No question changed between pass and fail.")
        for f in cmp["flipped"]:
            lines.append(f"- **{f['id']}** {f['was']} → {f['now']}: {f['question']}")
        if cmp["added"]:
            lines.append(f"- New questions: {', '.join(cmp['added'])}")
        if cmp["removed"]:
            lines.append(f"- Questions no longer in the set: {', '.join(cmp['removed'])}")
        lines.append("")

    failing = [r for r in report["questions"] if r["verdict"] != "pass"]
    lines += ["## Failing questions", ""]
    if not failing:
        lines.append("None: every question passed.")
    for r in failing:
        lines += [f"### {r['id']} ({r['kind']}) — {r['verdict']}", "", f"**Q:** {r['question']}", ""]
        if r["history"]:
            lines += [f"_After {len(r['history'])} earlier turn(s): {r['history'][-1][0]!r}_", ""]
        if r["error"]:
            lines += [f"Error: `{r['error']}`", ""]
        else:
            label = "abstained" if r["abstained"] else "answer"
            lines += [f"**A ({label}):**", "", _quote_block(r["answer"]), ""]
        exp = r["expected"]
        if r["answerable"]:
            lines.append("Expected: " + " AND ".join("(" + " | ".join(g) + ")" for g in exp["answers"]))
        else:
            lines.append("Expected: abstain")
        lines.append("")
        lines += [f"- {reason}" for reason in r["reasons"]]
        for c in r["citations"]:
            flag = {True: "holds evidence", False: "no evidence", None: ""}[c["contains_evidence"]]
            lines.append(f"- cited [{c['n']}] {c['source']} {c['start']}–{c['end']} ({flag}): “{c['quote']}”")
        if exp["evidence"]:
            rank = r["evidence_rank"]
            lines.append(f"- evidence retrieved at rank {rank}" if rank else "- evidence not in the retrieved passages")
        lines.append("")
    return "\n".join(lines)


def draw_charts(report: dict, out: Path) -> list[Path]:
    """Per-kind accuracy bars and a latency histogram, as PNGs in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(report["per_kind"])
    series = [
        ("answer_accuracy", "answer"),
        ("citation_accuracy", "citation"),
        ("abstention_accuracy", "abstention"),
        ("recall_at_k", f"recall@{report['meta']['k']}"),
    ]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(kinds) + 2), 4.5))
    width = 0.8 / len(series)
    for i, (key, label) in enumerate(series):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(kinds))]
        vals = [report["per_kind"][kd][key] for kd in kinds]
        bars = ax.bar(
            [x for x, v in zip(xs, vals) if v is not None], [v for v in vals if v is not None], width, label=label
        )
        # Values on the bars, so a 0 shows as "0" and stays apart from "nothing to measure" (no bar).
        ax.bar_label(bars, fmt="%.2g", fontsize=7, padding=1)
    ax.set_xticks(range(len(kinds)), kinds, rotation=20 if len(kinds) > 4 else 0)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("share of questions")
    ax.set_title("Accuracy by kind (no bar: nothing to measure)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(series), fontsize="small", frameon=False)
    fig.tight_layout()
    acc_path = out / ACCURACY_CHART
    fig.savefig(acc_path, dpi=100)
    plt.close(fig)

    latencies = [r["latency_ms"] for r in report["questions"] if r["latency_ms"] is not None]
    fig, ax = plt.subplots(figsize=(6, 4))
    if latencies:
        ax.hist(latencies, bins=min(20, max(5, len(latencies) // 2)), color="tab:blue")
        for key, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
            ax.axvline(report[key], color="black", linestyle=style, label=f"{key[8:11]} {report[key]:.0f} ms")
        ax.legend()
    else:
        ax.text(0.5, 0.5, "no timings: every question raised", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    fig.tight_layout()
    lat_path = out / LATENCY_CHART
    fig.savefig(lat_path, dpi=100)
    plt.close(fig)
    return [acc_path, lat_path]


