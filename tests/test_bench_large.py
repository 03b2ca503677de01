"""``assistant bench --large-file``: a file's ``assistant ingest`` killed with SIGKILL half-way resumes
and embeds only the chunks that were not stored (issue 13), here at a small size."""

from __future__ import annotations

from click.testing import CliRunner

from assistant.benchmark.cli import bench_command
from assistant.benchmark.large import large_file
from assistant.benchmark.report import render


def test_a_killed_large_file_ingest_resumes_without_embedding_again(tmp_path):
    lines: list[str] = []
    # 0.3 MB is about 450 chunks at the default size: four batches, so the kill at half lands mid-file.
    figures = large_file(0.3, "onnx", tmp_path, lines.append)
    total, stored = figures["chunks"], figures["committed_at_kill"]
    assert total > 300 and 0 < stored < total and 2 * stored >= total
    assert figures["resume_embedded"] == total - stored
    assert figures["resume_embedded_only_the_rest"] and figures["resume_logged"]
    assert figures["index_chunks"] == total and figures["index_complete"]
    assert figures["killed_run_peak_rss_mb"] > 0 and figures["resume_cpu_s"] > 0
    report = render({"when": "now", "machine": {"cpus": 2}, "large_file": figures})
    assert "PASS" in report and "killed at half" in report


def test_bench_offers_the_large_file_measurement():
    done = CliRunner().invoke(bench_command, ["--help"])
    assert done.exit_code == 0 and "--large-file" in done.output and "--only-large" in done.output
    refused = CliRunner().invoke(bench_command, ["--only-large"])
    assert refused.exit_code == 2 and "--large-file" in refused.output
