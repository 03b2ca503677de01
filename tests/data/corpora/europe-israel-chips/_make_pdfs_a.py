"""Regenerate the policy-brief PDF of half ``ei-a`` (Israel and the Netherlands) of the
europe-israel-chips corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/europe-israel-chips/_make_pdfs_a.py

The text is an original summary written for this test corpus; see SOURCES-a.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#dfe7f1")


def israel_netherlands_brief():
    build(
        "meuse-institute-brief-chip-support-il-nl.pdf",
        "Small states, big fabs: public support for chips and AI in Israel and the Netherlands",
        "Meuse Institute for Industrial Policy",
        ["Meuse Institute for Industrial Policy, Maastricht", "Policy Brief 2/2025, October 2025",
         "Authors: Dr. Sanne Jacobs and Avi Rosenthal"],
        [
            ("Summary", [
                "Israel and the Netherlands both host critical parts of the global chip industry, and both "
                "have spent heavily since 2023 to keep them. Israel pays large grants to individual "
                "companies, above all Intel. The Netherlands spends on the surroundings of its champions: "
                "housing, transport and talent around Eindhoven, plus research subsidies under European rules.",
                "This brief compares the instruments and asks what the money has bought so far.",
            ]),
            ("Israel: one grant, one frozen fab", [
                "In December 2023 Israel agreed to pay Intel a grant of $3.2 billion, in instalments tied to "
                "milestones, for a $25 billion expansion of its Kiryat Gat site. In June 2024 Intel paused "
                "the expansion, and in July 2025 it began layoffs at the existing plant. The state has not "
                "penalised Intel, because the grant is conditional on benchmarks that have not been breached.",
                "Israel's National AI Program is budgeted at NIS 1 billion (about US$266 million).",
                "Its main project is a national supercomputer for training AI models. Google and Amazon "
                "were invited to a closed tender worth NIS 240 million to supply the infrastructure, which "
                "is run by the Israel Innovation Authority. Aviv Zeevi, who heads the authority's technology "
                "infrastructure division, said Israeli companies should not be held back by a lack of "
                "affordable computing power.",
                "Private investment has moved faster than the state. Nvidia, which employs more than 4,500 "
                "people in Israel, is building a data centre in Mevo Carmel and a campus in Kiryat Tivon.",
            ]),
            ("Netherlands: research subsidies under EU rules", [
                "The Netherlands joined the second IPCEI on microelectronics and communication technologies, "
                "in which the European Commission in June 2023 approved 8.1 billion euros of public support "
                "for 68 projects in 14 member states, expected to unlock about 13.7 billion euros of private "
                "investment.",
                "The Dutch government allocated 230 million euros to its IPCEI projects in November 2023.",
                "The projects cover radar and 6G chips (both NXP), next-generation chipmaking machines (ASML "
                "and Nearfield Instruments) and chip testing (Thermo Fisher). A sixth project, integrated "
                "photonics at SMART Photonics, was withdrawn voluntarily.",
                "In July 2024 the ChipNL consortium of 30 companies asked the new government for 150 million "
                "euros a year for six years. In January 2025 the sector presented a seven-year innovation "
                "programme worth 735 million euros, of which 420 million euros would be public money and "
                "at least 315 million euros private, and which the industry says would add 4.8 billion euros "
                "to the Dutch economy. It covers chip equipment, chip design and packaging. In September 2025 "
                "the cabinet set aside another 230 million euros for a new IPCEI in its budget.",
            ]),
            ("Netherlands: paying for the region", [
                "Project Beethoven, agreed in March 2024, puts 2.5 billion euros into housing, transport, "
                "education and the grid around Eindhoven so that ASML keeps its headquarters and growth in "
                "the country. ASML has since chosen the Brainport Industries Campus for a second site for "
                "20,000 workers.",
                "NXP, the other large chip company of the region, has its head office on the High Tech "
                "Campus in Eindhoven and about 34,000 employees worldwide, around 2,500 of them in Eindhoven, "
                "Nijmegen and Delft. In February 2025 it said it would cut about one in twenty jobs worldwide.",
            ]),
        ],
        "Table 1. Main public support measures, 2023-2025",
        [
            ["Country", "Measure", "Public money", "Status (October 2025)"],
            ["Israel", "Intel Kiryat Gat grant", "$3.2 billion", "Fab expansion frozen"],
            ["Israel", "National AI Program", "NIS 1 billion", "Supercomputer tender under way"],
            ["Netherlands", "Project Beethoven", "EUR 2.5 billion", "Housing subsidies opening"],
            ["Netherlands", "IPCEI microelectronics (2023)", "EUR 230 million", "Projects running"],
            ["Netherlands", "Chip innovation programme", "EUR 420 million", "Proposed January 2025"],
        ],
        [2.8 * cm, 5.4 * cm, 3.8 * cm, 5.0 * cm],
        [
            "Assessment: Israel's model concentrates risk in a single company, and Intel's retreat shows "
            "the downside. The Dutch model spreads money across the ecosystem but depends on slow public "
            "works such as housing. Neither country can match the subsidy budgets of the United States or "
            "the EU as a whole, so both must rely on what they already do best.",
        ],
    )


if __name__ == "__main__":
    israel_netherlands_brief()
    print("PDF written to", HERE / "docs")
