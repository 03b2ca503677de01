"""The ONNX embedder: the sentence-transformers model exported once, then run with onnxruntime.

Exporting needs torch and happens once per model (``ensure_exported``, at set-up or first use); using
the exported model needs only onnxruntime, ``tokenizers`` and numpy, so a one-shot question never
pays for importing torch. The vectors match sentence-transformers': the same tokenizer and maximum
length, mean pooling over the attention mask, L2-normalised.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.errors import EmbeddingModelError

# Bump when the exported graph or the quantisation changes, so old cache entries are not reused.
EXPORT_VERSION = 3
FP32_FILE = "model.onnx"
INT8_FILE = "model-int8.onnx"
# Texts per model call are bounded by padded tokens, not by count: a batch of 4 full chunks or 20
# sentences keeps the attention tensors in cache, which on a 2-core CPU runs 1.25x faster than 32 texts a
# call (tools: the chunks of the dev corpora, batches of 4 to 32, budgets of 512 to 4096 tokens).
TOKENS_PER_BATCH = 512
# Single words (the answerer's vocabulary, ~4 tokens each) fill the budget only in batches of ~128:
# 1.15x faster than batches of 64 on 2,863 words.
MAX_BATCH = 256
_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "config.json", "tokenizer.json")

log = logging.getLogger(__name__)


def default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "japan-chips-assistant" / "onnx"


def model_key(model_path: str | Path) -> str:
    """A short key for one model folder: its path and its weight files' sizes and times.

    Only ``stat`` calls, so finding the cached export costs nothing at question time; a model
    replaced in place (new times or sizes) gets a fresh export.
    """
    folder = Path(model_path).resolve()
    parts = [str(folder), f"v{EXPORT_VERSION}"]
    for name in _WEIGHTS:
        f = folder / name
        if f.is_file():
            st = f.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def export_dir(model_path: str | Path, cache_root: str | Path | None = None) -> Path:
    return Path(cache_root or default_cache_root()) / model_key(model_path)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def max_length(model_path: str | Path) -> int:
    """The longest input in tokens, as sentence-transformers truncates it (not tokenizer.json's own,
    which for MiniLM says 128 where the model is used at 256)."""
    folder = Path(model_path)
    limit = _read_json(folder / "sentence_bert_config.json").get("max_seq_length")
    if not isinstance(limit, int):
        limit = _read_json(folder / "tokenizer_config.json").get("model_max_length")
    positions = _read_json(folder / "config.json").get("max_position_embeddings", 512)
    return min(limit, positions) if isinstance(limit, int) and limit > 0 else positions


def _pooling(model_path: Path) -> str:
    modules = _read_json(model_path / "modules.json") if (model_path / "modules.json").exists() else []
    folder = next((m.get("path", "") for m in modules if str(m.get("type", "")).endswith("Pooling")), "1_Pooling")
    config = _read_json(model_path / folder / "config.json")
    if not config or config.get("pooling_mode_mean_tokens"):
        return "mean"
    if config.get("pooling_mode_cls_token"):
        return "cls"
    raise EmbeddingModelError(
        f"the ONNX embedding backend supports mean or CLS pooling only, and {model_path} uses another; "
        "set ASSISTANT_EMBEDDING_BACKEND=torch"
    )


# --- export (needs torch; once per model) ---------------------------------------------------------


def ensure_exported(model_path: str | Path, quantized: bool, cache_root: str | Path | None = None) -> Path:
    """The exported model file, exporting (and quantising) it first when it is not cached yet.

    Safe when several processes start at once: a file lock makes one of them export while the
    others wait, and every file is written under a temporary name and renamed into place, so a
    reader never sees half a model.
    """
    model_path = Path(model_path)
    target_dir = export_dir(model_path, cache_root)
    target = target_dir / (INT8_FILE if quantized else FP32_FILE)
    if target.is_file():
        return target
    from filelock import FileLock, Timeout

    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target_dir / "export.lock"), timeout=600):
            if not (target_dir / FP32_FILE).is_file():
                # A warning so a first ingest or question says why it waits (once per model).
                log.warning("exporting the embedding model to ONNX in %s (once, about 20 s)", target_dir)
                _export_fp32(model_path, target_dir / FP32_FILE)
            if quantized and not target.is_file():
                _quantize(target_dir / FP32_FILE, target)
    except Timeout as exc:
        raise EmbeddingModelError(f"another process has been exporting the ONNX model in {target_dir} for "
                                  "10 minutes; remove that folder and try again") from exc
    except OSError as exc:
        raise EmbeddingModelError(f"cannot write the ONNX export into {target_dir} ({exc}); set "
                                  "ASSISTANT_ONNX_CACHE_DIR to a writable folder") from exc
    return target


def _temp_beside(path: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp makes it private; a shared cache must be readable by others
    return Path(name)


def _export_fp32(model_path: Path, target: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise EmbeddingModelError(f"exporting the model to ONNX needs torch and transformers ({exc}); install "
                                  "them, or set ASSISTANT_EMBEDDING_BACKEND=torch") from exc

    class LastHiddenState(torch.nn.Module):
        """The transformer alone; pooling and normalising are done in numpy, where they are cheap."""

        def __init__(self, model, with_types: bool) -> None:
            super().__init__()
            self.model, self.with_types = model, with_types

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            extra = {"token_type_ids": token_type_ids} if self.with_types else {}
            return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

    hf_logging.disable_progress_bar()
    try:
        # Eager attention traces to plain MatMul/Softmax nodes, which onnxruntime runs about 1.2x faster
        # per CPU second than the graph traced from PyTorch's fused SDPA (same vectors, cosine 1.0).
        model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()
    except Exception as exc:  # transformers raises many types for a missing or broken model
        raise EmbeddingModelError(f"cannot load embedding model {model_path} to export it ({exc}); set "
                                  "ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers folder") from exc
    with_types = getattr(model.config, "type_vocab_size", 0) > 0
    names = ["input_ids", "attention_mask", *(["token_type_ids"] if with_types else [])]
    sample = torch.ones(2, 16, dtype=torch.long)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    tmp = _temp_beside(target)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the tracer's warnings are about shapes we make dynamic
            torch.onnx.export(
                LastHiddenState(model, with_types), tuple(sample for _ in names), str(tmp), dynamo=False,
                input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _temp_beside(target)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # onnxruntime logs a pre-processing hint on the root logger
    try:
        # Per-channel weights: per-tensor int8 drifts to cosine 0.76 on markup-heavy text, per-channel
        # stays >= 0.98 to fp32 at the same speed.
        quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, target)
    finally:
        root.setLevel(level)
        tmp.unlink(missing_ok=True)


# --- use (no torch) ---------------------------------------------------------------------------------


class OnnxEmbeddings(Embeddings):
    """Sentence vectors from an exported model; thread-safe (onnxruntime sessions and a tokenizer whose
    truncation and padding never change after construction)."""

    def __init__(self, model_path: str | Path, quantized: bool = False, cache_root: str | Path | None = None,
                 workers: int | None = None) -> None:
        import numpy as np  # noqa: F401  (fail here, not mid-ingest, when numpy is missing)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_path = Path(model_path)
        self.quantized = quantized
        if not (self.model_path / "tokenizer.json").is_file():
            raise EmbeddingModelError(f"the ONNX embedding backend needs {self.model_path}/tokenizer.json; use a "
                                      "sentence-transformers folder with a fast tokenizer, or ASSISTANT_EMBEDDING_BACKEND=torch")
        self.pooling = _pooling(self.model_path)
        self.file = ensure_exported(self.model_path, quantized, cache_root)
        self.max_length = max_length(self.model_path)
        tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_length)
        self.pad_id = (tokenizer.padding or {}).get("pad_id", 0)
        tokenizer.no_padding()  # batches are padded here, after sorting by length
        self.tokenizer = tokenizer
        options = ort.SessionOptions()
        # One thread per model call, and up to ``workers`` calls at once (one per core): on two cores two
        # single-threaded batches side by side embed 1.4x as many chunks a second as one batch split
        # over both cores, whose threads wait for each other at every operator; a lone query loses
        # about 1 ms. The session's ``run`` is thread-safe and releases the GIL.
        options.intra_op_num_threads = 1
        self.workers = max(1, workers or _cores())
        # onnxruntime builds the session (0.3 s on a small machine) without holding the GIL, so it is built
        # in the background while the caller goes on opening the index; the first model call waits for it.
        # Not a daemon: a process that exits meanwhile waits for it, as killing a thread inside
        # onnxruntime aborts the interpreter.
        self._session: Future = Future()
        threading.Thread(target=self._load_session, args=(ort, options), name="onnx-session").start()

    def _load_session(self, ort, options) -> None:
        try:
            session = ort.InferenceSession(str(self.file), options, providers=["CPUExecutionProvider"])
            self._session.set_result((session, [i.name for i in session.get_inputs()]))
        except Exception as exc:  # a damaged cache file: say where it is
            self._session.set_exception(EmbeddingModelError(
                f"cannot load the ONNX model {self.file} ({exc}); delete that folder to export it again"))

    @property
    def session(self):
        return self._session.result()[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [v.tolist() for v, _, _ in self._run(texts, keep_states=False)] if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_tokens(self, texts: list[str]) -> list[tuple]:
        """Per text: its vector, the states of its tokens (special tokens left out) and their
        character offsets, from one model pass (``index/sentence_pools.py`` pools them by sentence)."""
        return self._run(texts, keep_states=True)

    def _run(self, texts: list[str], keep_states: bool) -> list[tuple]:
        encodings = self.tokenizer.encode_batch(texts)
        ids = [e.ids for e in encodings]
        out: list[tuple] = [()] * len(texts)
        # Length-sorted batches pad less: the same trick sentence-transformers uses.
        batches = list(_batches(sorted(range(len(texts)), key=lambda i: len(ids[i])), ids))

        def encode(batch: list[int]):
            return batch, *self._encode([ids[i] for i in batch])

        pool = ThreadPoolExecutor(min(self.workers, len(batches))) if len(batches) > 1 and self.workers > 1 else None
        try:
            # Each batch's padded states are let go as soon as its texts have their share of them.
            for batch, vectors, hidden in (pool.map if pool else map)(encode, batches):
                for row, i in enumerate(batch):
                    if keep_states:
                        # Each attribute read of an Encoding builds a new list: read once, not per token.
                        special, offsets = encodings[i].special_tokens_mask, encodings[i].offsets
                        keep = [j for j, s in enumerate(special) if not s]
                        out[i] = (vectors[row], hidden[row, keep], [offsets[j] for j in keep])
                    else:
                        out[i] = (vectors[row], None, None)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        return out

    def _encode(self, rows: list[list[int]]):
        import numpy as np

        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for n, row in enumerate(rows):
            ids[n, :len(row)] = row
            mask[n, :len(row)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        session, inputs = self._session.result()
        hidden = session.run(None, {name: feed[name] for name in inputs})[0]
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None), hidden


def _cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _batches(order: list[int], ids: list[list[int]]):
    """Runs of ``order`` (sorted by length) whose padded size stays within ``TOKENS_PER_BATCH``."""
    batch: list[int] = []
    for i in order:
        # Sorted ascending, so the newcomer is the longest and sets the padded width.
        if batch and ((len(batch) + 1) * len(ids[i]) > TOKENS_PER_BATCH or len(batch) == MAX_BATCH):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch
