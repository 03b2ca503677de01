"""Regenerate the two policy-brief PDFs of the ai-compute corpus: half ``ac-a`` (China and Southeast
Asia) and half ``ac-b`` (United Kingdom, France, Gulf states, Canada).

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/ai-compute/_make_pdfs.py

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
    asean_china_brief()
    middle_powers_brief()
    print("PDFs written to", HERE / "docs")
