"""The web UI served for real: ``python ui.py`` on a free loopback port, driven with gradio_client.

The server gets a temp copy of ``corpus/`` plus a document carrying script-injection payloads,
and a temp index that it builds at start-up.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

slow = pytest.mark.slow

from servers import UIServer, free_port

from assistant.answers import Answer
from assistant.errors import AssistantError
from assistant.web.render import render_sources
from assistant.web.serve import resolve_auth

ROOT = Path(__file__).resolve().parents[1]
TSMC = "How much did TSMC's factory in southern Japan cost?"
INJECTION_DOC = """---
title: "Quokka Foundry <script>window.__pwned_title = 1; alert('title')</script>"
---

# Quokka Foundry notes <img src=x onerror="window.__pwned_heading = 1; alert('heading')">

The Quokka Foundry in Sapporo makes <script>window.__pwned_doc = 1; alert('doc')</script> test wafers \
for seven nanometre chips <img src=x onerror="window.__pwned_img = 1; alert('img')"> every week.
"""
QUOKKA = "What does the Quokka Foundry in Sapporo make?"
QUESTIONS = [
    TSMC,
    "How big is Japan's investment package for AI and chips?",
    "What are SoftBank and Nvidia building in Japan?",
    "Where did Japan launch an international AI initiative in 2023?",
    "What does Japan's copyright law allow AI companies to do?",
]


class Server(UIServer):
    """The UI over a temp copy of ``corpus/`` plus the script-injection document."""

    def __init__(self, base: Path, extra_args: tuple[str, ...] = ()) -> None:
        shutil.copytree(ROOT / "corpus", base / "corpus")
        (base / "corpus" / "zz-injection.md").write_text(INJECTION_DOC, encoding="utf-8")
        super().__init__(base / "corpus", base / "index", extra_args)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("ui"))
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


# --------------------------------------------------------------------------- the /ask API


@slow
def test_ask_answers_tsmc_with_cited_quote(client):
    data = client.predict(TSMC, api_name="/ask")
    answer = Answer.from_dict(data)
    assert not answer.abstained
    assert "8.6" in answer.text
    assert "[1]" in answer.text
    assert any("8.6 billion" in c.quote for c in answer.citations)
    assert answer.citations[0].source == "japan-ai-chip-investment.md"


@slow
def test_ask_takes_history_as_json(client):
    import json

    first = client.predict(TSMC, api_name="/ask")
    data = client.predict("Is it planning another one?", json.dumps([[TSMC, first["text"]]]), api_name="/ask")
    assert data["question"] == "Is it planning another one?"
    assert "TSMC" in data["retrieval_query"]  # "it" resolved from the earlier turn
    assert "second facility" in data["text"] and data["citations"]


@slow
def test_ask_lists_only_the_ask_endpoint(client):
    info = client.view_api(return_format="dict", print_info=False)
    assert list(info["named_endpoints"]) == ["/ask"]
    assert [p["parameter_name"] for p in info["named_endpoints"]["/ask"]["parameters"]] == ["question", "history_json"]


@slow
@pytest.mark.parametrize(
    ("question", "history", "message"),
    [
        ("", "", "the question is empty"),
        ("x" * 2001, "", "keep it under 2000"),
        (TSMC, "[1, 2", "the history is not valid JSON"),
        (TSMC, '{"q": "a"}', "the history is a dict"),
        (TSMC, '[["q"]]', "turn 1 of the history is not a"),
    ],
)
def test_ask_errors_come_back_as_messages(client, question, history, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message) as info:
        client.predict(question, history, api_name="/ask")
    assert "Traceback" not in str(info.value)


@slow
def test_question_with_script_is_data_not_markup(client, server):
    question = '<script>window.__pwned_q = 1</script><img src=x onerror="alert(1)"> What is Rapidus?'
    data = client.predict(question, api_name="/ask")
    assert data["question"] == question.strip()
    panel = render_sources(server.corpus, Answer.from_dict(data))
    assert "<script" not in panel and "<img" not in panel


@slow
def test_document_with_script_is_escaped_in_sources_panel(client, server):
    data = client.predict(QUOKKA, api_name="/ask")
    answer = Answer.from_dict(data)
    cited = [c for c in answer.citations if c.source == "zz-injection.md"]
    assert cited, data
    assert "<script>" in cited[0].quote  # the API returns the text as it stands in the document
    panel = render_sources(server.corpus, answer)
    assert "<script" not in panel and "<img" not in panel and "onerror=\"" not in panel
    assert "&lt;script&gt;window.__pwned_doc = 1;" in panel
    assert "<mark>" in panel


@slow
def test_concurrent_clients(server):
    """10 gradio_client clients asking 5 questions each, all at once: 50 answers, no errors."""
    from gradio_client import Client

    def session(i: int) -> list[tuple[str, float]]:
        c = Client(server.url, verbose=False)
        out = []
        for j in range(5):
            q = QUESTIONS[(i + j) % len(QUESTIONS)]
            t0 = time.perf_counter()
            data = c.predict(q, api_name="/ask")
            out.append((data["text"], time.perf_counter() - t0))
            assert data["question"] == q
        return out

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = [f.result(timeout=300) for f in [pool.submit(session, i) for i in range(10)]]
    wall = time.perf_counter() - began
    flat = [r for rs in results for r in rs]
    assert len(flat) == 50
    assert all(text.strip() for text, _ in flat)
    lat = sorted(s for _, s in flat)
    print(
        f"\nconcurrency: 50 answers from 10 clients in {wall:.1f}s, per call p50 {statistics.median(lat):.2f}s, "
        f"max {lat[-1]:.2f}s"
    )


@slow
def test_ask_answers_repeat_and_latency_is_reported(client, record_property):
    lat, texts = [], {}
    for i in range(50):
        question = QUESTIONS[i % len(QUESTIONS)]
        t0 = time.perf_counter()
        text = client.predict(question, api_name="/ask")["text"]
        lat.append(time.perf_counter() - t0)
        assert texts.setdefault(question, text) == text  # the same question, the same answer
    lat.sort()
    p50, p95 = statistics.median(lat), lat[int(0.95 * len(lat)) - 1]
    record_property("ask_api_p95_ms", round(p95 * 1000))
    print(f"\n/ask latency over 50 calls: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


# --------------------------------------------------------------------------- the page and files


@slow
def test_page_shows_start_up_notice(server):
    status, body = get(server.url + "config")
    assert status == 200
    assert "The index was built at start-up" in body
    assert "How much did TSMC" in body  # the example questions


@slow
def test_chat_messages_are_not_rendered_as_markdown(server):
    """Document text such as ``[click](https://evil.example)`` must not become a live link in the chat."""
    import json

    status, body = get(server.url + "config")
    assert status == 200
    chat = next(c for c in json.loads(body)["components"] if c.get("props", {}).get("elem_id") == "chat")
    assert chat["props"]["render_markdown"] is False


@slow
def test_start_up_ingest_was_reported_in_console(server):
    log = "".join(server.lines)
    assert "missing or out of date: ingesting" in log
    assert "Traceback" not in log


@slow
@pytest.mark.parametrize("target", ["ui.py", "assistant/settings.py", "/etc/passwd"])
def test_no_files_served_outside_corpus(server, target):
    path = target if target.startswith("/") else str(ROOT / target)
    assert get(f"{server.url}gradio_api/file={path}")[0] in (403, 404)
    assert get(f"{server.url}gradio_api/file={server.corpus}/japan-ai-chip-investment.md")[0] in (403, 404)


@slow
def test_auth_on_loopback_asks_for_the_login(tmp_path):
    from gradio_client import Client

    srv = Server(tmp_path, ("--auth", "ann:s3cret"))
    try:
        srv.wait_ready()
        assert get(srv.url + "config")[0] == 401
        with pytest.raises(ValueError, match="Could not login"):  # Gradio answers 400, not 401
            Client(srv.url, verbose=False, auth=("ann", "wrong"))
        data = Client(srv.url, verbose=False, auth=("ann", "s3cret")).predict(TSMC, api_name="/ask")
        assert "8.6" in data["text"]
    finally:
        srv.stop()


# --------------------------------------------------------------------------- start-up rules (no server)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_auth(host):
    assert resolve_auth(host, None, False) is None


def test_other_host_needs_auth_or_no_auth():
    with pytest.raises(AssistantError, match=r"pass --auth user:password .* or --no-auth"):
        resolve_auth("0.0.0.0", None, False)
    assert resolve_auth("0.0.0.0", "ann:s3cret:x", False) == ("ann", "s3cret:x")
    assert resolve_auth("192.168.1.5", None, True) is None
    with pytest.raises(AssistantError, match="user:password"):
        resolve_auth("0.0.0.0", "ann", False)
    with pytest.raises(AssistantError, match="not both"):
        resolve_auth("0.0.0.0", "ann:pw", True)


def run_ui(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("ASSISTANT_AUTH", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "ui.py"), *args], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT
    )


