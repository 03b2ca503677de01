"""Every evaluation metric on small hand-made inputs with known answers, the JSONL validation, and --compare."""

from __future__ import annotations

import json

import pytest

from assistant.errors import AssistantError, QuestionSetError
from assistant.evaluation import metrics
from assistant.evaluation.cases import Outcome, load_cases
from assistant.evaluation.metrics import check_floors, per_kind, score_question, summarise
from assistant.evaluation.report import (
    ReportError,
    build_report,
    compare_reports,
    load_report,
    render_markdown,
    write_report,
)
from assistant.evaluation.runner import run_questions

EVIDENCE = "10-trillion-yen ($65 billion) investment package"
PASSAGE_HIT = "Japan is poised to approve a massive 10-Trillion-yen ($65 billion)\ninvestment[^1] package aimed at..."
PASSAGE_MISS = "TSMC already opening an $8.6 billion factory in southern Japan."


def cite(quote: str, start: int = 0, source: str = "doc.md", n: int = 1) -> dict:
    return {"n": n, "source": source, "quote": quote, "start": start, "end": start + len(quote)}


def answer(text: str, *, abstained: bool = False, citations=(), passages=()) -> dict:
    return {
        "text": text,
        "abstained": abstained,
        "citations": list(citations),
        "passages": [{"text": p} for p in passages],
    }


def scored(
    qid="q",
    *,
    kind="numeric",
    answerable=True,
    answers=(("$65 billion",),),
    evidence=(EVIDENCE,),
    forbidden=(),
    ans=None,
    error=None,
    latency=10.0,
    k=5,
):
    return score_question(
        qid=qid,
        kind=kind,
        answerable=answerable,
        answers=[list(g) for g in answers],
        evidence=list(evidence),
        forbidden=list(forbidden),
        k=k,
        answer=ans,
        error=error,
        latency_ms=latency if ans is not None else None,
    )


# ---------------------------------------------------------------- matching


@pytest.mark.parametrize(
    "text, groups, missing",
    [
        ("Japan plans $65 Billion [1].", [["$65 billion"]], []),
        ("Japan plans $65billion.", [["$65 billion"]], []),  # space-insensitive
        ("It is 10,000,000 yen.", [["10000000 yen"]], []),  # thousands separators
        ("It is 10000000 yen.", [["10,000,000 yen"]], []),
        ("It is $65 billion[1] or 10 trillion yen[2].", [["$65 billion"], ["10 trillion yen"]], []),
        ("It is $65 billion.", [["$65 billion"], ["10 trillion yen", "ten trillion yen"]], [1]),
        ("Nothing here.", [["a", "b"], ["c"]], [0, 1]),
        ("1.5 billion", [["1,5 billion"]], [0]),  # a decimal comma is not a thousands separator
    ],
)
def test_missing_groups(text, groups, missing):
    assert metrics.missing_groups(text, groups) == missing


def test_evidence_matching_ignores_case_whitespace_and_footnotes():
    assert metrics.contains_evidence(PASSAGE_HIT, [EVIDENCE])
    assert metrics.contains_evidence("x population[^1][^2][^3]. y", ["Population. Y"])
    assert not metrics.contains_evidence(PASSAGE_MISS, [EVIDENCE])
    assert metrics.contains_evidence(PASSAGE_MISS, [EVIDENCE, "southern japan"])  # any alternative
    assert not metrics.contains_evidence("anything", [])


def test_answer_words_skips_markers():
    assert metrics.answer_words("Japan plans $65 billion [1] [2].") == 4
    assert metrics.answer_words("") == 0


def test_forbidden_found():
    assert metrics.forbidden_found("About 2.7 Million people [1].", ["2.7 million", "yen"]) == ["2.7 million"]


# ---------------------------------------------------------------- primitives


def test_recall_and_mrr_by_hand():
    ranks = [1, 3, None, 2]
    assert metrics.recall_at_k(ranks, 5) == 0.75
    assert metrics.recall_at_k(ranks, 2) == 0.5
    assert metrics.mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert metrics.recall_at_k([], 5) is None
    assert metrics.mrr([]) is None
    assert metrics.mrr([None, None]) == 0.0


def test_first_evidence_rank_respects_k():
    passages = [PASSAGE_MISS, PASSAGE_MISS, PASSAGE_HIT]
    assert metrics.first_evidence_rank(passages, [EVIDENCE], 5) == 3
    assert metrics.first_evidence_rank(passages, [EVIDENCE], 2) is None


def test_percentile_matches_linear_interpolation():
    values = [40.0, 10.0, 30.0, 20.0]
    assert metrics.percentile(values, 50) == 25.0
    assert metrics.percentile(values, 95) == pytest.approx(38.5)
    assert metrics.percentile([7.0], 95) == 7.0
    assert metrics.percentile([], 50) is None


