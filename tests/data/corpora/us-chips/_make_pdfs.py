"""Regenerate the two PDF documents of the us-chips corpus.

Usage (needs reportlab):  python _make_pdfs.py
The text is our own summary of public reporting; see SOURCES.md.
"""
import os

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

HERE = os.path.dirname(os.path.abspath(__file__))
styles = getSampleStyleSheet()
TITLE = ParagraphStyle("T", parent=styles["Title"], fontSize=17, leading=21, alignment=TA_LEFT)
SUB = ParagraphStyle("S", parent=styles["Normal"], fontSize=10, leading=13, textColor=colors.HexColor("#555555"))
H2 = ParagraphStyle("H2", parent=styles["Heading2"], fontSize=12, leading=15, spaceBefore=8)
BODY = ParagraphStyle("B", parent=styles["Normal"], fontSize=10, leading=13.5, spaceAfter=6)
BULLET = ParagraphStyle("BL", parent=BODY, leftIndent=10, spaceAfter=2)
CELL = ParagraphStyle("C", parent=styles["Normal"], fontSize=8.5, leading=10.5)


def table(rows, widths):
    data = [[Paragraph(c, CELL) for c in r] for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3b5c")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef2f6")]),
    ]))
    return t


def footer(text):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(20 * mm, 12 * mm, text)
        canvas.drawRightString(190 * mm, 12 * mm, "Page %d" % doc.page)
        canvas.restoreState()
    return draw


