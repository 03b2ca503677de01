"""Ask every question of a set, in-process through ``Assistant`` or over HTTP (the UI's ``/ask``,
or the OpenAI-compatible ``/v1`` API)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from assistant.errors import AssistantError
from assistant.evaluation import report as reporting
from assistant.evaluation.cases import Case, Outcome, load_cases

# ask(question, history) -> Answer.to_dict()-shaped dict
AskFn = Callable[[str, list[tuple[str, str]]], dict]


def local_asker(
    corpus: Path | None = None, index: Path | None = None, k: int | None = None, calibration: Path | None = None
) -> AskFn:
    """An ``ask`` function over an in-process ``Assistant`` (settings not given come from ``Settings``)."""
    from assistant import Assistant  # heavy: models and Chroma load here, not at import

    given = {"corpus_dir": corpus, "index_dir": index, "k": k, "calibration": calibration}
    kwargs = {key: value for key, value in given.items() if value is not None}
    bot = Assistant(**kwargs)
    # Load the model and build or open the index now, so the first question's latency is not
    # the start-up time of the whole assistant.
    bot.warm_up()

    def ask(question: str, history: list[tuple[str, str]]) -> dict:
        return bot.ask(question, history=history or None).to_dict()

    return ask


def remote_asker(url: str, api: str | None = None) -> AskFn:
    """An ``ask`` function over a running server: its OpenAI-compatible API when ``api == "openai"``
    or the URL ends with ``/v1``, else the web UI's gradio ``/ask`` endpoint."""
    if api == "openai" or url.rstrip("/").endswith("/v1"):
        return openai_asker(url)
    try:
        from gradio_client import Client
    except ImportError:  # pragma: no cover - the package ships it
        raise AssistantError("--url needs gradio_client; install it with `pip install gradio_client`") from None
    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means the same thing to the user
        raise AssistantError(
            f"cannot reach the assistant UI at {url} ({type(exc).__name__}: {exc}); start it with `assistant serve`"
        ) from None

    def ask(question: str, history: list[tuple[str, str]]) -> dict:
        result = client.predict(question, json.dumps([list(t) for t in history]), api_name="/ask")
        if isinstance(result, str):
            result = json.loads(result)
        if not isinstance(result, dict):
            raise AssistantError(f"/ask returned {type(result).__name__}, expected an answer object")
        return result

    return ask


def openai_asker(url: str) -> AskFn:
    """An ``ask`` function over an OpenAI-compatible ``/v1`` API (``assistant serve``'s), through the
    official ``openai`` client; the key comes from ``ASSISTANT_API_KEY`` when the server wants one."""
    import os

    try:
        import openai
    except ImportError:  # pragma: no cover - installed with langchain-openai
        raise AssistantError("--url …/v1 needs the openai package; install it with `pip install openai`") from None
    base = url.rstrip("/")
    base = base if base.endswith("/v1") else base + "/v1"
    client = openai.OpenAI(base_url=base, api_key=os.environ.get("ASSISTANT_API_KEY") or "unused", max_retries=1)
    try:
        model = client.models.list().data[0].id
    except Exception as exc:  # noqa: BLE001 - any failure to connect means the same thing to the user
        raise AssistantError(
            f"cannot reach the OpenAI-compatible API at {base} ({type(exc).__name__}); start it with `assistant serve`"
        ) from None

    def ask(question: str, history: list[tuple[str, str]]) -> dict:
        messages = [m for q, a in history for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]
        resp = client.chat.completions.create(model=model, messages=messages + [{"role": "user", "content": question}])
        extra = resp.model_extra or {}
        # Answer.to_dict()'s shape, from the answer text and the server's extra fields.
        return {
            "question": question,
            "text": resp.choices[0].message.content or "",
            "abstained": bool(extra.get("abstained", False)),
            "citations": [dict(c, score=c.get("score", 0.0)) for c in extra.get("citations", [])],
            "mode": extra.get("mode", "extractive"),
            "seconds": extra.get("seconds", 0.0),
            "passages": extra.get("passages", []),
        }

    return ask


def run_questions(questions: Sequence[Case], ask: AskFn, *, progress: bool = True) -> list[Outcome]:
    """Ask each question in order; an exception from one question is recorded and the run goes on."""
    from tqdm import tqdm

    outcomes: list[Outcome] = []
    bar = tqdm(questions, desc="evaluating", unit="q", disable=not progress, leave=False)
    for q in bar:
        bar.set_postfix_str(q.id, refresh=False)
        started = time.perf_counter()
        try:
            answer = ask(q.question, list(q.history))
        except Exception as exc:  # noqa: BLE001 - one bad question must not end the run
            outcomes.append(Outcome(q, None, f"{type(exc).__name__}: {exc}", None))
            continue
        outcomes.append(Outcome(q, answer, None, (time.perf_counter() - started) * 1000.0))
    bar.close()
    return outcomes


def evaluate(questions_file: Path, **options) -> tuple[dict, dict[str, Path]]:
    """Validate the set, ask every question, score, and write the report; return it and its file
    paths. The options are those of ``evaluate_outcomes``."""
    report, paths, _ = evaluate_outcomes(questions_file, **options)
    return report, paths


def evaluate_outcomes(
    questions_file: Path,
    *,
    corpus: Path | None = None,
    index: Path | None = None,
    url: str | None = None,
    out: Path = Path("eval-report"),
    k: int | None = None,
    compare: Path | None = None,
    calibration: Path | None = None,
    progress: bool = True,
) -> tuple[dict, dict[str, Path], list[Outcome]]:
    """``evaluate``, also returning the outcomes (for totals over several sets).

    ``k`` (default: ``Settings().k``) is passed to the in-process ``Assistant`` and cuts the retrieved
    passages for recall@k and MRR; with ``url`` the server keeps its own k. ``calibration`` is a
    calibration file for the in-process ``Assistant`` (default: the shipped one).
    """
    questions = load_cases(questions_file)  # the whole file is checked before anything is asked
    old = reporting.load_report(compare) if compare else None
    if k is None:
        from assistant.settings import Settings

        k = Settings.load().k
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    if url:
        ask = remote_asker(url)
        target = f"web UI at {url}"
    else:
        ask = local_asker(corpus, index, k, calibration)
        target = "in-process Assistant" + (f" (corpus {corpus})" if corpus else "")
    t1 = time.perf_counter()
    outcomes = run_questions(questions, ask, progress=progress)
    meta = {
        "questions_file": str(questions_file),
        "target": target,
        "url": url,
        "started": started.isoformat(timespec="seconds"),
        "warm_up_seconds": round(t1 - t0, 3),
        "wall_seconds": round(time.perf_counter() - t1, 3),
        "compare_path": str(compare) if compare else None,
    }
    report = reporting.build_report(outcomes, k, meta, old)
    return report, reporting.write_report(report, out), outcomes
