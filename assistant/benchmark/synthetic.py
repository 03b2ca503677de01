"""Corpora for the benchmark: the project's real documents, and synthetic corpora of any size built
from their sentences.

A synthetic corpus is made of markdown files of ``##`` sections, each short enough to be one chunk.
The sections are drawn from a limited pool, so a 100k-chunk corpus holds only a few thousand distinct
chunk texts: the process-wide embedding cache embeds each once, and building 100k chunks costs
what the pool costs plus the store's own work. Retrieval then sees many copies of one text, which
does not change what a question costs: every chunk is still indexed, searched and scored.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

READABLE = {".md", ".txt"}  # sentences are taken from these; html and pdf need their loaders
SECTIONS_PER_FILE = 20
_FRONTMATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_doc_dirs() -> list[Path]:
    """The project's own documents: the dev-set corpora and corpus/ (present in a source checkout)."""
    root = repo_root()
    dirs = sorted((root / "tests" / "data" / "corpora").glob("*/docs")) + [root / "corpus"]
    return [d for d in dirs if d.is_dir()]


def doc_files(dirs: list[Path]) -> list[Path]:
    return [f for d in dirs for f in sorted(d.rglob("*")) if f.is_file() and not f.name.startswith(".")]


def copy_corpus(dirs: list[Path], target: Path, limit: int | None = None) -> Path:
    """The documents of ``dirs`` copied flat into ``target`` (names prefixed by their folder, so two
    corpora's files never collide); ``limit`` keeps the first few, for a quick run."""
    target.mkdir(parents=True, exist_ok=True)
    files = doc_files(dirs)
    if limit:
        files = files[:limit]
    for f in files:
        shutil.copy2(f, target / f"{f.parent.parent.name}--{f.name}")
    return target


def sentences(dirs: list[Path], min_words: int = 6, max_words: int = 60) -> list[str]:
    """Prose sentences of the markdown and text documents (headings, tables and lists left out)."""
    found: dict[str, None] = {}
    for f in doc_files(dirs):
        if f.suffix.lower() not in READABLE:
            continue
        text = _FRONTMATTER.sub("", f.read_text(encoding="utf-8", errors="ignore"))
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            if not para or para[0] in "#|<-*>![" or para.lower().startswith(("title:", "source:", "date:")):
                continue
            for s in _SENTENCE_END.split(para):
                if min_words <= len(s.split()) <= max_words and s[-1] in ".!?\"'":
                    found[s] = None
    return list(found)


def section_pool(source: list[str], size: int, max_chars: int, seed: int = 13) -> list[str]:
    """``size`` distinct sections: a heading made from a sentence's first words and a body of
    sentences recombined at random, kept under ``max_chars`` so each stays one chunk."""
    if not source:
        raise ValueError("no sentences to build a synthetic corpus from")
    rng = random.Random(seed)
    pool: list[str] = []
    for n in range(size):
        head = " ".join(rng.choice(source).split()[:5]).rstrip(".,;:")
        body: list[str] = []
        for s in rng.sample(source, min(len(source), 6)):
            if len(" ".join([*body, s])) + len(head) + 20 > max_chars:
                break
            body.append(s)
        pool.append(f"## {head} ({n})\n\n{' '.join(body or [source[n % len(source)][: max_chars // 2]])}\n")
    return pool


def build_synthetic(target: Path, chunks: int, pool: list[str], seed: int = 13) -> tuple[int, int]:
    """Write about ``chunks`` sections drawn from ``pool`` into markdown files under ``target``.

    Returns (files written, bytes written). The first pass takes the pool in order, so every pool
    entry appears once before any repeats.
    """
    rng = random.Random(seed + chunks)
    target.mkdir(parents=True, exist_ok=True)
    files = total = 0
    for start in range(0, chunks, SECTIONS_PER_FILE):
        count = min(SECTIONS_PER_FILE, chunks - start)
        picks = [pool[(start + i) % len(pool)] if start + i < len(pool) else rng.choice(pool) for i in range(count)]
        text = "\n".join(picks)
        (target / f"doc-{files:06d}.md").write_text(text, encoding="utf-8")
        files += 1
        total += len(text.encode("utf-8"))
    return files, total
