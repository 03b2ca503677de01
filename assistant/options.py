"""What every command shares: the --corpus/--index options, settings built from options, and the
one error exit (``error: <one line>`` on stderr, exit status 1, never a traceback)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.settings import Settings

F = TypeVar("F", bound=Callable)

corpus_option = click.option(
    "--corpus", type=click.Path(file_okay=False), default=None, help="Corpus folder (default: corpus, or ASSISTANT_CORPUS_DIR)."
)
index_option = click.option(
    "--index", type=click.Path(file_okay=False), default=None, help="Index folder (default: index, or ASSISTANT_INDEX_DIR)."
)


def settings_from(corpus: str | Path | None = None, index: str | Path | None = None, **extra) -> "Settings":
    """Settings from the ``ASSISTANT_*`` variables, overridden by the options that were given."""
    from assistant.settings import Settings

    values = {k: v for k, v in extra.items() if v is not None}
    if corpus:
        values["corpus_dir"] = Path(corpus)
    if index:
        values["index_dir"] = Path(index)
    return Settings.load(**values)


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def exits_on_error(command: F) -> F:
    """Turn an ``AssistantError`` raised by ``command`` into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except AssistantError as exc:
            click.echo(f"error: {one_line(exc)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
