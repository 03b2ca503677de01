"""Regenerate the policy-brief PDF of the ai-compute corpus, half ``ac-b``
(United Kingdom, France, Gulf states, Canada).

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/ai-compute/_make_pdfs_ac_b.py

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


def middle_powers_brief():
    build(
        "northbridge-centre-policy-brief-sovereign-compute.pdf",
        "Policy Brief 4/2025: Middle powers and the race for sovereign AI compute",
        "Northbridge Centre for Compute Policy",
        ["Northbridge Centre for Compute Policy, London", "Published 6 October 2025",
         "Authors: Dr. Imogen Clarke and Youssef Benali"],
        [
            ("Summary", [
                "Between 2023 and 2025 the United Kingdom, France, Saudi Arabia, the United Arab Emirates and "
                "Canada all announced programmes to secure computing capacity for artificial intelligence on "
                "their own soil. The instruments differ sharply. London and Ottawa spend public money on "
                "research machines and subsidies; Paris relies on private and foreign pledges; Riyadh and Abu "
                "Dhabi use sovereign wealth to buy chips and build campuses measured in gigawatts.",
                "This brief compares the headline commitments and asks how much of the announced capacity is "
                "likely to exist by the end of the decade.",
            ]),
            ("United Kingdom", [
                "The UK's public AI Research Resource consists of Isambard-AI in Bristol, with 5,448 Nvidia "
                "GH200 superchips and a cost of about 225 million pounds, and Dawn in Cambridge. After "
                "cancelling 1.3 billion pounds of commitments in August 2024, the government pledged in 2025 "
                "to expand the resource at least twentyfold by 2030, backed by 1 billion pounds, and to spend "
                "up to 750 million pounds on a new national supercomputer in Edinburgh. Private data centres "
                "are steered into AI Growth Zones, the first at Culham and the second in the North East.",
            ]),
            ("France", [
                "France counts 109 billion euros of private pledges made around the AI Action Summit in "
                "February 2025. The largest is an Emirati-funded campus near Paris, now planned at 1.4 "
                "gigawatts. Public money plays a minor role, which makes delivery dependent on investors.",
            ]),
            ("Gulf states", [
                "Saudi Arabia's Humain, launched by the Public Investment Fund in May 2025, targets 1.9 "
                "gigawatts of data centres by 2030. The UAE is building a 5-gigawatt AI campus in Abu Dhabi, "
                "whose first cluster, Stargate UAE, should deliver 200 megawatts in 2026. Both depend on US "
                "export licences for advanced chips.",
            ]),
            ("Canada", [
                "Canada's Sovereign AI Compute Strategy commits 2 billion Canadian dollars, about US$1.39 "
                "billion, over five years. The first award, up to 240 million dollars, went to Cohere.",
            ]),
        ],
        "Table 1. Headline sovereign compute commitments, 2023-2025",
        [
            ["Country", "Programme", "Headline figure", "Timing"],
            ["United Kingdom", "AI Research Resource expansion", "GBP 1 billion; 20x capacity", "By 2030"],
            ["United Kingdom", "Edinburgh national supercomputer", "up to GBP 750 million", "Online 2027"],
            ["France", "Private pledges, AI Action Summit", "EUR 109 billion", "Announced Feb 2025"],
            ["France", "MGX-led AI campus, Paris region", "1.4 GW", "First phase 2028"],
            ["Saudi Arabia", "Humain data centres", "1.9 GW", "By 2030"],
            ["UAE", "UAE-US AI Campus, Abu Dhabi", "5 GW", "First 200 MW in 2026"],
            ["Canada", "Sovereign AI Compute Strategy", "CAD 2 billion", "Five years from 2024-25"],
        ],
        [2.8 * cm, 5.6 * cm, 4.6 * cm, 4.0 * cm],
        [
            "Conclusion: gigawatt figures are targets, not capacity. The binding constraints are grid "
            "connections and chip export licences, and neither is in the hands of the countries making "
            "the announcements. Governments should publish annual figures for compute actually delivered.",
        ],
    )


if __name__ == "__main__":
    middle_powers_brief()
    print("PDF written to", HERE / "docs")
