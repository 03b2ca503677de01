"""Web hardening around Gradio's FastAPI app, as one ASGI middleware (``WebGuard``).

- **Security headers** on every response: ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and a
  ``Content-Security-Policy`` that allows only this origin. Gradio's page needs a few inline
  scripts (its config and boot code); each HTML response gets a fresh nonce written into its
  ``<script>`` tags, so those run and nothing injected into the page does (inline event handlers
  such as ``onerror=`` are refused too). Styles may be inline, as Svelte sets them, and
  ``'unsafe-eval'`` stays allowed because ``gr.HTML`` evaluates its template with ``new Function``
  (the template is ours; the value is passed in as a variable, never evaluated).
- **Login rate limit with back-off** (``LoginLimiter``): each client may get the password wrong a
  few times; after that every further attempt first waits out a lock that doubles with each failure
  (1 s, 2 s, 4 s … up to 15 minutes), and attempts during a lock are answered ``429`` with
  ``Retry-After`` without the password being checked. Attempts count as failures from the moment
  they arrive, so a burst of parallel guesses gets no more tries than a sequence.
- **Uploads**, with a login or without: larger than ``MAX_UPLOAD_BYTES`` → ``413``; anything but
  the corpus's file types (md, txt, html, pdf, with content to match) → ``415``. This is the
  first gate for the page's *Add documents* control and for anything else posted to
  ``/gradio_api/upload``; ``upload`` checks each file again, fully, before it enters the corpus.
- **Request bodies** elsewhere are capped at ``MAX_BODY_BYTES`` (questions and histories are small);
  on the OpenAI-compatible ``/v1`` routes the refusal is in OpenAI's error shape. Those routes get
  the same headers; their API key is checked by the routes themselves (``openai_api``).
"""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the largest upload, in bytes (also Gradio's max_file_size)
MAX_BODY_BYTES = 2 * 1024 * 1024  # the largest request body on other routes
# The corpus's file types (as assistant.index.loading reads them), and what their content must be.
UPLOAD_TYPES = {
    ".md": "text", ".markdown": "text", ".txt": "text", ".text": "text", ".html": "text", ".htm": "text", ".pdf": "pdf"
}

_UPLOAD_PATH = re.compile(r"/(?:upload|process_recording)/?$")
_LOGIN_PATH = re.compile(r"(?:^|/)login/?$")
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])", re.I)


def content_security_policy(nonce: str) -> str:
    """The page's CSP: this origin only; inline scripts need the response's nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            # 'unsafe-eval': gr.HTML renders its (our, fixed) template with new Function()
            f"script-src 'self' 'nonce-{nonce}' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' data: blob:",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# --------------------------------------------------------------------------- login back-off


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginLimiter:
    """Failed logins per client, with an exponential lock-out.

    The first ``free`` attempts go through; the ``free``-th failure and each after it lock the
    client out for ``base * 2 ** (failures - free)`` seconds (at most ``cap``). A success clears the
    client's record; so does ``forget_after`` seconds without an attempt.
    """

    def __init__(
        self,
        free: int = 5,
        base: float = 1.0,
        cap: float = 900.0,
        forget_after: float = 3600.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.forget_after, self.max_clients, self.clock = forget_after, max_clients, clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def attempt(self, client: str) -> float:
        """Register a login attempt from ``client``: 0 when it may go ahead (it counts as a failure
        until ``succeeded``), else the seconds it must wait first."""
        now = self.clock()
        with self._lock:
            record = self._records.get(client)
            if record is not None and record.locked_until <= now and now - record.last > self.forget_after:
                record = None
            if record is None:
                self._prune(now)
                record = self._records[client] = _Record()
            if record.locked_until > now:
                return record.locked_until - now
            record.failures += 1
            record.last = now
            if record.failures >= self.free:
                record.locked_until = now + min(self.cap, self.base * 2 ** (record.failures - self.free))
            return 0.0

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._records.pop(client, None)

    def _prune(self, now: float) -> None:
        if len(self._records) < self.max_clients:
            return
        stale = [k for k, r in self._records.items() if r.locked_until <= now and now - r.last > self.forget_after]
        for k in stale:
            del self._records[k]
        if len(self._records) >= self.max_clients:  # still full: drop the longest idle
            for k, _ in sorted(self._records.items(), key=lambda kv: kv[1].last)[: len(self._records) // 10 + 1]:
                del self._records[k]


# --------------------------------------------------------------------------- uploads


def check_upload(content_type: str, body: bytes) -> str | None:
    """Why a multipart upload ``body`` is refused (a file type outside the corpus's, or content
    that does not match its name), or None when every file in it is acceptable."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "", re.I)
    if not (content_type or "").lower().startswith("multipart/form-data") or not m:
        return "uploads must be multipart/form-data"
    boundary = b"--" + m.group(1).encode("latin-1")
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, sep, data = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        data = data[:-2] if data.endswith(b"\r\n") else data
        lines = head.decode("utf-8", "replace").split("\r\n")
        disposition = next((line for line in lines if line.lower().startswith("content-disposition")), "")
        fm = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";\r\n]*)"?', disposition, re.I)
        if fm is None:
            continue  # a plain form field, not a file
        name = fm.group(1)
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        kind = UPLOAD_TYPES.get(suffix)
        shown = json.dumps(name[:80])
        if kind is None:
            return f"file type not accepted: {shown} (use md, txt, html or pdf)"
        if kind == "pdf" and not data.startswith(b"%PDF-"):
            return f"{shown} is not a PDF"
        if kind == "text":
            if b"\x00" in data:
                return f"{shown} is not a text file"
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return f"{shown} is not UTF-8 text"
    return None


