"""Shared fixtures: real model, real Chroma folders under tmp, never the repo's own index/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Nothing may reach a model hub; the embedding model comes from an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DATA = ROOT / "tests" / "data"
SEED_DOC = "japan-ai-chip-investment.md"


@pytest.fixture(autouse=True)
def _hermetic_settings(monkeypatch):
    """ASSISTANT_* variables from the developer's shell must not leak into tests."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def seed_bot(tmp_path_factory):
    """An Assistant over a copy of corpus/, indexed once for the whole session."""
    from assistant import Assistant

    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(CORPUS, root / "corpus")
    bot = Assistant(corpus_dir=root / "corpus", index_dir=root / "index")
    bot.ingest(progress=False)
    bot.warm_up()
    return bot


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"
