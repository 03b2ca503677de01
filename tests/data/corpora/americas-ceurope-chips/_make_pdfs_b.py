"""Regenerate the policy-brief PDF of half ``ac-b`` (Poland, the Czech Republic, Ireland, Austria)
of the americas-ceurope-chips corpus.

Usage (reportlab is only needed to regenerate, not to run the tests):
    python3 -m venv /tmp/rl2 && /tmp/rl2/bin/pip install reportlab pypdf
    /tmp/rl2/bin/python tests/data/corpora/americas-ceurope-chips/_make_pdfs_b.py

The text is an original summary written for this test corpus; see SOURCES.md.
"""
import sys
from functools import partial
from pathlib import Path

from reportlab.lib.units import cm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script: the shared layout sits one folder up
from _pdf_brief import build as _build  # noqa: E402

build = partial(_build, HERE / "docs", "#f1e6dc")


def central_europe_brief():
    build(
        "central-european-chips-observatory-state-aid-brief-cz.pdf",
        "Chip subsidies on the EU's eastern and western edges: Poland, Czechia, Ireland and Austria",
        "Central European Chips Observatory",
        ["Central European Chips Observatory, Brno", "Policy Brief No. 7/2025, December 2025",
         "Authors: Jana Dvorakova and Fergal Quinn"],
        [
            ("Summary", [
                "Two years after the European Chips Act entered into force on 21 September 2023, the four "
                "countries covered here show how differently the new state-aid rules are being used. Czechia has "
                "won approval for a large grant to a silicon-carbide plant that is going ahead. Poland secured "
                "approval for a "
                "large package but lost the project it was meant for. Ireland relies on an existing giant, Intel "
                "in Leixlip, and on a new strategy without a headline budget, while Austria has set aside its own "
                "multi-year envelope and is funding projects one by one.",
            ]),
            ("Czechia: the first integrated silicon-carbide plant in the EU", [
                "In November 2025 the European Commission approved a Czech measure giving onsemi a direct grant of "
                "450 million euros, about 12 billion koruna, for its plant in Roznov pod Radhostem. The grant "
                "supports an investment of 1.64 billion euros. The Commission found a significant funding gap "
                "and concluded that without public money the project would not be built in Europe.",
                "Roznov will be the first plant in the EU to cover every step of silicon-carbide production, from "
                "crystal growth to finished power devices, with commercial operation expected by 2027. In return "
                "onsemi committed to help develop next-generation 200-millimetre silicon-carbide technology in "
                "Europe, to fill priority orders during supply crises as the Chips Act provides, and to fund "
                "training. Executive Vice-President Teresa Ribera said the chips were crucial for electric "
                "vehicles and charging stations. A separate request for integrated production facility status "
                "under the Chips Act was still pending.",
            ]),
            ("Poland: approval without a project", [
                "Poland obtained the Commission's green light in September 2024 to grant 7.4 billion zlotys to "
                "Intel's assembly and test plant at Miekinia, announced in June 2023 at up to 4.6 billion dollars. "
                "Intel paused the project days later, and on 24 July 2025, with its second-quarter results, chief "
                "executive Lip-Bu Tan said the company would not move forward with the projects in Germany and "
                "Poland. Intel posted a second-quarter net loss of 2.9 billion dollars and plans to end 2025 with "
                "about 75,000 core employees.",
                "Warsaw has since drafted a semiconductor policy for 2025 and beyond that targets two or three "
                "back-end and materials projects by 2030 and assumes a support programme of at least 1.5 billion "
                "euros.",
            ]),
            ("Ireland: strategy first, money later", [
                "Silicon Island, published in May 2025, sets objectives rather than a budget: a leading-edge fab "
                "in a regional location, two trailing-edge foundries and an advanced packaging plant. Funding is "
                "arriving through research programmes. A 60 million euro grant for the Tyndall National "
                "Institute, the first allocation from the new 750 million euro Inspire research infrastructure "
                "programme, was due before Cabinet in January 2026. It will help fit out a 17,000 square-metre "
                "research building in Cork, a project valued at about 153 million euros.",
            ]),
            ("Austria: a national envelope", [
                "Austria reserved up to 3 billion euros for 2024 to 2031, of which 2.8 billion euros is for "
                "production projects. The first approved project is ams OSRAM's optical-sensor line in "
                "Premstaetten, an investment of 588 million euros supported with up to 227 million euros.",
            ]),
        ],
        "Table 1. Major projects and public support, status at December 2025",
        [
            ["Project", "Country", "Investment", "Public support", "Status"],
            ["Intel assembly and test, Miekinia", "Poland", "up to $4.6 billion", "7.4 billion zlotys approved",
             "Cancelled July 2025"],
            ["onsemi silicon carbide, Roznov", "Czechia", "1.64 billion euros", "450 million euro grant",
             "Aid approved Nov 2025"],
            ["Intel Fab 34, Leixlip", "Ireland", "49% joint venture sold to Apollo for $11 billion",
             "None under Chips Act", "In volume production"],
            ["Analog Devices, Limerick", "Ireland", "630 million euros", "IPCEI ME/CT application",
             "Announced May 2023"],
            ["Infineon 300 mm power fab, Villach", "Austria", "1.6 billion euros", "Built before Chips Act",
             "Opened Sept 2021"],
            ["ams OSRAM sensors, Premstaetten", "Austria", "588 million euros", "up to 227 million euros",
             "Approved Feb 2025"],
            ["AT&S IC substrates, Leoben", "Austria", "about 500 million euros", "IPCEI ME/CT",
             "Opened June 2025"],
        ],
        [4.4 * cm, 2.0 * cm, 4.0 * cm, 3.6 * cm, 3.0 * cm],
        [
            "Assessment: grants only work when the investor is committed. The Czech grant is roughly 27 percent "
            "of onsemi's investment and comes with obligations that tie the plant to Europe, whereas Poland's "
            "approval was never paid out. Smaller states that cannot match German or French subsidies will do "
            "better by backing back-end, materials and specialty projects with firm investors than by chasing a "
            "single flagship fab.",
        ],
    )


if __name__ == "__main__":
    central_europe_brief()
