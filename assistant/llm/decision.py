"""Keep the model's verified answer, or fall back to the extractive one: the decision of LLM mode.

The extractive answer is computed first for every question; the model's answer replaces it only
when the verifier kept some of its sentences and they agree with the extractive evidence.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from langchain_core.documents import Document

from assistant.answers import Answer, passage
from assistant.ask.evidence import Evidence
from assistant.ask.questions import type_facts
from assistant.llm.verifier import Verification, to_answer

log = logging.getLogger(__name__)


def decide(extractive: Answer, evidence: Evidence, checked: Verification, docs: list[Document], standalone: str, t0: float) -> Answer:
    """The answer LLM mode returns, with ``fallback`` saying why when it is the extractive one."""
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
        asked = evidence.question.answer_type
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
        result = fell_back(extractive, reason, t0)
        if agreed:
            result.mode = "llm"  # the model and the extractive check agree: the sources do not say
    else:
        answer.retrieval_query = standalone
        answer.passages = [passage(d) for d in docs]
        answer.seconds = round(time.perf_counter() - t0, 4)
        result = answer
    result.verification = checked.counts()
    return result


def fell_back(extractive: Answer, reason: str | None, t0: float) -> Answer:
    """The extractive answer, marked as the fallback of LLM mode."""
    return replace(extractive, fallback=reason, seconds=round(time.perf_counter() - t0, 4))


def _overlaps(a, b) -> bool:
    """Do any two citations cover overlapping text of the same source?"""
    return any(x.source == y.source and x.start < y.end and y.start < x.end for x in a for y in b)
