"""``assistant bench``: a quick run at a tiny size measures everything and writes the JSON it promises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.benchmark.measure import percentile
from assistant.benchmark.synthetic import build_synthetic, default_doc_dirs, section_pool, sentences
from assistant.index.embeddings import DEFAULT_MODEL, resolve_model_path
from assistant.index.onnx_embedder import ensure_exported

ROOT = Path(__file__).resolve().parents[1]
INGEST_KEYS = {
    "chunks", "corpus_mb", "ingest_s", "ingest_chunks_per_s", "ingest_mb_per_s", "encode_s",
    "encode_chunks_per_s", "ingest_vs_encode", "reingest_s", "cold_ask_s", "cold_ask_cpu_s",
}
SIZE_KEYS = {"files", "build_s", "reingest_s", "warm_up_s", "ask_p50_ms", "ask_p95_ms", "peak_rss_mb"}


def test_percentile_interpolates():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile(list(range(101)), 95) == 95


def test_a_synthetic_corpus_repeats_a_pool_of_real_sentences(tmp_path):
    source = sentences(default_doc_dirs())
    assert len(source) > 100
    pool = section_pool(source, 30, max_chars=750)
    assert len(set(pool)) == 30 and all(len(p) <= 800 for p in pool)
    files, nbytes = build_synthetic(tmp_path, 95, pool)
    text = "".join(f.read_text(encoding="utf-8") for f in sorted(tmp_path.glob("*.md")))
    assert files == 5 and nbytes == len(text.encode("utf-8"))
    assert text.count("\n## ") + text.startswith("## ") == 95
    assert all(p in text for p in pool)  # every pool entry appears before any repeats


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory) -> Path:
    cache = tmp_path_factory.getbasetemp() / "onnx-cache"  # the same folder test_onnx_embedder.py exports into
    ensure_exported(resolve_model_path(DEFAULT_MODEL), quantized=True, cache_root=cache)
    return cache


def test_quick_bench_writes_every_figure(onnx_cache, tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_ONNX_CACHE_DIR": str(onnx_cache)}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "bench", "--quick", "--sizes", "40", "--backends", "onnx-int8",
         "--serve-backend", "onnx-int8", "--work-dir", str(tmp_path / "work"), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ingest/encode" in done.stdout and "ask p50 ms" in done.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    ingest = results["ingest"]["onnx-int8"]
    assert INGEST_KEYS <= set(ingest)
    assert all(ingest[k] > 0 for k in INGEST_KEYS)
    assert ingest["reingest_changed"] == 0
    assert ingest["cold_ask_imports"]["torch"] is False  # a one-shot answer never loads torch
    baseline = results["library_encode"]  # the issue's baseline: sentence-transformers' own encode()
    assert baseline["chunks"] == ingest["chunks"] and baseline["encode_chunks_per_s"] > 0
    assert ingest["ingest_vs_torch_encode"] == round(ingest["ingest_chunks_per_s"] / baseline["encode_chunks_per_s"], 3)
    assert "sentence-transformers' encode() with its defaults" in done.stdout
    size = results["sizes"]["40"]
    assert SIZE_KEYS <= set(size) and all(size[k] > 0 for k in SIZE_KEYS)
    assert size["distinct_texts_embedded"] <= 40
    assert size["ask_p95_ms"] >= size["ask_p50_ms"]
    assert results["help_s"] > 0
    assert not list((tmp_path / "work").iterdir())  # the scratch folder is removed
