"""The keyword index saved with its collection (issue 13): written by the ingest before the switch,
loaded on open, rebuilt when missing or damaged, deleted with its collection; the frequent words'
vectors saved with it; and the unchanged ingest that need not open Chroma."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS

from assistant import Assistant
from assistant.index import verified
from assistant.index.ingest import ingest
from assistant.index.keywords import KEYWORDS, WORDS, KeywordIndex
from assistant.index.manifest import Manifest
from assistant.index.store import all_chunks, chroma_client
from assistant.settings import Settings

QUESTIONS = [
    "How much is Japan investing in AI and chips?",
    "Where is the Rapidus plant?",
    "How many engineers did the Kumamoto plant hire?",
]


@pytest.fixture
def indexed(tmp_path) -> tuple[Settings, Manifest]:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    (tmp_path / "corpus" / "notes.txt").write_text(
        "Field notes\n\nThe Kumamoto plant hired 1,700 engineers in its first year.\n", encoding="utf-8"
    )
    settings = Settings.load(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    ingest(settings, progress=False, log=lambda msg: None)
    return settings, Manifest.load(settings.index_dir)


def _ranked(bot: Assistant) -> list[list[tuple[str, int, float]]]:
    return [
        [(d.metadata["source"], d.metadata["start"], d.metadata["score"]) for d in bot.retrieve(q)] for q in QUESTIONS
    ]


def test_the_ingest_saves_the_keyword_index_of_the_collection_it_switches_to(indexed):
    settings, live = indexed
    folder = settings.index_dir / KEYWORDS / live.collection
    assert [p.name for p in (settings.index_dir / KEYWORDS).iterdir()] == [live.collection]
    stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    assert stats["n"] == live.chunk_count() and "kumamoto" in stats["df"]
    # What the reader loads describes exactly the collection's chunks, in their order.
    chunks = all_chunks(chroma_client(settings).get_collection(live.collection))
    loaded = KeywordIndex.load(settings.index_dir, live.collection, chunks)
    assert loaded is not None and loaded.stats.df == KeywordIndex.build(chunks).stats.df
    assert KeywordIndex.load(settings.index_dir, live.collection, chunks[1:]) is None  # other chunks: not used


@pytest.mark.parametrize("damage", ["missing", "damaged", "other tokeniser"])
def test_a_missing_or_damaged_keyword_index_is_rebuilt_on_open_with_the_same_rankings(indexed, damage):
    settings, live = indexed
    before = _ranked(Assistant(settings=settings))
    folder = settings.index_dir / KEYWORDS / live.collection
    stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    if damage == "missing":
        shutil.rmtree(folder)
    elif damage == "damaged":
        (folder / "data.csc.index.npy").write_bytes(b"not numpy")
    else:
        (folder / "stats.json").write_text(json.dumps({**stats, "fingerprint": "other"}), encoding="utf-8")
    after = _ranked(Assistant(settings=settings))
    assert after == before and any(after)
    # Saved again, whole: the next reader loads it.
    assert json.loads((folder / "stats.json").read_text(encoding="utf-8"))["fingerprint"] == stats["fingerprint"]
    chunks = all_chunks(chroma_client(settings).get_collection(live.collection))
    assert KeywordIndex.load(settings.index_dir, live.collection, chunks) is not None


def test_keyword_files_go_with_their_collection(indexed):
    settings, first = indexed
    notes = settings.corpus_dir / "notes.txt"
    for n in ("2,400", "3,100"):
        text = f"Field notes\n\nThe Kumamoto plant hired {n} engineers in its first year.\n"
        notes.write_text(text, encoding="utf-8")
        ingest(settings, progress=False, log=lambda msg: None)
    live = Manifest.load(settings.index_dir)
    kept = {p.name for p in (settings.index_dir / KEYWORDS).iterdir()}
    assert kept == {live.collection, live.previous} and first.collection not in kept
    assert "3,100" in Assistant(settings=settings).ask(QUESTIONS[2]).text


def test_an_unchanged_ingest_trusts_the_store_only_while_nothing_wrote_to_it(indexed):
    settings, live = indexed
    assert verified.unchanged(settings, live.collection)
    report = ingest(settings, progress=False, log=lambda msg: None)
    assert report.embedded == 0 and report.chunks == live.chunk_count()
    assert sorted(report.unchanged) == sorted(live.indexed())
    # A record deleted behind the manifest's back: the stamp no longer matches, and the full check repairs it.
    collection = chroma_client(settings).get_collection(live.collection)
    collection.delete(ids=live.files["notes.txt"]["ids"])
    assert not verified.unchanged(settings, live.collection)
    lines: list[str] = []
    report = ingest(settings, progress=False, log=lines.append)
    assert report.embedded == len(live.files["notes.txt"]["ids"]) and any("does not match" in line for line in lines)
    assert verified.unchanged(settings, Manifest.load(settings.index_dir).collection)


def test_a_chroma_server_is_never_trusted_by_stamp(tmp_path):
    settings = Settings.load(corpus_dir=tmp_path, index_dir=tmp_path / "index", chroma_url="http://127.0.0.1:9")
    assert verified.stamp(settings, "any") is None and not verified.unchanged(settings, "any")


def test_a_large_corpus_is_read_page_by_page(indexed, monkeypatch):
    from assistant.index import store

    settings, live = indexed
    monkeypatch.setattr(store, "PAGE", 2)  # several pages even for the seed corpus
    chunks = all_chunks(chroma_client(settings).get_collection(live.collection))
    assert len(chunks) == live.chunk_count() and len({c[0] for c in chunks}) == len(chunks)
    assert store.stored_ids(chroma_client(settings).get_collection(live.collection)) == live.ids()


def test_the_first_reader_saves_the_frequent_words_vectors_and_later_readers_read_them(indexed):
    settings, manifest = indexed
    words_file = settings.index_dir / KEYWORDS / manifest.collection / WORDS
    assert not words_file.exists()  # the ingest leaves them to the first reader

    first = Assistant(settings=settings)
    first.warm_up()
    assert first._current().retriever.word_vectors is None and words_file.is_file()
    answers = [first.ask(q).text for q in QUESTIONS]

    later = Assistant(settings=settings)
    later.warm_up()
    saved = later._current().retriever.word_vectors
    assert saved and "kumamoto" in saved
    # the saved vectors are the ones a reader computes, to the last bit of their float32
    from assistant.text.vocabulary import word_vectors

    for w, v in word_vectors(["kumamoto", "engineers"], later._embeddings).items():
        assert (saved[w] == v.astype("float32").astype("float64")).all()
    assert [later.ask(q).text for q in QUESTIONS] == answers

    # a damaged file is ignored: the reader computes them again and answers the same
    words_file.write_bytes(b"not a numpy file")
    other = Assistant(settings=settings)
    other.warm_up()
    assert other._current().retriever.word_vectors is None
    assert [other.ask(q).text for q in QUESTIONS] == answers
    assert KeywordIndex.load(settings.index_dir, manifest.collection, other._current().retriever.chunks).word_vectors


def test_the_langchain_views_search_the_live_index(seed_bot):
    # The answerers search the collection directly; chains of one's own get LangChain's own types.
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.vectorstores import VectorStore

    question = "How many engineers did the Kumamoto plant hire?"
    retriever = seed_bot.retriever()
    assert isinstance(retriever, BaseRetriever)
    assert [d.metadata["start"] for d in retriever.invoke(question, k=3)] == [
        d.metadata["start"] for d in seed_bot.retrieve(question, 3)
    ]
    # asked first of a new Assistant, before any question has loaded the model
    store = Assistant(corpus_dir=seed_bot.settings.corpus_dir, index_dir=seed_bot.settings.index_dir).vector_store()
    assert isinstance(store, VectorStore)
    dense = store.similarity_search_with_score(question, k=3)
    best = max(seed_bot.retrieve(question, 7), key=lambda d: d.metadata["dense"])
    assert dense[0][0].metadata["start"] == best.metadata["start"]
    assert abs((1.0 - dense[0][1]) - best.metadata["dense"]) < 1e-4
