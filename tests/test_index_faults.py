"""Fault injection for the index (issue 9): each case reproduced, then shown handled.

Case 1 (one Chroma server, two corpora) and the dead-server faults of case 9 live in
tests/test_chroma_server.py; thread safety (case 8) in tests/test_concurrency.py. Here:
confinement (2), crash consistency and store repair (3), bad file names (4), skipped files retried
(5), one ingest at a time (6), readers following ingests (7), and write failures (9).
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from assistant import Assistant
from assistant.errors import IndexBusyError, IndexStoreError
from assistant.index import build as build_module
from assistant.index import ingest as ingest_module
from assistant.index import store
from assistant.index.corpus import list_corpus
from assistant.index.ingest import ingest
from assistant.index.live import live_records
from assistant.index.loading import SkipFile
from assistant.index.manifest import BUILDING, Manifest
from assistant.settings import Settings

EXE = Path(sys.executable).with_name("assistant")
EXTRA = {
    "notes.txt": "Field notes\n\nThe Kumamoto plant hired 1,700 engineers in its first year.\n",
    "lab.md": "# Lab\n\nThe Yokohama lab opened in 2026 with 40 researchers.\n",
}
KUMAMOTO = "How many engineers did the Kumamoto plant hire?"


class Crash(BaseException):
    """Stands for kill -9: nothing in the package catches a BaseException that is not an Exception."""


def settings(corpus: Path, index: Path) -> Settings:
    return Settings.load(corpus_dir=corpus, index_dir=index)


def quiet(lines: list[str] | None = None):
    return (lambda msg: lines.append(msg)) if lines is not None else (lambda msg: None)


def run_ingest(corpus: Path, index: Path, lines: list[str] | None = None, **kw):
    return ingest(settings(corpus, index), progress=False, log=quiet(lines), **kw)


def clean_records(corpus: Path, tmp: Path) -> dict:
    """What a clean build of ``corpus`` holds."""
    run_ingest(corpus, tmp / "clean-index")
    return live_records(settings(corpus, tmp / "clean-index"))


def records(corpus: Path, index: Path) -> dict:
    return live_records(settings(corpus, index))


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("template")
    shutil.copytree(CORPUS, root / "corpus")
    for name, text in EXTRA.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    run_ingest(root / "corpus", root / "index")
    store.forget_local_client(settings(root / "corpus", root / "index"))  # flush it before it is copied
    return root


@pytest.fixture
def work(template, tmp_path) -> tuple[Path, Path]:
    """A corpus and its built index, private to the test."""
    shutil.copytree(template / "corpus", tmp_path / "corpus")
    shutil.copytree(template / "index", tmp_path / "index")
    return tmp_path / "corpus", tmp_path / "index"


# --- 2. confinement, 4. bad names -------------------------------------------------------------------


def _hostile_corpus(corpus: Path) -> None:
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "status.txt").symlink_to("/proc/self/status")
    (corpus / "null.md").symlink_to("/dev/null")
    (corpus / "etc").symlink_to("/etc", target_is_directory=True)
    (corpus / "inside.md").symlink_to(corpus / "lab.md")
    (corpus / ".secret.md").write_text("# Secret\n\nThe hidden plan costs 9 trillion yen.\n", encoding="utf-8")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "config.txt").write_text("[core]\nbare = false\n", encoding="utf-8")
    os.mkfifo(corpus / "pipe.md")
    with open(os.fsencode(corpus) + b"/bad\xffname.md", "wb") as handle:
        handle.write(b"# Bad\n\nThe Sendai fab opened in 2031 with 90 staff.\n")


def test_listing_refuses_everything_outside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "lab.md").write_text(EXTRA["lab.md"], encoding="utf-8")
    _hostile_corpus(corpus)
    listing = list_corpus(corpus)
    assert set(listing.files) == {"inside.md", "japan-ai-chip-investment.md", "lab.md"}
    skipped = listing.skipped
    assert "outside the corpus" in skipped["passwd.txt"] and "outside the corpus" in skipped["status.txt"]
    assert "outside the corpus" in skipped["null.md"] and "outside the corpus" in skipped["etc"]
    assert skipped[".secret.md"] == "hidden file" and skipped[".git/"] == "hidden folder"
    assert "FIFO" in skipped["pipe.md"]
    assert "not valid UTF-8" in skipped["bad\\xffname.md"]


def test_ingest_reads_nothing_outside_and_a_bad_name_aborts_nothing(work):
    corpus, index = work
    (corpus / "notes.txt").write_text(EXTRA["notes.txt"].replace("1,700", "2,400"), encoding="utf-8")
    _hostile_corpus(corpus)
    report = run_ingest(corpus, index)
    assert report.updated == ["notes.txt"] and report.added == ["inside.md"]
    assert {"passwd.txt", "status.txt", "null.md", "pipe.md", ".secret.md", "bad\\xffname.md"} <= set(report.skipped)
    texts = " ".join(text for text, _ in records(corpus, index).values())
    assert "root:" not in texts and "VmRSS" not in texts and "9 trillion" not in texts and "Sendai" not in texts
    bot = Assistant(corpus_dir=corpus, index_dir=index)
    assert "2,400" in bot.ask(KUMAMOTO).text
    assert all(d.metadata["source"] != "passwd.txt" for d in bot.retrieve("root:x:0:0 /bin/bash daemon nologin"))


# --- 3. crash consistency -------------------------------------------------------------------------


def _change(corpus: Path) -> None:
    (corpus / "notes.txt").write_text(EXTRA["notes.txt"].replace("1,700", "2,400"), encoding="utf-8")
    (corpus / "lab.md").write_text(EXTRA["lab.md"].replace("40", "45"), encoding="utf-8")
    (corpus / "new.md").write_text("# New\n\nThe Chitose plant will open in 2027 with 500 workers.\n", encoding="utf-8")


def _crash_on_store_call(monkeypatch, n: int) -> None:
    real, calls = build_module.Build._store, []

    def store(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise Crash()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(build_module.Build, "_store", store)
    monkeypatch.setattr(build_module, "BATCH", 1)  # one file per batch, so there is a "between"


@pytest.mark.parametrize("rebuild", [False, True], ids=["ingest", "rebuild"])
def test_crash_mid_build_keeps_the_old_index_and_the_next_ingest_completes(work, tmp_path, monkeypatch, rebuild):
    corpus, index = work
    before = Manifest.load(index)
    _change(corpus)
    expected = clean_records(corpus, tmp_path)
    _crash_on_store_call(monkeypatch, 2 if not rebuild else 3)
    with pytest.raises(Crash):
        run_ingest(corpus, index, rebuild=rebuild)
    monkeypatch.undo()
    assert Manifest.load(index).collection == before.collection  # the old index is still the live one
    assert (index / BUILDING).exists()
    assert "1,700" in Assistant(corpus_dir=corpus, index_dir=index).ask(KUMAMOTO).text

    lines: list[str] = []
    report = run_ingest(corpus, index, lines)
    assert any("resuming" in line for line in lines)
    assert 0 < report.embedded < report.chunks  # what the crashed run stored is not embedded again
    assert report.rebuilt == rebuild
    assert records(corpus, index) == expected
    assert not (index / BUILDING).exists()
    assert "2,400" in Assistant(corpus_dir=corpus, index_dir=index).ask(KUMAMOTO).text


def test_crash_between_switch_and_tidying_up(work, tmp_path, monkeypatch):
    corpus, index = work
    _change(corpus)

    def crash(*args):
        raise Crash()

    monkeypatch.setattr(build_module, "discard", crash)
    with pytest.raises(Crash):
        run_ingest(corpus, index)
    monkeypatch.undo()
    report = run_ingest(corpus, index)
    assert report.embedded == 0 and not (index / BUILDING).exists()
    assert records(corpus, index) == clean_records(corpus, tmp_path)
    live = Manifest.load(index)
    client = store.chroma_client(settings(corpus, index))
    assert set(store.collection_names(client, settings(corpus, index))) == {live.collection, live.previous}


def test_missing_chunks_and_stray_records_are_repaired(work, tmp_path):
    corpus, index = work
    live = Manifest.load(index)
    collection = store.chroma_client(settings(corpus, index)).get_collection(live.collection)
    collection.delete(ids=live.files["notes.txt"]["ids"])
    collection.add(ids=["stray#0"], documents=["A stray chunk."], metadatas=[{"source": "stray.md", "start": 0}], embeddings=[[0.1] * 384])
    lines: list[str] = []
    report = run_ingest(corpus, index, lines)
    assert any("does not match its manifest (1 files missing chunks, 1 stray chunks)" in line for line in lines)
    assert report.embedded == len(live.files["notes.txt"]["ids"])
    assert records(corpus, index) == clean_records(corpus, tmp_path)


@pytest.mark.parametrize("what", ["folder", "sqlite"])
def test_a_deleted_store_is_rebuilt_not_reported_unchanged(work, tmp_path, what):
    corpus, index = work
    if what == "folder":
        shutil.rmtree(index / "chroma")
    else:
        (index / "chroma" / "chroma.sqlite3").unlink()
    lines: list[str] = []
    report = run_ingest(corpus, index, lines)
    assert report.rebuilt and report.embedded == report.chunks > 0
    assert len(lines) == 1 and ("missing" in lines[0] or "older version" in lines[0])
    assert records(corpus, index) == clean_records(corpus, tmp_path)


def test_a_damaged_manifest_means_a_rebuild(work, tmp_path):
    corpus, index = work
    (index / "manifest.json").write_text('{"signature": {"embedding', encoding="utf-8")
    lines: list[str] = []
    report = run_ingest(corpus, index, lines)
    assert report.rebuilt and lines == [f"the manifest {index / 'manifest.json'} cannot be read; rebuilding the index"]
    assert records(corpus, index) == clean_records(corpus, tmp_path)
    client = store.chroma_client(settings(corpus, index))
    assert store.collection_names(client, settings(corpus, index)) == [Manifest.load(index).collection]


@pytest.mark.parametrize("damage", ["overwritten", "partly overwritten"])
def test_a_corrupted_store_is_moved_aside_with_one_line(work, tmp_path, damage):
    corpus, index = work
    db = index / "chroma" / "chroma.sqlite3"
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        if damage == "overwritten":
            handle.write(random.Random(1).randbytes(size))
        else:
            handle.seek(size // 3)
            handle.write(random.Random(2).randbytes(size // 3))
    result = cli("ingest", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    moved = [line for line in result.stderr.splitlines() if "moved it to chroma.broken-" in line]
    assert len(moved) == 1 and "rebuilding" in moved[0]
    assert "rebuilt" in result.stdout
    assert records(corpus, index) == clean_records(corpus, tmp_path)
    assert list(index.glob("chroma.broken-*"))


def test_a_write_failure_is_one_error_and_leaves_the_old_index(work, monkeypatch):
    from chromadb.errors import InternalError

    corpus, index = work
    _change(corpus)

    def full(*args, **kwargs):
        raise InternalError("database or disk is full")

    monkeypatch.setattr(store, "add_records", full)
    with pytest.raises(IndexStoreError, match="failed while writing the index .*disk is full") as err:
        run_ingest(corpus, index)
    assert "\n" not in str(err.value)
    monkeypatch.undo()
    assert "1,700" in Assistant(corpus_dir=corpus, index_dir=index).ask(KUMAMOTO).text


# --- 5. skipped files are retried -----------------------------------------------------------------


def test_a_file_once_unreadable_is_indexed_when_restored(work, monkeypatch):
    corpus, index = work
    (corpus / "later.md").write_text("# Later\n\nThe Nagoya line starts in 2029 with 120 staff.\n", encoding="utf-8")
    real = ingest_module.load_file

    def unreadable(path, corpus_dir):
        if path.name == "later.md":
            raise SkipFile("unreadable: Permission denied")
        return real(path, corpus_dir)

    monkeypatch.setattr(ingest_module, "load_file", unreadable)
    assert run_ingest(corpus, index).skipped == {"later.md": "unreadable: Permission denied"}
    monkeypatch.undo()
    report = run_ingest(corpus, index)  # the same content, readable again
    assert report.added == ["later.md"] and not report.skipped


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_retried(work):
    corpus, index = work
    later = corpus / "later.md"
    later.write_text("# Later\n\nThe Nagoya line starts in 2029 with 120 staff.\n", encoding="utf-8")
    later.chmod(0)
    assert "unreadable" in run_ingest(corpus, index).skipped["later.md"]
    later.chmod(0o644)
    assert run_ingest(corpus, index).added == ["later.md"]


# --- 6. one ingest at a time ----------------------------------------------------------------------


def test_a_second_ingest_waits_for_the_first_or_says_why_not(work):
    from filelock import FileLock

    corpus, index = work
    held = FileLock(str(index / ".ingest.lock"), thread_local=False)  # released from a timer thread
    held.acquire()
    lines: list[str] = []
    try:
        with pytest.raises(IndexBusyError, match="another ingest of .* is still running after 0 s"):
            run_ingest(corpus, index, lines, wait=0.3)
        assert any("waiting for it" in line for line in lines)
        threading.Timer(0.5, held.release).start()
        assert run_ingest(corpus, index, wait=30).unchanged
    finally:
        if held.is_locked:
            held.release()


@pytest.mark.slow
def test_two_ingest_processes_at_once(work, tmp_path):
    corpus, index = work
    _change(corpus)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    cmd = [str(EXE), "ingest", "--rebuild", "--corpus", str(corpus), "--index", str(index)]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sum("waiting for it" in err for _, err in outs) == 1
    assert records(corpus, index) == clean_records(corpus, tmp_path)


# --- 7. readers follow ingests --------------------------------------------------------------------


def test_an_open_assistant_serves_each_new_index_without_restart(work):
    corpus, index = work
    reader = Assistant(corpus_dir=corpus, index_dir=index)
    assert "1,700" in reader.ask(KUMAMOTO).text
    writer = Assistant(corpus_dir=corpus, index_dir=index)
    for n in ("2,400", "3,100", "3,900"):  # three ingests: the reader's first collection is deleted
        (corpus / "notes.txt").write_text(EXTRA["notes.txt"].replace("1,700", n), encoding="utf-8")
        writer.ingest(progress=False)
        assert n in reader.ask(KUMAMOTO).text
    writer.ingest(rebuild=True, progress=False)
    assert "3,900" in reader.ask(KUMAMOTO).text


def test_an_ingest_in_another_process_reaches_a_running_assistant(work):
    corpus, index = work
    reader = Assistant(corpus_dir=corpus, index_dir=index)
    assert "1,700" in reader.ask(KUMAMOTO).text
    (corpus / "notes.txt").write_text(EXTRA["notes.txt"].replace("1,700", "2,400"), encoding="utf-8")
    result = cli("ingest", "--rebuild", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert "2,400" in reader.ask(KUMAMOTO).text


def test_a_collection_deleted_under_an_open_assistant_costs_no_question(work):
    corpus, index = work
    reader = Assistant(corpus_dir=corpus, index_dir=index)
    reader.warm_up()
    client = store.chroma_client(settings(corpus, index))
    client.delete_collection(Manifest.load(index).collection)  # the manifest still names it
    assert "1,700" in reader.ask(KUMAMOTO).text


# --- kill -9 at random points (the full measurement: scripts/crash_ingest.py) ----------------------


@pytest.mark.slow
def test_kill_9_mid_build_then_ingest_equals_a_clean_build(tmp_path):
    spec = importlib.util.spec_from_file_location("crash_ingest", ROOT / "scripts" / "crash_ingest.py")
    crash = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(crash)
    corpus = tmp_path / "corpus"
    crash.make_corpus(corpus, 20, 1)
    assert crash.run_ingest(corpus, tmp_path / "v1").returncode == 0
    crash.make_corpus(corpus, 20, 2)
    expected = clean_records(corpus, tmp_path)
    for extra in ((), ("--rebuild",)):
        index = tmp_path / f"index{len(extra)}"
        shutil.copytree(tmp_path / "v1", index)
        # Killed right after the first commit of its build (copied files, or one embedded batch).
        assert crash.kill_mid_build(corpus, index, *extra, files=1)
        assert (index / BUILDING).exists()
        assert crash.run_ingest(corpus, index).returncode == 0
        assert records(corpus, index) == expected
    # Answering every document's question after each kill (a minute of cold warm-up for a new
    # vocabulary) is left to scripts/crash_ingest.py; the records equal a clean build's here.
