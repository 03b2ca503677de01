"""The policy-brief PDF layout the dev corpora share (``*/_make_pdfs*.py`` fill it with their text).

reportlab is only needed to regenerate the PDFs, not to run the tests.
"""
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

STYLES = getSampleStyleSheet()
CELL = STYLES["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
HEAD = STYLES["BodyText"].clone("head", fontSize=8.5, leading=10.5, fontName="Helvetica-Bold")


def _table(rows, widths, header):
    data = [[Paragraph(escape(c), HEAD if i == 0 else CELL) for c in row] for i, row in enumerate(rows)]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def build(folder, header, filename, title, meta_author, header_lines, sections, table_title, rows, widths, closing):
    """Write ``folder/filename``: a titled brief with sections, one table and closing paragraphs
    (``invariant``: the same text gives the same bytes)."""
    doc = SimpleDocTemplate(str(Path(folder) / filename), pagesize=A4, title=title, author=meta_author,
                            leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
                            invariant=1)
    story = [Paragraph(escape(title), STYLES["Title"])]
    for line in header_lines:
        story.append(Paragraph(escape(line), STYLES["Italic"]))
    story.append(Spacer(1, 0.4 * cm))
    for heading, paras in sections:
        story.append(Paragraph(escape(heading), STYLES["Heading2"]))
        for p in paras:
            story.append(Paragraph(escape(p), STYLES["BodyText"]))
            story.append(Spacer(1, 0.15 * cm))
    story.append(Paragraph(escape(table_title), STYLES["Heading3"]))
    story.append(_table(rows, widths, header))
    story.append(Spacer(1, 0.4 * cm))
    for p in closing:
        story.append(Paragraph(escape(p), STYLES["BodyText"]))
    doc.build(story)
