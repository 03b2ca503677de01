"""The Gradio chat page: a streamed chat, a sources panel with each quote highlighted in its
paragraph, and a named ``/ask`` API endpoint.

Gradio is imported inside ``build_app``, so importing this module stays instant.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ask.conversation import parse_history
from assistant.errors import AssistantError
from assistant.web.render import escape, format_answer, format_error, render_sources

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


# --------------------------------------------------------------------------- the app


def build_app(bot: "Assistant", notice: str | None = None) -> "gr.Blocks":
    """The Gradio Blocks app around a warmed-up ``bot``; ``notice`` is shown above the chat."""
    import gradio as gr

    corpus_dir = Path(bot.settings.corpus_dir)
    max_turns = bot.settings.max_history_turns

    def respond(message: str, chat: list[dict], pairs: list[list[str]]):
        """Stream one answer into the chat; update the sources panel and the session history."""
        message = message or ""
        chat = list(chat or []) + [{"role": "user", "content": escape(message)}]
        pairs = list(pairs or [])
        yield chat + [{"role": "assistant", "content": "…"}], gr.update(), pairs, ""
        llm_mode = bot.llm_mode
        # The page keeps the whole conversation; follow-ups need only its latest turns.
        recent = [(q, a) for q, a in pairs][-max_turns:] if max_turns else []
        try:
            if llm_mode:
                answer, draft = None, ""
                for piece in bot.stream(message, history=recent):
                    if isinstance(piece, str):
                        draft += piece
                        yield chat + [{"role": "assistant", "content": escape(draft)}], gr.update(), pairs, ""
                    else:
                        answer = piece
            else:
                answer = bot.ask(message, history=recent)
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
                yield chat + [{"role": "assistant", "content": escape(part)}], sources, pairs, ""
                time.sleep(delay)
        pairs.append([message, answer.text])
        yield chat + [{"role": "assistant", "content": format_answer(answer)}], sources, pairs, ""

    def clear():
        return [], render_sources(corpus_dir, None), [], ""

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


