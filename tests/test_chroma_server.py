"""ASSISTANT_CHROMA_URL points the index at a real Chroma server (``chroma run`` on loopback)."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, stop_process

from assistant import Assistant

CHROMA = Path(sys.executable).with_name("chroma")


@pytest.fixture
def chroma_server(tmp_path):
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
        yield url
    finally:
        stop_process(proc)


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
