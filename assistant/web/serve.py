"""``assistant serve``: check the address and login, build the index if needed, warm up, serve.

A non-loopback address needs a login (``--auth``) or an explicit ``--no-auth``; the port is
checked before the model loads, so a mistake fails in a second, not after a minute. The app is
served behind ``security.WebGuard`` (headers and CSP, login back-off, upload and body limits), with
the OpenAI-compatible ``/v1`` API (``openai_api``) on the same port: open where the page is open
without a login, else it needs ``--api-key`` (a key, when set, is always required).

While it serves, documents uploaded from the page and files added to, changed in or removed from
the corpus folder (``watch.CorpusWatcher``, off with ``--no-watch``) are ingested in the background,
one run at a time, with one line in the console per run; ingests by ``assistant ingest`` in another
process are picked up by the ``Assistant`` itself before the next question.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.errors import AssistantError
from assistant.options import corpus_option, exits_on_error, index_option, settings_from

if TYPE_CHECKING:  # pragma: no cover - types only
    import gradio as gr

    from assistant.settings import Settings

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}
WATCH_SECONDS = 1.0  # how often the corpus folder is scanned for added, changed or removed files


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_auth(host: str, auth: str | None, no_auth: bool) -> tuple[str, str] | None:
    """The (user, password) the server asks for, or None; refuses an open non-loopback bind."""
    if auth and no_auth:
        raise AssistantError("Pass either --auth user:password or --no-auth, not both.")
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise AssistantError("--auth must look like user:password (both parts non-empty).")
        return user, password
    if not no_auth and not _is_loopback(host):
        raise AssistantError(
            f"Refusing to serve on {host} without a password: pass --auth user:password "
            "(or set ASSISTANT_AUTH), or --no-auth to serve it open."
        )
    return None


def check_api_key(api_key: str | None) -> str | None:
    """The API key, or None; refuses one that a client could not send in a header."""
    if api_key is None or api_key == "":
        return None
    if len(api_key) < 8 or not api_key.isascii() or any(c.isspace() for c in api_key):
        raise AssistantError("--api-key must be at least 8 printable ASCII characters without spaces.")
    return api_key


def check_port_free(host: str, port: int) -> None:
    """Raise ``AssistantError`` when ``host:port`` cannot be bound (in use, or not an address here)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AssistantError(
            f"Cannot resolve --host {host} ({exc.strerror}); use an address of this machine."
        ) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as exc:
            raise AssistantError(
                f"Cannot serve on {host}:{port} ({exc.strerror}); pick another port with --port."
            ) from None


def start(
    settings: "Settings",
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    no_auth: bool = False,
    api_key: str | None = None,
    watch: bool = True,
    watch_interval: float = WATCH_SECONDS,
) -> "gr.Blocks":
    """Ingest if needed, load the model once, build the app and serve it until interrupted;
    ``watch`` polls the corpus folder every ``watch_interval`` seconds and ingests what changed."""
    if auth is None and settings.auth is not None:
        auth = settings.auth.get_secret_value()
    if api_key is None and settings.api_key is not None:
        api_key = settings.api_key.get_secret_value()
    credentials = resolve_auth(host, auth, no_auth)
    api_key = check_api_key(api_key)
    check_port_free(host, port)  # fail before the model loads, not after
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

    from assistant.pipeline import Assistant
    from assistant.web import openai_api
    from assistant.web.app import CSS, build_app
    from assistant.web.security import MAX_UPLOAD_BYTES, middleware
    from assistant.web.watch import BackgroundIngest, CorpusWatcher

    began = time.perf_counter()
    bot = Assistant(settings=settings)
    ingester = BackgroundIngest(lambda: bot.ingest(progress=False), needed=bot.needs_ingest)
    watcher = None
    if watch:
        # The first scan comes before the start-up ingest: a file added meanwhile is ingested after it.
        watcher = CorpusWatcher(
            settings.corpus_dir,
            lambda lines: ingester.request("corpus changed: " + " ".join(lines[:5]) + (" …" if len(lines) > 5 else ""),
                                           force=False),
            interval=watch_interval,
        )
    notice = None
    if bot.needs_ingest():
        print(
            f"The index in {settings.index_dir} is missing or out of date: ingesting {settings.corpus_dir} …",
            flush=True,
        )
        report = bot.ingest(progress=True)
        summary = report.summary()
        print(summary, flush=True)
        notice = f"The index was built at start-up from {settings.corpus_dir}: {summary}"
    print("Loading the model and the index …", flush=True)
    bot.warm_up()
    demo = build_app(bot, notice=notice, ingester=ingester)
    demo.queue(default_concurrency_limit=4, max_size=256)
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            auth=credentials,
            share=False,
            inbrowser=False,
            prevent_thread_lock=True,
            show_error=False,
            quiet=True,
            ssr_mode=False,
            allowed_paths=[],
            blocked_paths=[str(Path(settings.index_dir).resolve())],
            footer_links=["api"],
            css=CSS,
            mcp_server=False,
            max_file_size=MAX_UPLOAD_BYTES,
            # security headers and CSP, login back-off, upload and body limits
            # The OpenAI-compatible API on the same port: open where the page is open without a
            # login (loopback, or --no-auth), else only with the API key.
            app_kwargs={"middleware": middleware(), "routes": openai_api.routes(bot, api_key, open_api=credentials is None)},
        )
    except OSError as exc:
        raise AssistantError(f"Cannot serve on {host}:{port} ({exc}); pick another port with --port.") from exc
    if watcher is not None:
        watcher.start()
    shown = f"[{host}]" if ":" in host else host
    watching = f"; watching {settings.corpus_dir} for changes" if watcher else ""
    print(f"Ready in {time.perf_counter() - began:.1f}s: http://{shown}:{port}/ (Ctrl+C to stop){watching}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("Stopping.", flush=True)
        if watcher is not None:
            watcher.stop()
        ingester.stop()
        demo.close()
    return demo


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; off loopback needs --auth or --no-auth."
)
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--auth", default=None, metavar="USER:PASSWORD", help="Ask for this login (or set ASSISTANT_AUTH).")
@click.option("--no-auth", is_flag=True, help="Serve off loopback without a login (think twice).")
@click.option(
    "--api-key", default=None, metavar="KEY", help="Key the /v1 OpenAI-compatible API asks for (or ASSISTANT_API_KEY)."
)
@click.option("--no-watch", is_flag=True, help="Do not watch the corpus folder for added or changed files.")
@corpus_option
@index_option
@exits_on_error
def serve_command(
    host: str,
    port: int,
    auth: str | None,
    no_auth: bool,
    api_key: str | None,
    no_watch: bool,
    corpus: str | None,
    index: str | None,
) -> None:
    """Start the web chat UI (Gradio) with its /ask API and the OpenAI-compatible /v1 API."""
    start(settings_from(corpus, index), host=host, port=port, auth=auth, no_auth=no_auth, api_key=api_key,
          watch=not no_watch)
