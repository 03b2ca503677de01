"""The seed article in corpus/ is the source text, verbatim, as clean Markdown."""

import re
import subprocess
import sys

import frontmatter
import pytest
from conftest import CORPUS, DATA, ROOT, SEED_DOC

SEEDS = ROOT.parent / "shared" / "seeds"
CHROME = {"3 Sources", "Share", "News article", "TheOutpost.ai", "Instagram logo", "LinkedIn logo"}


def _words(text: str) -> list[str]:
    # The seed puts some sentence-ending periods on lines of their own, next to its reference
    # numbers; compare the words with a trailing period dropped.
    return [w.rstrip(".") for w in re.findall(r"[\w$.,'’\"()-]+", text) if w.rstrip(".")]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")
def test_article_words_are_verbatim():
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    lines = [l.strip() for l in seed.splitlines()]
    end = lines.index("TheOutpost.ai")  # the site footer starts here
    kept = [l for l in lines[:end] if l and l not in CHROME and not re.fullmatch(r"\d|\.", l)]
    # The seed splits sentences at its reference numbers; the words must still match in order.
    seed_text = " ".join(kept)

    post = frontmatter.loads((CORPUS / SEED_DOC).read_text(encoding="utf-8"))
    body = "\n".join(l for l in post.content.splitlines() if not re.match(r"\[\^\d\]:", l))
    body = re.sub(r"\[\^\d\]", "", re.sub(r"^#+\s*", "", body, flags=re.M))
    # The title heading repeats the seed's first line; the seed has it once.
    assert _words(body) == _words(seed_text)


def test_front_matter_and_footnotes():
    post = frontmatter.loads((CORPUS / SEED_DOC).read_text(encoding="utf-8"))
    assert post["publisher"] == "TheOutpost.ai"
    assert post["kind"] == "news summary"
    assert "three" in post["note"]
    assert "next-generation semiconductors[^2]." in post.content
    assert "population[^1][^2][^3]." in post.content
    for chrome in ("3 Sources", "Share\n", "News article", "Instagram"):
        assert chrome not in post.content


@pytest.mark.parametrize("corpus", sorted(p.name for p in (DATA / "corpora").iterdir() if (p / "questions.jsonl").is_file()))
def test_every_dev_corpus_passes_its_validator(corpus):
    """Evidence strings stand in the documents, answers are findable, kinds and shares are met and
    the held-out country is never named (``tests/data/corpora/_check.py``)."""
    done = subprocess.run(
        [sys.executable, str(DATA / "corpora" / "_check.py"), str(DATA / "corpora" / corpus)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout[-2000:]
