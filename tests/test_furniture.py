"""Document furniture stays out of what can be quoted, becomes metadata, and tables become rows.

Checked over every document of both dev corpora (md with front matter, .txt with header lines
and datelines, full HTML pages with boilerplate, PDFs with tables) and on small made-up files.
"""

import re
from pathlib import Path

import pytest

from assistant.index.chunking import chunk_document
from assistant.index.furniture import iso_date
from assistant.index.loading import load_file
from assistant.text.sentences import split_sentences

CORPORA = Path(__file__).parent / "data" / "corpora"
DOCS = sorted(p for p in CORPORA.glob("*/docs/*") if p.is_file())

URL_RE = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|gov|edu|io|example)\b", re.I)
# A .txt header line; a table row shown with its headers ("Date: 31 July 2025; Event: ...") is content,
# as in the CI gate's check (tests/test_eval_gate.py).
HEADER_RE = re.compile(r"^\s*(?:Title|Publisher|Date|Source|URL|Author)\s*:(?![^\n]*; [A-Z][\w ()]*: )", re.M)
DATELINE_RES = [
    re.compile(r"^[*_]*[A-Z][A-Z.' -]{2,}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*\(", re.M),  # WASHINGTON, Dec 20 (
    re.compile(r"\([^()]{2,40}\)\s+(?:-|–|—)\s"),  # "(Pacific Crest Wire) - "
    re.compile(r"^[*_]+[A-Z][\w ]+,\s*\d{1,2}\s+[A-Z][a-z]+\s+\d{4}"),  # *Phoenix, 15 November 2024
]
# "By Jane Doe", "*By Jane Doe and John Roe*", "By Jane Doe, Staff Reporter": a name alone after "By",
# not prose that opens with it ("By Nvidia's own count, the deal ...").
BYLINE_RE = re.compile(
    r"^[*_]*By\s+[A-Z][\w.-]*(?:\s+(?:[A-Z][\w.-]*|and|&))*\s*[*_]*\s*(?:$|[,|·—–])", re.M)


def _chunks(path: Path):
    doc = load_file(path, path.parent)
    return doc, chunk_document(doc, 900, 1)


@pytest.fixture(scope="module")
def loaded():
    return {p: _chunks(p) for p in DOCS}


def _body(chunk) -> str:
    return chunk.page_content[chunk.metadata["prefix_len"] :]


def test_dev_corpora_are_there():
    assert len(DOCS) >= 50
    assert {p.suffix for p in DOCS} == {".md", ".txt", ".html", ".pdf"}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_no_furniture_in_any_quotable_text(loaded, path):
    doc, chunks = loaded[path]
    assert chunks, "every dev document yields chunks"
    text = doc.page_content
    for c in chunks:
        m = c.metadata
        body = _body(c)
        assert text[m["start"] : m["end"]] == body  # offsets exact
        assert "|" not in body, body
        assert not URL_RE.search(body), body
        assert not HEADER_RE.search(body), body
        assert not BYLINE_RE.search(body), body
        for regex in DATELINE_RES:
            assert not regex.search(body), body
        if doc.metadata["dateline"]:
            assert doc.metadata["dateline"] not in body
        # what an answerer quotes is a sentence of the body: the same holds for each
        for s in split_sentences(body, m["start"]):
            assert text[s.start : s.end] == body[s.start - m["start"] : s.end - m["start"]]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_document_metadata_on_every_chunk(loaded, path):
    doc, chunks = loaded[path]
    meta = doc.metadata
    assert meta["title"] and meta["publisher"] and meta["date"]
    raw = path.read_text(encoding="utf-8", errors="replace") if path.suffix != ".pdf" else ""
    # A saved page need not name its own address (no canonical link, no og:url): then none is made up.
    states_url = path.suffix in (".md", ".txt") or "canonical" in raw or "og:url" in raw or "us-chips" in str(path)
    if states_url:
        assert meta["url"], "md and txt documents, and pages with a canonical link, state their address (the us-chips PDFs in their footer)"
    elif path.suffix == ".html":
        assert not meta["url"], meta["url"]
    if path.suffix in (".md", ".html", ".pdf"):
        assert meta["author"]
    if path.suffix != ".pdf":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"]), meta["date"]
    for c in chunks:
        for key in ("title", "publisher", "date", "url", "author"):
            assert isinstance(c.metadata[key], str)
            assert c.metadata[key] == meta[key]


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "meridian-wire-intel-final-award.txt",
            {"publisher": "Meridian Wire", "date": "2024-11-26", "dateline": "WASHINGTON, Nov 26 (Meridian Wire)",
             "url": "https://www.meridianwire.com/technology/2024/11/26/commerce-finalizes-intel-chips-grant",
             "title": "Commerce finalizes smaller $7.86 billion CHIPS grant for Intel"},
        ),
        (
            "meridian-wire-tsmc-final-award.md",
            {"publisher": "Meridian Wire", "date": "2024-11-15", "author": "Elena Varga",
             "dateline": "Phoenix, 15 November 2024 (Meridian Wire)"},
        ),
        (
            "industrial-observer-chips-scorecard.html",
            {"publisher": "The Industrial Observer", "date": "2025-03-06", "author": "Nathan Cole",
             "url": "https://www.industrialobserver.com/policy/2025/03/06/industrial-observer-chips-scorecard",
             "title": "After Trump's 'horrible' jab, a scorecard of where CHIPS money stands"},
        ),
        (
            "silicon-policy-institute-chips-award-tracker.pdf",
            {"publisher": "Silicon Policy Institute", "date": "January 2025", "author": "Dr. Rachel Kim-Alvarez",
             "title": "CHIPS Incentives Tracker: From Preliminary Terms to Final Awards"},
        ),
        (
            "espf-policy-brief-eu-fab-subsidies.pdf",
            {"publisher": "European Semiconductor Policy Forum", "date": "2025-09-15", "author": "Dr. Elena Marchetti"},
        ),
    ],
)
def test_metadata_values(loaded, name, expected):
    path = next(p for p in DOCS if p.name == name)
    doc, _ = loaded[path]
    for key, value in expected.items():
        assert doc.metadata[key] == value, key


