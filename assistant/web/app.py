"""The Gradio chat page: a streamed chat, a sources panel with each quote highlighted in its
paragraph, retry / undo of the last turn (Gradio's own icons on the last message, and buttons),
copy of an answer, export of the conversation with its citations as JSON, documents added to the
corpus from the page (checked and written by ``upload``, indexed in the background by
``watch.BackgroundIngest`` with its progress shown), and a named ``/ask`` API endpoint. (The
OpenAI-compatible ``/v1`` API is in ``openai_api``.)

Gradio is imported inside ``build_app``, so importing this module stays instant.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ask.conversation import parse_history
from assistant.errors import AssistantError
from assistant.web import upload as uploads
from assistant.web.render import escape, format_answer, format_error, render_sources
from assistant.web.security import UPLOAD_TYPES
from assistant.web.watch import BackgroundIngest

if TYPE_CHECKING:  # pragma: no cover - types only
    import gradio as gr

    from assistant.pipeline import Assistant

log = logging.getLogger(__name__)

EXAMPLES = [
    "How big is Japan's investment package for AI and chips?",
    "How much did TSMC's factory in southern Japan cost?",
    "What are SoftBank and Nvidia building in Japan?",
    "Why does Japan see AI as important for its ageing population?",
    "What worries analysts about energy supply?",
]

STREAM_SECONDS = 1.2  # an answer streams in over about this long, whatever its length
INDEX_STATUS_SECONDS = 3.0  # how often an open page refreshes its line about background ingests

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


def _stream_chunks(text: str) -> Iterator[str]:
    """Growing prefixes of ``text``, word by word."""
    words = text.split(" ")
    for i in range(1, len(words) + 1):
        yield " ".join(words[:i])


# --------------------------------------------------------------------------- turns


def drop_last_turn(
    chat: list[dict], pairs: list[list[str]], turns: list[dict]
) -> tuple[list[dict], list[list[str]], list[dict], str]:
    """(chat, pairs, turns, question) without the last turn: its two chat messages, its history
    pair when it was answered, and its record; ``question`` is "" when there was none."""
    chat, pairs, turns = list(chat or []), list(pairs or []), list(turns or [])
    if not turns:
        return chat, pairs, turns, ""
    last = turns.pop()
    if "answer" in last and pairs:
        pairs.pop()
    return chat[:-2], pairs, turns, last["question"]


def export_data(turns: list[dict]) -> dict:
    """The conversation as JSON: each question with its answer text and citations (or its error)."""
    out = []
    for t in turns:
        a = t.get("answer")
        if a is None:
            out.append({"question": t["question"], "error": t.get("error", "")})
            continue
        cites = [{k: c.get(k) for k in ("n", "source", "title", "heading", "page", "quote", "start", "end")}
                 for c in a.get("citations", [])]
        out.append({"question": t["question"], "answer": a["text"], "abstained": a["abstained"], "citations": cites})
    return {"exported": datetime.now(timezone.utc).isoformat(timespec="seconds"), "turns": out}


def write_export(turns: list[dict]) -> str:
    """Write ``export_data`` to a fresh temp file (Gradio serves it from its cache) and return its path."""
    folder = Path(tempfile.mkdtemp(prefix="assistant-export-"))
    path = folder / f"conversation-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(export_data(turns), ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- the app


def index_line(ingester: BackgroundIngest) -> str:
    """The page's one line about background ingests (uploads, the corpus watcher)."""
    s = ingester.status()
    if s.running:
        return f"Indexing ({'; '.join(s.running)[:200]}) … {time.time() - s.started:.0f} s"
    if s.finished:
        return f"Index updated at {datetime.fromtimestamp(s.finished):%H:%M:%S}: {s.last}"
    return ""


