"""The Gradio web UI: a streamed chat, a sources panel with each quote highlighted in its
paragraph, and a named ``/ask`` API endpoint.

Gradio (and through the ``Assistant`` the model and the index) is imported inside the functions,
so importing this module, e.g. for ``assistant --help``, stays instant.

Every piece of document text and user input is passed through ``html.escape`` before it reaches
the page; nothing is sanitised by hand beyond that.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import os
import socket
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import click

from assistant.errors import AssistantError

if TYPE_CHECKING:  # pragma: no cover - types only
    import gradio as gr

    from assistant import Answer, Assistant, Citation
    from assistant.settings import Settings

log = logging.getLogger(__name__)

EXAMPLES = [
    "How big is Japan's investment package for AI and chips?",
    "How much did TSMC's factory in southern Japan cost?",
    "What are SoftBank and Nvidia building in Japan?",
    "Why does Japan see AI as important for its ageing population?",
    "What worries analysts about energy supply?",
]

CONTEXT_CHARS = 500  # most characters of surrounding paragraph shown on each side of a quote
STREAM_SECONDS = 1.2  # an answer streams in over about this long, whatever its length
LOOPBACK_NAMES = {"localhost", "ip6-localhost"}

CSS = """
#sources { max-height: 640px; overflow-y: auto; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin-bottom: 10px; }
.source-card .source-title { font-weight: 600; }
.source-card .source-meta { font-size: 0.85em; opacity: 0.8; margin: 2px 0 6px; }
.source-card .source-context { white-space: pre-wrap; font-size: 0.92em; line-height: 1.45;
  border-left: 3px solid var(--color-accent); padding-left: 8px; margin: 0; }