def test_html_boilerplate_is_gone(loaded):
    for path in DOCS:
        if path.suffix != ".html":
            continue
        text = loaded[path][0].page_content
        for junk in ("cookies", "Accept all", "Subscribe", "Sign up", "Related articles", "All rights reserved",
                     "Privacy policy", "Share on", "Advertisement", "Tags:", "<table", "&lt;"):
            assert junk not in text, (path.name, junk)
        assert text.startswith("# ")  # the headline, kept as the top of the section path


def _row_chunks(loaded, name):
    path = next(p for p in DOCS if p.name == name)
    doc, chunks = loaded[path]
    return doc, [c for c in chunks if "row_text" in c.metadata]


def test_markdown_table_row_is_one_unit_carrying_its_header(loaded):
    doc, rows = _row_chunks(loaded, "capitol-tech-review-chips-act-explainer.md")
    assert len(rows) == 8
    intel = next(c for c in rows if "Intel" in c.metadata["row_text"])
    m = intel.metadata
    assert m["row_text"] == "Company: Intel; Award: up to $7.865 billion; Site: Arizona, New Mexico, Ohio and Oregon"
    assert _body(intel) == "up to $7.865 billion"  # exact text of the file, no pipe
    raw = path_text = (CORPORA / "us-chips" / "docs" / "capitol-tech-review-chips-act-explainer.md").read_text(encoding="utf-8")
    assert raw[m["start"] : m["end"]] == _body(intel)
    assert path_text[m["row_start"] : m["row_end"]].startswith("| Intel |")
    assert m["heading"] == "Where the grants went"
    assert m["row_text"] in intel.page_content  # embedded with the row, so the row is found by "Intel"
    # the header and delimiter lines are in no chunk
    for c in loaded[next(p for p in DOCS if p.name == "capitol-tech-review-chips-act-explainer.md")][1]:
        assert "---" not in _body(c) and "Company" not in _body(c)


def test_html_table_rows_are_lines_with_headers(loaded):
    doc, rows = _row_chunks(loaded, "industrial-observer-chips-scorecard.html")
    assert len(rows) == 8
    bodies = [_body(c) for c in rows]
    assert bodies[0] == (
        "Company: Intel; Final award: $7.865 billion; State(s): Arizona, New Mexico, Ohio, Oregon; Finalized: Nov. 26, 2024."
    )
    assert all(b.count("Company:") == 1 for b in bodies)
    assert all(c.metadata["heading"] == "Largest finalized CHIPS manufacturing awards" for c in rows)
    # a table escaped once too often by the CMS is a table all the same
    _, korea = _row_chunks(loaded, "asia-chip-monitor-korea-33-trillion-won.html")
    assert [c.metadata["row_text"].split(";")[0] for c in korea][:2] == ["Measure: Total size", "Measure: Approximate dollar value"]


