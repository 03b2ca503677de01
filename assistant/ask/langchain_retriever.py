"""The hybrid search as a LangChain ``BaseRetriever``, for chains (the LLM mode's) and Python users.

Kept apart from ``retrieval`` so the offline answerer, which calls the search directly, never
imports LangChain's retriever module and the tracing it brings.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class LangChainRetriever(BaseRetriever):
    """``invoke(query, k=...)``: the ``k`` best chunks of the hybrid ``search`` (``retrieval.HybridRetriever``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    search: Any

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        return self.search.search(query, k)
