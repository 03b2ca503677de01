"""The ``assistant`` command: ingest, ask, serve, eval. Errors print one line, never a traceback."""

from __future__ import annotations

import gc
import importlib
import json

import click

from assistant.options import corpus_option, exits_on_error, index_option, settings_from


class LazyGroup(click.Group):
    """Sub-commands living in other modules are imported only when run, keeping ``--help`` instant."""

    lazy = {
        "serve": "assistant.web.serve:serve_command",
        "eval": "assistant.evaluation.cli:eval_command",
        "calibrate": "assistant.evaluation.cli:calibrate_command",
        "bench": "assistant.benchmark.cli:bench_command",
    }
    summaries = {
        "serve": "Start the web chat UI (Gradio) on 127.0.0.1.",
        "eval": "Evaluate answers over a JSONL question set (or a suite of corpora) and write a report.",
        "calibrate": "Fit the answer calibration on the question sets of a suite.",
        "bench": "Measure ingest, cold and warm answer times and memory; print a table, write JSON.",
    }

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx, name):
        if name in self.lazy:
            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def format_commands(self, ctx, formatter):
        plain = super().get_command
        rows = [(n, self.summaries.get(n) or plain(ctx, n).get_short_help_str(60)) for n in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="japan-chips-assistant")
def main() -> None:
    """Answers about Japan's AI and chip investment, with citations, from the documents in corpus/."""


@main.command()
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again.")
@corpus_option
@index_option
@exits_on_error
def ingest(rebuild: bool, corpus: str | None, index: str | None) -> None:
    """Index new and changed documents; drop deleted ones."""
    from assistant.pipeline import Assistant

    report = Assistant(settings=settings_from(corpus, index)).ingest(rebuild=rebuild)
    for source, reason in report.skipped.items():
        click.echo(f"skipped {source}: {reason}")
    click.echo(report.summary())


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (Answer.to_dict()).")
@click.option("-k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve.")
@click.option("--history", "history_json", default=None, help='Earlier turns as JSON: [["question", "answer"], ...].')
@click.option("--stream", is_flag=True, help="Print the answer as it is produced (in LLM mode the model's draft, then the verified answer).")
@click.option("--llm", default=None, metavar="PROVIDER:MODEL", help="Answer with this chat model (or set ASSISTANT_LLM).")
@corpus_option
@index_option
@exits_on_error
def ask(
    question: str, as_json: bool, k: int | None, history_json: str | None, stream: bool, llm: str | None,
    corpus: str | None, index: str | None,
) -> None:
    """Answer QUESTION from the documents, with citations."""
    from assistant.ask.conversation import parse_history
    from assistant.pipeline import Assistant

    bot = Assistant(settings=settings_from(corpus, index, k=k, llm=llm))
    history = parse_history(history_json, bot.settings.max_history_turns, bot.settings.max_history_chars)
    if stream and not as_json:
        answer = None
        for piece in bot.stream(question, history=history):
            if isinstance(piece, str):
                click.echo(piece, nl=False)
            else:
                answer = piece
        click.echo()
        if bot.llm_mode:
            # What streamed was the model's unchecked draft; the answer is what the verifier kept.
            click.echo("— verified answer:")
            click.echo(answer.text)
    else:
        answer = bot.ask(question, history=history)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    if not stream:
        click.echo(answer.text)
    note = answer.revision_note()
    if note:
        click.echo(f"({note})")
    for c in answer.citations:
        where = f"{c.source}:{c.start}-{c.end}" + (f" (page {c.page})" if c.page else "")
        click.echo(f"[{c.n}] {where} — {c.heading or c.title}")


def run() -> None:
    """The console script: ``main``, then a quick exit."""
    try:
        main()
    finally:
        # At exit the interpreter's last collection walks every object the imports made (chromadb,
        # langchain-core, pydantic models): about 0.4 s of a one-shot answer on two cores. Frozen, they
        # are skipped; atexit handlers and module teardown still run. (Not in ``main``: a test process
        # invoking it many times must keep collecting.)
        gc.freeze()


if __name__ == "__main__":
    run()
