"""Regenerate the policy-brief PDF of half ``nk-a`` (the Nordic countries) of the
nordics-korea-sea corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl-a && /tmp/rl-a/bin/pip install reportlab pypdf
    /tmp/rl-a/bin/python tests/data/corpora/nordics-korea-sea/_make_pdfs_a.py

The text is an original summary written for this test corpus; see SOURCES.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#dde8e3")


def nordic_compute_brief():
    build(
        "skagerrak-policy-institute-nordic-compute-brief-nordic.pdf",
        "Hydropower, foundations and EU money: how the Nordic countries are buying AI compute",
        "Skagerrak Policy Institute",
        ["Skagerrak Policy Institute, Gothenburg", "Policy Brief No. 3/2026, May 2026",
         "Authors: Dr. Astrid Nyholm and Jussi Lehtola"],
        [
            ("Summary", [
                "Denmark, Finland, Norway and Sweden have each acquired or planned large AI computing capacity since "
                "2024, but by very different routes. Denmark relied on a charitable foundation, Finland on the EU "
                "and its own research budget, Norway on private capital attracted by cheap hydropower, and Sweden "
                "on a mix of EU co-funding and a consortium of its largest companies. None of the four has a "
                "leading-edge chip factory, and none plans one; their semiconductor ambitions are concentrated in "
                "design, wafers, sensors and quantum devices. This brief compares the sums involved and the "
                "risks that each model carries.",
            ]),
            ("Denmark: a foundation-funded national machine", [
                "Gefion, owned by the Danish Centre for AI Innovation, was switched on in October 2024 with 1,528 "
                "Nvidia H100 GPUs. The Novo Nordisk Foundation and the state fund EIFO have committed DKK 700 "
                "million between them, which European reporting at the time converted to about 93.8 million euros. "
                "The model is fast and unbureaucratic, but it makes national AI capacity depend on the priorities "
                "of one private foundation. Access for academic users is paid for through GPU-hour vouchers.",
            ]),
            ("Finland: the EU route", [
                "Finland hosts the LUMI AI Factory in Kajaani, led by CSC with five partner countries. The "
                "government has set aside 250 million euros, and a new AI-optimised machine, LUMI-AI, should be "
                "available by 2027. On chips, the Chips from the North strategy aims to triple industry revenue by "
                "2035. The largest recent private investment, Okmetic's new wafer fab in Vantaa, was reported by "
                "industry media at 388 million euros.",
            ]),
            ("Norway: private capital and cheap power", [
                "For public research computing Norway also draws on LUMI, as a member of the Finnish-led "
                "consortium. Its public AI research programme, announced in September 2023, is worth about 120 "
                "million euros over five years. The private sector is moving far faster. Stargate Norway, launched "
                "in July 2025 by Nscale and Aker with OpenAI as intended customer, targets 230 megawatts near "
                "Narvik. Microsoft signed a five-year contract worth $6.2 billion in September 2025.",
                "In April 2026 OpenAI walked away from the offtake talks, and Microsoft took over the role of main "
                "tenant. Reporting at the time said that, starting in 2026, Microsoft would control some 30,000 Vera "
                "Rubin GPUs at the site.",
            ]),
            ("Sweden: two machines in one city", [
                "Linkoping will host both the EU-co-funded Mimer AI factory, split 50/50 between EuroHPC and the "
                "Swedish state, and Sferical AI, the 1,152-GPU enterprise system owned by AstraZeneca, Ericsson, "
                "Saab, SEB and Wallenberg Investments. The AI Commission's roadmap of November 2024 called for "
                "additional public spending of about 1.5 billion euros over the five years to 2029.",
            ]),
        ],
        "Table 1. Nordic AI compute commitments compared",
        [
            ["Programme", "Country", "Announced", "Headline figure", "Status, May 2026"],
            ["Gefion (DCAI)", "Denmark", "Mar 2024", "DKK 700 million", "Operating since Oct 2024"],
            ["LUMI AI Factory", "Finland", "Dec 2024", "EUR 250 million (state)", "Data centre under construction"],
            ["Okmetic Vantaa fab", "Finland", "May 2022", "EUR 388 million", "Production planned from 2025"],
            ["Norway AI research", "Norway", "Sep 2023", "about EUR 120 million", "Four to six centres planned"],
            ["Stargate Norway", "Norway", "Jul 2025", "230 MW planned", "OpenAI no longer anchor"],
            ["Microsoft Narvik deal", "Norway", "Sep 2025", "USD 6.2 billion", "Five-year contract"],
            ["Mimer AI factory", "Sweden", "Dec 2024", "50/50 EU and state", "Contract signed Apr 2026"],
            ["Sferical AI", "Sweden", "Aug 2025", "1,152 GPUs", "Installation planned"],
            ["AI Commission roadmap", "Sweden", "Nov 2024", "about EUR 1.5 billion", "Proposals to government"],
        ],
        [3.9 * cm, 2.0 * cm, 2.3 * cm, 4.1 * cm, 4.7 * cm],
        [
            "Assessment: the Nordic countries have bought capacity quickly, but much of it is privately owned "
            "and serves its owners first. Governments should publish each year how many GPU-hours are available "
            "to public researchers and start-ups, and at what price, so that headline figures can be compared "
            "with the capacity that users can actually reach.",
        ],
    )


if __name__ == "__main__":
    nordic_compute_brief()
    print("PDF written to", HERE / "docs")
