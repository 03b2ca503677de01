"""Regenerate the policy-brief PDF of half ``nk-b`` (South Korea, Thailand, the Philippines, Indonesia)
of the nordics-korea-sea corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl-b && /tmp/rl-b/bin/pip install reportlab pypdf
    /tmp/rl-b/bin/python tests/data/corpora/nordics-korea-sea/_make_pdfs_b.py

The text is an original summary written for this test corpus; see SOURCES.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#dfeadf")


def southeast_asia_brief():
    build(
        "andaman-policy-institute-chip-programmes-brief-th.pdf",
        "Upstream ambitions: the chip programmes of Thailand, the Philippines and Indonesia",
        "Andaman Policy Institute",
        ["Andaman Policy Institute, Bangkok", "Policy Brief No. 3/2026, February 2026",
         "Authors: Pimchanok Wattana and Ramon de Leon"],
        [
            ("Summary", [
                "Thailand, the Philippines and Indonesia all want a bigger place in the semiconductor supply chain, "
                "but they start from very different positions. Thailand is using investment incentives to pull in "
                "circuit-board makers and its first wafer plant. The Philippines has a large assembly and test "
                "industry and is trying to move into design through tax reform and a partnership with the United "
                "States. Indonesia has raw materials and a huge domestic market but almost no chip industry, and "
                "its plans remain mostly on paper.",
            ]),
            ("Thailand: incentives and a first wafer plant", [
                "Prime Minister Paetongtarn Shinawatra signed the order creating the National Semiconductor and "
                "Advanced Electronics Industry Policy Committee on 25 October 2024 and chairs it herself. In "
                "December 2024 the board approved a strategy framework aimed at attracting at least 500 billion "
                "baht of new foreign direct investment in the sector by 2029. Its workforce plan covers training, "
                "upskilling and reskilling for more than 86,000 people, including 1,400 researchers at master's "
                "and doctoral level.",
                "The Board of Investment says 517 applications worth more than 700 billion baht were filed in "
                "semiconductors and advanced electronics between 2022 and June 2025, of which 180 were printed "
                "circuit board projects worth over 200 billion baht. Flagship projects include FT1 Corporation, "
                "the Hana Microelectronics and PTT joint venture building the country's first silicon-carbide "
                "wafer plant, and UNIQUE Integrated Technology, a subsidiary of "
                "Foxsemicon Integrated Technology, which received BOI privileges in December 2024 for a "
                "10.5 billion baht investment in plants making parts for chipmaking equipment at Amata City "
                "Chonburi and Amata City Rayong. The UNIQUE project is expected to create 1,400 jobs and to "
                "export goods worth 6 billion baht a year, with a quarter of components sourced locally.",
                "FT1's plant is located in Lamphun Industrial Park in northern Thailand.",
            ]),
            ("The Philippines: tax reform and a design push", [
                "The CREATE MORE Act, Republic Act No. 12066, was signed on 11 November 2024. It cuts the "
                "corporate income tax rate for registered enterprises under the enhanced deductions regime to "
                "20 percent, doubles the extra deduction for power costs and extends incentives to as long as 27 "
                "years. In January 2025 the President asked for chip-specific incentives to be added through "
                "the implementing rules, and the economic zone authority proposed placing strategic chip projects "
                "directly in the top incentive tier.",
                "Electronics exports fell 6.7 percent in 2024 to 39.1 billion dollars, still 53.4 percent of "
                "total exports. The industry association SEIPI says a five-year roadmap drawn up by the "
                "Semiconductor and Electronics Industry Advisory Council targets 70 billion dollars of exports, "
                "driven by AI, data centres and renewable energy. The government aims to produce 128,000 "
                "semiconductor engineers and technicians by 2028 and is a partner country of the U.S. "
                "International Technology Security and Innovation Fund.",
            ]),
            ("Indonesia: silica sand and a roadmap", [
                "In May 2024 Coordinating Minister for Economic Affairs Airlangga Hartarto said Indonesia would "
                "build its own semiconductor ecosystem as part of its Golden Indonesia 2045 vision, and the "
                "OECD agreed to help after its secretary-general met President Joko Widodo on 28 May 2024. "
                "The coordinating ministry's roadmap sets three short-term priorities: local fabless chip "
                "design, a high-tech workforce and silica smelters. Indonesia's main asset is silica sand, found "
                "in Kalimantan, Riau and Bangka Belitung. By 2023 there were 98 holders of silica sand mining "
                "licences and 21 companies smelting or processing it, and the government plans a full ban on "
                "silica sand exports by 2027 to keep the material at home.",
                "On the AI side, a draft national AI roadmap proposes a sovereign AI fund managed mainly by "
                "Danantara, to be set up between 2027 and 2029, while foreign investors are building data "
                "centres on Batam.",
            ]),
        ],
        "Table 1. Flagship measures and headline figures, status at February 2026",
        [
            ["Country", "Measure or project", "Headline figure", "Timing"],
            ["Thailand", "Semiconductor Board FDI target", "at least 500 billion baht", "by 2029"],
            ["Thailand", "FT1 silicon-carbide wafer plant, Lamphun", "11.5 billion baht",
             "production from Q1 2027"],
            ["Thailand", "UNIQUE Integrated Technology parts plants", "10.5 billion baht",
             "privileges Dec 2024"],
            ["Philippines", "CREATE MORE Act (RA 12066)", "20% corporate tax; incentives up to 27 years",
             "signed 11 Nov 2024"],
            ["Philippines", "SEIAC five-year export roadmap", "70 billion dollars", "five years"],
            ["Philippines", "Engineer and technician target", "128,000 people", "by 2028"],
            ["Indonesia", "Silica sand export ban", "98 licence holders (2023)", "full ban by 2027"],
            ["Indonesia", "Sovereign AI fund (proposed)", "amount not specified", "2027 to 2029"],
        ],
        [2.4 * cm, 5.6 * cm, 5.0 * cm, 4.0 * cm],
        [
            "Assessment: Thailand has the clearest pipeline of real factories, but most of them are in "
            "circuit boards and equipment parts rather than chips. The Philippines has the deepest back-end "
            "industry and now a more competitive tax regime, yet its exports shrank in 2024 and a lab-scale "
            "wafer fab remains an aspiration. Indonesia has the materials and the market but needs to show "
            "that an export ban on silica sand will attract processing investment rather than deter it.",
        ],
    )


if __name__ == "__main__":
    southeast_asia_brief()
