"""A large file ingested in batches: killed with SIGKILL half-way, the next ingest goes on from the
last committed batch, embeds only the rest, and the index ends up whole (issue 13, point 4)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA

from assistant import Assistant
from assistant.index.chunking import chunk_document
from assistant.index.ingest import ingest
from assistant.index.live import live_records
from assistant.index.loading import load_file
from assistant.index.manifest import BUILDING, Manifest
from assistant.settings import Settings
from assistant.text.sentences import split_sentences

EXE = Path(sys.executable).with_name("assistant")
NAME = "digest.txt"
# The largest chunks keep the test short: megabytes of text, about 200 chunks to embed (the model reads
# the first 256 tokens of each, so a chunk costs the same whatever its length).
CHUNK_SIZE = 8000
LAST = "The Chitose pilot line of the Hokkaido consortium will employ 1,234 technicians by 2029."
QUESTION = "How many technicians will the Chitose pilot line of the Hokkaido consortium employ?"


def _sentences() -> list[str]:
    """Real sentences of the test corpora (Markdown and plain text files)."""
    out = []
    for path in sorted(DATA.glob("corpora/*/docs/*")):
        if path.suffix not in {".md", ".txt"}:
            continue
        text = load_file(path, path.parent).page_content
        for line in text.split("\n"):
            for span in split_sentences(line):
                sentence = line[span.start : span.end].strip()
                if len(sentence.split()) >= 8 and sentence[-1] in ".!?" and not sentence.startswith(("#", "|", "-")):
                    out.append(sentence)
    return sorted(set(out))


def _write_corpus(folder: Path, megabytes: float) -> Path:
    rng = random.Random(13)
    pool = _sentences()
    paragraphs, size = [], 0
    while size < megabytes * 1_000_000:
        paragraph = " ".join(rng.sample(pool, 5))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    paragraphs.append(LAST)
    folder.mkdir(parents=True)
    path = folder / NAME
    path.write_text("Chip industry digest\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def _settings(corpus: Path, index: Path) -> Settings:
    return Settings.load(corpus_dir=corpus, index_dir=index, chunk_size=CHUNK_SIZE)


def _stored(index: Path) -> int:
    """Chunks of the file the build manifest lists as stored (0 while there is none yet)."""
    try:
        entry = json.loads((index / BUILDING).read_text(encoding="utf-8"))["files"].get(NAME, {})
    except (OSError, ValueError):
        return 0
    return int(entry.get("partial", len(entry.get("ids", ()))))


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A corpus of one 1.5 MB file whose ingest was killed with SIGKILL once about half its chunks
    were committed: (corpus, index, the file's chunk count, chunks committed, progress output)."""
    root = tmp_path_factory.mktemp("large")
    path = _write_corpus(root / "corpus", 1.5)
    total = len(chunk_document(load_file(path, path.parent), CHUNK_SIZE, 1))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_CHUNK_SIZE": str(CHUNK_SIZE)}
    err = root / "stderr.txt"
    with open(err, "w") as handle:
        proc = subprocess.Popen(
            [str(EXE), "ingest", "--corpus", str(root / "corpus"), "--index", str(root / "index")],
            env=env, stdout=subprocess.DEVNULL, stderr=handle,
        )
        deadline = time.monotonic() + 300
        while _stored(root / "index") < total // 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, err.read_text()
    return root / "corpus", root / "index", total, _stored(root / "index"), err.read_text()


def test_the_killed_ingest_committed_part_of_the_file(killed):
    corpus, index, total, stored, progress = killed
    assert total > 150 and (corpus / NAME).stat().st_size > 1_500_000
    assert total // 2 <= stored < total
    assert Manifest.load(index) is None  # nothing was live yet: the build had not switched
    building = Manifest.load(index, BUILDING)
    assert building.partial()[NAME]["partial"] == stored and "ids" not in building.files[NAME]
    # The progress line counts chunks with their rate and the time left ("12/380 [00:05<02:30, 2.3chunk/s]").
    assert "chunk/s" in progress and f"/{total} [" in progress and "<" in progress


def test_the_next_ingest_resumes_where_it_stopped(killed):
    corpus, index, total, stored, _ = killed
    lines: list[str] = []
    report = ingest(_settings(corpus, index), progress=False, log=lines.append)
    assert any("resuming" in line for line in lines)
    assert report.embedded == total - stored  # nothing committed before the kill is embedded again
    assert report.added == [NAME] and report.chunks == total
    assert not (index / BUILDING).exists()

    records = live_records(_settings(corpus, index))
    assert len(records) == total
    starts = [meta["start"] for _, meta in records.values()]
    assert len(set(starts)) == total  # no chunk stored twice under another id
    expected = chunk_document(load_file(corpus / NAME, corpus), CHUNK_SIZE, 1)
    assert sorted((text, meta["start"]) for text, meta in records.values()) == sorted(
        (c.page_content, c.metadata["start"]) for c in expected
    )
    entry = Manifest.load(index).files[NAME]
    assert entry["chunks"] == total and len(entry["ids"]) == len(set(entry["ids"])) == total

    bot = Assistant(settings=_settings(corpus, index))
    answer = bot.ask(QUESTION)
    assert "1,234" in answer.text
    assert answer.citations[0].source == NAME
