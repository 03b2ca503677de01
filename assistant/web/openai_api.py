"""An OpenAI-compatible chat API (``/v1/chat/completions``, ``/v1/models``) over the assistant.

Served by the same process and port as the Gradio page, so the official ``openai`` clients,
LangChain's ``ChatOpenAI`` and chat front-ends such as Open WebUI can use the assistant as a
"model". The last user message is the question; earlier user/assistant pairs are the history.
Every answer carries its citations twice: ``[n]`` markers in the text, and an extra top-level
field ``citations`` (n, source, title, quote, start, end, url, heading, page), on the completion or
on the last streamed chunk. Errors use OpenAI's shape ``{"error": {message, type, param, code}}``.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations at runtime.

import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant.ask.conversation import check_question, parse_history
from assistant.errors import AssistantError, IndexStoreError, InvalidHistoryError, InvalidQuestionError

if TYPE_CHECKING:  # pragma: no cover - types only
    from fastapi import APIRouter

    from assistant.answers import Answer
    from assistant.pipeline import Assistant

log = logging.getLogger(__name__)

MODEL_ID = "japan-ai-chips-assistant"
ROLES = {"system", "developer", "user", "assistant", "tool", "function"}


class APIError(Exception):
    """An error answered in OpenAI's shape with ``status``."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type_, param, code

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def error_body(message: str, type_: str, code: str | None = None) -> dict:
    """OpenAI's error shape, for callers (the middleware) that have no ``APIError``."""
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


# --------------------------------------------------------------------------- requests


def _text(content: Any, i: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                parts.append(part["text"])
            elif isinstance(part, dict) and part.get("type") in ("image_url", "input_audio", "file"):
                raise APIError(400, f"messages[{i}] has a {part['type']} part; this assistant reads text only",
                               param=f"messages[{i}].content")
            else:
                raise APIError(400, f"messages[{i}].content has a part that is not {{'type': 'text', 'text': ...}}",
                               param=f"messages[{i}].content")
        return "\n".join(parts)
    raise APIError(400, f"messages[{i}].content must be a string or a list of text parts", param=f"messages[{i}].content")


def parse_messages(messages: Any, max_turns: int, max_chars: int) -> tuple[str, list[tuple[str, str]]]:
    """(question, history) from a chat-completions ``messages`` list; ``APIError`` 400 when malformed.

    System and tool messages are ignored (the assistant answers only from its documents). Chat
    clients send the whole conversation, so only the last ``max_turns`` pairs are kept and each
    earlier message is cut to ``max_chars`` rather than refused.
    """
    if not isinstance(messages, list) or not messages:
        raise APIError(400, "'messages' must be a non-empty list of {role, content} objects", param="messages")
    turns: list[tuple[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise APIError(400, f"messages[{i}] must be an object with a 'role' and a 'content'", param=f"messages[{i}]")
        if m["role"] not in ROLES:
            raise APIError(400, f"messages[{i}] has an unknown role {m['role']!r}", param=f"messages[{i}].role")
        if m["role"] in ("user", "assistant"):
            turns.append((m["role"], _text(m.get("content"), i)))
    if not turns or turns[-1][0] != "user":
        raise APIError(400, "the last message must come from the user: it is the question", param="messages")
    question = turns[-1][1]
    pairs: list[tuple[str, str]] = []
    for (role, text), (next_role, answer) in zip(turns[:-1], turns[1:-1] + [("", "")]):
        if role == "user" and next_role == "assistant":
            pairs.append((text[:max_chars], answer[:max_chars]))
    pairs = pairs[-max_turns:] if max_turns else []
    try:
        history = parse_history([list(p) for p in pairs], max_turns, max_chars)
    except InvalidHistoryError as exc:
        raise APIError(400, f"messages: {exc}", param="messages") from None
    return question, history


def check_body(body: Any, max_question_chars: int, max_turns: int, max_chars: int) -> tuple[str, list, bool]:
    """(question, history, stream) from a request body, or ``APIError`` 400."""
    if not isinstance(body, dict):
        raise APIError(400, "the request body must be a JSON object")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise APIError(400, "'stream' must be true or false", param="stream")
    question, history = parse_messages(body.get("messages"), max_turns, max_chars)
    try:
        question = check_question(question, max_question_chars)
    except InvalidQuestionError as exc:
        raise APIError(400, str(exc), param="messages") from None
    return question, history, stream


# --------------------------------------------------------------------------- answers


def citations(answer: "Answer") -> list[dict]:
    """The answer's citations, with each source's ``url`` where its passage metadata has one."""
    urls = {p.get("source"): p.get("url") for p in answer.passages if p.get("url")}
    return [
        {"n": c.n, "source": c.source, "title": c.title, "quote": c.quote, "start": c.start, "end": c.end,
         "url": urls.get(c.source), "heading": c.heading, "page": c.page}
        for c in answer.citations
    ]


def _extras(answer: "Answer") -> dict:
    # Beyond OpenAI's fields: the citations, whether it abstained, and what was retrieved
    # (so ``assistant eval --url …/v1`` can score retrieval too).
    return {"citations": citations(answer), "abstained": answer.abstained, "mode": answer.mode,
            "seconds": answer.seconds, "passages": answer.passages}


def _usage(question: str, answer: "Answer") -> dict:
    # Words, not tokens: there is no tokenizer here, and clients only need a plausible count.
    p, c = len(question.split()), len(answer.text.split())
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def completion(question: str, answer: "Answer", model: str) -> dict:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text},
                     "finish_reason": "stop", "logprobs": None}],
        "usage": _usage(question, answer),
        **_extras(answer),
    }


