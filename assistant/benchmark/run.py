"""The benchmark: every figure of issue 13 measured through the public entry points (``Assistant``,
``.ingest()``, ``.ask()``, the ``assistant`` command), in scratch folders under a temporary directory.

1. Ingest of the project's real documents next to a bare ``embed_documents`` of the very same chunk
   texts, in the same process, per backend: the ratio is the figure (1.0 = ingest costs only the model).
   Loading the model and the modules an ingest imports once per process stay out of both timings.
   Every backend is also compared with the issue's baseline: sentence-transformers' own ``encode()`` of
   those texts with its defaults (batches of 32), which the project's embedders beat by batching less.
2. No-change re-ingest, and a cold one-shot ``assistant ask`` (a new process) against that index.
3. At each synthetic size: build, no-change re-ingest, and in a fresh process warm-up time, warm
   ``ask()`` p50/p95 and peak memory.
4. ``assistant --help``.
5. On request (``large_file_mb``), a file that large whose ingest is killed half-way and resumed
   (``assistant.benchmark.large``); ``only_large`` measures that alone.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.benchmark import measure, synthetic
from assistant.benchmark.measure import child_env_for, settings_for

COLD_QUESTION = "How much is Japan investing in chips and AI?"
POOL_MAX = 2000  # distinct sections in a synthetic corpus; the rest of its chunks repeat them


@dataclass
class BenchOptions:
    sizes: list[int] = field(default_factory=lambda: [1000, 10000, 100000])
    backends: list[str] = field(default_factory=lambda: ["torch", "onnx-int8"])
    serve_backend: str | None = None  # None: the settings' backend (ASSISTANT_EMBEDDING_BACKEND)
    quick: bool = False
    doc_dirs: list[Path] = field(default_factory=list)
    work_dir: Path | None = None
    large_file_mb: float | None = None  # None: no large-file measurement
    only_large: bool = False  # the large-file measurement alone
    log: object = print


def dev_questions(limit: int) -> list[str]:
    """Questions of the dev sets (those with no history), taken in turn from each set."""
    sets = []
    for path in sorted((synthetic.repo_root() / "tests" / "data").rglob("questions.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        sets.append([r["question"] for r in rows if not r.get("history")])
    mixed = [q for group in zip(*sets) for q in group] if sets else []
    return list(dict.fromkeys(mixed))[:limit] or [COLD_QUESTION]


def _split_words(texts: list[str]) -> tuple[list[str], list[str]]:
    """(chunk texts, single words): a chunk holds at least a sentence, a vocabulary entry one word."""
    chunks = [t for t in texts if len(t.split()) > 1]
    return chunks, [t for t in texts if len(t.split()) <= 1]


def ingest_vs_encode(backend: str, docs: Path, work: Path, cold_runs: int, log) -> tuple[dict[str, object], list[str]]:
    """Ingest ``docs`` with ``backend``, then embed the same chunk texts bare; re-ingest; cold CLI ask.
    Returns the figures and the chunk texts."""
    from assistant.index.embeddings import embeddings_for
    from assistant.pipeline import Assistant

    settings = settings_for(docs, work / f"index-{backend}", backend)
    start = time.perf_counter()
    cached = embeddings_for(settings)  # model load (and a first ONNX export) kept out of both timings
    load_s = time.perf_counter() - start
    recorder = measure.RecordingEmbeddings(cached.inner)
    cached.inner = recorder
    try:
        start, cpu = time.perf_counter(), time.process_time()
        Assistant(settings=settings).ingest(progress=False)
        ingest_s, ingest_cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        cached.inner = recorder.inner
    # The ingest also embeds the corpus's frequent words for the answerer (single words, saved with
    # the index); the bare encode is compared on the chunks alone, while the ingest time includes both.
    texts, vocabulary = _split_words(recorder.texts)
    start, cpu = time.perf_counter(), time.process_time()
    recorder.inner.embed_documents(texts)
    encode_s, encode_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    again = Assistant(settings=settings).ingest(progress=False)
    reingest_s = time.perf_counter() - start
    mb = sum(f.stat().st_size for f in docs.iterdir() if f.is_file()) / 1e6
    log(f"  {backend}: {len(texts)} chunks, ingest {ingest_s:.1f} s, bare encode {encode_s:.1f} s")
    cli = [*measure.assistant_command(), "ask", COLD_QUESTION, "--corpus", str(docs), "--index", str(settings.index_dir)]
    env = child_env_for(settings)
    cold = measure.median_run(cli, env, cold_runs)
    heavy = measure.imports_in(cli, env, ("torch", "sentence_transformers", "transformers", "chromadb", "onnxruntime"))
    return {
        "chunks": len(texts),
        "vocabulary_words": len(vocabulary),
        "corpus_mb": round(mb, 3),
        "load_s": round(load_s, 3),
        "ingest_s": round(ingest_s, 3),
        "ingest_chunks_per_s": round(len(texts) / ingest_s, 2),
        "ingest_mb_per_s": round(mb / ingest_s, 4),
        "model_s_in_ingest": round(recorder.seconds, 3),
        "ingest_cpu_s": round(ingest_cpu, 3),  # all threads; on a busy machine wall time also waits
        "encode_s": round(encode_s, 3),
        "encode_cpu_s": round(encode_cpu, 3),
        "encode_chunks_per_s": round(len(texts) / encode_s, 2),
        "ingest_vs_encode": round(encode_s / ingest_s, 3),
        "reingest_s": round(reingest_s, 3),
        "reingest_changed": sum(len(getattr(again, k, ())) for k in ("added", "updated", "removed")),
        "cold_ask_s": cold["median_s"],
        "cold_ask_cpu_s": cold["cpu_s"],
        "cold_ask_runs_s": cold["runs_s"],
        "cold_ask_imports": heavy,
    }, texts


def warm_ingest(docs: Path, work: Path, backend: str) -> None:
    """An untimed ingest of one file of each type, so that the modules an ingest imports once per
    process (Chroma, the HTML and PDF readers) are loaded before any backend is timed, as the model
    is: otherwise only the first backend measured would pay for them."""
    import shutil

    from assistant.index.embeddings import embeddings_for
    from assistant.pipeline import Assistant

    sample = work / "warm-docs"
    sample.mkdir(exist_ok=True)
    kinds: set[str] = set()
    for f in sorted(docs.iterdir()):
        if f.suffix.lower() not in kinds:
            kinds.add(f.suffix.lower())
            shutil.copy2(f, sample / f.name)
    settings = settings_for(sample, work / "warm-index", backend)
    Assistant(settings=settings).ingest(progress=False)
    embeddings_for(settings).clear()  # the timed ingest must embed these files' chunks again


def library_encode(texts: list[str], log) -> dict[str, object]:
    """The baseline: sentence-transformers' ``encode()`` of ``texts`` with its defaults, model loaded first."""
    import os

    from assistant.index.embeddings import resolve_model_path
    from assistant.settings import Settings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a model hub, as in every other load
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(resolve_model_path(Settings.load().embedding_model), device="cpu")
    model.encode(texts[:8])  # first-call set-up kept out of the timing, as for the backends
    start, cpu = time.perf_counter(), time.process_time()
    model.encode(texts, normalize_embeddings=True)
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    log(f"  sentence-transformers encode() with its defaults: {len(texts)} chunks, {seconds:.1f} s")
    return {"chunks": len(texts), "encode_s": round(seconds, 3), "encode_cpu_s": round(cpu_s, 3),
            "encode_chunks_per_s": round(len(texts) / seconds, 2)}