def test_ui_refuses_open_non_loopback_bind():
    done = run_ui("--host", "0.0.0.0", "--port", str(free_port()))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "error: Refusing to serve on 0.0.0.0 without a password: pass --auth user:password "
        "(or set ASSISTANT_AUTH), or --no-auth to serve it open.\n"
    )


def test_ui_rejects_malformed_auth_in_one_line():
    done = run_ui("--host", "0.0.0.0", "--auth", "nopassword")
    assert done.returncode == 1
    assert done.stderr == "error: --auth must look like user:password (both parts non-empty).\n"


def test_ui_reports_bad_setting_in_one_line():
    done = run_ui(env_extra={"ASSISTANT_K": "0"})
    assert done.returncode == 1
    assert done.stderr.startswith("error: invalid setting k (ASSISTANT_K or its option):")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_ui_reports_busy_port_in_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_ui("--port", str(port))
    assert done.returncode == 1
    assert done.stderr == (
        f"error: Cannot serve on 127.0.0.1:{port} (Address already in use); pick another port with --port.\n"
    )


def test_importing_web_loads_no_heavy_libraries():
    code = "import sys, assistant.web; print(sorted(m for m in ('gradio', 'torch', 'chromadb') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout == "[]\n", done.stderr


# --------------------------------------------------------------------------- undo, retry, export


