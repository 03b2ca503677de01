"""Timing helpers: wall time of a command, percentiles, peak memory, and an embedder that records
what it was asked to embed (so a bare ``encode()`` of the very same texts can be timed after)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from langchain_core.embeddings import Embeddings


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    On Linux from VmHWM, the high-water mark of this program's own memory: ``ru_maxrss`` survives
    fork and exec, so a worker started by a big parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def assistant_command() -> list[str]:
    """How to start the CLI as a user would: the installed script beside this Python, else ``-m``."""
    script = Path(sys.executable).with_name("assistant")
    if script.is_file():
        return [str(script)]
    found = shutil.which("assistant")
    return [found] if found else [sys.executable, "-m", "assistant.cli"]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.update(extra or {})
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(args: list[str], env: dict[str, str], timeout: float = 600) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - start, done


def median_run(args: list[str], env: dict[str, str], runs: int) -> dict[str, object]:
    """Wall seconds of ``runs`` runs of a command and their median, with the CPU seconds of the median
    run (on a busy machine wall time waits for the CPU; CPU time does not). A failing run raises."""
    runs_s, cpu_s = [], []
    for _ in range(runs):
        cpu = _children_cpu()
        seconds, done = timed_run(args, env)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:3])} ... failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        runs_s.append(round(seconds, 3))
        cpu_s.append(round(_children_cpu() - cpu, 3))
    middle = sorted(range(runs), key=runs_s.__getitem__)[runs // 2]
    return {"median_s": runs_s[middle], "cpu_s": cpu_s[middle], "runs_s": runs_s}


def imports_in(args: list[str], env: dict[str, str], modules: tuple[str, ...]) -> dict[str, bool]:
    """Which of ``modules`` a run of the command imports (from ``python -X importtime``)."""
    env = {**env, "PYTHONPROFILEIMPORTTIME": "1"}
    _, done = timed_run(args, env)
    seen = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return {m: m in seen for m in modules}


def last_json_line(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON result in: {text[-500:]}")


class RecordingEmbeddings(Embeddings):
    """Passes every call through to ``inner`` and keeps the texts and the seconds spent in the model."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.texts: list[str] = []
        self.seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        start = time.perf_counter()
        vectors = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - start
        self.texts.extend(texts)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_tokens(self, texts: list[str]) -> list[tuple]:
        start = time.perf_counter()
        out = self.inner.embed_tokens(texts)
        self.seconds += time.perf_counter() - start
        self.texts.extend(texts)
        return out


def settings_for(corpus: Path, index: Path, backend: str):
    from assistant.settings import Settings

    return Settings.load(corpus_dir=corpus, index_dir=index, embedding_backend=backend)


def child_env_for(settings) -> dict[str, str]:
    """The environment of a child process that must use ``settings``' embedder (backend, ONNX cache)."""
    extra = {"ASSISTANT_EMBEDDING_BACKEND": settings.embedding_backend}
    if settings.onnx_cache_dir:
        extra["ASSISTANT_ONNX_CACHE_DIR"] = str(settings.onnx_cache_dir)
    return child_env(extra)
