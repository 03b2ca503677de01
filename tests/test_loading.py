"""Loaders for md, txt, html and pdf, and the reasons a file is skipped."""

from pathlib import Path

import pytest

from assistant.index.loading import SkipFile, load_file


def test_markdown_front_matter_is_parsed_and_body_offset_kept(tmp_path: Path):
    text = "---\ntitle: 'A: title with colon'\ntags: [a, b]\n---\n\n# Heading\n\nBody text here.\n"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    doc = load_file(tmp_path / "a.md", tmp_path)
    assert doc.metadata["title"] == "A: title with colon"
    assert text[doc.metadata["body_start"] :].lstrip().startswith("# Heading")
    assert doc.page_content == text


def test_html_keeps_headings_and_drops_scripts(tmp_path: Path):
    html = "<html><head><title>T</title><script>evil()</script></head><body><nav>menu</nav><h1>Top</h1><p>Para one.</p><h2>Sub</h2><p>Para two.</p></body></html>"
    (tmp_path / "a.html").write_text(html, encoding="utf-8")
    doc = load_file(tmp_path / "a.html", tmp_path)
    assert doc.metadata["title"] == "T"
    assert "# Top" in doc.page_content and "## Sub" in doc.page_content
    assert "evil" not in doc.page_content and "menu" not in doc.page_content


