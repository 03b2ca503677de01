"""The keyword side of an index: BM25 over the chunks (``bm25s``) and the corpus's term statistics,
built once when a collection is complete and saved beside it.

Files live in ``<index_dir>/keywords/<collection>/``: named after the collection they describe, so a
reader never pairs one collection's vectors with another's keywords, and deleted with it. They are
written before the live manifest switches to the collection (a reader of the new manifest finds
them) and published by one directory rename, so a reader sees all of them or none. ``words.npz``
holds the vectors of the corpus's frequent words (``text/vocabulary.py``) from the collection's own
embedder: the first reader to open the collection computes them and adds the file (one rename), and
later readers' warm-ups read it instead of calling the model thousands of times. Computing them in
the ingest instead cost it about 40 % of its time on a corpus of 441 chunks. ``stats.json``
records a digest of the chunk ids in row order and of the tokeniser; a reader whose chunks or
tokeniser differ, or who finds the files missing or damaged, builds them again from the chunks.

Scores are BM25 "Okapi" as rank-bm25 computes them (k1 1.5, b 0.75, an IDF floor of 0.25 times the
mean IDF for words in more than half the chunks), weight for weight, so rankings do not move.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.text.stats import CorpusStats
from assistant.text.words import STOPWORDS, content_terms

log = logging.getLogger(__name__)

KEYWORDS = "keywords"
WORDS = "words.npz"
FORMAT = 1  # bump when what is saved, or how it is computed, changes
K1, B, EPSILON = 1.5, 0.75, 0.25
_PROBE = "Japan's 10-trillion-yen AI-powered chip plants, Rapidus and TSMC's Kumamoto fabs"

Chunk = tuple[str, str, dict]  # (id, text, metadata), in ``store.all_chunks`` order


def tokens(text: str) -> list[str]:
    """The terms BM25 indexes for a chunk (a chunk without content words still counts, as one term)."""
    return content_terms(text) or ["_"]


def _fingerprint() -> str:
    """Changes when the tokeniser does: saved weights from another tokeniser are not reused."""
    probe = "\0".join(content_terms(_PROBE)) + "\0" + " ".join(sorted(STOPWORDS))
    return hashlib.sha256(f"{FORMAT}\0{probe}".encode()).hexdigest()[:16]


def ids_digest(chunks: Sequence[Chunk]) -> str:
    digest = hashlib.sha256()
    for chunk_id, _, _ in chunks:
        digest.update(chunk_id.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


class KeywordIndex:
    """BM25 rows in the order of the chunks it was built from, and the corpus statistics."""

    def __init__(self, bm25: Any, stats: CorpusStats, digest: str, word_vectors: dict | None = None) -> None:
        self.bm25 = bm25  # a bm25s.BM25, or None for an empty index
        self.stats = stats
        self.digest = digest
        self.word_vectors = word_vectors  # frequent word -> vector, or None when not saved

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> "KeywordIndex":
        texts = [text for _, text, _ in chunks]
        terms = [content_terms(text) for text in texts]
        stats = CorpusStats(texts, terms)
        bm25 = _okapi([t or ["_"] for t in terms]) if chunks else None
        return cls(bm25, stats, ids_digest(chunks))

    def top(self, terms: list[str], n: int) -> list[tuple[int, float]]:
        """The ``n`` best rows for the query terms as (row, score), best first, positive scores only;
        ties keep row order (as a stable sort of all scores would)."""
        if self.bm25 is None or not terms:
            return []
        import numpy as np

        scores = self.bm25.get_scores(list(terms))
        rows = np.flatnonzero(scores > 0)
        if len(rows) > n:
            kth = np.partition(scores[rows], len(rows) - n)[len(rows) - n]
            rows = rows[scores[rows] >= kth]
        rows = rows[np.lexsort((rows, -scores[rows]))][:n]
        return [(int(i), float(scores[i])) for i in rows]

    # --- files -----------------------------------------------------------------------------------

    def save(self, index_dir: Path, collection: str, replace: bool = False) -> None:
        """Publish the files for ``collection`` (one rename); an existing set is left as it is unless
        ``replace`` (it could not be read)."""
        root = Path(index_dir) / KEYWORDS
        root.mkdir(parents=True, exist_ok=True)
        final = root / collection
        if final.exists():
            if not replace:
                return
            old = root / f".{collection}.{os.getpid()}-{secrets.token_hex(3)}.old.tmp"
            try:
                os.rename(final, old)  # readers of the damaged set fail and build their own meanwhile
            except OSError:
                return
            shutil.rmtree(old, ignore_errors=True)
        tmp = root / f".{collection}.{os.getpid()}-{secrets.token_hex(3)}.tmp"
        try:
            tmp.mkdir()
            if self.bm25 is not None:
                self.bm25.save(str(tmp), show_progress=False)
            meta = {"format": FORMAT, "fingerprint": _fingerprint(), "ids": self.digest, **self.stats.to_counts()}
            (tmp / "stats.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            for path in tmp.iterdir():
                _fsync(path)
            os.rename(tmp, final)  # fails when another process published first: theirs is as good
        except OSError:
            if not final.exists():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, index_dir: Path, collection: str, chunks: Sequence[Chunk]) -> "KeywordIndex | None":
        """The saved index for ``collection`` when it describes exactly ``chunks``; None when it is
        missing, damaged, from another tokeniser, or for other chunks."""
        folder = Path(index_dir) / KEYWORDS / collection
        try:
            meta = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT or meta.get("fingerprint") != _fingerprint():
                return None
            if meta.get("ids") != ids_digest(chunks) or meta.get("n") != len(chunks):
                return None
            bm25 = None
            if chunks:
                import bm25s

                bm25 = bm25s.BM25.load(str(folder), show_progress=False)
                if bm25.scores["num_docs"] != len(chunks):
                    return None
            stats = CorpusStats.from_counts(meta["n"], meta["df"], meta["proper"])
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - damaged files of any kind mean "build it again"
            log.warning(
                "the keyword index in %s cannot be read (%s: %s); rebuilding it", folder, type(exc).__name__, exc
            )
            return None
        return cls(bm25, stats, meta["ids"], _load_words(folder / WORDS))


def open_keywords(index_dir: Path | None, collection: str, chunks: Sequence[Chunk]) -> KeywordIndex:
    """The saved keyword index of ``collection``, or one built from ``chunks`` (and saved, when it can
    be: an index from an older version gains its files on first open)."""
    if index_dir is not None and collection:
        found = KeywordIndex.load(index_dir, collection, chunks)
        if found is not None:
            return found
    built = KeywordIndex.build(chunks)
    if index_dir is not None and collection:
        try:
            built.save(index_dir, collection, replace=True)
        except OSError as exc:  # a read-only index folder: keep the one built in memory
            log.warning("cannot save the keyword index in %s (%s)", index_dir, exc.strerror or exc)
    return built


def has_keywords(index_dir: Path, collection: str) -> bool:
    return (Path(index_dir) / KEYWORDS / collection / "stats.json").is_file()


def drop_stale_keywords(index_dir: Path, keep: set[str]) -> None:
    """Delete the keyword files of collections other than ``keep`` (and abandoned temporary ones)."""
    root = Path(index_dir) / KEYWORDS
    try:
        entries = list(root.iterdir())
    except OSError:
        return
    for path in entries:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def save_word_vectors(index_dir: Path, collection: str, vectors: dict) -> None:
    """Add the frequent words' vectors to ``collection``'s keyword files (atomically; best effort: a
    reader that cannot write, or finds the folder gone, only leaves the next reader to compute them)."""
    import numpy as np

    folder = Path(index_dir) / KEYWORDS / collection
    if not vectors or not folder.is_dir():
        return
    tmp = folder / f".{WORDS}.{os.getpid()}-{secrets.token_hex(3)}.tmp"
    try:
        with tmp.open("wb") as f:
            # float32 is what the embedders return: stored as computed, read back exactly
            np.savez(f, words=np.array(list(vectors), dtype=str), vectors=np.array(list(vectors.values()), dtype=np.float32))
        _fsync(tmp)
        os.replace(tmp, folder / WORDS)
    except OSError as exc:
        log.warning("cannot save the word vectors in %s (%s)", folder, exc.strerror or exc)
    finally:
        tmp.unlink(missing_ok=True)


def _load_words(path: Path) -> dict | None:
    """The saved word vectors; None when there are none, or they cannot be read (then a reader
    computes them: they only save time)."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            words, vectors = data["words"], data["vectors"].astype(np.float64)
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words but {len(vectors)} vectors")
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged file of any kind means "compute them"
        log.warning("the word vectors in %s cannot be read (%s: %s); computing them", path, type(exc).__name__, exc)
        return None
    return dict(zip(words.tolist(), vectors))


