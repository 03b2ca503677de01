"""Evaluation over question sets: load a JSONL set of cases, ask every one, score, and report.

The data flows load (``cases``) -> ask (``runner``) -> score (``metrics``) -> write (``report``,
``render``); ``cli`` is the thin ``assistant eval`` surface over them.
"""

from assistant.evaluation.cases import Case, load_cases

__all__ = ["Case", "load_cases"]
