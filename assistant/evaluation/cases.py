"""Case sets: JSONL files with one question per line, validated in full before anything is asked.

A line looks like::

    {"id": "q01", "kind": "numeric", "question": "...", "history": [["earlier q", "earlier a"]],
     "answers": [["$65 billion", "65 billion dollars"], ["10 trillion yen"]],
     "evidence": ["exact text from a source document"], "answerable": true,
     "forbidden": ["text that must not appear"]}

Only ``id`` and ``question`` are required. Unknown fields are ignored. Blank lines are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import QuestionSetError

_MAX_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class Case:
    """One question of a set, with what a right answer must (and must not) contain."""

    id: str
    question: str
    kind: str = "general"
    history: list[tuple[str, str]] = field(default_factory=list)
    answers: list[list[str]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    answerable: bool = True
    forbidden: list[str] = field(default_factory=list)
    line: int = 0


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def parse_line(text: str, line: int) -> Case:
    """Parse one JSONL line into a ``Case``; raise ``ValueError`` saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")

    qid = data.get("id")
    if isinstance(qid, int) and not isinstance(qid, bool):
        qid = str(qid)
    if not isinstance(qid, str) or not qid.strip():
        raise ValueError('"id" is missing or not a non-empty string')
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError('"question" is missing or not a non-empty string')
    kind = data.get("kind", "general")
    if not isinstance(kind, str) or not kind.strip():
        raise ValueError('"kind" must be a non-empty string')
    answerable = data.get("answerable", True)
    if not isinstance(answerable, bool):
        raise ValueError('"answerable" must be true or false')

    history = data.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(turn, list) and len(turn) == 2 and all(isinstance(t, str) for t in turn) for turn in history
    ):
        raise ValueError('"history" must be a list of [question, answer] pairs of strings')

    answers = data.get("answers", [])
    if not isinstance(answers, list) or not all(_is_str_list(group) and group for group in answers):
        raise ValueError(
            '"answers" must be a list of groups, each a non-empty list of non-empty strings '
            '(e.g. [["$65 billion", "65 billion dollars"], ["10 trillion yen"]])'
        )
    if answerable and not answers:
        raise ValueError('an answerable question needs at least one group in "answers"')
    for name in ("evidence", "forbidden"):
        if not _is_str_list(data.get(name, [])):
            raise ValueError(f'"{name}" must be a list of non-empty strings')

    return Case(
        id=qid.strip(),
        question=question,
        kind=kind.strip(),
        history=[(q, a) for q, a in history],
        answers=[list(group) for group in answers],
        evidence=list(data.get("evidence", [])),
        answerable=answerable,
        forbidden=list(data.get("forbidden", [])),
        line=line,
    )


def load_cases(path: str | Path) -> list[Case]:
    """Read and validate every line of a question set.

    Every line is checked before returning, so a run never starts on a broken set; all problems
    are reported together in one ``QuestionSetError``, each with its line number.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise QuestionSetError(f"question set {path} does not exist; pass the path of a JSONL file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"cannot read question set {path}: {exc}") from None

    cases: list[Case] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            q = parse_line(text, number)
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if q.id in seen:
            problems.append(f'line {number}: id "{q.id}" repeats line {seen[q.id]}; ids must be unique')
            continue
        seen[q.id] = number
        cases.append(q)

    if not problems and not cases:
        problems.append("the file holds no questions")
    if problems:
        shown = problems[:_MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        tail = f"; and {more} more" if more else ""
        raise QuestionSetError(f"{path}: " + "; ".join(shown) + tail + "; fix these lines and run again")
    return cases


@dataclass
class Outcome:
    """What asking one case produced: an answer dict, or the error it raised."""

    case: Case
    answer: dict | None
    error: str | None
    latency_ms: float | None
