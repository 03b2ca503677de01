"""Regenerate the policy-brief PDF of half ``ei-a`` (Brazil, Mexico and Australia) of the
americas-ceurope-chips corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/americas-ceurope-chips/_make_pdfs_a.py

The text is an original summary written for this test corpus; see SOURCES.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#dfe7f1")


def southern_programmes_brief():
    build(
        "tri-ocean-policy-centre-brief-chips-compute-au.pdf",
        "Chips, quantum and compute outside the big blocs: Brazil, Mexico and Australia",
        "Tri-Ocean Policy Centre",
        ["Tri-Ocean Policy Centre, Melbourne", "Policy Brief No. 7/2026, May 2026",
         "Authors: Dr. Helena Marquez and Tom Whitaker"],
        [
            ("Summary", [
                "Brazil, Mexico and Australia are not trying to build leading-edge chip factories. Each has instead "
                "chosen a narrower bet: Brazil a state-led plan for artificial intelligence and tax incentives for a "
                "small chip industry, Mexico chip design and the assembly of AI servers for the North American "
                "market, and Australia a quantum computer and a wave of privately financed data centres. This brief "
                "compares the public money committed, the private money attracted and the delays already visible.",
            ]),
            ("Brazil: a plan on paper, a supercomputer in waiting", [
                "The Brazilian Artificial Intelligence Plan (PBIA), presented in July 2024, foresees R$23 billion of "
                "investment from 2024 to 2028, more than half of it for business innovation. Its flagship, a "
                "supercomputer costing an estimated R$1.8 billion, has slipped: the call for bids expected in "
                "October 2025 was moved to the first half of 2026 because no suitable site had been found.",
                "On chips, the Brasil Semicon law of September 2024 extends tax incentives worth about R$7 billion "
                "a year until 2029. The state chipmaker Ceitec, rescued from liquidation in November 2023, was "
                "granted R$220 million in December 2024 to start silicon carbide production in Porto Alegre.",
            ]),
            ("Mexico: design first, factories later", [
                "Plan Mexico, launched in January 2025, sets a target of US$10 billion in relocated semiconductor "
                "investment and backs it with a tax decree worth 30 billion pesos. The public Kutsari design centre "
                "has units in Puebla, Jalisco and Sonora; it is due to be consolidated by 2027, with a chip factory "
                "studied for 2029. Jalisco, which hosts about 70 percent of national chip design, is adding its own "
                "state design park at Cinvestav in Zapopan. The largest private project is Foxconn's AI server "
                "plant in El Salto, worth about US$900 million.",
            ]),
            ("Australia: quantum and data centres", [
                "The federal and Queensland governments committed A$940 million to PsiQuantum in April 2024. In May "
                "2026 the company moved the project from Brisbane Airport to Moreton Bay Central and pushed its "
                "operating date to 2029. Private capital dominates the rest of the picture.",
                "The AirTrunk sale to Blackstone and CPP Investments was worth about US$16.1 billion.",
                "Microsoft's October 2023 pledge was A$5 billion, or about US$3.6 billion.",
                "In April 2026 Microsoft's chief executive Satya Nadella announced A$25 billion of investment by "
                "the end of 2029. The new package aims to lift Microsoft's Australian cloud and AI "
                "capacity by more than 140 percent and to train three million Australians in AI skills by 2028.",
            ]),
        ],
        "Table 1. Headline commitments compared",
        [
            ["Programme or deal", "Country", "Announced", "Headline figure", "Status, May 2026"],
            ["PBIA AI plan", "Brazil", "Jul 2024", "R$23 billion to 2028", "Supercomputer tender delayed"],
            ["Brasil Semicon incentives", "Brazil", "Sep 2024", "R$7 billion a year", "In force to 2029"],
            ["Ceitec restart", "Brazil", "Dec 2024", "R$220 million", "Silicon carbide line planned"],
            ["Plan Mexico tax decree", "Mexico", "Jan 2025", "30 billion pesos", "Applies to Sept 2030"],
            ["Foxconn AI server plant", "Mexico", "Oct 2024", "about US$900 million", "Two phases, El Salto"],
            ["PsiQuantum package", "Australia", "Apr 2024", "A$940 million", "Operational target 2029"],
            ["AirTrunk acquisition", "Australia", "Sep 2024", "A$24 billion (US$16.1 billion)", "Completed"],
            ["Microsoft first pledge", "Australia", "Oct 2023", "A$5 billion (US$3.6 billion)", "29 data centres"],
            ["Microsoft second pledge", "Australia", "Apr 2026", "A$25 billion (US$18 billion)", "Runs to end-2029"],
        ],
        [3.9 * cm, 2.0 * cm, 2.3 * cm, 4.5 * cm, 4.3 * cm],
        [
            "Assessment: in all three countries the public sums are modest next to the private ones. Brazil is "
            "the exception that proves the rule, since its plan depends on state lenders, and its supercomputer "
            "delay shows that money is not the only constraint. Power supply, suitable land and approvals have "
            "delayed projects in Brasilia and Brisbane alike. Governments should report each year how much of the "
            "announced capacity has actually been delivered.",
        ],
    )


if __name__ == "__main__":
    southern_programmes_brief()
    print("PDF written to", HERE / "docs")