def test_pdf_tables_are_split_into_rows(loaded):
    doc, rows = _row_chunks(loaded, "silicon-policy-institute-chips-award-tracker.pdf")
    assert len(rows) == 8
    assert _body(rows[0]) == (
        "Company: Intel; Main site(s): Chandler AZ; New Albany OH; Rio Rancho NM; Hillsboro OR; "
        "Preliminary (PMT): $8.5 billion; Final award: $7.865 billion; Finalized: Nov 26, 2024."
    )
    for c in rows:  # one row, one sentence: never run together with the next row
        body = _body(c)
        assert len(split_sentences(body)) == 1 and body.count("Company:") == 1
        assert c.metadata["page"] == 1
    _, eu = _row_chunks(loaded, "espf-policy-brief-eu-fab-subsidies.pdf")
    assert _body(eu[-1]) == (
        "Project: Intel Fab 29; Location: Magdeburg, Germany; Investment: about EUR 30 billion; "
        "Public support: EUR 9.9 billion pledged, never paid; Status (Sept 2025): Cancelled in July 2025."
    )
    _, atlantic = _row_chunks(loaded, "atlantic-policy-forum-chips-funding-map.pdf")
    assert _body(atlantic[-1]) == "Programme: Total; Amount: $52.7 billion."


def test_pdf_text_keeps_headings_pages_and_leaves_out_running_footers(loaded):
    path = next(p for p in DOCS if p.name == "silicon-policy-institute-chips-award-tracker.pdf")
    doc, chunks = loaded[path]
    text = doc.page_content
    assert "Page 1" not in text and "siliconpolicy.org" not in text
    assert doc.metadata["url"] == "siliconpolicy.org/briefs/chips-tracker"
    starts = doc.metadata["page_starts"]
    assert len(starts) == 2 and text[starts[1] :].startswith("union labour commitments")
    # the paragraph running on to page 2 is one paragraph
    assert "conditions such as childcare and union labour commitments" in text
    assert {c.metadata["heading"] for c in chunks} >= {"Summary", "Key findings", "Why the numbers moved", "Outlook"}


# --- small made-up documents -----------------------------------------------------------------------


