"""What keeps a question cheap on a small machine gives the same results as the plain computation:
meaning matches from one matrix product per question, the C stemmer, cached word terms, and thread
pools that do not spin while the answerer works."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.ask.matching import SoftMatcher
from assistant.ask.questions import analyse
from assistant.index.embeddings import DEFAULT_MODEL, load_embeddings
from assistant.text.vocabulary import lexicon
from assistant.text.words import content_terms, stem, word_terms

SENTENCES = [
    "The lenders agreed to finance the fabrication plant with a loan of 2 billion euros.",
    "Microchip output at the new foundry will reach 40,000 wafers a month by 2027.",
    "The ministry said the subsidy covers a third of the factory's construction cost.",
    "Officials expect the campus to employ 3,000 engineers once it opens.",
]


@pytest.fixture(scope="module")
def embeddings():
    return load_embeddings(DEFAULT_MODEL, "onnx")


def test_meaning_matches_are_the_plain_cosines(embeddings):
    question = analyse("How much money did the banks lend to build the chip factory?")
    soft = SoftMatcher(embeddings, question, {})
    # Some evidence words known before the question (as the index's saved word vectors are), some not.
    soft.prepare(lexicon(SENTENCES[0]).values(), embed=True)
    matched_any = False
    for sentence in SENTENCES:
        got = soft.matches(lexicon(sentence))
        words = [w for w in lexicon(sentence).values() if not w.isdigit()]
        vectors = np.asarray(embeddings.embed_documents(words))
        for t in question.all_terms:
            if t in lexicon(sentence):
                assert got[t] == 1.0
            elif t in got and got[t] < 0.9:  # matched by meaning: the best cosine of any of the sentence's words
                matched_any = True
                query = np.asarray(embeddings.embed_query(question.surface[t]))
                assert got[t] == pytest.approx(float((vectors @ query).max()), abs=1e-6)
                assert got[t] >= SoftMatcher.NEAR
    assert matched_any  # "lenders" for "banks" at least


def test_the_c_stemmer_gives_the_snowball_stems():
    import snowballstemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    assert type(snowballstemmer.stemmer("english")).__module__ == "Stemmer"  # PyStemmer is installed and used
    plain = EnglishStemmer()
    words = "semiconductors subsidising fabrication manufacturers generously gigawatts nationalisation ran running".split()
    assert [stem(w) for w in words] == [plain.stemWord(w) for w in words]


def test_word_terms_are_the_content_terms_of_a_word():
    for word in ("10-trillion-yen", "AI-powered", "Chips", "the", "2nm", "state-of-the-art"):
        assert word_terms(word) == frozenset(content_terms(word))


def test_no_spinning_thread_pools_while_answering(seed_bot):
    from threadpoolctl import threadpool_info

    seed_bot.ask("How much is the package?")
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
    model = seed_bot._embeddings.inner  # the default backend: onnxruntime
    options = model.session.get_session_options()
    assert options.intra_op_num_threads == 1  # each model call on its caller's thread: no pool left to spin
