"""The ``assistant bench`` command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.options import exits_on_error

BACKENDS = ("torch", "onnx", "onnx-int8")


def _ints(ctx, param, value: str) -> list[int]:
    try:
        sizes = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter("give chunk counts separated by commas, e.g. 1000,10000") from None
    if any(s < 1 for s in sizes):
        raise click.BadParameter("chunk counts must be positive")
    return sizes


def _backends(ctx, param, value: str) -> list[str]:
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in BACKENDS]
    if bad:
        raise click.BadParameter(f"unknown backend {', '.join(bad)}; choose from {', '.join(BACKENDS)}")
    return names


@click.command("bench")
@click.option("--sizes", default=None, help="Synthetic corpus sizes in chunks [default: 1000,10000,100000; quick: 200].")
@click.option("--backends", default="torch,onnx-int8", show_default=True, callback=_backends,
              help="Embedding backends whose ingest is compared with a bare encode.")
@click.option("--serve-backend", type=click.Choice(BACKENDS), default=None,
              help="Backend for the synthetic sizes [default: ASSISTANT_EMBEDDING_BACKEND or its default].")
@click.option("--quick", is_flag=True, help="A few documents, one small size, one cold run: a smoke test.")
@click.option("--docs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folders of real documents [default: tests/data/corpora/*/docs and corpus/].")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the scratch folder is made [default: the system temp folder].")
@click.option("--large-file", "large_file_mb", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="MB", help="Also ingest one file of MB megabytes with the serving backend, kill the ingest "
              "with SIGKILL half-way and resume it: does the resume embed only what was not stored? [default: skipped]")
@click.option("--only-large", is_flag=True, help="Measure only --large-file (no ingest comparison, sizes or --help).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the results as JSON.")
@exits_on_error
def bench_command(sizes: str | None, backends: list[str], serve_backend: str | None, quick: bool,
                  docs: tuple[Path, ...], work_dir: Path | None, large_file_mb: float | None, only_large: bool,
                  out: Path | None) -> None:
    """Measure ingest, cold and warm answers and memory; print a table and optionally write JSON."""
    from assistant.benchmark.report import render
    from assistant.benchmark.run import BenchOptions, run_bench

    if only_large and large_file_mb is None:
        raise click.UsageError("--only-large needs --large-file MB")
    chosen = _ints(None, None, sizes) if sizes else ([200] if quick else [1000, 10000, 100000])
    options = BenchOptions(sizes=chosen, backends=backends, serve_backend=serve_backend, quick=quick,
                           doc_dirs=list(docs), work_dir=work_dir, large_file_mb=large_file_mb,
                           only_large=only_large, log=lambda m: click.echo(m, err=True))
    if work_dir:
        work_dir.mkdir(parents=True, exist_ok=True)
    try:
        results = run_bench(options)
    except (OSError, RuntimeError, ValueError) as exc:  # a failed step: one line, like every command
        raise click.ClickException(str(exc)) from exc
    click.echo(render(results))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
        click.echo(f"wrote {out}")
