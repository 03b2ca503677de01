"""Kill `assistant ingest` (and `ingest --rebuild`) with SIGKILL at random moments; check that the next
ingest leaves exactly the records of a clean build and that every document answers its own question.

    .venv/bin/python scripts/crash_ingest.py [--docs 100] [--kills 10] [--seed 7]

The corpus is generated in a temporary folder from sentences of tests/data/corpora/*/docs/*.md:
each document also states one made-up fact ("The Korvanta plant employs 1,234 engineers.") that
only it holds, and its question asks for it. Each round starts from a clean index of corpus v1,
changes the corpus to v2 (edits, additions, deletions), runs the ingest, kills it after a random
delay, runs a plain ingest to completion, and compares. tests/test_index_faults.py runs a small
version of this; this script is the full acceptance measurement.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("assistant")
SYLLABLES = "ka ro vi ne ta lu mi so de ra po ki za fe nu ba lo ti me su".split()


def sentences() -> list[str]:
    """Plain sentences from the dev corpora's Markdown bodies."""
    out = []
    for path in sorted((ROOT / "tests" / "data" / "corpora").glob("*/docs/*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for para in body.split("\n\n"):
            para = para.strip()
            if para and not para.startswith(("#", "|", "-", "*", ">", "[")):
                out += [s for s in re.split(r"(?<=[.!?])\s+", para) if 40 < len(s) < 300]
    return out


def fact(i: int) -> tuple[str, int]:
    rng = random.Random(1000 + i)
    name = "".join(rng.sample(SYLLABLES, 4)).capitalize()
    return name, 1000 + (i * 37) % 8000


def make_corpus(dest: Path, n: int, version: int = 1, seed: int = 7) -> dict[str, tuple[str, str]]:
    """Write ``n`` documents into ``dest``; return {file: (question, expected number)}.

    ``version`` 2 edits every fifth document, drops every seventh and adds three, so an ingest has
    copying, embedding and removing to do.
    """
    pool = sentences()
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.md"):
        old.unlink()
    questions = {}
    ids = [i for i in range(n) if not (version == 2 and i % 7 == 3)] + ([n, n + 1, n + 2] if version == 2 else [])
    for i in ids:
        rng = random.Random(seed * 100_003 + i + (50_000 if version == 2 and i % 5 == 0 else 0))
        name, number = fact(i)
        paras = [" ".join(rng.sample(pool, 3)) for _ in range(rng.randint(3, 6))]
        paras.insert(rng.randint(0, len(paras)), f"The {name} plant employs {number:,} engineers.")
        text = f"---\ntitle: Plant report {i}\n---\n\n# Plant report {i}\n\n" + "\n\n".join(paras) + "\n"
        (dest / f"doc-{i:03d}.md").write_text(text, encoding="utf-8")
        questions[f"doc-{i:03d}.md"] = (f"How many engineers does the {name} plant employ?", f"{number:,}")
    return questions


def run_ingest(corpus: Path, index: Path, *args: str, kill_after: float | None = None):
    """The finished run, or with ``kill_after``: whether SIGKILL came before the run ended."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    cmd = [str(EXE), "ingest", "--corpus", str(corpus), "--index", str(index), *args]
    if kill_after is None:
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=kill_after)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return True


def timed_ingest(corpus: Path, index: Path, *args: str) -> tuple[float, float]:
    """Seconds until the build began (its manifest appeared) and until the ingest ended."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    cmd = [str(EXE), "ingest", "--corpus", str(corpus), "--index", str(index), *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = None
    while proc.poll() is None:
        if began is None and (index / "manifest.building.json").exists():
            began = time.perf_counter() - t0
        time.sleep(0.05)
    span = time.perf_counter() - t0
    return (began if began is not None else span / 2), span


def kill_mid_build(corpus: Path, index: Path, *args: str, files: int) -> bool:
    """Run the ingest and SIGKILL it once its build has committed ``files`` files; False if it ended first."""
    from assistant.index.manifest import BUILDING, Manifest

    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    cmd = [str(EXE), "ingest", "--corpus", str(corpus), "--index", str(index), *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        building = Manifest.load(index, BUILDING)
        if building is not None and len(building.files) >= files:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            return True
        time.sleep(0.02)
    return False


def reset(corpus: Path, index: Path, v1_index: Path, docs: int) -> None:
    """The index of corpus v1, and the corpus changed to v2 under it."""
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(v1_index, index)
    make_corpus(corpus, docs, 2)


def killed_state(index: Path, v1_index: Path) -> str:
    """Where the kill landed: before the build began, during it (files committed), or after the switch."""
    from assistant.index.manifest import BUILDING, Manifest

    building = Manifest.load(index, BUILDING)
    if building is not None:
        return f"mid-build, {len(building.files)} files committed"
    if Manifest.load(index).collection != Manifest.load(v1_index).collection:
        return "after the switch, before tidying up"
    return "before the build"


def records(corpus: Path, index: Path) -> dict:
    from assistant.index.live import live_records
    from assistant.settings import Settings

    return live_records(Settings.load(corpus_dir=corpus, index_dir=index))


def answers_own_questions(corpus: Path, index: Path, questions: dict[str, tuple[str, str]]) -> list[str]:
    """The files whose question is not answered with their number, citing them."""
    from assistant import Assistant

    bot = Assistant(corpus_dir=corpus, index_dir=index)
    wrong = []
    for source, (question, number) in questions.items():
        answer = bot.ask(question)
        if number not in answer.text or not answer.citations or answer.citations[0].source != source:
            wrong.append(source)
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--kills", type=int, default=10, help="kill points per mode")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, index = tmp / "corpus", tmp / "index"
        make_corpus(corpus, args.docs, 1)
        t0 = time.perf_counter()
        first = run_ingest(corpus, tmp / "v1-index")
        v1_seconds = time.perf_counter() - t0
        print(f"clean build of v1 ({args.docs} docs): {first.stdout.strip()} [{v1_seconds:.1f} s wall]", flush=True)
        questions = make_corpus(corpus, args.docs, 2)
        t0 = time.perf_counter()
        clean = run_ingest(corpus, tmp / "clean-index")
        clean_seconds = time.perf_counter() - t0
        print(f"clean build of v2: {clean.stdout.strip()} [{clean_seconds:.1f} s wall]", flush=True)
        expected = records(corpus, tmp / "clean-index")

        failures = 0
        for mode in ("ingest", "ingest --rebuild"):
            extra = mode.split()[1:]
            # Time one uninterrupted run of this mode, so kill points spread over the whole of it.
            reset(corpus, index, tmp / "v1-index", args.docs)
            began, span = timed_ingest(corpus, index, *extra)
            print(f"{mode} from v1 to v2 uninterrupted: build began at {began:.1f} s, done at {span:.1f} s", flush=True)
            kills = 0
            while kills < args.kills:
                reset(corpus, index, tmp / "v1-index", args.docs)
                # Half the kills at a random moment of the run (start-up included), half at a random
                # commit of the build, so every stage is hit whatever the machine's speed.
                if kills % 2 == 0:
                    point = rng.uniform(0.3, span)
                    killed = run_ingest(corpus, index, *extra, kill_after=point)
                    where = f"at {point:5.1f} s"
                else:
                    point = rng.randint(1, len(questions) - 1)
                    killed = kill_mid_build(corpus, index, *extra, files=point)
                    where = f"after {point:2d} files"
                if not killed:
                    continue  # it finished first: not a kill point
                kills += 1
                state = killed_state(index, tmp / "v1-index")
                after = run_ingest(corpus, index)
                got = records(corpus, index)
                wrong = answers_own_questions(corpus, index, questions)
                ok = after.returncode == 0 and got == expected and not wrong
                failures += not ok
                print(
                    f"{mode:17s} killed {where} ({state}) -> next ingest: "
                    f"{after.stdout.strip().splitlines()[-1]} | "
                    f"records {'==' if got == expected else '!='} clean ({len(got)}/{len(expected)}) | "
                    f"{len(questions) - len(wrong)}/{len(questions)} answer their own question",
                    flush=True,
                )
                if after.returncode:
                    print(after.stderr, flush=True)
        print(f"{2 * args.kills - failures}/{2 * args.kills} rounds consistent")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