def test_ratio_and_mean_of_nothing_are_none():
    assert metrics.ratio([]) is None
    assert metrics.mean([]) is None
    assert metrics.ratio([True, False, False, True]) == 0.5


# ---------------------------------------------------------------- per question


def test_correct_answer_with_correct_citation_passes():
    ans = answer("It is $65 billion [1].", citations=[cite(PASSAGE_HIT)], passages=[PASSAGE_MISS, PASSAGE_HIT])
    s = scored(ans=ans)
    assert (s.verdict, s.answer_correct, s.citation_correct, s.evidence_rank) == ("pass", True, True, 2)
    assert (s.citations, s.citations_with_evidence, s.words, s.abstained) == (1, 1, 4, False)


def test_right_answer_wrong_citation_fails_on_citation_only():
    s = scored(ans=answer("It is $65 billion [1].", citations=[cite(PASSAGE_MISS)], passages=[PASSAGE_HIT]))
    assert (s.verdict, s.answer_correct, s.citation_correct) == ("fail", True, False)
    assert s.reasons == ["no cited quote contains the evidence"]


def test_abstaining_on_answerable_is_a_false_refusal():
    s = scored(ans=answer("The sources do not say.", abstained=True, passages=[PASSAGE_HIT]))
    assert (s.verdict, s.answer_correct, s.citation_correct) == ("fail", False, False)
    assert (s.evidence_rank, s.words) == (1, None)
    assert "abstained on an answerable question" in s.reasons


def test_abstaining_text_that_happens_to_contain_the_answer_is_still_wrong():
    s = scored(ans=answer("I cannot confirm $65 billion.", abstained=True))
    assert s.answer_correct is False


def test_forbidden_text_fails_a_right_answer():
    s = scored(
        forbidden=["trillion dollars"],
        ans=answer("$65 billion, i.e. 10 trillion dollars [1]", citations=[cite(PASSAGE_HIT)]),
    )
    assert (s.verdict, s.answer_correct) == ("fail", False)


def test_unanswerable_scored_on_abstention():
    ok = scored(answerable=False, answers=(), evidence=(), ans=answer("Not in the sources.", abstained=True))
    bad = scored(answerable=False, answers=(), evidence=(), ans=answer("Osaka has 2.7 million people [1]."))
    assert (ok.verdict, ok.abstain_correct, ok.answer_correct) == ("pass", True, None)
    assert (bad.verdict, bad.abstain_correct) == ("fail", False)
    assert bad.reasons == ["answered a question the sources cannot answer"]


def test_error_counts_as_wrong_but_not_as_refusal():
    s = scored(error="RuntimeError: boom")
    assert (s.verdict, s.error, s.answer_correct, s.citation_correct, s.abstained) == (
        "error",
        "RuntimeError: boom",
        False,
        False,
        None,
    )


def test_duplicate_citations_count_once():
    dup = cite(PASSAGE_HIT)
    s = scored(ans=answer("$65 billion [1][2][3]", citations=[dup, dict(dup, n=2), cite(PASSAGE_MISS, start=999, n=3)]))
    assert (s.citations, s.citations_with_evidence) == (2, 1)
    report = summarise([s], 5)
    assert report["citation_precision"] == 0.5


# ---------------------------------------------------------------- run summary


def test_summary_by_hand():
    runs = [
        # 1: right answer, right citation, evidence at rank 1, 10 ms
        scored("a", ans=answer("$65 billion [1]", citations=[cite(PASSAGE_HIT)], passages=[PASSAGE_HIT]), latency=10),
        # 2: wrong answer, one right + one wrong citation, evidence at rank 2, 20 ms
        scored(
            "b",
            kind="entity",
            ans=answer(
                "Ten billion [1][2]",
                citations=[cite(PASSAGE_HIT), cite(PASSAGE_MISS, 50)],
                passages=[PASSAGE_MISS, PASSAGE_HIT],
            ),
            latency=20,
        ),
        # 3: false refusal, evidence not retrieved, 30 ms
        scored("c", ans=answer("Not in the sources.", abstained=True, passages=[PASSAGE_MISS]), latency=30),
        # 4: unanswerable, abstained, 40 ms
        scored("d", kind="none", answerable=False, answers=(), evidence=(), ans=answer("No.", abstained=True),
               latency=40),
        # 5: unanswerable, answered
        scored("e", kind="none", answerable=False, answers=(), evidence=(), ans=answer("Yes it is [1]."), latency=100),
        # 6: error
        scored("f", error="boom"),
    ]
    m = summarise(runs, 5)
    assert m["answer_accuracy"] == 1 / 4  # a of a,b,c,f
    assert m["citation_accuracy"] == 2 / 4  # a, b
    assert m["citation_precision"] == 2 / 3  # a:1/1, b:1/2
    assert m["recall_at_k"] == 2 / 4  # a, b (c missed, f errored)
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0 + 0) / 4)
    assert m["abstention_accuracy"] == 1 / 2
    assert m["false_refusal_rate"] == 1 / 4
    assert m["mean_answer_words"] == pytest.approx((2 + 2 + 3) / 3)  # a, b, e
    assert m["latency_p50_ms"] == 30.0
    assert m["latency_p95_ms"] == pytest.approx(88.0)  # 40 + 0.8 * 60
    assert m["errors"] == 1
    assert m["counts"]["passed"] == 2  # a, d

    kinds = per_kind(runs, 5)
    assert list(kinds) == ["numeric", "entity", "none"]
    assert kinds["numeric"]["answer_accuracy"] == 1 / 3
    assert kinds["entity"]["citation_precision"] == 0.5
    assert kinds["none"]["answer_accuracy"] is None
    assert kinds["none"]["abstention_accuracy"] == 0.5


