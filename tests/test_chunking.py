"""Sentence splitting and structure-aware chunking keep exact offsets into the loaded text."""

import time
from pathlib import Path

from conftest import CORPUS, SEED_DOC

from assistant.index.chunking import chunk_document, split_sentences
from assistant.index.loading import load_file


def test_sentences_respect_abbreviations_decimals_and_footnotes():
    text = 'Dr. Smith paid $8.6 billion in the U.S. market[^2]. Then "AI grid" plans began. Ok?'
    spans = [text[s.start : s.end] for s in split_sentences(text)]
    assert spans == ['Dr. Smith paid $8.6 billion in the U.S. market[^2].', 'Then "AI grid" plans began.', "Ok?"]


def test_seed_chunks_carry_heading_path_and_exact_offsets():
    doc = load_file(CORPUS / SEED_DOC, CORPUS)
    raw = (CORPUS / SEED_DOC).read_text(encoding="utf-8")
    chunks = chunk_document(doc, 900, 1)
    headings = {c.metadata["heading"] for c in chunks}
    assert "Geopolitical Considerations and Energy Concerns" in headings
    for c in chunks:
        m = c.metadata
        assert raw[m["start"] : m["end"]] == c.page_content[m["prefix_len"] :]
        assert not raw[m["start"] : m["end"]].startswith(("---", "#", "[^"))  # front matter, headings, notes stay out
        if m["heading"]:
            assert c.page_content.startswith(m["heading"])


def test_large_report_is_chunked_within_size(tmp_path: Path, record_property):
    section = "## Section {i}\n\n" + ("The ministry reported steady growth in output. " * 40 + "\n\n") * 3
    text = "# Annual Report\n\n" + "".join(section.format(i=i) for i in range(180))
    assert len(text) > 1_000_000
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    chunks = chunk_document(load_file(path, tmp_path), 900, 1)
    record_property("chunk_1mb_seconds", round(time.perf_counter() - t0, 2))
    assert all(c.metadata["end"] - c.metadata["start"] <= 900 for c in chunks)
    assert {c.metadata["heading"] for c in chunks} >= {"Section 0", "Section 179"}
    assert len(chunks) > len(text) // 900


def test_plain_text_headings_are_detected(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Funding\n\nThe agency granted $6.6 billion. It also lent more.\n", encoding="utf-8")
    chunks = chunk_document(load_file(tmp_path / "a.txt", tmp_path), 900, 1)
    assert [c.metadata["heading"] for c in chunks] == ["Funding"]


def test_dated_documents_embed_publisher_and_date_as_context_only(tmp_path: Path):
    text = "---\ntitle: T\npublisher: Example Wire\ndate: 2024-11-26\n---\n\nThe grant is $6.6 billion.\n"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    [chunk] = chunk_document(load_file(tmp_path / "a.md", tmp_path), 900, 1)
    assert chunk.page_content == "T\n\nExample Wire, 26 November 2024\n\nThe grant is $6.6 billion."
    assert chunk.page_content[chunk.metadata["prefix_len"] :] == "The grant is $6.6 billion."
    assert (chunk.metadata["publisher"], chunk.metadata["date"]) == ("Example Wire", "2024-11-26")


def test_undated_documents_keep_their_embedded_text():
    doc = load_file(CORPUS / SEED_DOC, CORPUS)
    for c in chunk_document(doc, 900, 1):
        assert c.metadata["prefix_len"] == len(c.metadata["heading"] or c.metadata["title"]) + 2
        assert c.metadata["publisher"] == "TheOutpost.ai" and c.metadata["date"] == ""
