"""Keep the model's verified answer, or fall back to the extractive one: the decision of LLM mode.

The verifier is the judge: sentences it keeps reach the user whatever the extractive answerer
found. The extractive answer is only a fallback, used when no sentence of the model survives, or
when the model says the sources do not hold the answer while the extractive answer is confident.
When the model declines and the extractive answer is only a weak neighbouring fact, LLM mode
abstains. (A model failure falls back before this: see ``fell_back``.)
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from langchain_core.documents import Document

from assistant.answers import Answer, passage
from assistant.ask.evidence import Evidence
from assistant.ask.extractive import NOT_COVERED
from assistant.llm.verifier import Verification, to_answer

log = logging.getLogger(__name__)

# The extractive answer's best citation score above which it outweighs a model that says the sources
# do not hold the answer; below it the pick is treated as a neighbouring fact and LLM mode abstains.
# Measured on the dev sets, right extractive answers score 0.31-0.91 and near-miss ones 0.65 and up,
# so only the very top of the range outweighs the model's "not in the sources".
CONFIDENT_SCORE = 0.85


def decide(extractive: Answer, evidence: Evidence, checked: Verification, docs: list[Document], standalone: str, t0: float) -> Answer:
    """The answer LLM mode returns, with ``fallback`` saying why when it is the extractive one."""
    # A sentence the verifier only found support for elsewhere (the model cited the wrong passage)
    # shows the model was not reading the evidence: alone, it may be a true sentence that answers
    # something else, so it never makes an answer by itself.
    if any(c.status == "kept" for c in checked.checks):
        answer = to_answer(extractive.question, checked, docs)
    elif checked.says_not_in_sources and not checked.checks:
        if confident(extractive):
            answer = fell_back(extractive, "the model said the sources do not hold the answer, "
                               "but the extractive answer is confident", t0)
        else:
            answer = abstain(extractive, evidence, docs)
    else:
        reason = ("no sentence of the model's answer was supported by the passage it cites" if checked.checks
                  else "the model gave no answer")
        if checked.kept and checked.checks:
            reason = "the model's supported sentences cite other passages than the ones that support them"
        answer = fell_back(extractive, reason, t0)
    if answer.fallback:
        log.info("LLM mode fell back: %s", answer.fallback)
    else:
        answer.retrieval_query = standalone
        answer.passages = [passage(d) for d in docs]
        answer.seconds = round(time.perf_counter() - t0, 4)
    answer.verification = checked.report()
    return answer


def confident(extractive: Answer) -> bool:
    """Is the extractive answer more than a weak neighbouring fact?"""
    return not extractive.abstained and max((c.score for c in extractive.citations), default=0.0) >= CONFIDENT_SCORE


def abstain(extractive: Answer, evidence: Evidence, docs: list[Document]) -> Answer:
    """LLM mode's own abstention: the model and the calibration agree the sources do not say."""
    if extractive.abstained:
        return replace(extractive, mode="llm", fallback=None)
    return replace(extractive, text=NOT_COVERED, abstained=True, citations=[], mode="llm", fallback=None)


def fell_back(extractive: Answer, reason: str | None, t0: float) -> Answer:
    """The extractive answer, marked as the fallback of LLM mode."""
    return replace(extractive, fallback=reason, seconds=round(time.perf_counter() - t0, 4))
