"""The ONNX embedding backend: exported once, close to the torch vectors, free of torch at use, and
recorded in the index signature so its vectors never mix with another backend's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.benchmark.synthetic import default_doc_dirs, sentences
from assistant.errors import EmbeddingModelError, SettingsError
from assistant.index.embeddings import DEFAULT_MODEL, load_embeddings, resolve_model_path
from assistant.index.onnx_embedder import (
    FP32_FILE,
    INT8_FILE,
    TOKENS_PER_BATCH,
    OnnxEmbeddings,
    _batches,
    ensure_exported,
    export_dir,
    max_length,
)
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory) -> Path:
    """One export for the whole session (test_bench.py uses the same folder)."""
    cache = tmp_path_factory.getbasetemp() / "onnx-cache"
    ensure_exported(resolve_model_path(DEFAULT_MODEL), quantized=True, cache_root=cache)
    return cache


@pytest.fixture(scope="session")
def corpus_sentences() -> list[str]:
    found = sentences(default_doc_dirs())
    step = max(1, len(found) // 50)
    return found[::step][:50] + ["Rapidus", "What is Japan's investment package focused on?"]


def _cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return (x * y).sum(axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


def test_the_export_is_cached_whole(onnx_cache):
    folder = export_dir(resolve_model_path(DEFAULT_MODEL), onnx_cache)
    names = {p.name for p in folder.iterdir()}
    assert {FP32_FILE, INT8_FILE} <= names
    assert not [n for n in names if n.endswith(".tmp")]  # written under a temporary name, then renamed
    # int8 weights are about a quarter of fp32's
    assert (folder / INT8_FILE).stat().st_size < (folder / FP32_FILE).stat().st_size / 2
    again = ensure_exported(resolve_model_path(DEFAULT_MODEL), quantized=True, cache_root=onnx_cache)
    assert again == folder / INT8_FILE


def test_max_length_is_the_models_not_the_tokenizer_files():
    # tokenizer.json of MiniLM truncates at 128; sentence-transformers uses 256
    assert max_length(resolve_model_path(DEFAULT_MODEL)) == 256


def test_vectors_match_torch(onnx_cache, corpus_sentences):
    assert len(corpus_sentences) >= 50
    reference = load_embeddings(DEFAULT_MODEL, "torch").inner.embed_documents(corpus_sentences)
    path = resolve_model_path(DEFAULT_MODEL)
    fp32 = OnnxEmbeddings(path, quantized=False, cache_root=onnx_cache).embed_documents(corpus_sentences)
    int8 = OnnxEmbeddings(path, quantized=True, cache_root=onnx_cache).embed_documents(corpus_sentences)
    assert np.allclose(np.linalg.norm(np.asarray(int8), axis=1), 1.0, atol=1e-4)
    assert _cosines(fp32, reference).min() >= 0.999
    cos8 = _cosines(int8, reference)
    assert cos8.min() >= 0.95 and cos8.mean() >= 0.98, (cos8.min(), cos8.mean())


def test_batches_stay_within_the_token_budget_and_do_not_change_the_vectors(onnx_cache, corpus_sentences):
    model = OnnxEmbeddings(resolve_model_path(DEFAULT_MODEL), quantized=False, cache_root=onnx_cache)
    texts = corpus_sentences + ["chips " * 2000]  # one text at the model's full 256 tokens
    ids = [e.ids for e in model.tokenizer.encode_batch(texts)]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    batches = list(_batches(order, ids))
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))  # each text once
    assert all(len(b) * max(len(ids[i]) for i in b) <= TOKENS_PER_BATCH for b in batches if len(b) > 1)
    assert len(batches) > 1 and max(len(b) for b in batches) > 1
    together = model.embed_documents(texts)
    alone = [model.embed_documents([t])[0] for t in texts]  # no padding at all
    assert _cosines(together, alone).min() >= 0.99999


def test_batches_run_side_by_side_give_what_one_worker_gives(onnx_cache, corpus_sentences):
    path = resolve_model_path(DEFAULT_MODEL)
    one = OnnxEmbeddings(path, quantized=False, cache_root=onnx_cache, workers=1)
    four = OnnxEmbeddings(path, quantized=False, cache_root=onnx_cache, workers=4)
    texts = corpus_sentences * 3
    ids = [e.ids for e in one.tokenizer.encode_batch(texts)]
    assert len(list(_batches(sorted(range(len(ids)), key=lambda i: len(ids[i])), ids))) >= 8
    assert np.array_equal(np.asarray(four.embed_documents(texts)), np.asarray(one.embed_documents(texts)))
    for (v1, states1, offsets1), (v4, states4, offsets4) in zip(one.embed_tokens(texts), four.embed_tokens(texts)):
        assert np.array_equal(v1, v4) and np.array_equal(states1, states4) and offsets1 == offsets4
        assert len(offsets1) == len(states1) > 0


def test_a_damaged_export_is_reported_with_what_to_do(tmp_path):
    path = resolve_model_path(DEFAULT_MODEL)
    folder = export_dir(path, tmp_path)
    folder.mkdir(parents=True)
    (folder / FP32_FILE).write_bytes(b"not an onnx graph")
    model = OnnxEmbeddings(path, quantized=False, cache_root=tmp_path)  # the session loads in the background
    for _ in range(2):  # the first model call reports it, and so does every later one
        with pytest.raises(EmbeddingModelError, match="delete that folder"):
            model.embed_query("Rapidus")


def test_a_process_that_exits_while_the_session_loads_exits_cleanly(onnx_cache):
    # The session is built in a thread; the interpreter must not kill it inside onnxruntime (abort, 134).
    code = (
        "from assistant.index.onnx_embedder import OnnxEmbeddings\n"
        "from assistant.index.embeddings import DEFAULT_MODEL, resolve_model_path\n"
        f"OnnxEmbeddings(resolve_model_path(DEFAULT_MODEL), quantized=False, cache_root={str(onnx_cache)!r})\n"
    )
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "HF_HUB_OFFLINE": "1"})
        assert done.returncode == 0 and "terminate" not in done.stderr, done.stderr


def test_a_long_text_is_truncated_not_rejected(onnx_cache):
    model = OnnxEmbeddings(resolve_model_path(DEFAULT_MODEL), quantized=True, cache_root=onnx_cache)
    long, short = model.embed_documents(["chips " * 2000, ""])
    assert len(long) == len(short) == 384


def test_embedding_with_an_exported_model_imports_no_torch(onnx_cache):
    code = (
        "import json, sys\n"
        "from assistant.index.embeddings import load_embeddings\n"
        f"e = load_embeddings({DEFAULT_MODEL!r}, 'onnx-int8', {str(onnx_cache)!r})\n"
        "v = e.embed_documents(['Japan invests in chips.', 'Rapidus'])\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print(json.dumps({'heavy': heavy, 'n': len(v), 'dim': len(v[0])}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"heavy": [], "n": 2, "dim": 384}


def test_index_signature_records_the_backend():
    signatures = {b: Settings.load(embedding_backend=b).index_signature() for b in ("torch", "onnx", "onnx-int8")}
    assert len({json.dumps(s, sort_keys=True) for s in signatures.values()}) == 3
    assert signatures["onnx-int8"]["embedding_backend"] == "onnx-int8"
    assert Settings.load(embedding_backend=" ONNX_int8 ").embedding_backend == "onnx-int8"
    with pytest.raises(SettingsError, match="embedding_backend"):
        Settings.load(embedding_backend="tensorflow")


def test_a_change_of_backend_means_re_embedding(onnx_cache, corpus_copy, tmp_path):
    from assistant import Assistant

    index = tmp_path / "index"
    int8 = Assistant(corpus_dir=corpus_copy, index_dir=index, embedding_backend="onnx-int8", onnx_cache_dir=onnx_cache)
    report = int8.ingest(progress=False)
    assert report.added and not int8.needs_ingest()
    assert "Rapidus" in int8.ask("Which project aims to produce next-generation semiconductors?").text
    torch = Assistant(corpus_dir=corpus_copy, index_dir=index, embedding_backend="torch")
    assert torch.needs_ingest()  # the int8 vectors are never searched with a torch query


def test_errors_say_what_to_do(tmp_path):
    with pytest.raises(EmbeddingModelError, match="tokenizer.json"):
        OnnxEmbeddings(tmp_path, cache_root=tmp_path / "cache")
    with pytest.raises(EmbeddingModelError, match="ASSISTANT_EMBEDDING_BACKEND"):
        load_embeddings(DEFAULT_MODEL, "tensorflow")
    with pytest.raises(EmbeddingModelError, match="local folder"):
        load_embeddings("no-such-org/no-such-model", "onnx", tmp_path)


def test_threads_share_one_model(onnx_cache, corpus_sentences):
    from concurrent.futures import ThreadPoolExecutor

    model = OnnxEmbeddings(resolve_model_path(DEFAULT_MODEL), quantized=True, cache_root=onnx_cache)
    texts = corpus_sentences[:16]
    serial = np.asarray(model.embed_documents(texts))
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda i: model.embed_documents(texts[i:] + texts[:i]), range(16)))
    for i, vectors in enumerate(together):
        assert np.allclose(np.roll(np.asarray(vectors), i, axis=0), serial, atol=1e-5)


def test_two_processes_exporting_at_once_both_get_a_whole_model(tmp_path):
    cache = tmp_path / "cache"
    code = (
        "import sys, time\n"
        "from assistant.index.onnx_embedder import ensure_exported\n"
        "from assistant.index.embeddings import DEFAULT_MODEL, resolve_model_path\n"
        f"print(ensure_exported(resolve_model_path(DEFAULT_MODEL), False, {str(cache)!r}))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1000:] for _, err in outs]
    paths = {out.strip().splitlines()[-1] for out, _ in outs}
    assert len(paths) == 1
    folder = Path(paths.pop()).parent
    assert sorted(p.name for p in folder.iterdir()) == ["export.lock", FP32_FILE]  # no temporary file left
    import onnxruntime as ort

    session = ort.InferenceSession(str(folder / FP32_FILE), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input_ids", "attention_mask", "token_type_ids"]