.source-card mark { background: #ffe58a; color: #000; padding: 0 1px; border-radius: 2px; }
.source-empty { opacity: 0.75; font-style: italic; }
.abstained { font-style: italic; color: var(--body-text-color-subdued); }
.abstained strong { font-style: normal; color: #b45309; }
.error strong { color: #b91c1c; }
.notice { border: 1px solid var(--color-accent); border-radius: 8px; padding: 6px 10px; }
"""


# --------------------------------------------------------------------------- rendering


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def format_answer(answer: "Answer") -> str:
    """The chat bubble for an answer; an abstention gets its own marker and style, a fallback a note."""
    text = _escape(answer.text)
    if answer.abstained:
        text = f'<span class="abstained"><strong>No answer in the sources.</strong> {text}</span>'
    if getattr(answer, "fallback", None):
        text += f'<br><span class="fallback"><em>Extractive answer: {_escape(answer.fallback)}.</em></span>'
    return text


def format_error(message: str) -> str:
    return f'<span class="error"><strong>Error:</strong> {_escape(message)}</span>'


@lru_cache(maxsize=64)
def _document_text(path: str, mtime_ns: int, filetype: str, corpus_dir: str) -> str:
    """The text that citation offsets index: the file itself for md/txt, extracted text otherwise."""
    if filetype in {".md", ".txt"}:
        return Path(path).read_text(encoding="utf-8")
    from assistant.loading import load_file

    return load_file(Path(path), Path(corpus_dir)).page_content


def _source_text(corpus_dir: Path, source: str) -> str | None:
    """The loaded text of ``source``, or None when it is missing or lies outside the corpus."""
    root = corpus_dir.resolve()
    path = (root / source).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    try:
        return _document_text(str(path), path.stat().st_mtime_ns, path.suffix.lower(), str(root))
    except Exception:  # noqa: BLE001 - context is a nicety; the quote alone still shows
        log.debug("could not reload %s for context", source, exc_info=True)
        return None


def _passage_text(answer: "Answer", citation: "Citation") -> str | None:
    for passage in answer.passages or []:
        if not isinstance(passage, dict):
            continue
        text = passage.get("text") or passage.get("page_content") or passage.get("content")
        if isinstance(text, str) and citation.quote and citation.quote in text:
            if passage.get("source", citation.source) == citation.source:
                return text
    return None


def quote_in_context(corpus_dir: Path, answer: "Answer", citation: "Citation") -> tuple[str, str, str]:
    """(before, quote, after): the quote and the rest of the paragraph around it.

    The paragraph comes from the source file (offsets checked against the quote), else from the
    retrieved passage holding the quote, else the quote stands alone.
    """
    quote = citation.quote
    text = _source_text(corpus_dir, citation.source)
    start, end = citation.start, citation.end
    if text is None or text[start:end] != quote:
        text = _passage_text(answer, citation)
        if text is None:
            return "", quote, ""
        start = text.index(quote)
        end = start + len(quote)
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_start:start], text[end:para_end]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS] + "…"
    return before.lstrip(), quote, after.rstrip()


def render_sources(corpus_dir: Path, answer: "Answer | None") -> str:
    """HTML for the sources panel: one card per citation of the latest answer, all text escaped."""
    if answer is None:
        return '<div class="source-empty">Sources of the latest answer appear here.</div>'
    if not answer.citations:
        why = "The assistant abstained: no source holds the answer." if answer.abstained else "No citations."
        return f'<div class="source-empty">{_escape(why)}</div>'
    cards = []
    for c in answer.citations:
        before, quote, after = quote_in_context(corpus_dir, answer, c)
        meta = [f"file: <code>{_escape(c.source)}</code>"]
        if c.heading:
            meta.append(f"section: {_escape(c.heading)}")
        if c.page is not None:
            meta.append(f"page {int(c.page)}")
        meta.append(f"score: {float(c.score):.3f}")
        if not c.verified:
            meta.append("quote not verified")
        cards.append(
            f'<div class="source-card" data-n="{int(c.n)}">'
            f'<div class="source-title">[{int(c.n)}] {_escape(c.title or c.source)}</div>'
            f'<div class="source-meta">{" · ".join(meta)}</div>'
            f'<blockquote class="source-context">{_escape(before)}<mark>{_escape(quote)}</mark>'
            f"{_escape(after)}</blockquote>"
            "</div>"
        )
    return "".join(cards)


def parse_history(history_json: str | None) -> list[tuple[str, str]]:
    """The API's optional history: a JSON list of [question, answer] pairs."""
    if not history_json or not history_json.strip():
        return []
    try:
        data = json.loads(history_json)
    except json.JSONDecodeError as exc:
        raise AssistantError(
            f"history_json is not valid JSON ({exc.msg}); pass a list of [question, answer] pairs."
        ) from exc
    if not isinstance(data, list) or not all(
        isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in data
    ):
        raise AssistantError("history_json must be a JSON list of [question, answer] string pairs.")
    return [(q, a) for q, a in data]


def _stream_chunks(text: str) -> Iterator[str]:
    """Growing prefixes of ``text``, word by word."""
    words = text.split(" ")
    for i in range(1, len(words) + 1):
        yield " ".join(words[:i])


# --------------------------------------------------------------------------- the app


def build_app(bot: "Assistant", notice: str | None = None) -> "gr.Blocks":
    """The Gradio Blocks app around a warmed-up ``bot``; ``notice`` is shown above the chat."""
    import gradio as gr

    corpus_dir = Path(bot.settings.corpus_dir) if hasattr(bot, "settings") else Path("corpus")

    def respond(message: str, chat: list[dict], pairs: list[list[str]]):
        """Stream one answer into the chat; update the sources panel and the session history."""
        message = message or ""
        chat = list(chat or []) + [{"role": "user", "content": _escape(message)}]
        pairs = list(pairs or [])
        yield chat + [{"role": "assistant", "content": "…"}], gr.update(), pairs, ""
        llm_mode = bool(getattr(getattr(bot, "settings", None), "llm", None))
        try:
            if llm_mode:
                answer, draft = None, ""
                for piece in bot.stream(message, history=[(q, a) for q, a in pairs]):
                    if isinstance(piece, str):
                        draft += piece
                        yield chat + [{"role": "assistant", "content": _escape(draft)}], gr.update(), pairs, ""
                    else:
                        answer = piece
            else:
                answer = bot.ask(message, history=[(q, a) for q, a in pairs])
        except AssistantError as exc:
            yield chat + [{"role": "assistant", "content": format_error(str(exc))}], gr.update(), pairs, ""
            return
        except Exception as exc:  # noqa: BLE001 - never a traceback in the page
            log.exception("ask() failed")
            msg = f"Something went wrong answering that ({type(exc).__name__}); the details are in the server log."
            yield chat + [{"role": "assistant", "content": format_error(msg)}], gr.update(), pairs, ""
            return
        sources = render_sources(corpus_dir, answer)
        if not answer.abstained and not llm_mode:
            chunks = list(_stream_chunks(answer.text))
            delay = min(0.04, STREAM_SECONDS / max(len(chunks), 1))
            for part in chunks[:-1]:
                yield chat + [{"role": "assistant", "content": _escape(part)}], sources, pairs, ""
                time.sleep(delay)
        pairs.append([message, answer.text])
        yield chat + [{"role": "assistant", "content": format_answer(answer)}], sources, pairs, ""

    def clear():
        return [], render_sources(corpus_dir, None), [], ""

    def ask(question: str, history_json: str = "") -> dict:
        """Answer ``question`` from the corpus; ``history_json`` is an optional JSON list of
        [question, answer] pairs for follow-ups. Returns ``Answer.to_dict()``."""
        try:
            answer = bot.ask(question, history=parse_history(history_json))
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return answer.to_dict()

    with gr.Blocks(title="Japan AI & chips assistant", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Japan's AI & chip investment — ask the documents\n"
            "Answers are quoted from the documents in the corpus; `[n]` points to a source on the right."
        )
        if notice:
            gr.HTML(f'<div class="notice"><strong>Note:</strong> {_escape(notice)}</div>', elem_id="notice")
        pairs = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    elem_id="chat",
                    height=520,
                    buttons=["copy"],
                    feedback_options=None,
                    latex_delimiters=[],
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask about Japan's AI and chip investment…",
                        show_label=False,
                        scale=5,
                        elem_id="question",
                        max_lines=4,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="send")
                clear_btn = gr.Button("Clear", elem_id="clear", size="sm")
                gr.Examples(EXAMPLES, inputs=box, label="Example questions")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(render_sources(corpus_dir, None), elem_id="sources")

        outputs = [chatbot, sources, pairs, box]
        for trigger in (box.submit, send.click):
            trigger(respond, [box, chatbot, pairs], outputs, api_visibility="private", show_progress="hidden")
        clear_btn.click(clear, None, outputs, api_visibility="private", queue=False)
        chatbot.clear(clear, None, outputs, api_visibility="private", queue=False)
        gr.api(ask, api_name="ask")

    return demo


# --------------------------------------------------------------------------- serving


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
    block: bool = True,
) -> "gr.Blocks":
    """Ingest if needed, load the model once, build the app and serve it (blocking unless ``block=False``)."""
    if auth is None and settings.auth is not None:
        auth = settings.auth.get_secret_value()
    credentials = resolve_auth(host, auth, no_auth)
    check_port_free(host, port)  # fail before the model loads, not after
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

    from assistant import Assistant

    began = time.perf_counter()
    bot = Assistant(settings=settings)
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
    demo = build_app(bot, notice=notice)
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
        )
    except OSError as exc:
        raise AssistantError(f"Cannot serve on {host}:{port} ({exc}); pick another port with --port.") from exc
    shown = f"[{host}]" if ":" in host else host
    print(f"Ready in {time.perf_counter() - began:.1f}s: http://{shown}:{port}/ (Ctrl+C to stop)", flush=True)
    if block:
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopping.", flush=True)
            demo.close()
    return demo


