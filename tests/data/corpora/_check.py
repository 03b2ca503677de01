"""Validate an evaluation corpus (``<corpus>/docs/*`` and its ``questions.jsonl``).

Run:  python3 tests/data/corpora/_check.py tests/data/corpora/<corpus> [QUESTIONS_FILE] [--part]
(``--part`` checks one half while a corpus is written in two halves: half the minimum counts.)
Needs: stdlib + beautifulsoup4 + pypdf.

Checks
  * every document loads (md/txt raw, html via BeautifulSoup get_text(" "), pdf via pypdf);
  * questions.jsonl schema, unique ids, minimum counts per kind;
  * every evidence string (whitespace-collapsed, lower-cased) occurs in some document;
    evidence found only in a PDF must sit on a single extracted line;
  * every answer group of an answerable question has an alternative that occurs in the corpus
    (normalised: case-insensitive, whitespace and thousands separators ignored);
  * for conflicting-source / cross-document questions, the answer groups are found in
    at least two different documents;
  * unanswerable questions have no answers and their forbidden strings are listed;
  * the corpus never mentions one excluded country or its companies/programmes (see BANNED).
"""
import codecs
import json
import re
import sys
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
if not ARGS:
    sys.exit(__doc__)
HERE = Path(ARGS[0]).resolve()
NON_DOCS = {"SOURCES.md", "questions.jsonl"}
PART = "--part" in sys.argv
QUESTIONS = Path(ARGS[1]).resolve() if len(ARGS) > 1 else HERE / "questions.jsonl"
MIN_KINDS = {
    "factual": 18, "numeric": 14, "paraphrase": 8, "cross-document": 6, "conflicting-source": 5,
    "publisher-scoped": 5, "follow-up": 6, "keyword": 4, "unanswerable": 20,
}
if PART:
    MIN_KINDS = {k: -(-n // 2) for k, n in MIN_KINDS.items()}
# Terms that must never appear (kept rot13-encoded so this file does not mention them either).
BANNED = re.compile(r"\b(" + codecs.decode("wncna|wncnarfr|encvqhf|xhznzbgb|wnfz|fbsgonax|fbal|lra|gbxlb|avxxrv|erarfnf|xvbkvn|bfnxn", "rot13") + r")\b", re.I)


def ws(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def norm_answer(s):
    s = s.lower()
    s = re.sub(r"(?<=\d)[,\u00a0\u202f'](?=\d{2,3}\b)", "", s)  # thousands separators (also lakh style)
    return re.sub(r"\s+", "", s)


def load_docs():
    docs = {}
    pdf_lines = {}
    for p in sorted((HERE / "docs").iterdir()):
        if p.name in NON_DOCS or p.name.startswith("_") or p.is_dir():
            continue
        if p.suffix in (".md", ".txt"):
            docs[p.name] = p.read_text(encoding="utf-8")
        elif p.suffix == ".html":
            docs[p.name] = BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        elif p.suffix == ".pdf":
            text = "\n".join(page.extract_text() or "" for page in PdfReader(str(p)).pages)
            docs[p.name] = text
            pdf_lines[p.name] = [ws(line) for line in text.splitlines()]
    return docs, pdf_lines


def main():
    errors = []
    docs, pdf_lines = load_docs()
    ws_docs = {k: ws(v) for k, v in docs.items()}
    norm_docs = {k: norm_answer(v) for k, v in docs.items()}

    fmt = Counter(Path(n).suffix for n in docs)
    if len(docs) < (13 if PART else 26):
        errors.append(f"only {len(docs)} documents")

    for name in list(docs) + [QUESTIONS.name]:
        path = QUESTIONS if name == QUESTIONS.name else HERE / "docs" / name
        if not path.exists():
            errors.append(f"missing {name}")
            continue
        raw = docs[name] if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
        m = BANNED.search(raw)
        if m:
            errors.append(f"{name}: banned term {m.group(0)!r}")

    questions = []
    with open(QUESTIONS, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                questions.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"line {i}: bad JSON ({e})")

    keys = {"id", "kind", "question", "history", "answers", "evidence", "answerable", "forbidden"}
    ids = Counter(q.get("id") for q in questions)
    for qid, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {qid}")

    for q in questions:
        qid = q.get("id")
        if set(q) != keys:
            errors.append(f"{qid}: keys {sorted(q)}")
            continue
        if q["kind"] not in MIN_KINDS:
            errors.append(f"{qid}: unknown kind {q['kind']}")
        if not isinstance(q["history"], list) or any(
                not (isinstance(h, list) and len(h) == 2) for h in q["history"]):
            errors.append(f"{qid}: history must be a list of [question, answer] pairs")
        if q["kind"] == "follow-up" and not q["history"]:
            errors.append(f"{qid}: follow-up without history")
        for ev in q["evidence"]:
            e = ws(ev)
            hits = [n for n, t in ws_docs.items() if e in t]
            if not hits:
                errors.append(f"{qid}: evidence not found: {ev!r}")
            elif all(n in pdf_lines for n in hits) and not any(
                    e in line for n in hits for line in pdf_lines[n]):
                errors.append(f"{qid}: PDF evidence spans lines: {ev!r}")
            if not 4 <= len(ev.split()) <= 15:
                errors.append(f"{qid}: evidence length {len(ev.split())} words: {ev!r}")
        if q["answerable"]:
            if not q["answers"] or not q["evidence"]:
                errors.append(f"{qid}: answerable but no answers/evidence")
            docs_per_group = []
            for group in q["answers"]:
                found = {n for alt in group for n, t in norm_docs.items() if norm_answer(alt) in t}
                if not found:
                    errors.append(f"{qid}: answer group {group} not found in any document")
                docs_per_group.append(found)
            if q["kind"] in ("conflicting-source", "cross-document"):
                if len(q["answers"]) < 2:
                    errors.append(f"{qid}: needs at least two answer groups")
                ev_docs = {n for ev in q["evidence"] for n, t in ws_docs.items() if ws(ev) in t}
                if len(ev_docs) < 2:
                    errors.append(f"{qid}: evidence from fewer than two documents")
        else:
            if q["answers"]:
                errors.append(f"{qid}: unanswerable with answers")
            if q["kind"] != "unanswerable":
                errors.append(f"{qid}: answerable=false but kind {q['kind']}")

    kinds = Counter(q.get("kind") for q in questions)
    for k, n in MIN_KINDS.items():
        if kinds[k] < n:
            errors.append(f"kind {k}: {kinds[k]} < {n}")
    if len(questions) < (42 if PART else 85):
        errors.append(f"only {len(questions)} questions")
    unans = sum(1 for q in questions if not q.get("answerable"))
    if unans < 0.2 * len(questions):
        errors.append(f"unanswerable share {unans}/{len(questions)} below 20%")

    print(f"documents: {len(docs)} {dict(fmt)}")
    print(f"questions: {len(questions)} {dict(kinds)}; unanswerable {unans}")
    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
