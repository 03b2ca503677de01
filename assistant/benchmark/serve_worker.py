"""One serving measurement in a process of its own, so its peak memory is that of serving this index
alone: open a built index (warm-up), then time warm ``Assistant.ask()`` calls.

Run by ``assistant.benchmark.run`` as ``python -m assistant.benchmark.serve_worker SPEC.json``; prints
one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def serve(corpus: str, index: str, questions: list[str], repeats: int) -> dict[str, float]:
    """Warm-up time, then the latency of each question asked for the first time in this process (no
    cached vectors for it: what a user's new question costs), then of ``repeats`` rounds again."""
    from assistant.benchmark.measure import peak_rss_mb, percentile
    from assistant.pipeline import Assistant

    start = time.perf_counter()
    bot = Assistant(corpus_dir=Path(corpus), index_dir=Path(index))
    bot.warm_up()
    warm_up_s = time.perf_counter() - start
    bot.ask("What is this about?")  # first-call costs of the code paths, not of a question
    fresh, cpu = [], []
    for q in questions:
        t, c = time.perf_counter(), time.process_time()
        bot.ask(q)
        fresh.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)  # on a busy machine wall time also counts waiting
    again = []
    for _ in range(repeats):
        for q in questions:
            t = time.perf_counter()
            bot.ask(q)
            again.append((time.perf_counter() - t) * 1000)
    return {
        "warm_up_s": round(warm_up_s, 3),
        "ask_p50_ms": round(percentile(fresh, 50), 2),
        "ask_p95_ms": round(percentile(fresh, 95), 2),
        "ask_cpu_p50_ms": round(percentile(cpu, 50), 2),
        "ask_cpu_p95_ms": round(percentile(cpu, 95), 2),
        "repeat_p50_ms": round(percentile(again, 50), 2),
        "asks": len(fresh),
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result = serve(spec["corpus"], spec["index"], spec["questions"], spec["repeats"])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