def launch(
    settings: "Settings",
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    no_auth: bool = False,
) -> None:
    """Serve the web UI until interrupted."""
    start(settings, host=host, port=port, auth=auth, no_auth=no_auth, block=True)


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; off loopback needs --auth or --no-auth."
)
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--auth", default=None, metavar="USER:PASSWORD", help="Ask for this login (or set ASSISTANT_AUTH).")
@click.option("--no-auth", is_flag=True, help="Serve off loopback without a login (think twice).")
@click.option("--corpus", type=click.Path(path_type=Path), default=None, help="Corpus folder (default: corpus).")
@click.option("--index", type=click.Path(path_type=Path), default=None, help="Index folder (default: index).")
def serve_command(
    host: str, port: int, auth: str | None, no_auth: bool, corpus: Path | None, index: Path | None
) -> None:
    """Start the web chat UI (Gradio) with its /ask API."""
    try:
        from pydantic import ValidationError

        from assistant.settings import Settings

        overrides: dict[str, Any] = {}
        if corpus is not None:
            overrides["corpus_dir"] = corpus
        if index is not None:
            overrides["index_dir"] = index
        try:
            settings = Settings(**overrides)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
            raise AssistantError(
                f"Invalid setting {where}: {first.get('msg')} (check the ASSISTANT_* variables)."
            ) from None
        launch(settings, host=host, port=port, auth=auth, no_auth=no_auth)
    except AssistantError as exc:
        click.echo(f"Error: {' '.join(str(exc).split())}", err=True)
        sys.exit(1)
