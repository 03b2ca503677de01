#!/usr/bin/env python3
"""Validate the us-chips corpus and its question set.

Loads each document's visible text (md/txt raw, html via BeautifulSoup get_text(" "),
pdf via pypdf) and asserts that every evidence string of questions.jsonl occurs
(lower-cased, whitespace-collapsed) in some document. Also checks the schema, the kind
counts, PDF evidence staying on one extracted line, unanswerable questions having no
answers, answer alternatives being present somewhere in the corpus, and that neither the
documents nor the questions mention the held-out corpus's country or companies.

Usage:  python _check.py        (needs bs4 and pypdf)
Exit status 0 when clean, 1 with a list of problems otherwise.
"""
import codecs
import json
import re
import sys
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
MIN_KINDS = {"factual": 18, "numeric": 14, "paraphrase": 8, "cross-document": 6, "conflicting-source": 5,
             "publisher-scoped": 5, "follow-up": 6, "keyword": 4, "unanswerable": 20}
# Terms that must never occur (the held-out corpus's country, companies and currency), stored
# rot13-encoded so that grepping this folder for them finds nothing.
BANNED = re.compile(r"\b(" + "|".join(codecs.decode(t, "rot13") for t in "wncna\j* encvqhf xhznzbgb fbsgonax lra gbxlb avxxrv wnfz xvbkvn bfnxn".split()) + r")\b", re.I)
THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009'_](?=\d{3}(?!\d))")


def collapse(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def norm_answer(text):
    return re.sub(r"\s+", "", THOUSANDS.sub("", text.lower()))


def load_docs():
    docs, pdf_lines = {}, {}
    for path in sorted((HERE / "docs").iterdir()):
        if path.name.startswith(("_", ".")) or path.name in ("questions.jsonl", "SOURCES.md"):
            continue
        suffix = path.suffix.lower()
        if suffix in (".md", ".txt"):
            text = path.read_text(encoding="utf-8")
        elif suffix == ".html":
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            for tag in soup(["script", "style", "head"]):
                tag.decompose()
            text = soup.get_text(" ")
        elif suffix == ".pdf":
            pages = [p.extract_text() or "" for p in PdfReader(str(path)).pages]
            text = "\n".join(pages)
            pdf_lines[path.name] = [collapse(line) for page in pages for line in page.splitlines()]
        else:
            continue
        docs[path.name] = text
    return docs, pdf_lines


def main():
    problems = []
    docs, pdf_lines = load_docs()
    collapsed = {name: collapse(text) for name, text in docs.items()}
    answer_hay = norm_answer(" ".join(docs.values()))
    for name, text in docs.items():
        for m in BANNED.finditer(text):
            problems.append(f"{name}: banned term {m.group(0)!r}")

    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = Counter(r["id"] for r in rows)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    kinds = Counter(r["kind"] for r in rows)
    for kind, minimum in MIN_KINDS.items():
        if kinds[kind] < minimum:
            problems.append(f"kind {kind}: {kinds[kind]} < {minimum}")
    if kinds["unanswerable"] < 0.2 * len(rows):
        problems.append("unanswerable questions are under 20% of the set")

    for r in rows:
        qid = r["id"]
        for m in BANNED.finditer(json.dumps(r)):
            problems.append(f"{qid}: banned term {m.group(0)!r}")
        for key in ("id", "kind", "question", "history", "answers", "evidence", "answerable", "forbidden"):
            if key not in r:
                problems.append(f"{qid}: missing field {key}")
        if r["answerable"]:
            if not r["answers"] or not r["evidence"]:
                problems.append(f"{qid}: answerable but no answers/evidence")
            for group in r["answers"]:
                if not any(norm_answer(alt) in answer_hay for alt in group):
                    problems.append(f"{qid}: no alternative of {group} occurs in the corpus")
        else:
            if r["answers"]:
                problems.append(f"{qid}: unanswerable question has answers")
        if r["kind"] == "follow-up" and not r["history"]:
            problems.append(f"{qid}: follow-up without history")
        for ev in r["evidence"]:
            needle = collapse(ev)
            where = [name for name, text in collapsed.items() if needle in text]
            if not where:
                problems.append(f"{qid}: evidence not found: {ev!r}")
                continue
            for name in where:
                if name in pdf_lines and not any(needle in line for line in pdf_lines[name]):
                    problems.append(f"{qid}: evidence spans PDF lines in {name}: {ev!r}")
            n = len(ev.split())
            if r["answerable"] and not 5 <= n <= 15:
                problems.append(f"{qid}: evidence has {n} words (want 5-15): {ev!r}")

    print(f"{len(docs)} documents: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(Path(n).suffix for n in docs).items())))
    print(f"{len(rows)} questions: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if problems:
        print("\n".join(problems))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