def build(filename, title, author, story, foot):
    doc = SimpleDocTemplate(os.path.join(HERE, "docs", filename), pagesize=A4, title=title, author=author,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
    doc.build(story, onFirstPage=footer(foot), onLaterPages=footer(foot))


def tracker():
    s = [
        Paragraph("CHIPS Incentives Tracker: From Preliminary Terms to Final Awards", TITLE),
        Paragraph("Silicon Policy Institute | Policy Brief No. 7 | January 2025 | Author: Dr. Rachel Kim-Alvarez", SUB),
        Spacer(1, 8),
        Paragraph("Summary", H2),
        Paragraph(
            "Between March and December 2024 the Commerce Department signed preliminary memoranda of terms "
            "with the largest applicants to the $39 billion CHIPS Incentives Program and then, after due "
            "diligence, converted most of them into binding award contracts before the change of administration "
            "on January 20, 2025. This brief compares the preliminary figures with the final ones for the eight "
            "largest manufacturing awards. Amounts are maximum direct funding; loans and tax credits are excluded.", BODY),
        Paragraph("Key findings", H2),
        Paragraph("&bull; Samsung's award fell by about $1.7 billion, the largest cut of any recipient.", BULLET),
        Paragraph("&bull; Intel's grant shrank after it won a $3 billion Secure Enclave defence contract.", BULLET),
        Paragraph("&bull; SK hynix, Micron, Amkor and Texas Instruments received slightly larger final awards.", BULLET),
        Paragraph("&bull; TSMC Arizona's award was the first major one finalized, on November 15, 2024.", BULLET),
        Paragraph("&bull; The eight awards below add up to roughly $29.4 billion in maximum grants.", BULLET),
        Spacer(1, 6),
        Paragraph("Table 1. Preliminary and final CHIPS direct funding, largest manufacturing awards", H2),
        table([
            ["Company", "Main site(s)", "Preliminary (PMT)", "Final award", "Finalized"],
            ["Intel", "Chandler AZ; New Albany OH; Rio Rancho NM; Hillsboro OR", "$8.5 billion", "$7.865 billion", "Nov 26, 2024"],
            ["TSMC Arizona", "Phoenix AZ", "$6.6 billion", "$6.6 billion", "Nov 15, 2024"],
            ["Micron", "Clay NY; Boise ID", "$6.14 billion", "$6.165 billion", "Dec 10, 2024"],
            ["Samsung", "Taylor TX; Austin TX", "$6.4 billion", "$4.745 billion", "Dec 20, 2024"],
            ["Texas Instruments", "Sherman TX; Lehi UT", "$1.6 billion", "$1.61 billion", "Dec 20, 2024"],
            ["GlobalFoundries", "Malta NY; Essex Junction VT", "$1.5 billion", "$1.5 billion", "Nov 20, 2024"],
            ["SK hynix", "West Lafayette IN", "$450 million", "$458 million", "Dec 19, 2024"],
            ["Amkor", "Peoria AZ", "$400 million", "$407 million", "Dec 20, 2024"],
        ], [30 * mm, 55 * mm, 28 * mm, 28 * mm, 28 * mm]),
        Spacer(1, 8),
        Paragraph("Why the numbers moved", H2),
        Paragraph(
            "Most changes were small adjustments made during due diligence, often reflecting updated cost "
            "estimates or the addition of workforce funds. Two were substantive. Intel's award was reduced from "
            "$8.5 billion to $7.865 billion mainly because the company separately received about $3 billion "
            "through the Secure Enclave programme for trusted defence production. Samsung's award was cut from "
            "$6.4 billion to $4.745 billion after the company lowered its planned Texas investment from about "
            "$45 billion to $37 billion and delayed the start of production at Taylor to 2026.", BODY),
        Paragraph(
            "Final awards are still ceilings rather than cheques. Commerce pays out only when recipients reach "
            "construction, production and commercial milestones written into each contract, and it can claw "
            "back funds if companies break conditions such as the ten-year limit on expanding advanced capacity "
            "in countries of concern.", BODY),
        Paragraph("Outlook", H2),
        Paragraph(
            "The incoming administration has criticised the programme but inherits binding contracts. We expect "
            "disputes, if any, to centre on the timing of milestone payments and on conditions such as childcare "
            "and union labour commitments rather than on the headline amounts.", BODY),
    ]
    build("silicon-policy-institute-chips-award-tracker.pdf",
          "CHIPS Incentives Tracker: From Preliminary Terms to Final Awards", "Silicon Policy Institute", s,
          "Silicon Policy Institute - Policy Brief No. 7 - January 2025 - siliconpolicy.org/briefs/chips-tracker")


def funding_map():
    s = [
        Paragraph("Where the $52.7 Billion Goes: A Funding Map of the CHIPS Act", TITLE),
        Paragraph("Atlantic Policy Forum | Issue Brief | March 2025 | Author: Jonathan Pryce", SUB),
        Spacer(1, 8),
        Paragraph("Overview", H2),
        Paragraph(
            "The CHIPS and Science Act, signed on August 9, 2022, appropriated $52.7 billion for semiconductor "
            "programmes. Public debate focuses on the manufacturing grants to large chipmakers, but the money is "
            "split across four federal departments. This brief maps each pot of money to the agency that "
            "controls it, as a reference for the debate over the law's future.", BODY),
        Paragraph("Key points", H2),
        Paragraph("&bull; Three quarters of the money, $39 billion, funds manufacturing incentives.", BULLET),
        Paragraph("&bull; Up to $2 billion of the incentives was reserved for mature-node and legacy chips.", BULLET),
        Paragraph("&bull; The Defense Department's $2 billion funds the Microelectronics Commons hubs.", BULLET),
        Paragraph("&bull; The 25% investment tax credit is run by Treasury and is not part of the $52.7 billion.", BULLET),
        Paragraph("&bull; Commerce also holds up to $75 billion in loan authority for chip projects.", BULLET),
        Spacer(1, 6),
        Paragraph("Table 1. CHIPS Act semiconductor appropriations by programme", H2),
        table([
            ["Programme", "Agency", "Amount", "Purpose"],
            ["CHIPS Incentives Program", "Commerce", "$39.0 billion", "Grants for fabs, packaging, materials and equipment plants"],
            ["CHIPS Research and Development", "Commerce (NIST)", "$11.0 billion", "NSTC, advanced packaging programme, Manufacturing USA institute, metrology"],
            ["CHIPS for America Defense Fund", "Defense", "$2.0 billion", "Microelectronics Commons prototyping network"],
            ["International Technology Security and Innovation Fund", "State", "$0.5 billion", "Supply-chain diplomacy with partner countries"],
            ["Workforce and Education Fund", "National Science Foundation", "$0.2 billion", "Semiconductor education and training"],
            ["Total", "", "$52.7 billion", ""],
        ], [48 * mm, 32 * mm, 24 * mm, 66 * mm]),
        Spacer(1, 8),
        Paragraph("Research money under strain", H2),
        Paragraph(
            "Within the $11 billion research line, the largest commitments are the National Semiconductor "
            "Technology Center, whose operator Natcast signed a multiyear agreement with NIST in January 2025, "
            "and the National Advanced Packaging Manufacturing Program, budgeted at about $3 billion. The new "
            "administration has questioned both the structure of the research centre and the size of the grants "
            "committed in the previous administration's final weeks.", BODY),
        Paragraph(
            "Because the research funds are spread over several years, a larger share of them remains unspent than "
            "of the manufacturing incentives. That makes the research programmes more exposed to any rescission "
            "or reprogramming that Congress might consider.", BODY),
        Paragraph("Recommendations", H2),
        Paragraph(
            "Congress should require Commerce to publish a quarterly ledger of obligated and disbursed CHIPS funds by "
            "programme, and should protect multiyear research commitments from sudden cancellation so that "
            "industry partners can plan long-term projects.", BODY),
    ]
    build("atlantic-policy-forum-chips-funding-map.pdf",
          "Where the $52.7 Billion Goes: A Funding Map of the CHIPS Act", "Atlantic Policy Forum", s,
          "Atlantic Policy Forum - Issue Brief - March 2025 - atlanticpolicyforum.org/chips-funding-map")


if __name__ == "__main__":
    tracker()
    funding_map()
    print("wrote 2 PDFs")
