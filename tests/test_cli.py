"""The ``assistant`` command: instant help, JSON round trip, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant import Answer

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("assistant")


def _run(*args: str, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(EXE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _cli_then(args: list[str], then: str) -> str:
    """The output of ``python -m assistant.cli ARGS`` in a fresh interpreter, followed by ``then``'s."""
    code = (
        f"import sys, runpy; sys.argv = ['assistant', *{args!r}]\n"
        "try:\n    runpy.run_module('assistant.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n" + then
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout


def test_help_imports_no_heavy_library():
    out = _cli_then(["--help"], "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'sentence_transformers', "
                                "'langchain_chroma') if m in sys.modules]\nprint('HEAVY', heavy)")
    assert "ingest" in out and "serve" in out and "eval" in out
    assert "HEAVY []" in out


def test_the_console_script_skips_the_exit_collection():
    # The installed ``assistant`` runs ``run``, which freezes what the imports made so that the
    # interpreter's last collection does not walk it (0.4 s of a one-shot answer); ``main`` does not.
    assert "from assistant.cli import run" in EXE.read_text(encoding="utf-8")
    out = _cli_then(["--version"], "import gc\nprint('FROZEN', gc.get_freeze_count() > 1000)")
    assert "FROZEN True" in out, out


def test_ask_json_round_trip(tmp_path, corpus_copy):
    result = _run("ask", "How much did TSMC's factory in southern Japan cost?", "--json", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    answer = Answer.from_dict(json.loads(result.stdout))
    assert "8.6 billion" in answer.text and not answer.abstained
    quote = answer.citations[0]
    assert (corpus_copy / quote.source).read_text(encoding="utf-8")[quote.start : quote.end] == quote.quote

    plain = _run("ask", "Who wrote the Asia AI Policy Monitor newsletter?", "-k", "3", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index"))
    assert plain.returncode == 0
    lines = plain.stdout.strip().splitlines()
    assert "Seth Hays" in lines[0] and lines[1].startswith("[1] japan-ai-chip-investment.md:")

    ingest = _run("ingest", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index"))
    assert ingest.returncode == 0 and "0 added" in ingest.stdout and "1 unchanged" in ingest.stdout


def test_a_one_shot_answer_imports_no_tracing_and_no_torch(tmp_path, corpus_copy):
    # LangChain's retriever and vector-store modules pull in its tracers and LangSmith's client: 0.8 s
    # of a one-shot answer that the offline answerer never uses (``ask/retrieval.py``).
    index = str(tmp_path / "index")
    assert _run("ingest", "--corpus", str(corpus_copy), "--index", index).returncode == 0
    out = _cli_then(
        ["ask", "How much did TSMC's factory in southern Japan cost?", "--corpus", str(corpus_copy), "--index", index],
        "heavy = [m for m in ('langsmith', 'langchain_core.retrievers', 'langchain_core.vectorstores', "
        "'langchain_chroma', 'torch', 'sentence_transformers') if m in sys.modules]\nprint('HEAVY', heavy)",
    )
    assert "8.6 billion" in out and "HEAVY []" in out, out


def test_errors_are_one_line_without_traceback(tmp_path):
    empty = _run("ask", "   ", "--index", str(tmp_path / "index"))
    assert empty.returncode == 1
    assert empty.stderr.strip() == "error: the question is empty: type a question about the documents"

    missing = _run("ingest", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "does not exist" in missing.stderr


def test_ask_rebuilds_when_the_chroma_folder_is_gone(tmp_path, corpus_copy):
    import shutil

    index = tmp_path / "index"
    assert _run("ingest", "--corpus", str(corpus_copy), "--index", str(index)).returncode == 0
    shutil.rmtree(index / "chroma")  # a manifest alone must not pass for an index
    result = _run("ask", "Who wrote the Asia AI Policy Monitor newsletter?", "--corpus", str(corpus_copy), "--index", str(index))
    assert result.returncode == 0 and "Seth Hays" in result.stdout
