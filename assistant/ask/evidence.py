"""Gather the evidence for one question: resolve it against the conversation, retrieve a pool of
passages (more for each part of a multi-part question), and mask instructions inside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.documents import Document

from assistant.answers import chunk_body
from assistant.ask.conversation import History, resolve
from assistant.ask.noise import split_context, strip_noise
from assistant.ask.parts import parts_of
from assistant.ask.questions import ParsedQuestion
from assistant.ask.retrieval import CorpusStats, HybridRetriever
from assistant.ask.scope import find_publisher
from assistant.ask.untrusted import mask_instructions
from assistant.text.names import name_runs

SCOPED_FETCH = 60  # passages read to find a scoped publisher's best ones

_index_cache: dict[int, tuple[frozenset[str], dict[str, str]]] = {}


def _index_facts(retriever: HybridRetriever) -> tuple[frozenset[str], dict[str, str]]:
    """The publishers the index's documents name, and each source's whole indexed text, lower-cased:
    its chunks' text put back at their offsets (so a sentence's paragraph reads as written, across
    chunk boundaries), then their heading prefixes (computed once per loaded index; the retriever
    replaces its chunk list when it reloads)."""
    key = id(retriever.chunks)
    cached = _index_cache.get(key)
    if cached is None:
        bodies: dict[str, list[tuple[int, str]]] = {}
        prefixes: dict[str, dict[str, None]] = {}
        for _, text, meta in retriever.chunks:
            cut = meta.get("prefix_len", 0)
            bodies.setdefault(meta["source"], []).append((meta.get("start", 0), text[cut:]))
            prefixes.setdefault(meta["source"], {})[text[:cut]] = None
        publishers = frozenset(m.get("publisher", "") for _, _, m in retriever.chunks) - {""}
        cached = (publishers, {source: (_assemble(parts) + "\n\n" + "\n".join(prefixes[source])).lower()
                               for source, parts in bodies.items()})
        _index_cache.clear()
        _index_cache[key] = cached
    return cached


def _assemble(parts: list[tuple[int, str]]) -> str:
    """A source's text from its chunks' bodies and start offsets (chunks overlap; a gap stays blank),
    so that character ``i`` is the source's character ``i``. Built in one join: a 30 MB file has
    tens of thousands of chunks."""
    pieces: list[str] = []
    end = 0
    for start, body in sorted(parts):
        if start + len(body) > end:
            pieces.append(" " * (start - end) + body if start >= end else body[end - start :])
            end = start + len(body)
    return "".join(pieces)


@dataclass
class Evidence:
    question: ParsedQuestion   # the question, resolved against the conversation
    query: str                 # what retrieval searched with
    passages: list[Document]   # the k best passages, reported with the answer
    pool: list[Document]       # the wider pool the answerer reads, instructions masked
    parts: list[tuple[ParsedQuestion, str]] = field(default_factory=list)  # multi-part: (part, its query)
    documents: dict[str, str] = field(default_factory=dict)  # source -> its whole indexed text, lower-cased
    stats: CorpusStats | None = None  # term statistics of the index it was gathered from
    publisher: str | None = None  # the publisher the question is scoped to ("According to X, ...")


def gather(question: str, history: History, retriever: HybridRetriever, k: int) -> Evidence:
    """Retrieve what ``question`` needs; the answerer ranks sentences itself, so it reads 2k passages.

    A question scoped to a publisher ("According to X, ...") reads only that publisher's passages.
    """
    publishers, documents = _index_facts(retriever)
    context, asked = split_context(strip_noise(question))
    publisher, asked = find_publisher(asked, publishers)
    # Statements typed before the question are its latest turn when they name what it may refer to.
    if context and name_runs(context, retriever.stats.proper):
        history = [*history, (context, "")]
    parsed, query = resolve(asked, history, retriever.stats.proper)
    if publisher:
        pool = [d for d in retriever.search(query, SCOPED_FETCH) if d.metadata.get("publisher") == publisher][: 2 * k]
    else:
        pool = retriever.search(query, 2 * k)
    passages = pool[:k]
    parts = parts_of(parsed, query, retriever.stats.proper)
    seen = {(d.metadata["source"], d.metadata["start"]) for d in pool}
    queries = []
    for part, part_query in parts:
        queries.append(part_query)
        if part.names and part.text != part_query:
            # A part naming its own subject is also searched alone: beside the whole question, its
            # own passages may rank below the other part's.
            queries.append(part.text)
    for part_query in queries:
        for doc in retriever.search(part_query, k):
            key = (doc.metadata["source"], doc.metadata["start"])
            if key not in seen:
                seen.add(key)
                pool.append(doc)
    # Instructions inside documents are data, never answers.
    masked = [mask_instructions(d) for d in pool]
    # A passage that was nothing but instructions holds no evidence; it must not take a place in the pool.
    masked = [d for d in masked if chunk_body(d).strip()]
    return Evidence(parsed, query, passages, masked, parts, documents, retriever.stats, publisher)
