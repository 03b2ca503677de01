"""Evaluation over question sets: load a JSONL set, ask every question, score, and report.

The data flows load (``questions``) -> ask (``runner``) -> score (``metrics``) -> write (``report``);
``cli`` is the thin ``assistant eval`` surface over them.
"""

from assistant.evaluation.questions import Question, load_questions

__all__ = ["Question", "load_questions"]