def _turns():
    answer = Answer(question="q1", text="It cost $8.6 billion. [1]", abstained=False)
    answer.citations = [
        __import__("assistant.answers", fromlist=["Citation"]).Citation(
            n=1, source="a.md", title="A", quote="$8.6 billion", start=3, end=15, score=0.9
        )
    ]
    chat = [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "…"},
            {"role": "user", "content": "q2"}, {"role": "assistant", "content": "error"}]
    turns = [{"question": "q1", "answer": answer.to_dict()}, {"question": "q2", "error": "the index is busy"}]
    return chat, [["q1", answer.text]], turns


def test_undo_drops_the_last_turn_whether_answered_or_not():
    from assistant.web.app import drop_last_turn

    chat, pairs, turns = _turns()
    chat2, pairs2, turns2, question = drop_last_turn(chat, pairs, turns)
    assert question == "q2" and len(chat2) == 2 and pairs2 == pairs and len(turns2) == 1  # the error had no pair
    chat3, pairs3, turns3, question = drop_last_turn(chat2, pairs2, turns2)
    assert question == "q1" and chat3 == [] and pairs3 == [] and turns3 == []
    assert drop_last_turn([], [], []) == ([], [], [], "")
    assert len(turns) == 2  # the session's own lists are left alone


def test_export_holds_answers_with_citations(tmp_path):
    import json

    from assistant.web.app import export_data, write_export

    _, _, turns = _turns()
    data = export_data(turns)
    assert data["turns"][0]["answer"].endswith("[1]")
    assert data["turns"][0]["citations"][0] == {
        "n": 1, "source": "a.md", "title": "A", "heading": "", "page": None, "quote": "$8.6 billion", "start": 3, "end": 15
    }
    assert data["turns"][1] == {"question": "q2", "error": "the index is busy"}
    path = Path(write_export(turns))
    assert path.suffix == ".json" and json.loads(path.read_text(encoding="utf-8"))["turns"] == data["turns"]
