"""The ``Assistant``: one object over the whole path, load -> chunk -> embed/store -> retrieve -> answer -> cite.

Construction is cheap; the model and index load on first use (``warm_up``), so surfaces that only
parse arguments stay instant. One instance is safe to share between threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from assistant.answers import Answer
from assistant.errors import InvalidQuestionError
from assistant.settings import Settings

log = logging.getLogger(__name__)


class Assistant:
    """Grounded, cited answers over the documents in ``corpus_dir``."""

    def __init__(
        self,
        corpus_dir: str | Path | None = None,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        **overrides,
    ) -> None:
        values = dict(overrides)
        if corpus_dir is not None:
            values["corpus_dir"] = Path(corpus_dir)
        if index_dir is not None:
            values["index_dir"] = Path(index_dir)
        self.settings = settings.model_copy(update=values) if settings else Settings(**values)
        self._lock = threading.RLock()
        self._embeddings = None
        self._store = None
        self._retriever = None
        self._answerer = None
        self._generator = None

    # --- building --------------------------------------------------------------------------------

    def needs_ingest(self) -> bool:
        """True when the index is missing, stale, or built with other settings."""
        from assistant.ingest import needs_ingest

        return needs_ingest(self.settings)

    def ingest(self, rebuild: bool = False, progress: bool = True):
        """Index new and changed corpus files, drop deleted ones; returns an ``IngestReport``."""
        from assistant.ingest import ingest

        with self._lock:
            # The model loads only when something needs embedding, so an up-to-date index is quick.
            report = ingest(self.settings, rebuild=rebuild, embeddings=self._embeddings, progress=progress)
            if self._retriever is not None:
                self._open_index()
            return report

    def warm_up(self) -> None:
        """Load the embedding model and the index now (building the index first if there is none)."""
        with self._lock:
            if self._retriever is not None:
                return
            from assistant.ingest import index_usable, ingest
            from assistant.store import Manifest

            if not index_usable(self.settings, Manifest.load(self.settings.index_dir)):
                ingest(self.settings, embeddings=self._embeddings)
            self._open_index()

    def _load_embeddings(self):
        if self._embeddings is None:
            from assistant.embeddings import load_embeddings

            self._embeddings = load_embeddings(self.settings.embedding_model)
        return self._embeddings

    def _open_index(self) -> None:
        from assistant.answering import ExtractiveAnswerer
        from assistant.retrieval import HybridRetriever
        from assistant.store import open_store

        self._store = open_store(self.settings, self._load_embeddings())
        retriever = HybridRetriever(store=self._store, embeddings=self._embeddings, k=self.settings.k, rrf_k=self.settings.rrf_k)
        retriever.refresh()
        self._retriever = retriever
        self._generator = None
        answerer = ExtractiveAnswerer(self.settings, self._embeddings)
        answerer.warm_up([text for _, text, _ in retriever.chunks])
        self._answerer = answerer

    # --- asking ----------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[tuple[str, str]] | None = None, k: int | None = None) -> Answer:
        """Answer ``question`` (with earlier ``(question, answer)`` turns for follow-ups).

        With ``settings.llm`` set the answer comes from the model, verified sentence by sentence,
        or falls back to the extractive answer (``mode``, ``fallback``).
        """
        if not self.settings.llm:
            return self._extractive(question, history, k)
        answer = None
        for piece in self._llm_stream(question, history, k):
            if isinstance(piece, Answer):
                answer = piece
        return answer

    def stream(
        self, question: str, history: Sequence[tuple[str, str]] | None = None, k: int | None = None
    ) -> Iterator[str | Answer]:
        """Yield the answer's text in pieces (the model's tokens in LLM mode), then the final ``Answer``.

        In LLM mode the streamed text is the model's draft; the final ``Answer`` holds only the
        verified sentences, or the extractive answer when it fell back.
        """
        if self.settings.llm:
            yield from self._llm_stream(question, history, k)
            return
        answer = self._extractive(question, history, k)
        words = answer.text.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        yield answer

    def _llm_stream(self, question, history, k) -> Iterator[str | Answer]:
        from assistant.questions import answer_type, type_facts
        from assistant.verification import Verifier, to_answer

        t0 = time.perf_counter()
        extractive = self._extractive(question, history, k)
        generator = self._llm_generator()
        k = k or self.settings.k
        try:
            state = None
            for kind, value in generator.stream(extractive.question, _pairs(history), extractive.retrieval_query, k):
                if kind == "token":
                    yield value
                else:
                    state = value
        except Exception as exc:  # noqa: BLE001 - any model failure falls back, with one line in the log
            reason = f"the model failed ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
            log.warning("LLM %s: %s; answering extractively", self.settings.llm, reason)
            yield _fell_back(extractive, reason, t0)
            return
        docs = state["docs"]
        verifier = Verifier(self._embeddings, self.settings.llm_min_support, self._retriever.stats.proper)
        checked = verifier.verify(state["answer"], docs)
        counts = checked.counts()
        answer = to_answer(extractive.question, checked, docs) if checked.kept else None
        reason = None
        agreed = extractive.abstained and answer is None and checked.says_not_in_sources and not checked.checks
        if extractive.abstained:
            if not agreed:
                reason = "the extractive check finds no answer in the sources, so the model's answer was not used"
        elif answer is None:
            reason = (
                "the model said the sources do not hold the answer"
                if checked.says_not_in_sources and not checked.checks
                else "no sentence of the model's answer was supported by the passage it cites"
            )
        else:
            asked = answer_type(extractive.question)
            wanted = [f.lower() for f in type_facts(asked, extractive.text)] if asked else []
            if wanted and not any(f in answer.text.lower() for f in wanted):
                reason = "the model's answer does not give the fact the extractive answer found"
            elif not _overlaps(answer.citations, extractive.citations):
                # A verified sentence can still answer another question: it must rest on the evidence
                # the extractive answerer judged best.
                reason = "the model's answer rests on other passages than the best evidence"
        if reason or answer is None:
            if reason:
                log.info("LLM mode fell back: %s", reason)
            result = _fell_back(extractive, reason, t0)
            if agreed:
                result.mode = "llm"  # the model and the extractive check agree: the sources do not say
        else:
            answer.retrieval_query = state["standalone"]
            answer.passages = [_passage(d) for d in docs]
            answer.seconds = round(time.perf_counter() - t0, 4)
            result = answer
        result.verification = counts
        yield result

    def _llm_generator(self):
        with self._lock:
            if self._generator is None:
                from assistant.generation import Generator
                from assistant.llm import build_chat_model

                self.warm_up()
                self._generator = Generator(build_chat_model(self.settings), self._retriever, self.settings.llm_timeout)
            return self._generator

    def _extractive(self, question: str, history, k: int | None) -> Answer:
        from assistant.conversation import resolve
        from assistant.questions import analyse, split_parts
        from assistant.untrusted import mask_instructions

        t0 = time.perf_counter()
        question = self._validate(question)
        self.warm_up()
        retriever, answerer = self._retriever, self._answerer
        parsed, query = resolve(question, _pairs(history), retriever.stats.proper)
        k = k or self.settings.k
        # The answerer ranks sentences itself, so it reads a wider pool than the k passages reported.
        pool = retriever.search(query, 2 * k)
        docs = pool[:k]
        parts = split_parts(question)
        part_queries = []
        if len(parts) > 1:
            for text in parts:
                part = analyse(text, retriever.stats.proper)
                part.carried = [t for t in parsed.all_terms if t not in part.terms]
                part_query = f"{text} ({query})"
                part_queries.append((part, part_query))
                pool += [d for d in retriever.search(part_query, k) if all(d.metadata != p.metadata for p in pool)]
        # Instructions inside documents are data, never answers.
        pool = [mask_instructions(d) for d in pool]
        answer = answerer.answer(parsed, query, pool, retriever.stats, part_queries)
        answer.question = question
        answer.retrieval_query = query
        answer.passages = [_passage(d) for d in docs]
        answer.seconds = round(time.perf_counter() - t0, 4)
        return answer

    def _validate(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InvalidQuestionError("the question is empty: type a question about the documents")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidQuestionError(
                f"the question is {len(question)} characters long; keep it under {limit} (ask about one thing at a time)"
            )
        return question.strip()


def _fell_back(extractive: Answer, reason: str | None, t0: float) -> Answer:
    return replace(extractive, fallback=reason, seconds=round(time.perf_counter() - t0, 4))


def _overlaps(a, b) -> bool:
    """Do any two citations cover overlapping text of the same source?"""
    return any(x.source == y.source and x.start < y.end and y.start < x.end for x in a for y in b)


def _pairs(history) -> list[tuple[str, str]]:
    """Accept (question, answer) pairs as tuples or lists (JSON gives lists)."""
    out = []
    for turn in history or []:
        if isinstance(turn, (list, tuple)) and len(turn) == 2:
            out.append((str(turn[0] or ""), str(turn[1] or "")))
    return out


def _passage(doc) -> dict:
    meta = doc.metadata
    return {
        "source": meta["source"],
        "title": meta.get("title", ""),
        "heading": meta.get("heading", ""),
        "start": meta["start"],
        "end": meta["end"],
        "text": doc.page_content[meta.get("prefix_len", 0):],
        "score": meta.get("score", 0.0),
        "page": meta.get("page") or None,
    }
