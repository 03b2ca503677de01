"""The OpenAI-compatible API (``/v1``) served for real with the page, driven by real clients:
the official ``openai`` package and LangChain's ``ChatOpenAI``.

Two servers over one temp copy of ``corpus/``: an open one on loopback, and one started with
``--api-key``. Figures (API overhead over ``ask()``, p95 under 20 concurrent clients) are printed,
not asserted: run with ``-s`` to see them.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from servers import UIServer

from assistant.evaluation.cases import load_cases
from assistant.web import openai_api

slow = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TSMC = "How much did TSMC's factory in southern Japan cost?"
FOLLOW_UP = "Is it planning another one?"
KEY = "test-key-0123456789"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    base = tmp_path_factory.mktemp("openai")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    # Build the index once (the open server), then the keyed one reuses it.
    open_srv = UIServer(base / "corpus", base / "index")
    keyed = None
    try:
        open_srv.wait_ready()
        keyed = UIServer(base / "corpus", base / "index", ("--api-key", KEY))
        keyed.wait_ready()
        yield open_srv, keyed
    finally:
        open_srv.stop()
        if keyed is not None:
            keyed.stop()


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


@pytest.fixture(scope="module")
def base_url(server):
    return f"{server.url}v1"


@pytest.fixture(scope="module")
def client(base_url):
    from openai import OpenAI

    return OpenAI(base_url=base_url, api_key="unused", max_retries=0, timeout=60)


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# --------------------------------------------------------------------------- request parsing (no server)


def test_messages_become_question_and_history():
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": [{"type": "text", "text": "q2"}]},
    ]
    assert openai_api.parse_messages(messages, 20, 4000) == ("q2", [("q1", "a1")])


def test_only_the_last_turns_are_kept():
    messages = [m for i in range(30) for m in ({"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"})]
    question, history = openai_api.parse_messages(messages + [{"role": "user", "content": "now"}], 20, 4000)
    assert question == "now" and len(history) == 20 and history[-1] == ("q29", "a")


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        (None, "'messages' must be a non-empty list"),
        ([], "'messages' must be a non-empty list"),
        (["hi"], "messages[0] must be an object"),
        ([{"role": "robot", "content": "hi"}], "unknown role 'robot'"),
        ([{"role": "user", "content": 3}], "must be a string or a list of text parts"),
        ([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "the last message must come from the user"),
        ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}], "reads text only"),
    ],
)
def test_malformed_messages_are_refused(messages, message):
    with pytest.raises(openai_api.APIError) as err:
        openai_api.parse_messages(messages, 20, 4000)
    assert err.value.status == 400 and message in err.value.message


def test_stream_pieces_join_to_the_text():
    text = "Japan is  working [1]. And more. [2]"
    assert "".join(openai_api._words(text)) == text


# --------------------------------------------------------------------------- the official openai client


@slow
def test_models_lists_the_assistant(client):
    assert [m.id for m in client.models.list().data] == [openai_api.MODEL_ID]


@slow
def test_openai_client_answers_with_citations(client):
    resp = client.chat.completions.create(model=openai_api.MODEL_ID, messages=[{"role": "user", "content": TSMC}])
    text = resp.choices[0].message.content
    assert "8.6 billion" in text and "[1]" in text
    assert resp.choices[0].finish_reason == "stop"
    cites = resp.citations  # the extra field
    assert cites[0]["n"] == 1 and cites[0]["source"] == "japan-ai-chip-investment.md"
    assert "8.6 billion" in cites[0]["quote"]
    source = (ROOT / "corpus" / cites[0]["source"]).read_text(encoding="utf-8")
    assert source[cites[0]["start"] : cites[0]["end"]] == cites[0]["quote"]
    assert set(cites[0]) >= {"n", "source", "title", "quote", "start", "end", "url"}


@slow
def test_openai_client_streams_the_same_answer(client):
    whole = client.chat.completions.create(model="any", messages=[{"role": "user", "content": TSMC}])
    chunks = list(client.chat.completions.create(model="any", messages=[{"role": "user", "content": TSMC}], stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    assert len(chunks) > 5  # it does arrive in pieces
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].citations == whole.citations


@slow
def test_follow_up_through_messages(client):
    first = client.chat.completions.create(model="any", messages=[{"role": "user", "content": TSMC}])
    resp = client.chat.completions.create(
        model="any",
        messages=[
            {"role": "user", "content": TSMC},
            {"role": "assistant", "content": first.choices[0].message.content},
            {"role": "user", "content": FOLLOW_UP},
        ],
    )
    assert "second facility" in resp.choices[0].message.content and resp.citations


@slow
def test_abstention_is_a_normal_answer(client):
    resp = client.chat.completions.create(model="any", messages=[{"role": "user", "content": "Who is the CEO of TSMC?"}])
    assert resp.abstained is True
    assert resp.choices[0].message.content.startswith("The sources don't")


@slow
@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ([{"role": "user", "content": "   "}], "the question is empty"),
        ([{"role": "user", "content": "x" * 2001}], "2000"),
        ([{"role": "assistant", "content": "hi"}], "the last message must come from the user"),
    ],
)
def test_openai_client_errors_are_400(client, messages, message):
    import openai

    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="any", messages=messages)
    body = err.value.body
    assert message in body["message"] and body["type"] == "invalid_request_error"
    assert "Traceback" not in json.dumps(body)


@slow
@pytest.mark.parametrize(
    ("body", "message"),
    [(b"{not json", "not valid JSON"), (b"[]", "must be a JSON object"), (b'{"messages": "hi"}', "non-empty list"),
     (b'{"messages": [{"role": "user", "content": "q"}], "stream": "yes"}', "'stream' must be true or false")],
)
def test_raw_bad_bodies_get_the_openai_error_shape(base_url, body, message):
    status, data = post(f"{base_url}/chat/completions", body)
    assert status == 400
    assert set(data["error"]) == {"message", "type", "param", "code"} and message in data["error"]["message"]


@slow
def test_oversized_body_is_413_in_openai_shape(server):
    import http.client

    # Declare a 3 MB body and send none: the guard refuses on the header, before reading it.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    conn.putrequest("POST", "/v1/chat/completions")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(3_000_000))
    conn.endheaders()
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    assert resp.status == 413 and "too large" in data["error"]["message"]


# --------------------------------------------------------------------------- the key


@slow
def test_key_is_required_when_set(servers):
    import openai
    from openai import OpenAI

    url = f"{servers[1].url}v1"
    for key in ("wrong-key-000", "unused"):
        with pytest.raises(openai.AuthenticationError) as err:
            OpenAI(base_url=url, api_key=key, max_retries=0).models.list()
        assert "API key" in err.value.body["message"]
    status, data = post(f"{url}/chat/completions", json.dumps({"messages": [{"role": "user", "content": TSMC}]}).encode())
    assert status == 401 and data["error"]["code"] == "invalid_api_key"
    good = OpenAI(base_url=url, api_key=KEY, max_retries=0)
    assert "8.6 billion" in good.chat.completions.create(model="any", messages=[{"role": "user", "content": TSMC}]).choices[0].message.content
    # the page itself stays as it was (open on loopback without --auth)
    with urllib.request.urlopen(servers[1].url, timeout=20) as resp:
        assert resp.status == 200


def test_no_key_off_loopback_refuses_every_request():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    class Bot:  # never asked: the key check comes first
        settings = type("S", (), {"max_question_chars": 2000, "max_history_turns": 20, "max_history_chars": 4000})()

    app = FastAPI(routes=openai_api.routes(Bot(), api_key=None, open_api=False))
    resp = TestClient(app).post("/v1/chat/completions", json={"messages": [{"role": "user", "content": TSMC}]})
    assert resp.status_code == 401 and "--api-key" in resp.json()["error"]["message"]


def test_api_key_checks():
    from assistant.errors import AssistantError
    from assistant.web.serve import check_api_key

    assert check_api_key(None) is None and check_api_key("") is None
    assert check_api_key(KEY) == KEY
    for bad in ("short", "has space inside", "ключ-ключ-ключ"):
        with pytest.raises(AssistantError):
            check_api_key(bad)
    assert openai_api.bearer_ok(f"Bearer {KEY}", KEY) and not openai_api.bearer_ok(KEY, KEY)


# --------------------------------------------------------------------------- LangChain


@slow
def test_langchain_chat_openai(base_url):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=base_url, api_key="unused", model=openai_api.MODEL_ID, max_retries=0, timeout=60)
    msg = llm.invoke(TSMC)
    assert "8.6 billion" in msg.content and "[1]" in msg.content
    streamed = "".join(part.content for part in llm.stream(TSMC))
    assert streamed == msg.content
    follow = llm.invoke([("human", TSMC), ("ai", msg.content), ("human", FOLLOW_UP)])
    assert "second facility" in follow.content and "[" in follow.content


# --------------------------------------------------------------------------- the dev set and load


@slow
def test_dev_set_matches_the_python_api(server, client):
    """Same answers through the API (streaming and not) as from ``Assistant.ask``; the API's overhead
    (client round trip minus the server's own ``ask()`` time, ``seconds``) is printed."""
    from assistant import Assistant

    bot = Assistant(corpus_dir=server.corpus, index_dir=server.index)
    cases = load_cases(ROOT / "tests" / "data" / "questions.jsonl")
    overhead, differ = [], []
    bot.ask(TSMC)  # warm
    for case in cases:
        messages = [m for q, a in case.history for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
        messages.append({"role": "user", "content": case.question})
        local = bot.ask(case.question, history=list(case.history))
        t1 = time.perf_counter()
        resp = client.chat.completions.create(model="any", messages=messages)
        t2 = time.perf_counter()
        chunks = client.chat.completions.create(model="any", messages=messages, stream=True)
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        overhead.append((t2 - t1) - resp.seconds)
        if not (resp.choices[0].message.content == local.text == streamed and resp.abstained == local.abstained
                and [c["quote"] for c in resp.citations] == [c.quote for c in local.citations]):
            differ.append(case.id)
    print(f"\n[openai-api] dev set: {len(cases)} questions, {len(differ)} differ; "
          f"p50 overhead over ask() {statistics.median(overhead) * 1000:.1f} ms")
    assert not differ


@slow
def test_twenty_concurrent_clients(client):
    cases = [c.question for c in load_cases(ROOT / "tests" / "data" / "questions.jsonl") if not c.history][:10]

    def user(_: int) -> tuple[list[float], int]:
        times, errors = [], 0
        for q in cases:
            t0 = time.perf_counter()
            try:
                client.chat.completions.create(model="any", messages=[{"role": "user", "content": q}])
            except Exception:  # noqa: BLE001 - counted
                errors += 1
            times.append(time.perf_counter() - t0)
        return times, errors

    began = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(user, range(20)))
    times = sorted(t for ts, _ in results for t in ts)
    errors = sum(e for _, e in results)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"\n[openai-api] 20 clients x 10 questions: {errors} errors, p50 {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, {len(times) / (time.perf_counter() - began):.1f} answers/s")
    assert errors == 0


@slow
def test_eval_url_targets_the_api(base_url):
    from assistant.answers import Answer
    from assistant.evaluation.runner import remote_asker

    ask = remote_asker(base_url)
    data = ask(FOLLOW_UP, [(TSMC, "TSMC opened an $8.6 billion factory in southern Japan. [1]")])
    answer = Answer.from_dict(data)
    assert "second facility" in answer.text and answer.citations and answer.passages