def test_pdf_text_and_page_offsets(tmp_path: Path):
    reportlab = pytest.importorskip("reportlab.pdfgen.canvas")
    c = reportlab.Canvas(str(tmp_path / "a.pdf"))
    c.drawString(72, 720, "Page one says the plant cost 3 billion euros.")
    c.showPage()
    c.drawString(72, 720, "Page two says the plant opened in 2027.")
    c.save()
    doc = load_file(tmp_path / "a.pdf", tmp_path)
    starts = doc.metadata["page_starts"]
    assert len(starts) == 2
    assert "opened in 2027" in doc.page_content[starts[1] :]


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.md", b"   \n", "empty"),
        ("blob.txt", b"abc\x00\x01\x02def", "binary"),
        ("latin1.txt", "café crème".encode("latin-1"), "UTF-8"),
        ("image.png", b"\x89PNG\r\n", "unsupported"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ],
)
def test_bad_files_raise_skip_with_reason(tmp_path: Path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(SkipFile, match=reason):
        load_file(tmp_path / name, tmp_path)


def test_every_document_has_the_metadata_fields(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Just a note about the plant.\n", encoding="utf-8")
    meta = load_file(tmp_path / "a.txt", tmp_path).metadata
    assert {k: meta[k] for k in ("publisher", "date", "url", "author", "dateline")} == dict.fromkeys(
        ("publisher", "date", "url", "author", "dateline"), ""
    )
    assert meta["furniture"] == [] and meta["table_rows"] == []


def test_pdf_table_rows_headings_furniture_and_running_footer(tmp_path: Path):
    platypus = pytest.importorskip("reportlab.platypus")
    from reportlab.lib import colors
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    grid = [
        ["Plant", "Cost", "Status"],
        ["Alpha fab in the northern industrial zone", "3 billion euros", "Open"],
        ["Beta", "1 billion euros", "Planned for a later phase of the programme"],
    ]
    table = platypus.Table([[platypus.Paragraph(c, cell) for c in row] for row in grid], colWidths=[110, 90, 120])
    table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
    story = [
        platypus.Paragraph("Fab report", styles["Title"]),
        platypus.Paragraph("Example Institute | March 2025 | Author: Jo Bloggs", styles["Italic"]),
        platypus.Paragraph("Costs", styles["Heading2"]),
        platypus.Paragraph("The programme has two plants.", styles["BodyText"]),
        table,
        platypus.Paragraph("After the table the programme continues.", styles["BodyText"]),
    ]

    def footer(canvas, doc):
        canvas.setFont("Helvetica", 7)
        canvas.drawString(72, 30, "Example Institute - example.org/fab-report - Page %d" % doc.page)

    platypus.SimpleDocTemplate(str(tmp_path / "r.pdf"), title="Fab report", author="Example Institute").build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    doc = load_file(tmp_path / "r.pdf", tmp_path)
    text, meta = doc.page_content, doc.metadata
    assert "Plant: Alpha fab in the northern industrial zone; Cost: 3 billion euros; Status: Open." in text
    assert "Plant: Beta; Cost: 1 billion euros; Status: Planned for a later phase of the programme." in text
    assert "## Costs" in text and "example.org" not in text and "Page 1" not in text
    assert (meta["title"], meta["publisher"], meta["author"], meta["date"]) == ("Fab report", "Example Institute", "Jo Bloggs", "March 2025")
    assert meta["url"] == "example.org/fab-report"
    assert [text[r["start"] : r["end"]].split(";")[0] for r in meta["table_rows"]] == ["Plant: Alpha fab in the northern industrial zone", "Plant: Beta"]
    assert any(text[s:e].startswith("Example Institute | March 2025") for s, e in meta["furniture"])


SAVED_PAGES = Path(__file__).parent / "data" / "saved_pages"


def test_a_web_page_saved_as_pdf_by_a_browser():
    from assistant.index.chunking import chunk_document

    doc = load_file(SAVED_PAGES / "harbour-fab-article.pdf", SAVED_PAGES)
    meta = doc.metadata
    # The browser's title "Headline | Site" names the publisher; the byline, not the print date, dates it.
    assert (meta["title"], meta["publisher"], meta["date"], meta["author"]) == (
        "Harbour City picks a site for its first chip fab", "Harbour Tech Courier", "2025-03-12", "Lena Ortiz",
    )
    chunks = chunk_document(doc, 900, 1)
    rows = [c.metadata["row_text"] for c in chunks if c.metadata.get("row_text")]
    # One row per line, each cell under its (centred) header; the wrapped cell is whole.
    assert rows == [
        "Item: Total investment; Figure: 4.2 billion euros; Source: City council",
        "Item: Direct jobs at full output, including the clean-room staff; Figure: 1,400; Source: Operator",
        "Item: Start of production; Figure: 2029; Source: Operator",
    ]
    quotable = " ".join(c.page_content.split("\n\n", 2)[-1] for c in chunks)
    for chrome in ("cookies", "Accept", "Home", "Related stories", "Docks redevelopment", "Privacy", "©"):
        assert chrome not in quotable, chrome
    assert "The plant will cost about 4.2 billion euros" in quotable


def test_page_chrome_in_a_saved_text_file_is_furniture(tmp_path: Path):
    from assistant.index.chunking import chunk_document

    text = (
        "Title: Harbour City picks a fab site\nPublisher: Harbour Tech Courier\nDate: 2025-03-12\n\n"
        "We use cookies to improve your experience. By clicking Accept you agree to our cookie policy.\n\n"
        "Harbour City has chosen the former docks for its first chip factory, which will cost 4.2 billion euros.\n\n"
        "Related stories\n\n"
        "About | Privacy | Cookie policy | Contact\n"
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    bodies = [c.page_content.split("\n\n", 2)[-1] for c in chunk_document(load_file(tmp_path / "a.txt", tmp_path), 900, 1)]
    assert not any("cookie" in b.lower() or "Privacy" in b for b in bodies), bodies
    assert any("4.2 billion euros" in b for b in bodies)


def test_a_site_suffix_is_split_from_a_title():
    from assistant.index.furniture import split_site

    assert split_site("Harbour City picks a fab site | Harbour Tech Courier") == ("Harbour City picks a fab site", "Harbour Tech Courier")
    assert split_site("Chip plan approved - The Daily Ledger") == ("Chip plan approved", "The Daily Ledger")
    assert split_site("US-China chip talks resume") == ("US-China chip talks resume", "")
    assert split_site("Intel - the next chapter for Ohio") == ("Intel - the next chapter for Ohio", "")


def test_a_spec_sheet_without_a_header_row_is_read_as_keys_and_values(tmp_path: Path):
    # A two-column table of keys and values has no header row: each row is "key: value", the first
    # one included, in Markdown, in HTML (keys in <th>, or a first value that states a figure) and in PDF.
    from assistant.index.chunking import chunk_document

    expected = ["Process node: 2 nanometres", "Investment: 5 trillion yen", "Operator: Harbor Foundry"]
    pairs = [("Process node", "2 nanometres"), ("Investment", "5 trillion yen"), ("Operator", "Harbor Foundry")]
    md = "# Specs\n\nThe line was described on Monday.\n\n" + "".join(
        f"| {k} | {v} |\n" + ("|---|---|\n" if i == 0 else "") for i, (k, v) in enumerate(pairs)) + "\nThe timetable is tight.\n"
    (tmp_path / "a.md").write_text(md, encoding="utf-8")
    html = "<html><body><article><h1>Specs</h1><p>The line was described on Monday.</p><table>" + "".join(
        f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in reversed(pairs)) + "</table><p>The timetable is tight.</p></article></body></html>"
    (tmp_path / "b.html").write_text(html, encoding="utf-8")
    for name, want in (("a.md", expected), ("b.html", list(reversed(expected)))):
        chunks = chunk_document(load_file(tmp_path / name, tmp_path), 900, 1)
        assert [c.metadata["row_text"] for c in chunks if c.metadata.get("row_text")] == want, name

    platypus = pytest.importorskip("reportlab.platypus")
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    story = [platypus.Paragraph("Specs", styles["Title"]), platypus.Paragraph("The line was described on Monday.", styles["BodyText"]),
             platypus.Table([list(p) for p in pairs], colWidths=[150, 150]),
             platypus.Paragraph("The timetable is tight, officials said after the meeting.", styles["BodyText"])]
    platypus.SimpleDocTemplate(str(tmp_path / "c.pdf")).build(story)
    chunks = chunk_document(load_file(tmp_path / "c.pdf", tmp_path), 900, 1)
    assert [c.metadata["row_text"] for c in chunks if c.metadata.get("row_text")] == expected


def test_a_header_row_is_not_taken_for_data():
    from assistant.index.tables import header_is_data

    assert header_is_data(["Process node", "2 nanometres"]) and header_is_data(["Budget", "¥10 trillion"])
    for cells in (["Company", "Share"], ["Company", "2024"], ["Company", "FY2025 revenue"], ["Plant", "Cost", "Status"]):
        assert not header_is_data(cells), cells


def test_a_file_saved_with_a_byte_order_mark_and_crlf_keeps_its_metadata(tmp_path: Path):
    # Windows editors save a byte-order mark and CRLF line ends: front matter and header lines are
    # still metadata, never a chunk, and quotes stay exact text of the file as read.
    from assistant.index.chunking import chunk_document

    (tmp_path / "a.md").write_bytes(
        "\ufeff---\r\ntitle: Harbor fab\r\npublisher: Harbor Review\r\ndate: 2025-03-12\r\n---\r\n\r\n"
        "# Harbor fab\r\n\r\nThe Harbor fab cost 4.2 billion euros.\r\n".encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(
        "\ufeffTitle: Harbor fab opens\r\nPublisher: Harbor Wire\r\nDate: 2025-03-12\r\n\r\n"
        "The Harbor fab opened on Wednesday.\r\n".encode("utf-8"))
    for name, publisher in (("a.md", "Harbor Review"), ("b.txt", "Harbor Wire")):
        doc = load_file(tmp_path / name, tmp_path)
        assert (doc.metadata["publisher"], doc.metadata["date"]) == (publisher, "2025-03-12"), name
        raw = (tmp_path / name).read_text(encoding="utf-8")
        for chunk in chunk_document(doc, 900, 1):
            m = chunk.metadata
            body = chunk.page_content[m["prefix_len"]:]
            assert "title:" not in body.lower() and raw[m["start"] : m["end"]] == body, body
