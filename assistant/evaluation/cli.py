"""``assistant eval``: run a question set and write a report. Heavy imports happen inside the command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.errors import AssistantError
from assistant.options import corpus_option, exits_on_error, index_option


def _load_floors(path: Path) -> dict[str, float]:
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AssistantError(f"cannot read floors file {path}: {exc}") from None
    if not isinstance(floors, dict) or not all(isinstance(v, (int, float)) for v in floors.values()):
        raise AssistantError(f'{path} must be a JSON object of metric -> floor, e.g. {{"answer_accuracy": 0.9}}')
    return floors


def _summary_lines(report: dict) -> list[str]:
    c = report["counts"]

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.1%}"

    lines = [
        f"questions {c['questions']}, passed {c['passed']}, errors {report['errors']}",
        f"answer accuracy     {pct(report['answer_accuracy'])} ({c['answer_correct']}/{c['answerable']})",
        f"citation accuracy   {pct(report['citation_accuracy'])} "
        f"({c['citation_correct']}/{c['answerable_with_evidence']})",
        f"citation precision  {pct(report['citation_precision'])} "
        f"({c['citations_with_evidence']}/{c['citations']})",
        f"recall@{report['meta']['k']:<2}          {pct(report['recall_at_k'])}, "
        f"MRR {report['mrr'] if report['mrr'] is None else round(report['mrr'], 3)}",
        f"abstention accuracy {pct(report['abstention_accuracy'])} ({c['abstain_correct']}/{c['unanswerable']})",
        f"false refusals      {pct(report['false_refusal_rate'])} ({c['refused']}/{c['answerable']})",
    ]
    if report["latency_p50_ms"] is not None:
        lines.append(f"latency p50 {report['latency_p50_ms']:.0f} ms, p95 {report['latency_p95_ms']:.0f} ms")
    cmp = report.get("compare")
    if cmp:
        lines.append(f"against {cmp['against']}: {cmp['fixed']} fixed, {cmp['broken']} broken")
        for f in cmp["flipped"]:
            lines.append(f"  {f['id']}: {f['was']} -> {f['now']}")
    return lines


@click.command("eval")
@click.argument("questions_file", metavar="QUESTIONS.jsonl", type=click.Path(path_type=Path, dir_okay=False))
@corpus_option
@index_option
@click.option("--url", help="Ask a running web UI through its /ask endpoint instead of in-process.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("eval-report"),
    show_default=True,
    help="Folder for report.json, report.md and the charts.",
)
@click.option("-k", "k", type=click.IntRange(1, 50), help="Passages retrieved per question (default: settings).")
@click.option(
    "--compare",
    type=click.Path(path_type=Path, dir_okay=False),
    help="An older report.json: add metric deltas and list the questions that flipped.",
)
@click.option(
    "--floors",
    type=click.Path(path_type=Path, dir_okay=False),
    help='JSON of metric floors (e.g. tests/data/eval_floors.json); exit 1 when a metric falls below.',
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@exits_on_error
def eval_command(questions_file, corpus, index, url, out, k, compare, floors, quiet):
    """Ask every question of QUESTIONS.jsonl and write a scored report into --out.

    Each line of the JSONL file is one question: {"id", "kind", "question", "history",
    "answers", "evidence", "answerable", "forbidden"}. The whole file is validated first.
    """
    if url and (corpus or index):
        raise click.UsageError("--corpus and --index apply to in-process runs; the UI at --url uses its own")
    floor_values = _load_floors(floors) if floors else None
    from assistant.evaluation.runner import evaluate

    report, paths = evaluate(
        questions_file,
        corpus=Path(corpus) if corpus else None,
        index=Path(index) if index else None,
        url=url,
        out=out,
        k=k,
        compare=compare,
        progress=not quiet,
    )
    for line in _summary_lines(report):
        click.echo(line)
    click.echo(f"report: {paths['markdown']} and {paths['json']}")
    if floor_values:
        from assistant.evaluation.metrics import check_floors

        misses = check_floors(report, floor_values)
        if misses:
            raise AssistantError("below the floors: " + "; ".join(misses))
        click.echo("all floors met: " + ", ".join(f"{name} >= {v}" for name, v in floor_values.items()))
