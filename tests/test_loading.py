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