def _chunk(cid: str, created: int, model: str, delta: dict, finish: str | None = None, **extra: Any) -> str:
    data = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _words(text: str) -> Iterator[str]:
    """``text`` in word-sized pieces that join back to exactly ``text``."""
    start = 0
    while start < len(text):
        end = text.find(" ", start + 1)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end


def stream_events(bot: "Assistant", question: str, history: list, model: str) -> Iterator[str]:
    """Server-sent events: a role chunk, the answer's text in pieces, a last chunk with the
    citations and ``finish_reason: stop``, then ``data: [DONE]``.

    The pieces are the *final* answer's text (in LLM mode the draft may be corrected by the
    verifier), so what a client concatenates is exactly what ``ask()`` returns.
    """
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    yield _chunk(cid, created, model, {"role": "assistant", "content": ""})
    try:
        answer = bot.ask(question, history=history)
    except Exception as exc:  # noqa: BLE001 - the status line is sent: report in the stream
        err = to_api_error(exc)
        yield f"data: {json.dumps(err.body())}\n\n"
        yield "data: [DONE]\n\n"
        return
    for piece in _words(answer.text):
        yield _chunk(cid, created, model, {"content": piece})
    yield _chunk(cid, created, model, {}, "stop", usage=_usage(question, answer), **_extras(answer))
    yield "data: [DONE]\n\n"


def to_api_error(exc: BaseException) -> APIError:
    """An exception from ``ask()`` as an ``APIError`` with a one-line message, never a traceback."""
    if isinstance(exc, APIError):
        return exc
    if isinstance(exc, (InvalidQuestionError, InvalidHistoryError)):
        return APIError(400, str(exc), param="messages")
    if isinstance(exc, IndexStoreError):
        return APIError(503, f"the index is not available: {exc}", "server_error", code="index_unavailable")
    if isinstance(exc, AssistantError):
        return APIError(500, str(exc), "server_error")
    log.error("chat completion failed", exc_info=exc)
    return APIError(500, f"something went wrong answering that ({type(exc).__name__}); the details are in the server log",
                    "server_error")


# --------------------------------------------------------------------------- auth and routes


def bearer_ok(authorization: str, api_key: str | None) -> bool:
    if api_key is None:
        return False
    scheme, _, token = authorization.partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(token.strip().encode(), api_key.encode())


def router(bot: "Assistant", api_key: str | None, open_api: bool, model: str = MODEL_ID) -> "APIRouter":
    """The ``/v1`` routes. With ``api_key`` every request needs ``Authorization: Bearer <key>``;
    without one they are open only when ``open_api`` (loopback or ``--no-auth``), else all 401."""
    from fastapi import APIRouter, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.responses import JSONResponse, StreamingResponse

    api = APIRouter(prefix="/v1")
    s = bot.settings

    def fail(err: APIError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return JSONResponse(err.body(), status_code=err.status, headers=headers)

    def authorize(request: Request) -> None:
        if api_key is None and open_api:
            return
        if api_key is None:
            raise APIError(401, "this server has no API key: restart it with --api-key KEY (or ASSISTANT_API_KEY)",
                           code="invalid_api_key")
        if not bearer_ok(request.headers.get("authorization", ""), api_key):
            raise APIError(401, "missing or wrong API key: send 'Authorization: Bearer <key>'", code="invalid_api_key")

    @api.get("/models", include_in_schema=False)
    def models(request: Request) -> Any:
        try:
            authorize(request)
        except APIError as err:
            return fail(err)
        return {"object": "list", "data": [{"id": model, "object": "model", "created": 0, "owned_by": "assistant"}]}

    @api.get("/models/{model_id}", include_in_schema=False)
    def one_model(model_id: str, request: Request) -> Any:
        try:
            authorize(request)
        except APIError as err:
            return fail(err)
        if model_id != model:
            return fail(APIError(404, f"no model {model_id!r}; this server has {model!r}", param="model",
                                 code="model_not_found"))
        return {"id": model, "object": "model", "created": 0, "owned_by": "assistant"}

    @api.post("/chat/completions", include_in_schema=False)
    async def chat_completions(request: Request) -> Any:
        try:
            authorize(request)
            try:
                body = json.loads(await request.body() or b"null")
            except (ValueError, UnicodeDecodeError):
                raise APIError(400, "the request body is not valid JSON") from None
            question, history, stream = check_body(body, s.max_question_chars, s.max_history_turns, s.max_history_chars)
            if stream:
                return StreamingResponse(stream_events(bot, question, history, model), media_type="text/event-stream",
                                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
            answer = await run_in_threadpool(bot.ask, question, history)
            return completion(question, answer, model)
        except Exception as exc:  # noqa: BLE001 - every failure is an OpenAI-shaped error
            return fail(to_api_error(exc))

    return api


def routes(bot: "Assistant", api_key: str | None, open_api: bool) -> list:
    """The ``/v1`` routes, for the app to be created with (``FastAPI(routes=...)``): registered before
    Gradio's own, so none of its path patterns can shadow them, and served from the first request on
    (added after the server starts, a client that saw the page could still meet a 404 on ``/v1``)."""
    return list(router(bot, api_key, open_api).routes)