def test_txt_header_lines_and_dateline_are_metadata(tmp_path: Path):
    text = (
        "Title: Plant opens\nPublisher: Example Wire\nDate: 2024-05-02\nSource: https://example.com/a\n\n"
        "BOISE, Idaho, May 2 (Example Wire) - The plant opened on Thursday. It cost $2 billion.\n\n"
        "Officials welcomed it.\n\n(Reporting by Jane Doe; Editing by John Roe)\n"
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    doc = load_file(tmp_path / "a.txt", tmp_path)
    m = doc.metadata
    assert (m["title"], m["publisher"], m["date"], m["url"]) == ("Plant opens", "Example Wire", "2024-05-02", "https://example.com/a")
    assert m["dateline"] == "BOISE, Idaho, May 2 (Example Wire)"
    chunks = chunk_document(doc, 900, 1)
    bodies = [_body(c) for c in chunks]
    assert bodies == ["The plant opened on Thursday. It cost $2 billion.\n\nOfficials welcomed it."]
    assert doc.page_content == text


def test_markdown_byline_and_italic_dateline_are_metadata(tmp_path: Path):
    text = (
        "---\ntitle: A report\npublisher: Example Review\ndate: 2024-11-15\n---\n\n# A report\n\n"
        "*By Jane Doe*\n\n*Phoenix, 15 November 2024 (Example Wire)*\n\nThe grant is $6.6 billion.\n"
    )
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    doc = load_file(tmp_path / "a.md", tmp_path)
    assert doc.metadata["author"] == "Jane Doe"
    assert doc.metadata["date"] == "2024-11-15"
    assert doc.metadata["dateline"] == "Phoenix, 15 November 2024 (Example Wire)"
    assert [_body(c) for c in chunk_document(doc, 900, 1)] == ["The grant is $6.6 billion."]


def test_markdown_table_without_outer_pipes(tmp_path: Path):
    text = "# T\n\nIntro sentence here.\n\nCompany | Share\n--- | ---:\nAlpha Corp | 2.0%\nBeta Ltd | **3.5%**\n\nAfter the table.\n"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    chunks = chunk_document(load_file(tmp_path / "a.md", tmp_path), 900, 1)
    assert [(_body(c), c.metadata.get("row_text")) for c in chunks] == [
        ("Intro sentence here.", None),
        ("2.0%", "Company: Alpha Corp; Share: 2.0%"),
        ("3.5%", "Company: Beta Ltd; Share: 3.5%"),
        ("After the table.", None),
    ]


def test_html_meta_tags_and_boilerplate_rules(tmp_path: Path):
    html = """<html><head><title>Fab news | Example Times</title>
    <meta property="og:site_name" content="Example Times"><meta name="author" content="Jo Bloggs">
    <meta property="article:published_time" content="2024-02-03T08:00:00Z">
    <link rel="canonical" href="https://example.com/fab"></head><body>
    <div class="cookie-consent">We use cookies. Accept all</div><header class="site-header"><nav>Home News</nav></header>
    <article><h1>Fab news</h1><p class="byline">By Jo Bloggs | Feb. 3, 2024</p>
    <p>The fab will cost 3 billion euros, officials said on Friday.</p>
    <h2>Jobs</h2><p>It will employ 2,000 people when it opens in 2027.</p>
    <table><caption>Costs</caption><tr><th>Item</th><th>Amount</th></tr><tr><td>Fab</td><td>3 billion euros</td></tr>
    <tr><td>Training</td><td>50 million euros</td></tr></table>
    <div class="share-tools">Share on X</div></article>
    <aside><section class="newsletter">Subscribe to our newsletter</section><ul class="related"><li>More news</li></ul></aside>
    <footer>Copyright Example Times</footer></body></html>"""
    (tmp_path / "a.html").write_text(html, encoding="utf-8")
    doc = load_file(tmp_path / "a.html", tmp_path)
    m = doc.metadata
    assert (m["title"], m["publisher"], m["author"], m["date"], m["url"]) == (
        "Fab news", "Example Times", "Jo Bloggs", "2024-02-03", "https://example.com/fab"
    )
    text = doc.page_content
    for junk in ("cookies", "Home News", "By Jo Bloggs", "Share on", "Subscribe", "More news", "Copyright"):
        assert junk not in text
    assert "## Jobs" in text and "Item: Fab; Amount: 3 billion euros." in text
    chunks = chunk_document(doc, 900, 1)
    rows = [c for c in chunks if "row_text" in c.metadata]
    assert [_body(c) for c in rows] == ["Item: Fab; Amount: 3 billion euros.", "Item: Training; Amount: 50 million euros."]
    assert rows[0].metadata["heading"] == "Jobs > Costs"


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2025-03-06T15:49:00-05:00", "2025-03-06"),
        ("March 6, 2025", "2025-03-06"),
        ("15 November 2024", "2024-11-15"),
        ("Nov. 26, 2024", "2024-11-26"),
        ("March 2025", "March 2025"),
        ("", ""),
    ],
)
def test_iso_dates(value, iso):
    assert iso_date(value) == iso


def test_a_byline_without_by_is_furniture(tmp_path: Path):
    # A CMS's byline in its own language ("autor"), name | place | date, with no "By": the date is read
    # when the head gives none, and the line is never a sentence or a section of the text.
    html = """<html><head><title>Park opens | Example Review</title></head><body><article>
    <h1>Park opens</h1><p class="autor">Ana Ruiz Ochoa | Zapopan, Jalisco | 14 November 2025</p>
    <p>The state will train 3,000 engineers by 2030, officials said on Thursday.</p></article></body></html>"""
    (tmp_path / "a.html").write_text(html, encoding="utf-8")
    doc = load_file(tmp_path / "a.html", tmp_path)
    assert doc.metadata["date"] == "2025-11-14"
    chunks = chunk_document(doc, 900, 1)
    assert [_body(c) for c in chunks] == ["The state will train 3,000 engineers by 2030, officials said on Thursday."]
    assert all("Zapopan" not in c.metadata.get("heading", "") for c in chunks)
