"""``assistant eval`` end to end on a tiny question set: in-process, through the real CLI, and with ``--url``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import UIServer, free_port

from assistant.evaluation.cli import eval_command

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_questions.jsonl"
KEYS = [
    "answer_accuracy",
    "citation_accuracy",
    "citation_precision",
    "recall_at_k",
    "mrr",
    "abstention_accuracy",
    "false_refusal_rate",
    "mean_answer_words",
    "latency_p50_ms",
    "latency_p95_ms",
    "errors",
    "per_kind",
    "questions",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    base = tmp_path_factory.mktemp("eval")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    return base


@pytest.fixture(scope="module")
def first_run(workdir):
    out = workdir / "out"
    result = CliRunner().invoke(
        eval_command,
        [str(TINY), "--corpus", str(workdir / "corpus"), "--index", str(workdir / "index"), "--out", str(out),
         "--quiet"],
    )
    return result, out


def test_eval_writes_report_files_and_charts(first_run):
    result, out = first_run
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "accuracy_by_kind.png", "latency.png"):
        assert (out / name).stat().st_size > 0, name
    for name in ("accuracy_by_kind.png", "latency.png"):
        assert (out / name).read_bytes()[:8] == PNG_MAGIC

    report = json.loads((out / "report.json").read_text())
    assert all(key in report for key in KEYS)
    assert [r["id"] for r in report["questions"]] == ["t01", "t02", "t03", "t04", "t05"]
    row = report["questions"][0]
    assert {"retrieved", "answer", "citations", "verdict", "reasons", "latency_ms"} <= set(row)
    assert row["retrieved"] and row["retrieved"][0]["rank"] == 1 and "text" in row["retrieved"][0]
    assert set(report["per_kind"]) == {"numeric", "entity", "follow-up", "unanswerable"}
    assert report["counts"]["questions"] == 5 and report["errors"] == 0
    assert report["compare"] is None

    md = (out / "report.md").read_text()
    for heading in ("## Summary", "## Per kind", "## Charts", "## Failing questions"):
        assert heading in md
    assert "![Accuracy by kind](accuracy_by_kind.png)" in md and "![Latency](latency.png)" in md

    assert f"questions 5, passed {report['counts']['passed']}, errors 0" in result.stdout
    assert f"report: {out / 'report.md'}" in result.stdout


def test_the_tiny_set_passes(first_run):
    # The tiny set asks plain questions the corpus answers word for word; all should pass.
    report = json.loads((first_run[1] / "report.json").read_text())
    verdicts = {r["id"]: r["verdict"] for r in report["questions"]}
    assert verdicts == dict.fromkeys(["t01", "t02", "t03", "t04", "t05"], "pass")
    assert (report["answer_accuracy"], report["citation_accuracy"], report["abstention_accuracy"]) == (1.0, 1.0, 1.0)


def test_compare_against_an_older_report(workdir, first_run):
    _, out = first_run
    old = out / "report.json"
    doctored = json.loads(old.read_text())
    doctored["questions"][1]["verdict"] = "fail"  # pretend t02 used to fail
    doctored["answer_accuracy"] = 0.75
    (workdir / "old.json").write_text(json.dumps(doctored))
    result = CliRunner().invoke(
        eval_command,
        [str(TINY), "--corpus", str(workdir / "corpus"), "--index", str(workdir / "index"),
         "--out", str(workdir / "out2"), "--compare", str(workdir / "old.json"), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    cmp = json.loads((workdir / "out2" / "report.json").read_text())["compare"]
    assert cmp["deltas"]["answer_accuracy"] == {"old": 0.75, "new": 1.0, "delta": 0.25}
    assert [(f["id"], f["was"], f["now"]) for f in cmp["flipped"]] == [("t02", "fail", "pass")]
    assert "t02: fail -> pass" in result.stdout
    md = (workdir / "out2" / "report.md").read_text()
    assert "## Flipped questions" in md and "- **t02** fail → pass" in md and "+0.250 ✅" in md


def test_malformed_set_stops_before_asking(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(TINY.read_text().splitlines()[0] + '\n{"id": "x", "question": "Q?", "answers": "65"}\n')
    result = CliRunner().invoke(
        eval_command,
        [str(bad), "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "index"),
         "--out", str(tmp_path / "out")],
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {bad}: line 2: \"answers\" must be a list of groups")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "index").exists() and not (tmp_path / "out").exists()


def test_floors_gate_exits_1(workdir, first_run, tmp_path):
    floors = tmp_path / "floors.json"
    floors.write_text('{"answer_accuracy": 1.01}')
    result = CliRunner().invoke(
        eval_command,
        [str(TINY), "--corpus", str(workdir / "corpus"), "--index", str(workdir / "index"),
         "--out", str(tmp_path / "out"), "--floors", str(floors), "--quiet"],
    )
    assert result.exit_code == 1
    assert result.stderr == "error: below the floors: answer_accuracy 1.000 is below the floor 1.01\n"


def test_real_command_line(workdir, first_run, tmp_path):
    """The installed ``assistant eval`` (registered lazily by the lead's CLI) with a bad --compare file."""
    exe = Path(sys.executable).with_name("assistant")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant.cli"]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    help_ = subprocess.run([*cmd, "eval", "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert help_.returncode == 0 and "--compare" in help_.stdout and "QUESTIONS.jsonl" in help_.stdout
    missing = subprocess.run(
        [*cmd, "eval", str(TINY), "--compare", str(tmp_path / "none.json"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().endswith("does not exist; pass the report.json of an earlier run")
    assert "Traceback" not in missing.stderr


# ---------------------------------------------------------------- --url against the live UI


@pytest.fixture(scope="module")
def ui_server(workdir):
    """``python ui.py`` on a free loopback port over the temp corpus (its own index folder)."""
    server = UIServer(workdir / "corpus", workdir / "ui-index")
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


def test_eval_over_url_matches_in_process(ui_server, first_run, tmp_path):
    result = CliRunner().invoke(eval_command, [str(TINY), "--url", ui_server, "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    remote = json.loads((tmp_path / "report.json").read_text())
    local = json.loads((first_run[1] / "report.json").read_text())
    assert remote["meta"]["target"] == f"web UI at {ui_server}"
    assert remote["errors"] == 0
    for key in KEYS[:6]:
        assert remote[key] == local[key], key
    assert [r["answer"] for r in remote["questions"]] == [r["answer"] for r in local["questions"]]
    assert (tmp_path / "latency.png").exists() and (tmp_path / "accuracy_by_kind.png").exists()


def test_url_that_does_not_answer(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/"
    result = CliRunner().invoke(eval_command, [str(TINY), "--url", url, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot reach the assistant UI at {url}")
    assert result.stderr.rstrip().endswith("start it with `assistant serve`")
    assert result.stderr.count("\n") == 1
