"""ASSISTANT_CHROMA_URL points the index at a real Chroma server (``chroma run`` on loopback).

Issue 9: one server holds several corpora (and checkouts) without one touching another's vectors,
and a server that goes away is a one-line error, never a traceback or a false success.
"""

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CORPUS, DATA
from servers import free_port, stop_process

from assistant import Assistant
from assistant.errors import IndexStoreError

CHROMA = Path(sys.executable).with_name("chroma")
EXE = Path(sys.executable).with_name("assistant")
US_DOCS = ["capitol-tech-review-chips-act-explainer.md", "hoosier-tech-dispatch-sk-hynix-indiana.md", "meridian-wire-chips-act-signed.txt"]
JAPAN_Q, JAPAN_A = "How much did TSMC's factory in southern Japan cost?", "8.6 billion"
US_Q, US_A = "On what date did President Biden sign the CHIPS and Science Act into law?", "August 9"


@pytest.fixture
def chroma_proc(tmp_path):
    """A ``chroma run`` on a free loopback port: (url, process), stopped after the test."""
    if not CHROMA.exists():
        pytest.skip("the chroma command is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("chroma server did not start within 60 s")
                time.sleep(0.3)
        yield url, proc
    finally:
        stop_process(proc)


@pytest.fixture
def chroma_server(chroma_proc):
    return chroma_proc[0]


def test_ingest_and_ask_through_a_chroma_server(chroma_server, corpus_copy, tmp_path):
    bot = Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "index", chroma_url=chroma_server)
    report = bot.ingest(progress=False)
    assert report.added and report.embedded == report.chunks
    assert not (tmp_path / "index" / "chroma").exists()  # the vectors live on the server
    answer = bot.ask("How much did TSMC's factory in southern Japan cost?")
    assert "8.6 billion" in answer.text
    again = Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "index", chroma_url=chroma_server).ingest(progress=False)
    assert again.embedded == 0


def test_unreachable_server_is_a_clear_error(corpus_copy, tmp_path):
    from assistant.errors import IndexStoreError

    bot = Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "index", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexStoreError, match="ASSISTANT_CHROMA_URL"):
        bot.ingest(progress=False)


# --- two corpora, two checkouts, one server ------------------------------------------------------


def _corpora(root: Path) -> tuple[Path, Path]:
    japan, us = root / "japan", root / "us"
    shutil.copytree(CORPUS, japan)
    us.mkdir()
    for name in US_DOCS:
        shutil.copy(DATA / "corpora" / "us-chips" / "docs" / name, us / name)
    return japan, us


def _answers_own_and_never_cites_other(bot: Assistant, own: tuple[str, str], other: tuple[str, str]) -> None:
    files = {p.name for p in Path(bot.settings.corpus_dir).iterdir()}
    answer = bot.ask(own[0])
    assert own[1] in answer.text, (bot.settings.corpus_dir, answer.text)
    for question in (own[0], other[0]):
        cited = {c.source for c in bot.ask(question).citations} | {d.metadata["source"] for d in bot.retrieve(question)}
        assert cited <= files, (bot.settings.corpus_dir, question, cited - files)


def test_two_corpora_and_a_copied_checkout_share_one_server(chroma_server, tmp_path):
    japan, us = _corpora(tmp_path)
    bots = {}
    for order, (first, second) in {"a": (japan, us), "b": (us, japan)}.items():
        for corpus in (first, second):  # either order of ingests
            bot = Assistant(corpus_dir=corpus, index_dir=tmp_path / f"index-{order}-{corpus.name}", chroma_url=chroma_server)
            report = bot.ingest(progress=False)
            assert report.added and report.embedded == report.chunks
            bots[order, corpus.name] = bot
    for bot in bots.values():  # each ingest left every other index alone
        own, other = ((JAPAN_Q, JAPAN_A), (US_Q, US_A)) if bot.settings.corpus_dir == japan else ((US_Q, US_A), (JAPAN_Q, JAPAN_A))
        _answers_own_and_never_cites_other(bot, own, other)
    again = Assistant(corpus_dir=japan, index_dir=tmp_path / "index-a-japan", chroma_url=chroma_server).ingest(progress=False)
    assert again.embedded == 0 and again.unchanged == ["japan-ai-chip-investment.md"]
    assert again.chunks == bots["a", "japan"].ingest(progress=False).chunks > 0

    # A second checkout made by copying the first, index folder included, gets its own collection.
    shutil.copytree(japan, tmp_path / "checkout2" / "japan")
    shutil.copytree(tmp_path / "index-a-japan", tmp_path / "checkout2" / "index")
    (tmp_path / "checkout2" / "japan" / "japan-ai-chip-investment.md").write_text("# Other\n\nThe Osaka lab has 12 staff.\n", encoding="utf-8")
    copy = Assistant(corpus_dir=tmp_path / "checkout2" / "japan", index_dir=tmp_path / "checkout2" / "index", chroma_url=chroma_server)
    assert copy.ingest(progress=False).rebuilt
    assert "12" in copy.ask("How many staff does the Osaka lab have?").text
    _answers_own_and_never_cites_other(bots["a", "japan"], (JAPAN_Q, JAPAN_A), (US_Q, US_A))


def test_clients_see_no_error_while_an_ingest_runs_against_the_server(chroma_server, tmp_path):
    japan, _ = _corpora(tmp_path)
    (japan / "notes.txt").write_text("Field notes\n\nThe Kumamoto plant hired 1,700 engineers.\n", encoding="utf-8")
    bot = Assistant(corpus_dir=japan, index_dir=tmp_path / "index", chroma_url=chroma_server)
    bot.ingest(progress=False)
    question = "How many engineers did the Kumamoto plant hire?"
    assert "1,700" in bot.ask(question).text
    errors, texts, done = [], [], threading.Event()

    def client() -> None:
        n = 0
        while n < 10 or not done.is_set():
            try:
                texts.append(bot.ask(question if n % 2 else JAPAN_Q).text)
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(f"{type(exc).__name__}: {exc}")
            n += 1

    clients = [threading.Thread(target=client) for _ in range(20)]
    for t in clients:
        t.start()
    (japan / "notes.txt").write_text("Field notes\n\nThe Kumamoto plant hired 2,400 engineers.\n", encoding="utf-8")
    bot.ingest(rebuild=True, progress=False)
    done.set()
    for t in clients:
        t.join()
    assert errors == [] and len(texts) >= 200
    assert "2,400" in bot.ask(question).text


# --- a server that goes away ----------------------------------------------------------------------


def test_a_server_gone_mid_session_is_a_one_line_error_everywhere(chroma_proc, corpus_copy, tmp_path):
    url, proc = chroma_proc
    bot = Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "index", chroma_url=url)
    bot.ingest(progress=False)
    assert JAPAN_A in bot.ask(JAPAN_Q).text
    stop_process(proc)

    with pytest.raises(IndexStoreError, match="cannot reach the Chroma server") as asked:
        bot.ask(JAPAN_Q)
    assert "\n" not in str(asked.value) and "ASSISTANT_CHROMA_URL" in str(asked.value)
    # Nothing changed in the corpus, yet ingest must not report success against a dead server.
    with pytest.raises(IndexStoreError, match="cannot reach the Chroma server"):
        Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "index", chroma_url=url).ingest(progress=False)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_CHROMA_URL": url}
    result = subprocess.run(
        [str(EXE), "ingest", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index")],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot reach the Chroma server" in result.stderr