def size_run(size: int, pool: list[str], backend: str, work: Path, questions: list[str], repeats: int, log) -> dict:
    """Build a synthetic corpus of ``size`` chunks, re-ingest it unchanged, then serve it in a fresh process."""
    from assistant.index.embeddings import embeddings_for
    from assistant.pipeline import Assistant

    corpus, index = work / f"corpus-{size}", work / f"index-{size}"
    files, nbytes = synthetic.build_synthetic(corpus, size, pool)
    settings = settings_for(corpus, index, backend)
    cached = embeddings_for(settings)
    recorder = measure.RecordingEmbeddings(cached.inner)
    cached.inner = recorder
    try:
        start = time.perf_counter()
        built = Assistant(settings=settings).ingest(progress=False)
        build_s = time.perf_counter() - start
    finally:
        cached.inner = recorder.inner
    start = time.perf_counter()
    Assistant(settings=settings).ingest(progress=False)
    reingest_s = time.perf_counter() - start
    log(f"  {size} chunks: built in {build_s:.1f} s ({len(_split_words(recorder.texts)[0])} chunk texts embedded), re-ingest {reingest_s:.3f} s")
    spec = work / f"serve-{size}.json"
    spec.write_text(json.dumps({"corpus": str(corpus), "index": str(index), "questions": questions, "repeats": repeats}))
    _, done = measure.timed_run([sys.executable, "-m", "assistant.benchmark.serve_worker", str(spec)],
                                child_env_for(settings), timeout=3600)
    if done.returncode:
        raise RuntimeError(f"serving {size} chunks failed: {done.stderr.strip()[-800:]}")
    served = measure.last_json_line(done.stdout)
    log(f"  {size} chunks: warm-up {served['warm_up_s']:.1f} s, ask p50 {served['ask_p50_ms']:.0f} ms, "
        f"p95 {served['ask_p95_ms']:.0f} ms, peak {served['peak_rss_mb']:.0f} MB")
    return {
        "chunks_requested": size,
        "files": files,
        "corpus_mb": round(nbytes / 1e6, 3),
        "files_indexed": len(getattr(built, "added", ())),
        "distinct_texts_embedded": len(_split_words(recorder.texts)[0]),
        "build_s": round(build_s, 3),
        "reingest_s": round(reingest_s, 3),
        **served,
    }


