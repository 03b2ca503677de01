"""Documents added while the server runs (issue 12, points 3 and 4).

- ``upload``: the checks on real files (good md, txt, html and pdf accepted; a binary renamed .md,
  a 50 MB file, a path-traversal name, zero bytes and a hidden name refused with a reason; a
  duplicate name kept until Replace) and the background ingest with a real ``Assistant``.
- ``watch``: the corpus poll and its debounce.
- End to end, on a real server (``python ui.py`` on loopback): a document uploaded in a real
  Chromium shows its progress and is answered with its citation; a file copied into ``corpus/``
  or ingested by ``assistant ingest`` in another process is answered within 10 s. The figures are
  recorded with ``record_property`` and printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from servers import CHROMIUM, UIServer, chromium

from assistant.web import upload as up
from assistant.web.watch import BackgroundIngest, CorpusWatcher, changes, scan

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("assistant")
TSMC = "How much did TSMC's factory in southern Japan cost?"

WOMBAT_Q = "What does the Wombat Lithography Centre in Hakodate produce?"
PLATYPUS_Q = "How many wafers does the Platypus Wafer Works in Kushiro ship each month?"
PLATYPUS_DOC = (
    "# Platypus Wafer Works\n\n"
    "The Platypus Wafer Works in Kushiro ships 41,000 silicon wafers each month to chip plants "
    "in Kumamoto.\n"
)
NUMBAT_Q = "Which company runs the Numbat Packaging Plant in Obihiro?"
NUMBAT_DOC = (
    "Numbat Packaging Plant\n\n"
    "The Numbat Packaging Plant in Obihiro is run by Kitami Advanced Packaging, which assembles "
    "chiplets for AI servers.\n"
)


def make_pdf(path: Path, title: str, lines: list[str]) -> Path:
    """A small real PDF (reportlab), text on one page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(title)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 770, title)
    c.setFont("Helvetica", 11)
    for i, line in enumerate(lines):
        c.drawString(72, 740 - 16 * i, line)
    c.showPage()
    c.save()
    return path


