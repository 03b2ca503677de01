"""Neighbouring documents (Korean subsidies, TSMC Arizona, Nvidia products, EU AI policy) must not
pull answers about Japan away from the Japan article, and the dev-set thresholds still hold."""

import json
import shutil

from conftest import CORPUS, DATA, SEED_DOC

from assistant.evaluation.metrics import check_floors
from assistant.evaluation.runner import evaluate


def test_dev_set_with_distractors(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    distractors = sorted((DATA / "distractors").iterdir())
    assert len(distractors) >= 4
    for path in distractors:
        shutil.copy(path, corpus / path.name)
    report, _ = evaluate(DATA / "questions.jsonl", corpus=corpus, index=tmp_path / "index", out=tmp_path / "report", progress=False)
    floors = json.loads((DATA / "eval_floors.json").read_text())["seed"]
    assert not check_floors(report, floors)
    assert report["false_refusal_rate"] <= 0.05
    assert report["mean_answer_words"] <= 50
    # Questions that name Japan are answered from the Japan article alone.
    japan = [r for r in report["questions"] if "Japan" in r["question"] and r["citations"]]
    assert japan
    for row in japan:
        assert {c["source"] for c in row["citations"]} == {SEED_DOC}, row["id"]
