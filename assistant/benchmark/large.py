"""Issue 13's large-file point: a file of many megabytes, its ``assistant ingest`` killed with SIGKILL
once half its chunks are committed, resumes and finishes without embedding again what was stored.

Both ingests are real ``assistant ingest`` processes at the settings' own chunk size. The file is made
of distinct paragraphs of real sentences, so every chunk is new text that the model really embeds.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.benchmark import measure, synthetic
from assistant.benchmark.measure import child_env_for, settings_for

NAME = "large.txt"
POLL_S = 0.1
_SUMMARY = re.compile(r"(\d+) chunks in the index \((\d+) embedded\)")


@dataclass
class Watched:
    """One ingest process as it ended: killed by us or exited by itself."""

    returncode: int
    seconds: float
    cpu_s: float
    peak_rss_mb: float


def write_file(path: Path, megabytes: float, sentences: list[str], seed: int = 13) -> int:
    """Write ``megabytes`` MB of paragraphs of 5 random sentences each; returns the bytes written."""
    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < megabytes * 1_000_000:
        paragraphs.append(" ".join(rng.sample(sentences, 5)))
        size += len(paragraphs[-1].encode("utf-8")) + 2
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path.stat().st_size


def count_chunks(path: Path, chunk_size: int, overlap: int) -> int:
    from assistant.index.chunking import iter_chunks
    from assistant.index.loading import load_file

    # Counted one at a time: a list of every chunk of a big file would inflate the bench's own memory.
    return sum(1 for _ in iter_chunks(load_file(path, path.parent), chunk_size, overlap))


def committed(index: Path) -> int:
    """Chunks of the file the build manifest lists as stored (0 while there is none yet)."""
    from assistant.index.manifest import BUILDING

    try:
        entry = json.loads((index / BUILDING).read_text(encoding="utf-8"))["files"].get(NAME, {})
    except (OSError, ValueError, KeyError):
        return 0
    return int(entry.get("partial", len(entry.get("ids", ()))))


def _hwm_mb(pid: int) -> float:
    # VmHWM, not ru_maxrss: ru_maxrss of a child carries over the parent's peak from before its exec.
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def watch(proc: subprocess.Popen, stop: Callable[[], bool], timeout: float) -> Watched:
    """Wait for ``proc`` to exit, or SIGKILL it once ``stop()`` holds or ``timeout`` seconds pass.

    Reaped with ``os.wait4``, which gives this one child's CPU time (``Popen.wait`` gives none).
    """
    start = time.perf_counter()
    deadline = time.monotonic() + timeout
    peak = 0.0
    while True:
        peak = max(peak, _hwm_mb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if stop() or time.monotonic() > deadline:
            proc.send_signal(signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(POLL_S)
    proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen never waits for it again
    return Watched(proc.returncode, time.perf_counter() - start, usage.ru_utime + usage.ru_stime, round(peak, 1))


def _ingest(args: list[str], env: dict[str, str], logs: Path, stop: Callable[[], bool], timeout: float) -> Watched:
    with open(logs.with_suffix(".out"), "w") as out, open(logs.with_suffix(".err"), "w") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err)  # progress bars go to the file
        return watch(proc, stop, timeout)


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").strip()[-800:]


def large_file(megabytes: float, backend: str, work: Path, log, dirs: list[Path] | None = None) -> dict[str, object]:
    """Ingest one ``megabytes`` MB file, SIGKILL the ingest at half, resume it; the figures of both runs."""
    from assistant.index.live import live_records

    corpus, index = work / "large-corpus", work / "large-index"
    path = corpus / NAME
    nbytes = write_file(path, megabytes, synthetic.sentences(dirs or synthetic.default_doc_dirs()))
    settings = settings_for(corpus, index, backend)
    total = count_chunks(path, settings.chunk_size, settings.chunk_overlap)
    log(f"large file ({backend}): {nbytes / 1e6:.1f} MB, {total} chunks of up to {settings.chunk_size} characters")
    args = [*measure.assistant_command(), "ingest", "--corpus", str(corpus), "--index", str(index)]
    env = child_env_for(settings)
    timeout = 60 + 60 * max(megabytes, 0.1)

    killed = _ingest(args, env, work / "killed", lambda: committed(index) * 2 >= total, timeout)
    stored = committed(index)  # read again: a batch may have been committed since the last poll
    if killed.returncode != -signal.SIGKILL or not total <= 2 * stored < 2 * total:
        raise RuntimeError(f"the large-file ingest was not killed half-way (exit {killed.returncode}, "
                           f"{stored}/{total} chunks stored): {_tail(work / 'killed.err')}")
    log(f"  killed after {killed.seconds:.1f} s with {stored}/{total} chunks committed")

    resumed = _ingest(args, env, work / "resumed", lambda: False, timeout)
    summary = _SUMMARY.search((work / "resumed.out").read_text(encoding="utf-8"))
    if resumed.returncode or not summary:
        raise RuntimeError(f"the resumed large-file ingest failed (exit {resumed.returncode}): "
                           f"{_tail(work / 'resumed.err')}")
    embedded = int(summary.group(2))
    records = live_records(settings)
    starts = {meta["start"] for _, meta in records.values()}
    log(f"  resumed in {resumed.seconds:.1f} s: {embedded} embedded, {len(records)} chunks in the index")
    return {
        "backend": backend,
        "file_mb": round(nbytes / 1e6, 3),
        "chunk_size": settings.chunk_size,
        "chunks": total,
        "committed_at_kill": stored,
        "resume_embedded": embedded,
        "resume_embedded_only_the_rest": embedded == total - stored,
        "resume_logged": "resuming" in (work / "resumed.err").read_text(encoding="utf-8", errors="replace"),
        "index_chunks": len(records),
        "index_complete": len(records) == len(starts) == total,  # every chunk once, none twice
        "killed_run_s": round(killed.seconds, 3),
        "killed_run_chunks_per_s": round(stored / killed.seconds, 2),
        "killed_run_cpu_s": round(killed.cpu_s, 3),
        "killed_run_peak_rss_mb": killed.peak_rss_mb,
        "resume_s": round(resumed.seconds, 3),
        "resume_chunks_per_s": round(embedded / resumed.seconds, 2),
        "resume_cpu_s": round(resumed.cpu_s, 3),
        "resume_peak_rss_mb": resumed.peak_rss_mb,
    }