def test_summary_of_nothing():
    m = summarise([], 5)
    assert m["errors"] == 0
    assert all(m[key] is None for key in metrics.METRIC_KEYS if key != "errors")


def test_all_abstain():
    runs = [
        scored("a", ans=answer("n/a", abstained=True, passages=[PASSAGE_HIT])),
        scored("b", ans=answer("n/a", abstained=True)),
        scored("c", answerable=False, answers=(), evidence=(), ans=answer("n/a", abstained=True)),
    ]
    m = summarise(runs, 5)
    assert (m["answer_accuracy"], m["citation_accuracy"], m["citation_precision"]) == (0.0, 0.0, None)
    assert (m["false_refusal_rate"], m["abstention_accuracy"], m["mean_answer_words"]) == (1.0, 1.0, None)
    assert m["recall_at_k"] == 0.5


def test_check_floors():
    m = {"answer_accuracy": 0.8, "citation_accuracy": 0.95, "abstention_accuracy": None}
    misses = check_floors(m, {"answer_accuracy": 0.9, "citation_accuracy": 0.9, "abstention_accuracy": 0.5})
    assert misses == [
        "answer_accuracy 0.800 is below the floor 0.9",
        "abstention_accuracy has nothing to measure (floor 0.5)",
    ]


# ---------------------------------------------------------------- question sets


def write(tmp_path, *lines: str):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps(
    {"id": "q1", "kind": "numeric", "question": "How much?", "answers": [["$65 billion"]], "evidence": ["x"], "x": 1}
)


def test_load_cases_reads_fields_and_defaults(tmp_path):
    path = write(
        tmp_path,
        GOOD,
        "",
        '{"id": "q2", "question": "Where?", "history": [["How much?", "$65 billion"]], "answers": [["Japan"]]}',
        '{"id": "q3", "question": "Who won?", "answerable": false, "forbidden": ["won"]}',
    )
    q1, q2, q3 = load_cases(path)
    assert (q1.id, q1.kind, q1.answers, q1.evidence, q1.line) == ("q1", "numeric", [["$65 billion"]], ["x"], 1)
    assert (q2.kind, q2.history, q2.answerable, q2.line) == ("general", [("How much?", "$65 billion")], True, 3)
    assert (q3.answerable, q3.answers, q3.forbidden) == (False, [], ["won"])


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", r"line 2: not valid JSON"),
        ("[1, 2]", r"line 2: expected a JSON object, got list"),
        ('{"question": "Q?", "answers": [["a"]]}', r'line 2: "id" is missing'),
        ('{"id": "q2", "answers": [["a"]]}', r'line 2: "question" is missing'),
        ('{"id": "q2", "question": "Q?", "answers": ["a"]}', r'line 2: "answers" must be a list of groups'),
        ('{"id": "q2", "question": "Q?", "answers": [[]]}', r'line 2: "answers" must be a list of groups'),
        ('{"id": "q2", "question": "Q?"}', r"line 2: an answerable question needs at least one group"),
        ('{"id": "q2", "question": "Q?", "answers": [["a"]], "answerable": "yes"}', r'line 2: "answerable" must be'),
        ('{"id": "q2", "question": "Q?", "answers": [["a"]], "evidence": "x"}', r'line 2: "evidence" must be'),
        ('{"id": "q2", "question": "Q?", "answers": [["a"]], "history": [["q"]]}', r'line 2: "history" must be'),
        ('{"id": "q1", "question": "Q?", "answers": [["a"]]}', r'line 2: id "q1" repeats line 1'),
    ],
)
def test_malformed_line_names_line_and_problem(tmp_path, bad, message):
    with pytest.raises(QuestionSetError, match=message):
        load_cases(write(tmp_path, GOOD, bad))


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(tmp_path, "{bad", GOOD, '{"id": "q9"}', "[]")
    with pytest.raises(QuestionSetError) as info:
        load_cases(path)
    text = str(info.value)
    assert "line 1: not valid JSON" in text and "line 3:" in text and "line 4:" in text
    assert "line 2" not in text