def build_app(bot: "Assistant", notice: str | None = None, ingester: BackgroundIngest | None = None) -> "gr.Blocks":
    """The Gradio Blocks app around a warmed-up ``bot``; ``notice`` is shown above the chat.

    ``ingester`` indexes uploaded documents (one is made when none is given); the server shares it
    with its corpus watcher so that their ingests never pile up."""
    import gradio as gr

    corpus_dir = Path(bot.settings.corpus_dir)
    max_turns = bot.settings.max_history_turns
    if ingester is None:
        ingester = BackgroundIngest(lambda: bot.ingest(progress=False), needed=bot.needs_ingest)

    def respond(message: str, chat: list[dict], pairs: list[list[str]], turns: list[dict]):
        """Stream one answer into the chat; update the sources panel and the session history.

        ``turns`` keeps one record per question (its answer, or the error shown), two chat
        messages each, so that undo, retry and export work on whole turns."""
        message = message or ""
        chat = list(chat or []) + [{"role": "user", "content": escape(message)}]
        pairs = list(pairs or [])
        turns = list(turns or [])
        yield chat + [{"role": "assistant", "content": "…"}], gr.update(), pairs, "", turns
        llm_mode = bot.llm_mode
        # The page keeps the whole conversation; follow-ups need only its latest turns.
        recent = [(q, a) for q, a in pairs][-max_turns:] if max_turns else []
        try:
            if llm_mode:
                answer, draft = None, ""
                for piece in bot.stream(message, history=recent):
                    if isinstance(piece, str):
                        draft += piece
                        yield chat + [{"role": "assistant", "content": escape(draft)}], gr.update(), pairs, "", turns
                    else:
                        answer = piece
            else:
                answer = bot.ask(message, history=recent)
        except AssistantError as exc:
            turns.append({"question": message, "error": str(exc)})
            yield chat + [{"role": "assistant", "content": format_error(str(exc))}], gr.update(), pairs, "", turns
            return
        except Exception as exc:  # noqa: BLE001 - never a traceback in the page
            log.exception("ask() failed")
            msg = f"Something went wrong answering that ({type(exc).__name__}); the details are in the server log."
            turns.append({"question": message, "error": msg})
            yield chat + [{"role": "assistant", "content": format_error(msg)}], gr.update(), pairs, "", turns
            return
        sources = render_sources(corpus_dir, answer)
        if not answer.abstained and not llm_mode:
            chunks = list(_stream_chunks(answer.text))
            delay = min(0.04, STREAM_SECONDS / max(len(chunks), 1))
            for part in chunks[:-1]:
                yield chat + [{"role": "assistant", "content": escape(part)}], sources, pairs, "", turns
                time.sleep(delay)
        pairs.append([message, answer.text])
        turns.append({"question": message, "answer": answer.to_dict()})
        yield chat + [{"role": "assistant", "content": format_answer(answer)}], sources, pairs, "", turns

    def clear():
        return [], render_sources(corpus_dir, None), [], "", []

    def undo(chat: list[dict], pairs: list[list[str]], turns: list[dict]):
        """Drop the last turn; its question goes back into the box to be edited."""
        chat, pairs, turns, question = drop_last_turn(chat, pairs, turns)
        return chat, render_sources(corpus_dir, None), pairs, question, turns

    def retry(chat: list[dict], pairs: list[list[str]], turns: list[dict]):
        """Ask the last question again, in place of its answer."""
        chat, pairs, turns, question = drop_last_turn(chat, pairs, turns)
        if not question:
            yield chat, gr.update(), pairs, "", turns
            return
        yield from respond(question, chat, pairs, turns)

    def export(turns: list[dict]) -> str | None:
        if not turns:
            gr.Info("Nothing to export yet: ask a question first.")
            return None
        return write_export(turns)

    def add_documents(paths: list[str] | None, replace: bool):
        """Check and save the uploaded files, then index them in the background, showing progress
        and the ingest's report; files that already exist are kept until Replace is ticked."""
        paths = [paths] if isinstance(paths, str) else list(paths or [])
        if not paths:
            yield "Choose md, txt, html or pdf files first.", gr.update()
            return
        results = uploads.save_all(corpus_dir, paths, replace=bool(replace))
        lines = uploads.describe(results)
        keep = gr.update() if any(r.status == uploads.EXISTS for r in results) else gr.update(value=None)
        saved = [r.name for r in results if r.status == uploads.SAVED]
        if not saved:
            yield lines + "\nNothing new to index.", keep
            return
        shown = ", ".join(saved)
        ticket = ingester.request(f"upload: {shown}")
        began = time.monotonic()
        yield f"{lines}\nindexing {shown} …", keep
        while (result := ingester.wait(ticket, timeout=0.5)) is None:
            yield f"{lines}\nindexing {shown} … {time.monotonic() - began:.0f} s", gr.update()
        report, error = result
        if error is not None:
            log.warning("indexing %s failed: %s", shown, error)
            yield f"{lines}\nIndexing failed: {error}\nThe documents indexed before are still served.", gr.update()
            return
        yield f"{lines}\n{uploads.report_lines(report, saved)}", gr.update()

    def ask(question: str, history_json: str = "") -> dict:
        """Answer ``question`` from the corpus; ``history_json`` is an optional JSON list of
        [question, answer] pairs for follow-ups. Returns ``Answer.to_dict()``."""
        try:
            answer = bot.ask(question, history=parse_history(history_json, max_turns, bot.settings.max_history_chars))
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return answer.to_dict()

    with gr.Blocks(title="Japan AI & chips assistant", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Japan's AI & chip investment — ask the documents\n"
            "Answers are quoted from the documents in the corpus; `[n]` points to a source on the right."
        )
        if notice:
            gr.HTML(f'<div class="notice"><strong>Note:</strong> {escape(notice)}</div>', elem_id="notice")
        pairs = gr.State([])
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    elem_id="chat",
                    height=520,
                    buttons=["copy"],
                    feedback_options=None,
                    latex_delimiters=[],
                    # Messages are escaped HTML, never Markdown: a link, image or diagram written in
                    # a document shows as its text, not as a live element.
                    render_markdown=False,
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
                with gr.Row():
                    retry_btn = gr.Button("Retry", elem_id="retry", size="sm")
                    undo_btn = gr.Button("Undo", elem_id="undo", size="sm")
                    export_btn = gr.Button("Export JSON", elem_id="export", size="sm")
                    clear_btn = gr.Button("Clear", elem_id="clear", size="sm")
                export_file = gr.File(label="Conversation with citations (JSON)", visible=False, elem_id="export-file",
                                      interactive=False)
                gr.Examples(EXAMPLES, inputs=box, label="Example questions")
                with gr.Accordion("Add documents", open=False, elem_id="add-docs"):
                    files = gr.File(
                        label="md, txt, html or pdf, up to 10 MB each: added to the corpus and indexed",
                        file_count="multiple",
                        file_types=sorted(UPLOAD_TYPES),
                        elem_id="upload-files",
                    )
                    with gr.Row():
                        replace = gr.Checkbox(label="Replace files with the same name", elem_id="upload-replace")
                        add_btn = gr.Button("Add to corpus", elem_id="upload-add", size="sm")
                    upload_status = gr.Textbox(
                        label="Upload and indexing", lines=4, max_lines=14, interactive=False, elem_id="upload-status"
                    )
                index_status = gr.Markdown(index_line(ingester), elem_id="index-status")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(render_sources(corpus_dir, None), elem_id="sources")

        outputs = [chatbot, sources, pairs, box, turns]
        for trigger in (box.submit, send.click):
            trigger(respond, [box, chatbot, pairs, turns], outputs, api_visibility="private", show_progress="hidden")
        # Gradio's own retry/undo icons on the last message, and buttons that do the same
        for trigger in (chatbot.retry, retry_btn.click):
            trigger(retry, [chatbot, pairs, turns], outputs, api_visibility="private", show_progress="hidden")
        for trigger in (chatbot.undo, undo_btn.click):
            trigger(undo, [chatbot, pairs, turns], outputs, api_visibility="private", queue=False)
        export_btn.click(export, turns, export_file, api_visibility="private").then(
            lambda f: gr.update(visible=f is not None), export_file, export_file, api_visibility="private", queue=False
        )
        clear_btn.click(clear, None, outputs, api_visibility="private", queue=False)
        chatbot.clear(clear, None, outputs, api_visibility="private", queue=False)
        for trigger in (files.upload, add_btn.click):
            trigger(add_documents, [files, replace], [upload_status, files], api_visibility="private",
                    show_progress="minimal", concurrency_limit=2, concurrency_id="upload")
        timer = gr.Timer(INDEX_STATUS_SECONDS)
        timer.tick(lambda: index_line(ingester), None, index_status, api_visibility="private", queue=False,
                   show_progress="hidden")
        gr.api(ask, api_name="ask")

    return demo


