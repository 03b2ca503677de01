"""The passages LLM mode sends to the model: several rankings fused, then spread over documents.

A model can compare two reports or join two facts only when both passages are in its prompt. The
extractive answerer's evidence pool already holds the passages for each part of a multi-part
question and for a publisher the question names; the model's own standalone question (it may have
rewritten a follow-up) adds its ranking. Fused by reciprocal rank, the best passage of each of the
best few documents is taken first, then the rest by rank, so one long report cannot fill the
prompt on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.answers import chunk_body
from assistant.ask.evidence import Evidence
from assistant.ask.untrusted import mask_instructions

RRF_K = 60


def _key(doc: Document) -> tuple[str, int]:
    return doc.metadata["source"], doc.metadata["start"]


def select_passages(rankings: Sequence[Sequence[Document]], k: int, documents: int | None = None) -> list[Document]:
    """The ``k`` best passages of ``rankings`` (each best first), fused by reciprocal rank.

    The best passage of each of the ``documents`` best documents (default: a third of ``k``) gets a
    seat first, then the rest go by fused rank whatever their document: a comparison sees each
    report, and a lead paragraph is not pushed out by a cap on its own report. Instructions inside
    passages are blanked (offsets kept)."""
    documents = documents if documents is not None else max(2, k // 3)
    fused: dict[tuple[str, int], float] = {}
    docs: dict[tuple[str, int], Document] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            key = _key(doc)
            docs.setdefault(key, doc)
            fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
    order = sorted(fused, key=lambda key: -fused[key])
    taken: list[tuple[str, int]] = []
    seen: set[str] = set()
    for key in order:
        if len(seen) >= documents or len(taken) >= k:
            break
        if key[0] not in seen:
            seen.add(key[0])
            taken.append(key)
    taken += [key for key in order if key not in taken][: k - len(taken)]
    taken.sort(key=lambda key: -fused[key])
    chosen = [mask_instructions(docs[key]) for key in taken]
    return [d for d in chosen if chunk_body(d).strip()]


def passages_for(retriever: BaseRetriever, standalone: str, evidence: Evidence, k: int) -> list[Document]:
    """The ``k`` passages sent to the model for ``standalone`` (its own rewrite of a follow-up, else
    the question), drawn also from the extractive ``evidence`` gathered for the same question."""

    def search(query: str, n: int) -> list[Document]:
        found = retriever.invoke(query, k=n)
        if evidence.publisher:
            found = [d for d in found if d.metadata.get("publisher") == evidence.publisher]
        return found

    # One ranking per part of a multi-part question, so each part's best passage gets in; a part
    # with words of its own also searches by them alone, since the whole question around it pulls
    # towards the other part's documents.
    rankings = [search(standalone, 2 * k), evidence.pool[: 2 * k]]
    for part, part_query in evidence.parts:
        rankings.append(search(part_query, k))
        if len(part.terms) >= 2:
            rankings.append(search(part.text, k))
    return select_passages(rankings, k)
