"""Regenerate the two policy-brief PDFs of the eu-asia-chips corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/eu-asia-chips/_make_pdfs.py

The texts are original summaries written for this test corpus; see SOURCES.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#dde6f0")


def eu_brief():
    build(
        "espf-policy-brief-eu-fab-subsidies.pdf",
        "Policy Brief 7/2025: Europe's flagship fab subsidies after the Intel exit",
        "European Semiconductor Policy Forum",
        ["European Semiconductor Policy Forum, Brussels", "Published 15 September 2025", "Author: Dr. Elena Marchetti"],
        [
            ("Summary", [
                "Two years after the European Chips Act took effect, the picture of Europe's large "
                "manufacturing projects has changed sharply. The act was sold as a plan to mobilise 43 billion "
                "euros of public and private money and to double the EU's share of world chip production to "
                "20 percent by 2030. Intel's decision in July 2025 to abandon its Magdeburg project removed the "
                "single largest contribution to new leading-edge capacity.",
                "This brief reviews the three flagship fab projects that were designed around the act's state-aid "
                "framework, and what their fate says about the policy.",
            ]),
            ("Findings", [
                "First, the surviving projects are mature-node and specialty fabs. The ESMC plant in Dresden will "
                "run 28/22 and 16/12 nanometre processes for car and industrial customers, and the Crolles project "
                "relies on FD-SOI technology. Neither brings the most advanced logic to Europe.",
                "Second, public support per project is large. Berlin has committed up to 5 billion euros to ESMC, "
                "about half of the investment, and Paris 2.9 billion euros to Crolles.",
                "Third, the European Court of Auditors warned in April 2025 that the EU is on course for a market "
                "share of only 11.7 percent in 2030, far below the target.",
            ]),
        ],
        "Table 1. Flagship EU fab projects under the Chips Act framework",
        [
            ["Project", "Location", "Investment", "Public support", "Status (Sept 2025)"],
            ["ESMC (TSMC, Bosch, Infineon, NXP)", "Dresden, Germany", "over EUR 10 billion",
             "EUR 5 billion, approved August 2024", "Under construction; output from 2027"],
            ["STMicroelectronics and GlobalFoundries", "Crolles, France", "EUR 7.5 billion",
             "EUR 2.9 billion", "Aid contracts signed June 2023"],
            ["Intel Fab 29", "Magdeburg, Germany", "about EUR 30 billion",
             "EUR 9.9 billion pledged, never paid", "Cancelled in July 2025"],
        ],
        [4.0 * cm, 2.9 * cm, 2.8 * cm, 3.6 * cm, 3.7 * cm],
        [
            "Recommendation: a second Chips Act should pool money at EU level instead of relying on a "
            "race between national budgets, and should be reviewed before the scheduled 2026 evaluation.",
        ],
    )


def asia_brief():
    build(
        "ipti-policy-brief-asia-chip-ai-incentives.pdf",
        "Chip and AI incentives in South Korea, India and Taiwan: a comparison",
        "Indo-Pacific Technology Policy Institute",
        ["Indo-Pacific Technology Policy Institute, Singapore", "Policy Brief, March 2025",
         "Authors: Aditya Kulkarni and Grace Tan"],
        [
            ("Overview", [
                "Governments in South Korea, India and Taiwan have chosen very different tools to support "
                "semiconductors and artificial intelligence. Seoul relies on tax credits and cheap loans for its "
                "memory giants, New Delhi pays up to half of the cost of new plants, and Taipei offers generous "
                "tax credits to companies that already lead their markets.",
            ]),
            ("South Korea", [
                "The K-Chips Act of March 2023 raised facility investment credits to 15 percent for large firms "
                "and 25 percent for SMEs. In May 2024 the government added a support package of 26 trillion won, "
                "roughly US$19 billion, built around a 17 trillion won low-interest loan programme.",
            ]),
            ("India", [
                "The India Semiconductor Mission, launched with an outlay of Rs 76,000 crore in December 2021, "
                "has approved a fab at Dholera and several assembly plants. The IndiaAI Mission adds Rs 10,372 "
                "crore over five years for computing capacity, models and start-ups.",
            ]),
            ("Taiwan", [
                "Taiwan's Chip Act, an amendment to Article 10-2 of the Statute for Industrial Innovation, "
                "grants a 25 percent credit on R&D and 5 percent on advanced equipment. The thresholds mean that "
                "TSMC is the main beneficiary.",
            ]),
        ],
        "Table 1. Headline programmes compared",
        [
            ["Programme", "Economy", "Instrument", "Headline figure"],
            ["K-Chips Act (2023)", "South Korea", "Investment tax credit", "15% large firms, 25% SMEs"],
            ["Chip ecosystem package (2024)", "South Korea", "Loans, fund, infrastructure", "26 trillion won"],
            ["India Semiconductor Mission (2021)", "India", "Capital subsidy up to 50%", "Rs 76,000 crore"],
            ["IndiaAI Mission (2024)", "India", "Compute, models, start-ups", "Rs 10,372 crore"],
            ["Taiwan Chip Act, Art. 10-2 (2023)", "Taiwan", "R&D and equipment tax credit", "25% R&D, 5% equipment"],
            ["NSTC computing fund (2024)", "Taiwan", "Grants for computing centres", "NT$36 billion over five years"],
        ],
        [4.6 * cm, 2.6 * cm, 4.6 * cm, 5.2 * cm],
        [
            "Conclusion: tax credits reward firms that are already profitable, while capital subsidies carry "
            "more risk for the state. None of the three programmes yet measures outcomes systematically.",
        ],
    )


if __name__ == "__main__":
    eu_brief()
    asia_brief()
    print("PDFs written to", HERE)
