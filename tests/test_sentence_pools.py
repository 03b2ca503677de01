"""Sentence vectors pooled from the chunk's token states: exact pooling, the same states from both
backends, stored by the ingest, read back by the answerer with no model call per sentence, and
recomputed (the same vectors) when an index has none."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant import Assistant
from assistant.benchmark.measure import RecordingEmbeddings
from assistant.index.embeddings import DEFAULT_MODEL, load_embeddings
from assistant.index.sentence_pools import ChunkPools, PoolStore, chunk_pools, pool_chunk, pool_key
from assistant.text.sentences import split_sentences

TEXT = ("Chips > Funding. The fund gives 2 trillion yen to the foundry. It opens in 2027 in Hokkaido. "
        "Officials expect 1,000 jobs.")
PREFIX = len("Chips > Funding. ")


@pytest.fixture(scope="module")
def onnx():
    return load_embeddings(DEFAULT_MODEL, "onnx")


def test_pooling_is_the_mean_of_each_sentences_tokens(onnx):
    vector, states, offsets = onnx.inner.embed_tokens([TEXT])[0]
    pools = pool_chunk(TEXT, PREFIX, states, offsets)
    assert pools.spans == [(s.start, s.end) for s in split_sentences(TEXT[PREFIX:], PREFIX)]
    assert len(pools.spans) == 3 and all(pools.counts)
    for row, (a, b) in enumerate(pools.spans, start=1):
        inside = [i for i, (x, y) in enumerate(offsets) if x >= a and y <= b]
        expected = states[inside].mean(axis=0)
        assert np.dot(pools.vector([row]), expected / np.linalg.norm(expected)) > 0.9999
    # Rows combine as the mean over all their tokens (count-weighted), not the mean of the means.
    both = [i for i, (x, y) in enumerate(offsets) if y <= pools.spans[1][1]]
    expected = states[both].mean(axis=0)
    assert np.dot(pools.vector([0, 1, 2]), expected / np.linalg.norm(expected)) > 0.9999
    # The chunk's own vector is the mean over every token, as before.
    assert np.dot(vector, onnx.inner.embed_documents([TEXT])[0]) > 0.99999


def test_torch_and_onnx_give_the_same_token_states(onnx):
    torch_states = load_embeddings(DEFAULT_MODEL, "torch").inner.embed_tokens([TEXT])[0]
    onnx_states = onnx.inner.embed_tokens([TEXT])[0]
    assert torch_states[2] == onnx_states[2]  # the same tokens at the same characters
    cos = (torch_states[1] * onnx_states[1]).sum(1) / (
        np.linalg.norm(torch_states[1], axis=1) * np.linalg.norm(onnx_states[1], axis=1))
    assert cos.min() > 0.999


def test_a_sentence_cut_off_by_truncation_has_no_row(onnx):
    long = "Intro. " + " ".join(f"Sentence number {i} names a fab." for i in range(120))
    vector, states, offsets = onnx.inner.embed_tokens([long])[0]
    pools = pool_chunk(long, 0, states, offsets)
    assert pools.row(*pools.spans[1]) is not None
    assert pools.row(*pools.spans[-1]) is None  # past the model's 256 tokens: embedded as text instead
    assert pools.row(0, 3) is None  # not a sentence of the chunk


def test_the_store_reads_back_what_it_wrote_and_skips_half_written_shards(tmp_path, onnx):
    _, states, offsets = onnx.inner.embed_tokens([TEXT])[0]
    pools = pool_chunk(TEXT, PREFIX, states, offsets)
    store = PoolStore(tmp_path / "pools")
    store.add({"a": pools})
    (tmp_path / "pools" / "killed.npy").write_bytes(b"half a shard")  # its JSON never written
    (tmp_path / "pools" / "broken.json").write_text("{not json")
    again = PoolStore(tmp_path / "pools")
    assert len(again) == 1 and "a" in again
    back = again.get("a")
    assert back.spans == pools.spans and list(back.counts) == list(pools.counts)
    assert np.allclose(back.vector([2]), pools.vector([2]), atol=1e-3)  # stored as float16
    assert again.get("b") is None


def test_compacting_keeps_only_the_live_chunks(tmp_path, onnx):
    _, states, offsets = onnx.inner.embed_tokens([TEXT])[0]
    pools = pool_chunk(TEXT, PREFIX, states, offsets)
    store = PoolStore(tmp_path / "pools")
    for key in "abc":
        store.add({key: pools})
    assert len(list((tmp_path / "pools").glob("*.json"))) == 3
    store.compact({"b", "gone"})
    assert len(store) == 1 and store.get("b").spans == pools.spans
    again = PoolStore(tmp_path / "pools")
    assert len(again) == 1 and "b" in again and "a" not in again
    assert len(list((tmp_path / "pools").glob("*.json"))) == len(list((tmp_path / "pools").glob("*.npy"))) == 1


def test_ingest_stores_pools_for_every_chunk_and_questions_embed_no_sentence(seed_bot):
    index = seed_bot._current()
    store = PoolStore.for_settings(seed_bot.settings)
    assert all(pool_key(text, meta.get("prefix_len", 0)) in store for _, text, meta in index.retriever.chunks)
    embeddings = seed_bot._embeddings
    recorder = RecordingEmbeddings(embeddings.inner)
    embeddings.inner = recorder
    try:
        question = "Which company will make the two-nanometre chips, and where?"
        evidence, cands = seed_bot.explain(question)
    finally:
        embeddings.inner = recorder.inner
    assert cands and not {c.text for c in cands} & set(recorder.texts)
    # What is left is the question (twice at most: as asked and as searched) and single words for
    # near-synonym matching.
    assert len([t for t in recorder.texts if len(t.split()) > 1]) <= 2


def test_an_index_without_pools_pools_at_question_time_to_the_same_vectors(seed_bot, tmp_path):
    question = "How much is the investment package worth?"
    _, stored = seed_bot.explain(question)
    shutil.copytree(seed_bot.settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(seed_bot.settings.index_dir, tmp_path / "index")
    shutil.rmtree(tmp_path / "index" / "pools")
    bot = Assistant(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    seed_bot._embeddings.clear()  # the process-wide cache: nothing remembered from the first bot
    _, pooled_now = bot.explain(question)
    assert not (tmp_path / "index" / "pools").exists()  # read as it was, not ingested again
    assert [c.text for c in pooled_now] == [c.text for c in stored]
    for a, b in zip(stored, pooled_now):
        assert np.dot(a.vector, b.vector) / (np.linalg.norm(a.vector) * np.linalg.norm(b.vector)) > 0.999
        assert abs(a.cosine_ctx - b.cosine_ctx) < 1e-3
    assert bot.ask(question).text == seed_bot.ask(question).text


def test_an_embedder_without_token_states_gets_no_pools(seed_bot):
    class Plain:
        def embed_documents(self, texts):
            return seed_bot._embeddings.embed_documents(texts)

    docs = seed_bot.retrieve("Rapidus", k=2)
    assert chunk_pools(docs, Plain(), None) == [None, None]
    assert isinstance(chunk_pools(docs, seed_bot._embeddings, None)[0], ChunkPools)