def run_bench(options: BenchOptions) -> dict[str, object]:
    """Run every measurement asked for; returns the JSON-ready results."""
    from assistant.settings import Settings

    log = options.log
    serve_backend = options.serve_backend or Settings.load().embedding_backend
    dirs = options.doc_dirs or synthetic.default_doc_dirs()
    if not synthetic.doc_files(dirs):
        raise FileNotFoundError("no documents to benchmark with; pass --docs FOLDER")
    if options.only_large and not options.large_file_mb:
        raise ValueError("only the large-file measurement was asked for, without its size; pass --large-file MB")
    results: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": _machine(),
        "quick": options.quick,
        "serve_backend": serve_backend,
    }
    with tempfile.TemporaryDirectory(prefix="assistant-bench-", dir=options.work_dir) as tmp:
        work = Path(tmp)
        if not options.only_large:
            results.update(_ingest_and_sizes(options, dirs, serve_backend, work))
        if options.large_file_mb:
            from assistant.benchmark.large import large_file

            # The serving backend: the one a user's ingest runs with unless they choose another.
            results["large_file"] = large_file(options.large_file_mb, serve_backend, work / "large", log, dirs)
    results["peak_rss_mb"] = measure.peak_rss_mb()
    return results


def _ingest_and_sizes(options: BenchOptions, dirs: list[Path], serve_backend: str, work: Path) -> dict[str, object]:
    """Points 1 to 4: ingest against a bare encode per backend, the synthetic sizes, ``--help``."""
    from assistant.settings import Settings

    log, quick = options.log, options.quick
    results: dict[str, object] = {"ingest": {}, "sizes": {}}
    docs = synthetic.copy_corpus(dirs, work / "docs", limit=4 if quick else None)
    log(f"ingest vs bare encode ({len(list(docs.iterdir()))} documents)")
    texts: list[str] = []
    if options.backends:
        warm_ingest(docs, work, options.backends[0])
    for backend in dict.fromkeys(options.backends):
        results["ingest"][backend], texts = ingest_vs_encode(backend, docs, work, 1 if quick else 3, log)
    if texts:
        results["library_encode"] = library_encode(texts, log)
        torch_rate = results["library_encode"]["encode_chunks_per_s"]
        for figures in results["ingest"].values():
            figures["ingest_vs_torch_encode"] = round(figures["ingest_chunks_per_s"] / torch_rate, 3)
    questions = dev_questions(5 if quick else 100)
    sentences = synthetic.sentences(dirs)
    chunk_chars = Settings.load().chunk_size - 150
    pool = synthetic.section_pool(sentences, min(max(options.sizes, default=0), POOL_MAX), chunk_chars)
    log(f"synthetic corpora ({serve_backend}; {len(pool)} distinct sections from {len(sentences)} sentences)")
    for size in options.sizes:
        results["sizes"][str(size)] = size_run(size, pool, serve_backend, work, questions, 1 if quick else 2, log)
    help_args = [*measure.assistant_command(), "--help"]
    helped = measure.median_run(help_args, measure.child_env(), 3)
    results["help_s"], results["help_cpu_s"] = helped["median_s"], helped["cpu_s"]
    return results


def _machine() -> dict[str, object]:
    import os
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("onnxruntime", "torch", "chromadb", "sentence-transformers", "bm25s"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:  # not installed: leave it out
            continue
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions}