def _okapi(docs: list[list[str]]) -> Any:
    """A ``bm25s.BM25`` holding rank-bm25's Okapi weights: built here in numpy (bm25s's own IDF
    variants differ from Okapi's for words in most chunks, which would move small corpora's
    rankings), stored and scored by bm25s."""
    from array import array

    import bm25s
    import numpy as np

    vocab: dict[str, int] = {}
    flat = array("q")  # 8 bytes a token, not a Python int object each
    lengths = np.empty(len(docs), dtype=np.int64)
    for i, doc in enumerate(docs):
        lengths[i] = len(doc)
        flat.extend(vocab.setdefault(t, len(vocab)) for t in doc)
    n_docs, n_terms = len(docs), len(vocab)
    term = np.frombuffer(flat, dtype=np.int64)
    row = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    # One entry per (term, chunk) with its count, sorted by term then chunk: a CSC matrix's order.
    pairs, tf = np.unique(term * n_docs + row, return_counts=True)
    col, rows = pairs // n_docs, pairs % n_docs
    df = np.bincount(col, minlength=n_terms)
    avgdl = int(lengths.sum()) / n_docs
    # Term by term as rank-bm25 does (math.log, its summation order), so every weight is the same float.
    idf = [math.log(n_docs - int(f) + 0.5) - math.log(int(f) + 0.5) for f in df]
    total = 0.0
    for v in idf:  # a plain running sum, as rank-bm25's (sum() compensates since Python 3.12)
        total += v
    eps = EPSILON * (total / len(idf))
    idf_array = np.array([eps if v < 0 else v for v in idf], dtype=np.float64)
    tf = tf.astype(np.float64)
    dl = lengths[rows]
    data = idf_array[col] * (tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl)))
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    bm25 = bm25s.BM25(k1=K1, b=B, method="atire", idf_method="robertson", dtype="float64", int_dtype="int32")
    bm25.scores = {"data": data, "indices": rows.astype(np.int32), "indptr": indptr, "num_docs": n_docs}
    bm25.vocab_dict = vocab
    bm25.unique_token_ids_set = set(vocab.values())
    bm25.nonoccurrence_array = None
    return bm25


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
