"""Incremental ingest into a real Chroma folder with the real embedding model."""

import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.index.store import Manifest


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    import shutil

    from conftest import CORPUS

    root = tmp_path_factory.mktemp("ingest")
    shutil.copytree(CORPUS, root / "corpus")
    bot = Assistant(corpus_dir=root / "corpus", index_dir=root / "index")
    first = bot.ingest(progress=False)
    return root, bot, first


def test_first_ingest_embeds_everything(work):
    _, _, first = work
    assert first.added == ["japan-ai-chip-investment.md"]
    assert first.chunks == first.embedded > 0


def test_unchanged_reingest_embeds_nothing(work, record_property):
    root, _, first = work
    fresh = Assistant(corpus_dir=root / "corpus", index_dir=root / "index")  # a new process would start like this
    t0 = time.perf_counter()
    report = fresh.ingest(progress=False)
    record_property("unchanged_reingest_seconds", round(time.perf_counter() - t0, 3))
    assert report.embedded == 0 and report.unchanged == ["japan-ai-chip-investment.md"]
    assert report.chunks == first.chunks


def test_add_modify_delete(work):
    root, bot, first = work
    corpus = root / "corpus"
    (corpus / "notes.txt").write_text("Field notes\n\nThe Kumamoto plant hired 1,700 engineers in its first year.\n", encoding="utf-8")
    added = bot.ingest(progress=False)
    assert added.added == ["notes.txt"] and added.embedded == 1
    assert bot.ask("How many engineers did the Kumamoto plant hire?").citations[0].source == "notes.txt"

    (corpus / "notes.txt").write_text("Field notes\n\nThe Kumamoto plant hired 2,400 engineers in its first year.\n", encoding="utf-8")
    updated = bot.ingest(progress=False)
    assert updated.updated == ["notes.txt"] and updated.embedded == 1
    assert "2,400" in bot.ask("How many engineers did the Kumamoto plant hire?").text

    (corpus / "notes.txt").unlink()
    removed = bot.ingest(progress=False)
    assert removed.removed == ["notes.txt"] and removed.embedded == 0
    assert removed.chunks == first.chunks
    assert bot.ask("How many engineers did the Kumamoto plant hire?").abstained


def test_bad_file_is_skipped_with_reason_and_the_rest_ingests(tmp_path: Path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nThe Yokohama lab opened in 2026 with 40 researchers.\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "bad.txt").write_bytes("caf\xe9".encode("latin-1") * 10)
    (corpus / "blob.md").write_bytes(b"\x00\x01binary\x00")
    report = Assistant(corpus_dir=corpus, index_dir=tmp_path / "index").ingest(progress=False)
    assert report.added == ["good.md"]
    assert set(report.skipped) == {"empty.txt", "bad.txt", "blob.md"}
    assert "UTF-8" in report.skipped["bad.txt"] and "empty" in report.skipped["empty.txt"]
    assert "skipped bad.txt" in capsys.readouterr().err


def test_changed_settings_rebuild_instead_of_mixing(work, tmp_path):
    root, _, _ = work
    bot = Assistant(corpus_dir=root / "corpus", index_dir=root / "index", chunk_size=400)
    report = bot.ingest(progress=False)
    assert report.rebuilt and report.embedded == report.chunks
    manifest = Manifest.load(root / "index")
    assert manifest.signature["chunk_size"] == 400
    # and back: the old settings rebuild again rather than reuse 400-character vectors
    back = Assistant(corpus_dir=root / "corpus", index_dir=root / "index").ingest(progress=False)
    assert back.rebuilt


def test_rebuild_flag_starts_fresh(work):
    root, _, _ = work
    report = Assistant(corpus_dir=root / "corpus", index_dir=root / "index").ingest(rebuild=True, progress=False)
    assert report.rebuilt and report.embedded == report.chunks


def test_ask_without_index_builds_it(tmp_path, corpus_copy):
    bot = Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "fresh-index")
    answer = bot.ask("How much did TSMC's factory in southern Japan cost?")
    assert "8.6 billion" in answer.text
    assert (tmp_path / "fresh-index" / "manifest.json").exists()


def test_every_change_builds_a_new_collection_and_the_old_one_lives_one_generation(tmp_path, corpus_copy):
    from assistant.index import store
    from assistant.index.ingest import needs_ingest
    from assistant.index.manifest import token

    bot = Assistant(corpus_dir=corpus_copy, index_dir=tmp_path / "index")
    bot.ingest(progress=False)
    names = [Manifest.load(tmp_path / "index").collection]
    for n in (1, 2):
        (corpus_copy / "notes.txt").write_text(f"Notes\n\nThe Kumamoto plant hired {n},700 engineers.\n", encoding="utf-8")
        assert needs_ingest(bot.settings)
        assert bot.ingest(progress=False).embedded == 1  # the seed article's vectors are copied, not embedded
        live = Manifest.load(tmp_path / "index")
        assert live.collection not in names and live.previous == names[-1]
        names.append(live.collection)
    client = store.chroma_client(bot.settings)
    assert set(store.collection_names(client, bot.settings)) == set(names[-2:])  # readers of the last one finish
    before = token(tmp_path / "index")
    assert bot.ingest(progress=False).embedded == 0 and token(tmp_path / "index") == before  # nothing changed, nothing written
    assert not needs_ingest(bot.settings)


def test_the_model_embeds_a_batch_while_the_one_before_is_stored(tmp_path, monkeypatch):
    import shutil

    from conftest import CORPUS

    from assistant.index import build as build_module

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.setattr(build_module, "BATCH", 2)
    spans: dict[str, list[tuple[float, float]]] = {"embed": [], "store": []}

    def timed(kind, real):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                spans[kind].append((start, time.perf_counter()))
        return run

    monkeypatch.setattr(build_module, "_embed", timed("embed", build_module._embed))
    monkeypatch.setattr(build_module.Build, "_store", timed("store", build_module.Build._store))
    bot = Assistant(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = bot.ingest(progress=False)
    assert len(spans["embed"]) == len(spans["store"]) == -(-report.chunks // 2) >= 3
    # Batch n+1's model pass starts before batch n is stored, and the batches are stored in order.
    assert all(spans["embed"][n + 1][0] < spans["store"][n][1] for n in range(len(spans["store"]) - 1))
    assert not bot.needs_ingest() and report.embedded == report.chunks
    assert "8.6 billion" in bot.ask("How much did TSMC's factory in southern Japan cost?").text