def pdf_doc(path: Path) -> Path:
    return make_pdf(path, "Wombat Lithography Centre", [
        "The Wombat Lithography Centre in Hakodate makes photomasks for two nanometre chips.",
        "It opened in 2026 with a staff of 340 engineers.",
    ])


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A folder of files as a browser would hand them over (Gradio keeps the file's own name)."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "notes.md").write_text("# Notes\n\nThe plant hired 1,700 engineers.\n", encoding="utf-8")
    (folder / "plain.txt").write_text("Plain text about chips.\n", encoding="utf-8")
    (folder / "page.html").write_text("<!doctype html><html><body><p>Chips in Japan.</p></body></html>", encoding="utf-8")
    pdf_doc(folder / "wombat.pdf")
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


# --------------------------------------------------------------------------- the checks


def test_good_md_txt_html_and_pdf_are_saved(uploads, corpus):
    results = up.save_all(corpus, sorted(uploads.iterdir()))
    assert [(r.name, r.status) for r in results] == [
        ("notes.md", "saved"), ("page.html", "saved"), ("plain.txt", "saved"), ("wombat.pdf", "saved")
    ]
    assert sorted(p.name for p in corpus.iterdir()) == ["notes.md", "page.html", "plain.txt", "wombat.pdf"]
    for src in uploads.iterdir():
        assert (corpus / src.name).read_bytes() == src.read_bytes()
    assert (corpus / "wombat.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.md", bytes(range(256)) * 8, "NUL bytes"),
        ("latin1.txt", "Café crème".encode("latin-1"), "not UTF-8"),
        ("fake.pdf", b"just text pretending", "not a PDF"),
        ("fake.html", b"plain words, no markup at all", "does not look like HTML"),
        ("empty.md", b"", "empty (0 bytes)"),
        ("blank.txt", b"   \n\n  ", "only white space"),
        (".hidden.md", b"# Hidden\n\nText.\n", "hidden files"),
        ("program.exe", b"MZ\x90\x00", "file type not accepted"),
        ("noext", b"text", "file type not accepted"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(tmp_path, corpus, name, data, reason):
    src = tmp_path / name
    src.write_bytes(data)
    result = up.save_upload(corpus, src)
    assert result.status == up.REFUSED and reason in result.message and result.message.startswith("refused")
    assert list(corpus.iterdir()) == []


@pytest.mark.parametrize("given", ["../../x.md", "..\\..\\x.md", "/etc/passwd.txt", "sub/x.md", "..", "."])
def test_path_traversal_names_are_refused_and_nothing_is_written_outside(tmp_path, corpus, given):
    src = tmp_path / "x.md"
    src.write_text("# X\n\nText.\n", encoding="utf-8")
    result = up.save_upload(corpus, src, given=given)
    assert result.status == up.REFUSED
    assert list(corpus.iterdir()) == [] and not (tmp_path.parent / "x.md").exists()


def test_fifty_megabytes_is_refused_before_it_is_read(tmp_path, corpus):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    result = up.save_upload(corpus, big)
    assert result.status == up.REFUSED and "too large (50.0 MB; the limit is 10 MB)" in result.message
    assert list(corpus.iterdir()) == []


def test_unsafe_characters_become_underscores():
    assert up.safe_name("Q3 report: chips?.md") == "Q3 report_ chips_.md"
    assert up.safe_name("été <b>.html") == "été _b_.html"
    assert up.safe_name("x" * 300 + ".pdf") == "x" * 116 + ".pdf"


def test_duplicate_name_asks_before_replacing(tmp_path, corpus):
    (corpus / "notes.md").write_text("old\n", encoding="utf-8")
    src = tmp_path / "notes.md"
    src.write_text("# Notes\n\nnew text\n", encoding="utf-8")
    asked = up.save_upload(corpus, src)
    assert asked.status == up.EXISTS and "exists — tick Replace to overwrite" in asked.message
    assert (corpus / "notes.md").read_text(encoding="utf-8") == "old\n"
    done = up.save_upload(corpus, src, replace=True)
    assert done.status == up.SAVED and done.replaced and done.message.startswith("replaced notes.md")
    assert (corpus / "notes.md").read_text(encoding="utf-8") == "# Notes\n\nnew text\n"
    assert up.save_upload(corpus, src).status == up.SAME
    assert [p.name for p in corpus.iterdir()] == ["notes.md"]  # no temp file left behind


def test_a_link_in_the_corpus_is_never_written_through(tmp_path, corpus):
    outside = tmp_path / "outside.md"
    outside.write_text("keep me\n", encoding="utf-8")
    (corpus / "notes.md").symlink_to(outside)
    src = tmp_path / "upload" / "notes.md"
    src.parent.mkdir()
    src.write_text("# Notes\n\nnew\n", encoding="utf-8")
    result = up.save_upload(corpus, src, replace=True)
    assert result.status == up.REFUSED and "other than a plain file" in result.message
    assert outside.read_text(encoding="utf-8") == "keep me\n"


# --------------------------------------------------------------------------- the watcher


def test_watcher_waits_for_a_copy_to_settle_then_reports_once(corpus):
    seen: list[list[str]] = []
    w = CorpusWatcher(corpus, seen.append, interval=60, settle=0.3)  # polled by hand here
    (corpus / "a.md").write_text("part", encoding="utf-8")
    snap = w.poll(None)
    assert seen == []  # the first sight of a change is never acted on
    with (corpus / "a.md").open("a", encoding="utf-8") as handle:
        handle.write(" two")
    snap = w.poll(snap)
    assert seen == []  # still growing
    snap = w.poll(snap)
    assert seen == []  # unchanged, but written less than `settle` ago
    time.sleep(0.35)
    snap = w.poll(snap)
    assert seen == [["+a.md"]]
    w.poll(w.poll(snap))
    assert len(seen) == 1  # nothing new
    (corpus / ".upload-x.part").write_text("hidden temp", encoding="utf-8")
    assert ".upload-x.part" not in scan(corpus)


def test_changes_lists_added_changed_and_removed():
    assert changes({"a": (1, 1), "b": (1, 1)}, {"b": (2, 2), "c": (1, 1)}) == ["-a", "~b", "+c"]


def test_background_ingest_merges_requests_and_reports_errors():
    calls, gate = [], threading.Event()

    class Report:
        def __init__(self) -> None:
            self.n = len(calls)

        def summary(self) -> str:
            return f"run {self.n}"

    def ingest():
        gate.wait(5)
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return Report()

    lines: list[str] = []
    runner = BackgroundIngest(ingest, echo=lines.append, needed=lambda: False)
    try:
        first = runner.request("upload: a.md")
        time.sleep(0.2)  # the first run has started and waits at the gate
        second, third = runner.request("upload: b.md"), runner.request("corpus changed: +c.md", force=False)
        gate.set()
        assert runner.wait(first, 10)[0].summary() == "run 1"
        report, error = runner.wait(third, 10)
        assert second == third - 1 and report.summary() == "run 2" and error is None  # merged into one run
        assert runner.wait(runner.request("corpus changed", force=False), 10) == (None, None)  # nothing to do
        report, error = runner.wait(runner.request("upload: d.md"), 10)
        assert report is None and str(error) == "disk full"
        assert runner.status().last == "error: disk full"
        assert lines == ["ingest (upload: a.md): run 1", "ingest (upload: b.md, corpus changed: +c.md): run 2",
                         "ingest (upload: d.md) failed: disk full"]
    finally:
        runner.stop()


@pytest.mark.slow
def test_uploads_are_indexed_in_the_background_and_nothing_is_lost(tmp_path):
    from assistant import Assistant

    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    bot = Assistant(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    bot.ingest(progress=False)
    bot.warm_up()
    runner = BackgroundIngest(lambda: bot.ingest(progress=False), echo=lambda line: None)
    try:
        pdf = pdf_doc(tmp_path / "wombat.pdf")
        husk = tmp_path / "husk.html"
        husk.write_text("<html><body><div></div></body></html>", encoding="utf-8")  # HTML, but no text
        binary = tmp_path / "binary.md"
        binary.write_bytes(b"\x00\x01\x02" * 100)
        results = up.save_all(bot.settings.corpus_dir, [pdf, husk, binary])
        assert [r.status for r in results] == [up.SAVED, up.SAVED, up.REFUSED]
        report, error = runner.wait(runner.request("upload: wombat.pdf, husk.html"), timeout=300)
        assert error is None
        text = up.report_lines(report, ["wombat.pdf", "husk.html"])
        assert "- wombat.pdf: added, answerable now" in text
        assert "- husk.html: skipped — " in text
        answer = bot.ask(WOMBAT_Q)
        assert "photomasks" in answer.text and answer.citations[0].source == "wombat.pdf"
        assert "8.6 billion" in bot.ask(TSMC).text  # what was indexed before is still there
    finally:
        runner.stop()


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("upload")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    srv = UIServer(base / "corpus", base / "index")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def _answer_cites(client, question: str, source: str) -> dict | None:
    data = client.predict(question, api_name="/ask")
    return data if any(c["source"] == source for c in data["citations"]) else None


def _wait_answered(client, question: str, source: str, timeout: float = 30.0) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if _answer_cites(client, question, source):
            return time.monotonic() - began
        time.sleep(0.25)
    raise AssertionError(f"{question!r} not answered from {source} within {timeout}s")


@pytest.mark.slow
def test_file_copied_into_corpus_is_answered_within_ten_seconds(server, tmp_path, record_property):
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    assert _answer_cites(client, PLATYPUS_Q, "platypus.md") is None
    src = tmp_path / "platypus.md"
    src.write_text(PLATYPUS_DOC, encoding="utf-8")
    shutil.copy(src, server.corpus / "platypus.md")
    seconds = _wait_answered(client, PLATYPUS_Q, "platypus.md")
    record_property("watcher_seconds", round(seconds, 2))
    print(f"\n[watch] copied file answered by the running server after {seconds:.1f} s")
    assert seconds < 10
    assert any(line.startswith("ingest (corpus changed: +platypus.md)") for line in server.lines), server.lines[-5:]


@pytest.mark.slow
def test_ingest_in_another_process_is_answered_within_ten_seconds(server, record_property):
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    assert _answer_cites(client, NUMBAT_Q, "numbat.txt") is None
    began = time.monotonic()
    (server.corpus / "numbat.txt").write_text(NUMBAT_DOC, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([str(EXE), "ingest", "--corpus", str(server.corpus), "--index", str(server.index)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after_ingest = time.monotonic() - began
    waited = _wait_answered(client, NUMBAT_Q, "numbat.txt")
    record_property("answered_after_other_process_ingest_seconds", round(waited, 2))
    # The watcher may have ingested the file first; either way the server answers from it at once.
    print(f"\n[watch] file written and ingested by another process ({after_ingest:.1f} s, mostly loading "
          f"the model): answered by the running server {waited:.2f} s after that process exited")
    assert waited < 10
    assert "8.6 billion" in client.predict(TSMC, api_name="/ask")["text"]


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_upload_in_the_page_shows_progress_and_is_answered_with_its_citation(server, tmp_path, record_property):
    from test_browser import ask

    pdf = pdf_doc(tmp_path / "wombat-report.pdf")
    (tmp_path / "v2").mkdir()
    newer = make_pdf(tmp_path / "v2" / "wombat-report.pdf", "Wombat Lithography Centre (revised)", [
        "The Wombat Lithography Centre in Hakodate makes photomasks for two nanometre chips.",
        "It opened in 2026 with a staff of 360 engineers.",
    ])
    fake = tmp_path / "binary.md"
    fake.write_bytes(bytes(range(256)) * 4)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.set_default_timeout(30_000)
        page.goto(server.url, wait_until="domcontentloaded")
        page.locator("#question textarea").wait_for()
        page.get_by_text("Add documents").first.click()
        status = page.locator("#upload-status textarea")
        status.wait_for()

        began = time.monotonic()
        page.locator("#upload-files input[type=file]").set_input_files(str(pdf))
        seen: list[str] = []
        while time.monotonic() - began < 120:
            text = status.input_value()
            if text and (not seen or seen[-1] != text):
                seen.append(text)
            if "answerable now" in text or "failed" in text:
                break
            time.sleep(0.05)
        upload_seconds = time.monotonic() - began
        assert "saved wombat-report.pdf" in seen[-1] and "- wombat-report.pdf: added, answerable now" in seen[-1], seen
        assert any("indexing wombat-report.pdf" in t for t in seen), seen  # the progress was visible
        assert "1 added" in seen[-1]

        t0 = time.monotonic()
        final = ask(page, WOMBAT_Q, done="[1]")[-1]
        answer_seconds = time.monotonic() - t0
        assert "photomasks" in final
        page.locator("#sources .source-card").first.wait_for()
        assert "wombat-report.pdf" in page.locator("#sources").inner_text()

        # Another file of the same name asks before replacing; ticking Replace does it.
        page.locator("#upload-files input[type=file]").set_input_files(str(newer))
        page.wait_for_function(
            "document.querySelector('#upload-status textarea').value.includes('exists — tick Replace')"
        )
        assert (server.corpus / "wombat-report.pdf").read_bytes() == pdf.read_bytes()
        page.locator("#upload-replace input[type=checkbox]").check()
        page.locator("#upload-add").click()
        page.wait_for_function(
            "document.querySelector('#upload-status textarea').value.includes('wombat-report.pdf: updated')",
            timeout=120_000,
        )
        assert (server.corpus / "wombat-report.pdf").read_bytes() == newer.read_bytes()
        page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)
        # A binary renamed .md is refused (by the server's upload check) and nothing is written.
        before = sorted(p.name for p in server.corpus.iterdir())
        page.locator("#upload-files input[type=file]").set_input_files(str(fake))
        toast = page.get_by_text("Upload refused").first
        toast.wait_for()
        assert "binary.md" in toast.inner_text() and "is not a text file" in toast.inner_text()
        assert sorted(p.name for p in server.corpus.iterdir()) == before
        assert "Traceback" not in page.locator("body").inner_text()
    record_property("upload_to_answerable_seconds", round(upload_seconds, 2))
    print(f"\n[upload] PDF uploaded in the page and indexed in {upload_seconds:.1f} s; "
          f"then answered with its citation in {answer_seconds:.1f} s")
    assert "8.6 billion" in __import__("gradio_client").Client(server.url, verbose=False).predict(TSMC, api_name="/ask")["text"]