# --------------------------------------------------------------------------- the middleware


async def _send_json(
    send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None, openai: bool = False
) -> None:
    # The /v1 API's clients (the openai SDKs) read only OpenAI's error shape.
    shape = {"error": {"message": text, "type": "invalid_request_error", "param": None, "code": None}}
    body = json.dumps(shape if openai else {"detail": text}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            + (headers or []),
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class WebGuard:
    """ASGI middleware: security headers, login back-off, upload and body limits (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: LoginLimiter | None = None,
        max_upload: int = MAX_UPLOAD_BYTES,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.limiter = limiter or LoginLimiter()
        self.max_upload = max_upload
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", "GET"), scope.get("path", "")
        send = self._secured(send, rewrite_html=method != "HEAD")
        if method == "POST" and _LOGIN_PATH.search(path):
            await self._login(scope, receive, send)
        elif method in ("POST", "PUT") and _UPLOAD_PATH.search(path):
            await self._upload(scope, receive, send)
        elif method in ("POST", "PUT", "PATCH"):
            await self._bounded(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    # ---------------------------------------------------------------- headers

    def _secured(self, send: Send, rewrite_html: bool = True) -> Send:
        """``send`` with the security headers added; an HTML body gets the CSP nonce in its scripts."""
        nonce = secrets.token_urlsafe(18)
        state: dict[str, Any] = {"start": None, "chunks": []}

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _SECURITY_HEADER_NAMES]
                headers += [
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                ]
                message = {**message, "headers": headers}
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                encoded = any(k.lower() == b"content-encoding" for k, _ in headers)
                if rewrite_html and not encoded and ctype.lower().startswith(b"text/html"):
                    state["start"] = message  # held until the whole page is here
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and state["start"] is not None:
                state["chunks"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', b"".join(state["chunks"]))
                start = state["start"]
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                start["headers"].append((b"content-length", str(len(page)).encode()))
                state["start"] = None
                await send(start)
                await send({"type": "http.response.body", "body": page, "more_body": False})
                return
            await send(message)

        return secured

    # ---------------------------------------------------------------- login

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.limiter.attempt(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            await _send_json(
                send,
                429,
                f"Too many failed logins: try again in {seconds} s.",
                [(b"retry-after", str(seconds).encode())],
            )
            return
        status: dict[str, int] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self._bounded(scope, receive, watch)
        if status.get("code", 500) < 300:
            self.limiter.succeeded(client)

    # ---------------------------------------------------------------- bodies

    async def _bounded(self, scope: Scope, receive: Receive, send: Send, limit: int | None = None) -> None:
        """Pass the request on, refusing (413) a body over ``limit`` bytes."""
        limit = self.max_body if limit is None else limit
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            openai = scope.get("path", "").startswith("/v1/")
            await _send_json(send, 413, f"Request body too large (over {limit} bytes).", openai=openai)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the whole upload (at most ``max_upload`` bytes), check its files, then pass it on."""
        limit = self.max_upload
        declared = _header(scope, b"content-length")
        too_big = f"Upload too large: the limit is {limit / (1024 * 1024):g} MB."
        if declared.isdigit() and int(declared) > limit:
            await _send_json(send, 413, too_big)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send_json(send, 413, too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        why = check_upload(_header(scope, b"content-type"), body)
        if why is not None:
            await _send_json(send, 415, f"Upload refused: {why}.")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


_SECURITY_HEADER_NAMES = {b"x-frame-options", b"x-content-type-options", b"referrer-policy", b"content-security-policy"}


def middleware() -> list:
    """The middleware list for ``launch(app_kwargs={"middleware": ...})``."""
    from starlette.middleware import Middleware

    return [Middleware(WebGuard, limiter=LoginLimiter())]
