"""Regenerate the policy-brief PDF of half ``ei-b`` (Spain, Italy, United Kingdom) of the
europe-israel-chips corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/europe-israel-chips/_make_pdfs_b.py

The text is an original summary written for this test corpus; see SOURCES-b.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#f1e6dc")


def southwest_europe_brief():
    build(
        "amipf-policy-brief-chip-programmes-es-it-uk.pdf",
        "Chip support outside the Franco-German core: Spain, Italy and the United Kingdom compared",
        "Atlantic-Mediterranean Industrial Policy Forum",
        ["Atlantic-Mediterranean Industrial Policy Forum, Lisbon", "Policy Brief No. 4/2025, December 2025",
         "Authors: Inés Carvalho and Tomás Rendón"],
        [
            ("Summary", [
                "Spain, Italy and the United Kingdom have all set up public programmes for semiconductors since "
                "2022, but they have chosen very different instruments. Spain built the largest envelope, the "
                "12.25 billion euro PERTE Chip, financed by European recovery funds and now run through a state "
                "holding that takes equity stakes. Italy relies on a multi-year fund and on large one-off state-aid "
                "grants cleared by Brussels. The United Kingdom, outside the EU Chips Act, has the smallest budget "
                "and concentrates on design, research and compound semiconductors.",
            ]),
            ("Spain: a large envelope, few factories", [
                "The PERTE Chip was approved in May 2022 with 12.25 billion euros of public money until 2027. "
                "Since July 2024 it has been managed by the SETT, the state technology holding that replaced the "
                "microelectronics company SEMyS. Spending was slow until the recovery-plan addendum of October 2023.",
                "The plan's flagship foreign project collapsed in July 2025, when Broadcom walked away from talks "
                "on a back-end plant that the government had valued at 1 billion dollars. In November 2025 the "
                "cabinet instead approved a SETT stake of up to 752 million euros in a Diamond Foundry plant in "
                "Trujillo making diamond wafers for chips.",
            ]),
            ("Italy: a standing fund and a packaging flagship", [
                "Decree-law 17 of March 2022 created a microchip fund of 4.15 billion euros (about 4.5 billion "
                "dollars) to run until 2030. The intended anchor investor, Intel, shelved its packaging plant near "
                "Verona. Its place has been taken by Silicon Box, whose 3.2 billion euro plant in Novara received "
                "about 1.3 billion euros of state aid approved by the European Commission in December 2024.",
            ]),
            ("United Kingdom: design, research and the Welsh cluster", [
                "The National Semiconductor Strategy of May 2023 commits up to 1 billion pounds over ten years, "
                "with up to 200 million pounds in 2023-25. Its delivery rests on a semiconductor infrastructure "
                "initiative, the ChipStart incubator and, since May 2024, the UK Semiconductor Institute.",
                "ChipStart took in a third cohort of 10 start-ups in March 2025 with 1.1 million pounds of funding; "
                "firms from its first two cohorts were on track to raise more than 40 million pounds privately.",
                "The compound semiconductor cluster in South Wales, CSconnected, produced economic output of "
                "434 million pounds in 2024 and supports more than 3,000 jobs, a number it aims to double by 2030. "
                "More than 90% of its output is exported. Newport Wafer Fab, sold by Nexperia to Vishay for about "
                "177 million dollars in March 2024 after a government divestment order, is now part of it.",
            ]),
        ],
        "Table 1. Public chip programmes and flagship projects",
        [
            ["Country", "Programme or project", "Year", "Public money", "Status end-2025"],
            ["Spain", "PERTE Chip", "2022", "12.25 billion euros to 2027", "Run by SETT since 2024"],
            ["Spain", "Broadcom back-end plant", "2023", "Not agreed", "Talks collapsed July 2025"],
            ["Spain", "Diamond Foundry, Trujillo (new plant)", "2025", "up to 752 million euros (SETT stake)",
             "Approved November 2025"],
            ["Italy", "Microchip fund (DL 17/2022)", "2022", "4.15 billion euros to 2030", "In force"],
            ["Italy", "Silicon Box, Novara", "2024", "about 1.3 billion euros", "Production due 2028"],
            ["Italy", "Intel packaging plant, Vigasio", "2022", "up to 40% of costs offered", "Shelved 2024"],
            ["UK", "National Semiconductor Strategy", "2023", "up to 1 billion pounds over 10 years",
             "First 200 million pounds to 2025"],
            ["UK", "ChipStart incubator, third cohort", "2025", "1.1 million pounds", "10 start-ups"],
        ],
        [1.6 * cm, 4.6 * cm, 1.3 * cm, 4.6 * cm, 4.9 * cm],
        [
            "Assessment: the size of a budget says little about results. Spain's envelope is the largest of the "
            "three but has yet to attract a large chip plant; Italy has landed one packaging flagship with a "
            "single 1.3 billion euro grant; the United Kingdom spends the least but builds on an existing "
            "compound semiconductor base. All three depend on a small number of foreign companies, and the "
            "Broadcom and Intel episodes show how quickly such projects can disappear.",
        ],
    )


if __name__ == "__main__":
    southwest_europe_brief()
