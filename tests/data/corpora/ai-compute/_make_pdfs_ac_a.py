"""Regenerate the policy-brief PDF of the ac-a half of the ai-compute corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/ai-compute/_make_pdfs_ac_a.py

The text is an original summary written for this test corpus; see SOURCES.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#e3ecdf")


def asean_china_brief():
    build(
        "aipo-policy-brief-asia-chip-programmes.pdf",
        "State chip programmes in China and Southeast Asia: money, targets and talent",
        "ASEAN Industrial Policy Observatory",
        ["ASEAN Industrial Policy Observatory, Kuala Lumpur", "Policy Brief No. 3/2025, April 2025",
         "Authors: Farah Idris and Nguyen Thanh Long"],
        [
            ("Summary", [
                "Between December 2023 and September 2024 China, Malaysia, Singapore and Vietnam all launched or "
                "refreshed state programmes for semiconductors and artificial intelligence. They differ enormously "
                "in scale. China's third Big Fund alone has registered capital of 344 billion yuan, while the "
                "Southeast Asian programmes are measured in single-digit billions of dollars and lean heavily on "
                "foreign direct investment and on training engineers.",
            ]),
            ("China: equity at national scale", [
                "The National Integrated Circuit Industry Investment Fund invests equity in chipmakers, equipment "
                "makers and materials suppliers. Phase I (2014) had registered capital of 138.7 billion yuan and "
                "phase II (2019) 204 billion yuan. Phase III, registered on 24 May 2024, is led by the Ministry of "
                "Finance and, for the first time, by the largest state-owned commercial banks.",
            ]),
            ("Malaysia: fiscal support to move up the value chain", [
                "The National Semiconductor Strategy of May 2024 pairs at least RM25 billion of fiscal support with "
                "a target of RM500 billion in investment and 60,000 trained engineers. By March 2025 more than "
                "RM63 billion had been secured. A US$250 million, ten-year licensing deal with Arm adds chip "
                "design blueprints.",
            ]),
            ("Singapore: compute and specialty fabs", [
                "Singapore does not offer headline subsidies of the kind seen in larger economies. Instead it "
                "funds AI compute and talent, committing more than S$1 billion over five years in Budget 2024, "
                "and relies on its Economic Development Board to anchor projects such as the US$7.8 billion "
                "VSMC fab, Micron's US$7 billion HBM packaging plant and the US$4 billion GlobalFoundries "
                "expansion.",
            ]),
            ("Vietnam: talent first", [
                "Decision 1018 of September 2024 targets more than US$25 billion of annual semiconductor revenue "
                "by 2030 and US$100 billion by 2050, while Decision 1017 aims to train at least 50,000 "
                "university-level specialists by 2030.",
            ]),
        ],
        "Table 1. Headline state programmes compared",
        [
            ["Programme", "Economy", "Launched", "Headline figure", "Main instrument"],
            ["Big Fund phase I", "China", "2014", "138.7 billion yuan", "State equity fund"],
            ["Big Fund phase II", "China", "2019", "204 billion yuan", "State equity fund"],
            ["Big Fund phase III", "China", "May 2024", "344 billion yuan", "State equity fund, 15-year term"],
            ["National Semiconductor Strategy", "Malaysia", "May 2024", "RM25 billion fiscal support",
             "Targeted incentives"],
            ["NAIS 2.0 funding (Budget 2024)", "Singapore", "Feb 2024", "over S$1 billion in five years",
             "AI compute, talent, industry"],
            ["Decision 1017 workforce programme", "Vietnam", "Sept 2024", "50,000 graduates by 2030",
             "Training, labs, scholarships"],
        ],
        [4.4 * cm, 2.2 * cm, 2.0 * cm, 4.0 * cm, 4.4 * cm],
        [
            "Assessment: the Southeast Asian programmes are small next to China's, but they target the scarcest "
            "input of all, skilled engineers. Together Malaysia and Vietnam plan to train 110,000 chip engineers "
            "by 2030, a goal that will only be met if universities and companies expand training far faster than "
            "in the past decade.",
        ],
    )


if __name__ == "__main__":
    asean_china_brief()
    print("PDF written to", HERE / "docs")
