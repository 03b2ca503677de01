"""``assistant eval``: run a question set and write a report. Heavy imports happen inside the command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.errors import AssistantError
from assistant.options import corpus_option, exits_on_error, index_option


def _load_floors(path: Path) -> dict:
    """Metric -> floor, or for a suite corpus name -> (metric -> floor)."""
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AssistantError(f"cannot read floors file {path}: {exc}") from None

    def flat(d: object) -> bool:
        return isinstance(d, dict) and all(isinstance(v, (int, float)) for v in d.values())

    if not isinstance(floors, dict) or not (flat(floors) or all(flat(v) for v in floors.values())):
        raise AssistantError(
            f'{path} must be a JSON object of metric -> floor, e.g. {{"answer_accuracy": 0.9}}, '
            'or of corpus -> such an object for --suite'
        )
    return floors


def _run_suite(suite: Path, only, cross: bool, out: Path, k, floors: dict | None, quiet: bool) -> None:
    from assistant.evaluation.metrics import check_floors
    from assistant.evaluation.suite import run_suite

    summary = run_suite(suite, out, only=list(only), cross=cross, k=k, progress=not quiet)
    misses = []
    for name, report in [*summary["corpora"].items(), ("total", summary["total"])]:
        c = report["counts"]
        click.echo(
            f"{name:<16} answer {_pct(report['answer_accuracy'])}  citation {_pct(report['citation_accuracy'])}  "
            f"abstention {_pct(report['abstention_accuracy'])}  false refusals {_pct(report['false_refusal_rate'])}  "
            f"words {report['mean_answer_words'] or 0:.0f}  ({c['questions']} questions)"
        )
        wanted = (floors or {}).get(name)
        if isinstance(wanted, dict):
            misses += [f"{name}: {m}" for m in check_floors(report, wanted)]
    click.echo(f"report: {out / 'suite.json'}")
    if misses:
        raise AssistantError("below the floors: " + "; ".join(misses))


def _pct(v: float | None) -> str:
    return "  n/a" if v is None else f"{v:5.1%}"


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
@click.argument("questions_file", metavar="[QUESTIONS.jsonl]", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--suite", type=click.Path(path_type=Path, dir_okay=False), help="A suite of corpora (JSON) to evaluate, each reported on its own.")
@click.option("--only", multiple=True, help="With --suite: only this corpus (repeatable).")
@click.option("--cross", is_flag=True, help="With --suite: score each corpus with a calibration fit on the others.")
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
def eval_command(questions_file, suite, only, cross, corpus, index, url, out, k, compare, floors, quiet):
    """Ask every question of QUESTIONS.jsonl and write a scored report into --out.

    Each line of the JSONL file is one question: {"id", "kind", "question", "history",
    "answers", "evidence", "answerable", "forbidden"}. The whole file is validated first.
    """
    if url and (corpus or index):
        raise click.UsageError("--corpus and --index apply to in-process runs; the UI at --url uses its own")
    if bool(suite) == bool(questions_file):
        raise click.UsageError("give either QUESTIONS.jsonl or --suite SUITE.json")
    floor_values = _load_floors(floors) if floors else None
    if suite:
        _run_suite(suite, only, cross, out, k, floor_values, quiet)
        return
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


@click.command("calibrate")
@click.option("--suite", required=True, type=click.Path(path_type=Path, dir_okay=False), help="The suite whose `fit` corpora to fit on.")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("calibration.json"), show_default=True,
    help="Where to write the calibration (point ASSISTANT_CALIBRATION at it; the shipped one is assistant/ask/calibration.json).",
)
@click.option("--work", type=click.Path(path_type=Path, file_okay=False), default=Path("eval-report/calibrate"), show_default=True, help="Folder for the indexes it builds.")
@exits_on_error
def calibrate_command(suite: Path, out: Path, work: Path) -> None:
    """Fit the answer calibration on the question sets of a suite."""
    from assistant.evaluation.suite import fit_calibrations, load_suite

    work.mkdir(parents=True, exist_ok=True)
    files = fit_calibrations([e for e in load_suite(suite)], work, None, progress=True)
    if "*" not in files:
        raise AssistantError(f"{suite} has no corpus to fit on (all are marked \"fit\": false)")
    out.write_bytes(files["*"].read_bytes())
    click.echo(f"calibration: {out}")
