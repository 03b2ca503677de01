"""Servers the tests start for real on loopback: the web UI (``python ui.py``) and friends."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class UIServer:
    """``python ui.py`` in a subprocess on a free 127.0.0.1 port, over the given corpus and index."""

    def __init__(self, corpus: Path, index: Path, extra_args: tuple[str, ...] = ()) -> None:
        self.corpus = corpus
        self.index = index
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        env = dict(
            os.environ,
            HF_HUB_OFFLINE="1",
            GRADIO_ANALYTICS_ENABLED="False",
            ASSISTANT_CORPUS_DIR=str(corpus),
            ASSISTANT_INDEX_DIR=str(index),
            PYTHONUNBUFFERED="1",
        )
        env.pop("ASSISTANT_AUTH", None)
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "ui.py"), "--host", "127.0.0.1", "--port", str(self.port), *extra_args],
            cwd=corpus.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_ready(self, timeout: float = 240.0) -> float:
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited early:\n" + "".join(self.lines))
            if any(line.startswith("Ready in") for line in self.lines):
                return time.monotonic() - began
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"server not ready after {timeout}s:\n" + "".join(self.lines))

    def stop(self) -> None:
        stop_process(self.proc)


class PageUser:
    """One page session speaking the page's own protocol: the chat box's submit event through
    Gradio's queue (``queue/join``, then the session's event stream), as the browser does.

    ``ask`` returns the last bot message's final HTML and keeps the chat for the next turn; the
    conversation history itself lives in the server's session state, as for a browser tab."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        import json
        import secrets

        import httpx

        self.url = url
        self.session = secrets.token_hex(8)
        self.http = httpx.Client(timeout=timeout)
        config = self.http.get(url + "config").json()
        question = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "question")
        dep = next(d for d in config["dependencies"] if [question, "submit"] in d["targets"])
        self.fn, self.trigger, self.chat = dep["id"], question, []
        self._json = json

    def ask(self, question: str) -> str:
        body = {"data": [question, self.chat, None, None], "event_data": None, "fn_index": self.fn,
                "trigger_id": self.trigger, "session_hash": self.session}
        joined = self.http.post(self.url + "gradio_api/queue/join", json=body)
        joined.raise_for_status()
        event = joined.json()["event_id"]
        with self.http.stream("GET", self.url + "gradio_api/queue/data", params={"session_hash": self.session}) as resp:
            for line in resp.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = self._json.loads(line[5:])
                if msg.get("event_id") != event or msg["msg"] != "process_completed":
                    continue
                if not msg.get("success"):
                    raise RuntimeError(f"the chat event failed: {msg.get('output', {}).get('error')}")
                self.chat = msg["output"]["data"][0]
                return "".join(p.get("text", "") for p in self.chat[-1]["content"])
        raise RuntimeError("the event stream closed before the answer was complete")

    def close(self) -> None:
        self.http.close()


CHROMIUM = Path("/usr/bin/chromium")


@contextlib.contextmanager
def chromium():
    """Debian's Chromium through Playwright, headless and off the network (``playwright install``
    cannot download browsers here); skips the test when it is not installed."""
    import pytest
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            timeout=60_000,
        )
        try:
            yield browser
        finally:
            browser.close()
