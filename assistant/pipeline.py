"""The ``Assistant``: wires load -> chunk -> embed/store -> retrieve -> answer -> verify -> cite.

It only builds and holds the parts; the work is done in ``index/``, ``ask/`` and ``llm/``.
Construction is cheap; the model and index load on first use (``warm_up``), so surfaces that only
parse arguments stay instant. One instance is safe to share between threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answers import Answer, passage
from assistant.ask.conversation import check_question, parse_history
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.language_models import BaseChatModel
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.vectorstores import VectorStore

    from assistant.ask.candidates import Candidate
    from assistant.ask.evidence import Evidence
    from assistant.ask.extractive import ExtractiveAnswerer
    from assistant.ask.retrieval import HybridRetriever
    from assistant.index.ingest import IngestReport

log = logging.getLogger(__name__)


def _one_blas_thread() -> None:
    """Run numpy's matrix products on one thread. The answerer's are small (a few hundred words by a
    few terms): more BLAS threads only spin waiting for work, and on a two-core machine that spinning
    took half the CPU time of a warm question away from the work itself."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


@dataclass
class _OpenIndex:
    retriever: "HybridRetriever"
    answerer: "ExtractiveAnswerer"
    token: tuple | None  # the live manifest's token when this index was opened


class Assistant:
    """Grounded, cited answers over the documents in ``corpus_dir``.

    ``chat_model`` answers in LLM mode instead of the model ``settings.llm`` names (any LangChain
    ``BaseChatModel``, e.g. one of its fake models in tests).
    """

    def __init__(
        self,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        chat_model: "BaseChatModel | None" = None,
        **overrides,
    ) -> None:
        values = dict(overrides)
        if corpus_dir is not None:
            values["corpus_dir"] = Path(corpus_dir)
        if index_dir is not None:
            values["index_dir"] = Path(index_dir)
        self.settings = settings.model_copy(update=values) if settings else Settings.load(**values)
        self._chat_model = chat_model
        self._lock = threading.RLock()
        self._embeddings = None
        self._index: _OpenIndex | None = None  # retriever + answerer of one collection, swapped whole
        self._retriever = None
        self._answerer = None
        self._generator = None

    @property
    def llm_mode(self) -> bool:
        return bool(self.settings.llm or self._chat_model)

    # --- building --------------------------------------------------------------------------------

    def needs_ingest(self) -> bool:
        """True when the index is missing, stale, or built with other settings."""
        from assistant.index.ingest import needs_ingest

        return needs_ingest(self.settings)

    def ingest(self, rebuild: bool = False, progress: bool = True) -> "IngestReport":
        """Index new and changed corpus files, drop deleted ones.

        Questions asked meanwhile (other threads, other processes) are answered from the old index,
        the first one after the switch-over from the new. Ingests of one index run one at a time.
        """
        from assistant.index.ingest import ingest
        from assistant.index.manifest import token

        # No self._lock here: questions go on while the new collection is built.
        report = ingest(self.settings, rebuild=rebuild, embeddings=self._embeddings, progress=progress)
        # Reopen only when the ingest switched the live index: "nothing changed" leaves it as it was.
        if self._index is not None and token(self.settings.index_dir) != self._index.token:
            with self._lock:
                self._open_index()
        return report

    def warm_up(self) -> None:
        """Load the embedding model and the index now (building the index first if there is none)."""
        if self._index is not None:
            return
        with self._lock:
            if self._index is None:
                self._open_index()

    def _build(self) -> None:
        from assistant.index.ingest import ingest

        ingest(self.settings, embeddings=self._embeddings)

    def _open_index(self) -> None:
        """Open the live index and swap it in whole; questions in flight keep the one they started on."""
        from assistant.ask.extractive import ExtractiveAnswerer
        from assistant.ask.retrieval import HybridRetriever
        from assistant.errors import IndexChangedError
        from assistant.index.embeddings import embeddings_for
        from assistant.index.live import open_live
        from assistant.index.store import store_errors

        if self._embeddings is None:
            self._embeddings = embeddings_for(self.settings)
        _one_blas_thread()
        for attempt in range(2):
            live = open_live(self.settings, self._build)
            retriever = HybridRetriever(
                collection=live.collection, embeddings=self._embeddings, k=self.settings.k, rrf_k=self.settings.rrf_k,
                index_dir=self.settings.index_dir, name=live.manifest.collection,
            )
            try:
                with store_errors(self.settings, "reading the index"):
                    retriever.refresh()
                break
            except IndexChangedError:  # switched and deleted between reading the manifest and the chunks
                if attempt:
                    raise
        answerer = ExtractiveAnswerer(self.settings, self._embeddings)
        answerer.warm_up([text for _, text, _ in retriever.chunks], retriever.word_vectors)
        if retriever.word_vectors is None and self.settings.index_dir is not None:
            from assistant.index.keywords import save_word_vectors

            save_word_vectors(self.settings.index_dir, live.manifest.collection, answerer.builder.word_vectors)
        self._index = _OpenIndex(retriever, answerer, live.token)
        self._retriever, self._answerer, self._generator = retriever, answerer, None

    def _current(self) -> "_OpenIndex":
        """The open index, reopened first when an ingest (in any process) has switched the live manifest.

        The check is one ``stat``; the reopen happens in one thread while the others go on answering
        from the index they have, which stays readable for a generation after it is replaced.
        """
        from assistant.errors import AssistantError
        from assistant.index.manifest import token

        self.warm_up()
        index = self._index
        if token(self.settings.index_dir) != index.token and self._lock.acquire(blocking=False):
            try:
                if self._index is index:
                    try:
                        self._open_index()
                    except AssistantError as exc:
                        log.warning("keeping the index already open: %s", exc)
                        index.token = token(self.settings.index_dir)  # retried when the manifest changes again
            finally:
                self._lock.release()
        return self._index

    def _gather(self, question: str, pairs: list[tuple[str, str]], k: int) -> tuple["_OpenIndex", "Evidence"]:
        """Retrieve against the current index; when an ingest replaced its collection mid-question,
        reopen and retrieve again, so the switch-over never fails a question."""
        from assistant.ask.evidence import gather
        from assistant.errors import IndexChangedError
        from assistant.index.store import store_errors

        index = self._current()
        try:
            with store_errors(self.settings, "searching the index", narrow=True):
                return index, gather(question, pairs, index.retriever, k)
        except IndexChangedError:
            with self._lock:
                if self._index is index:
                    self._open_index()
            index = self._index
            with store_errors(self.settings, "searching the index", narrow=True):
                return index, gather(question, pairs, index.retriever, k)

    # --- asking ----------------------------------------------------------------------------------

    def explain(self, question: str, history: object = None, k: int | None = None) -> "tuple[Evidence, list[Candidate]]":
        """The evidence gathered for ``question`` and every candidate sentence with its measurements
        (what the calibration is fit on, and a way to see why an answer was chosen)."""
        question = check_question(question, self.settings.max_question_chars)
        pairs = parse_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        index, evidence = self._gather(question, pairs, k or self.settings.k)
        stats = index.retriever.stats
        return evidence, index.answerer.builder.build(evidence.question, evidence.query, evidence.pool, stats, evidence.documents)

    def retrieve(self, query: str, k: int | None = None) -> "list[Document]":
        """The ``k`` passages hybrid retrieval finds for ``query`` (what the answerers read first)."""
        from assistant.index.store import store_errors

        index = self._current()
        with store_errors(self.settings, "searching the index", narrow=True):
            return index.retriever.search(query, k or self.settings.k)

    def retriever(self) -> "BaseRetriever":
        """The hybrid retrieval of ``retrieve`` as a LangChain retriever, for composing chains of your own."""
        return self._current().retriever.as_retriever()

    def vector_store(self) -> "VectorStore":
        """The live index's Chroma collection as a LangChain vector store (dense search only), for
        composing chains of your own. It reads the collection as of this call; after an ingest, ask again."""
        from assistant.index.store import open_store

        index = self._current()  # loads the embedding model too, which the store embeds queries with
        return open_store(self.settings, self._embeddings, index.retriever.name)

    def model_passages(self, question: str, history: object = None, k: int | None = None) -> "list[Document]":
        """The passages LLM mode sends the model for ``question``, numbered [1].. in this order (a
        follow-up is searched by the rule-based rewrite here; the model may rewrite it otherwise)."""
        from assistant.llm.passages import passages_for

        question = check_question(question, self.settings.max_question_chars)
        pairs = parse_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        index, evidence = self._gather(question, pairs, self.settings.k)
        standalone = question if not pairs else evidence.query
        return passages_for(index.retriever.as_retriever(), standalone, evidence, k or self.settings.llm_k)

    def ask(self, question: str, history: object = None, k: int | None = None) -> Answer:
        """Answer ``question``; ``history`` holds earlier ``(question, answer)`` turns for follow-ups.

        In LLM mode the answer comes from the model, verified sentence by sentence, or falls back to
        the extractive answer (``mode``, ``fallback``).
        """
        answer = None
        for piece in self.stream(question, history, k):
            if isinstance(piece, Answer):
                answer = piece
        return answer

    def stream(self, question: str, history: object = None, k: int | None = None) -> Iterator[str | Answer]:
        """Yield the answer's text in pieces (the model's tokens in LLM mode), then the final ``Answer``.

        In LLM mode the streamed text is the model's draft; the final ``Answer`` holds only the
        verified sentences, or the extractive answer when it fell back.
        """
        t0 = time.perf_counter()
        question = check_question(question, self.settings.max_question_chars)
        pairs = parse_history(history, self.settings.max_history_turns, self.settings.max_history_chars)
        extractive, evidence = self._extractive(question, pairs, k or self.settings.k, t0)
        if self.llm_mode:
            yield from self._llm(extractive, evidence, pairs, k or self.settings.llm_k, t0)
            return
        words = extractive.text.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        yield extractive

    def _extractive(self, question: str, pairs: list[tuple[str, str]], k: int, t0: float) -> tuple[Answer, "Evidence"]:
        index, evidence = self._gather(question, pairs, k)
        answer = index.answerer.answer(evidence, index.retriever.stats)
        answer.question = question
        answer.retrieval_query = evidence.query
        answer.passages = [passage(d) for d in evidence.passages]
        answer.seconds = round(time.perf_counter() - t0, 4)
        return answer, evidence

    def _llm(self, extractive: Answer, evidence: "Evidence", pairs, k: int, t0: float) -> Iterator[str | Answer]:
        from assistant.llm.decision import decide, fell_back
        from assistant.llm.verifier import Verifier

        generator = self._llm_generator()
        try:
            state = None
            for kind, value in generator.stream(extractive.question, pairs, evidence, k):
                if kind == "token":
                    yield value
                else:
                    state = value
        except Exception as exc:  # noqa: BLE001 - any model failure falls back, with one line in the log
            reason = f"the model failed ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
            log.warning("LLM %s: %s; answering extractively", self.settings.llm, reason)
            yield fell_back(extractive, reason, t0)
            return
        # The word cover caches word vectors; it lives as long as the generator (one open index).
        verifier = Verifier(self._embeddings, self.settings.llm_min_support, self._retriever.stats.proper, generator.cover)
        checked = verifier.verify(state["answer"], state["docs"])
        yield decide(extractive, evidence, checked, state["docs"], state["standalone"], t0)

    def _llm_generator(self):
        with self._lock:
            if self._generator is None:
                from assistant.llm.chain import Generator
                from assistant.llm.model import build_chat_model

                self.warm_up()
                model = self._chat_model or build_chat_model(self.settings)
                from assistant.llm.support import WordCover

                self._generator = Generator(model, self._retriever.as_retriever(), self.settings.llm_timeout)
                self._generator.cover = WordCover(self._embeddings)
            return self._generator