def test_missing_and_empty_sets(tmp_path):
    with pytest.raises(QuestionSetError, match="does not exist"):
        load_cases(tmp_path / "nope.jsonl")
    with pytest.raises(QuestionSetError, match="no questions"):
        load_cases(write(tmp_path, "", "  "))
    assert issubclass(QuestionSetError, AssistantError)


# ---------------------------------------------------------------- runner and report


def test_runner_records_an_exception_and_goes_on(tmp_path):
    questions = load_cases(
        write(tmp_path, GOOD, '{"id": "q2", "question": "boom", "answers": [["a"]]}', GOOD.replace("q1", "q3"))
    )

    def ask(question, history):
        if question == "boom":
            raise RuntimeError("model fell over")
        return answer("$65 billion [1]", citations=[cite("x")], passages=["x"])

    outcomes = run_questions(questions, ask, progress=False)
    assert [o.error for o in outcomes] == [None, "RuntimeError: model fell over", None]
    report = build_report(outcomes, 5, {"questions_file": "set.jsonl"})
    assert report["errors"] == 1
    assert [r["verdict"] for r in report["questions"]] == ["pass", "error", "pass"]
    assert report["answer_accuracy"] == pytest.approx(2 / 3)


def _report_from(tmp_path, verdicts: dict[str, bool]):
    lines = [json.dumps({"id": q, "question": q, "answers": [["right"]]}) for q in verdicts]
    questions = load_cases(write(tmp_path, *lines))
    outcomes = [Outcome(q, answer("right" if verdicts[q.id] else "wrong"), None, 5.0) for q in questions]
    return build_report(outcomes, 5, {"questions_file": "set.jsonl"})


def test_compare_deltas_and_flips(tmp_path):
    old = _report_from(tmp_path, {"a": True, "b": False, "c": True, "gone": True})
    new = _report_from(tmp_path, {"a": True, "b": True, "c": False, "new": True})
    cmp = compare_reports(new, old, "old/report.json")
    assert cmp["deltas"]["answer_accuracy"] == {"old": 0.75, "new": 0.75, "delta": 0.0}
    assert cmp["deltas"]["abstention_accuracy"] == {"old": None, "new": None, "delta": None}
    assert [(f["id"], f["was"], f["now"]) for f in cmp["flipped"]] == [("b", "fail", "pass"), ("c", "pass", "fail")]
    assert (cmp["fixed"], cmp["broken"], cmp["added"], cmp["removed"]) == (1, 1, ["new"], ["gone"])

    old2 = _report_from(tmp_path, {"a": False, "b": False})
    new2 = _report_from(tmp_path, {"a": True, "b": False})
    assert compare_reports(new2, old2)["deltas"]["answer_accuracy"]["delta"] == 0.5


def test_compare_goes_into_files(tmp_path):
    old = _report_from(tmp_path, {"a": True, "b": False})
    paths = write_report(old, tmp_path / "old")
    questions = load_cases(write(tmp_path, '{"id": "a", "question": "a", "answers": [["right"]]}',
                                     '{"id": "b", "question": "b", "answers": [["right"]]}'))
    outcomes = [Outcome(q, answer("wrong" if q.id == "a" else "right"), None, 5.0) for q in questions]
    new = build_report(outcomes, 5, {"questions_file": "set.jsonl", "compare_path": str(paths["json"])},
                       load_report(paths["json"]))
    assert new["compare"]["against"] == str(paths["json"])
    assert [(f["id"], f["now"]) for f in new["compare"]["flipped"]] == [("a", "fail"), ("b", "pass")]
    md = render_markdown(new)
    assert "## Flipped questions" in md and "- **a** pass → fail: a" in md and "| Δ |" in md
    written = write_report(new, tmp_path / "new")
    assert json.loads(written["json"].read_text())["compare"]["fixed"] == 1
    assert all(p.stat().st_size > 0 for p in written.values())


def test_load_report_errors(tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        load_report(tmp_path / "none.json")
    (tmp_path / "x.json").write_text('{"a": 1}')
    with pytest.raises(ReportError, match="not a report.json"):
        load_report(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{")
    with pytest.raises(ReportError, match="cannot read"):
        load_report(tmp_path / "y.json")


def test_forbidden_text_in_an_abstention_does_not_count():
    # An abstention may name the closest passage's title, which can hold a figure; it claims nothing.
    s = scored(
        answerable=False,
        answers=(),
        evidence=(),
        forbidden=["65 billion"],
        ans=answer("The sources don't give that: the closest passage (Japan's $65 Billion ...).", abstained=True),
    )
    assert (s.verdict, s.abstain_correct, s.reasons) == ("pass", True, [])
