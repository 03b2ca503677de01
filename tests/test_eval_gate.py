"""The CI gate: the dev set ``tests/data/questions.jsonl`` must stay at or above the floors in
``tests/data/eval_floors.json`` (the one place the floors are kept)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.evaluation.metrics import check_floors
from assistant.evaluation.runner import evaluate

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "tests" / "data" / "questions.jsonl"
FLOORS = ROOT / "tests" / "data" / "eval_floors.json"


def test_dev_set_meets_the_floors(tmp_path):
    floors = json.loads(FLOORS.read_text())
    assert {"answer_accuracy", "citation_accuracy", "abstention_accuracy"} <= set(floors)
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    report, paths = evaluate(
        DEV_SET, corpus=tmp_path / "corpus", index=tmp_path / "index", out=tmp_path / "report", progress=False
    )
    failing = [f"{r['id']}: {'; '.join(r['reasons'])}" for r in report["questions"] if r["verdict"] != "pass"]
    misses = check_floors(report, floors)
    assert not misses, "\n".join([*misses, f"report: {paths['markdown']}", "failing questions:", *failing])
    assert report["errors"] == 0, failing
