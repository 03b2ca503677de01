"""Names and places: runs of capitalised words, countries and their demonyms, locative phrases,
and names that only describe an organisation."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text.numbers import MONTH_NAMES
from assistant.text.words import FOOTNOTE_RE, STOPWORDS, stem

_PERIOD_RE = re.compile(r"Q[1-4]|H[12]")


def name_runs(text: str, proper: frozenset[str] = frozenset()) -> list[str]:
    """Runs of capitalised words (names of people, firms, places), e.g. "Seth Hays", "TSMC".

    A capitalised word at the start of a sentence counts when it is known to be a name
    (``proper``: stems seen capitalised mid-sentence in the corpus), is an acronym, or is
    followed by another capitalised word ("Seth Hays, author of ...").
    """
    tokens: list[tuple[str, bool, bool, bool]] = []  # (word, capitalised, sentence-initial, break after)
    sentence_start = True
    for m in re.finditer(r"\S+", FOOTNOTE_RE.sub("", text)):
        raw = m.group(0)
        token = raw.strip("\"'“”‘’()[],;:!?.")
        core = re.sub(r"(?:'s|’s)$", "", token)
        # A quarter or half-year ("Q1", "H2") says when, not who: "Tower Semiconductor Q1 2025".
        is_cap = bool(core) and core[0].isupper() and core.lower() not in STOPWORDS and not _PERIOD_RE.fullmatch(core)
        brk = raw[-1:] in ",;:!?.)\"'”’" or core != token
        tokens.append((core, is_cap, sentence_start, brk))
        sentence_start = raw.rstrip("\"'”’)]") .endswith((".", "!", "?"))
    runs: list[str] = []
    current: list[str] = []
    for i, (core, is_cap, initial, brk) in enumerate(tokens):
        if is_cap and initial and not current:
            known = (core.isupper() and len(core) > 1) or stem(core) in proper
            followed = not brk and i + 1 < len(tokens) and tokens[i + 1][1]
            is_cap = known or followed
        if is_cap:
            current.append(core)
        if current and (not is_cap or brk):
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


# --- Capitals that stand for their governments ---------------------------------------------------

# News writes a government by its seat ("Washington pledged", "Ottawa's stake", "Brussels wants"),
# while a report on the deal names the country or its demonym: either stands for the capital.
_CAPITALS = {
    "washington": "United States|U.S.|America|American",
    "tokyo": "Japan|Japanese", "beijing": "China|Chinese", "seoul": "Korea|Korean",
    "taipei": "Taiwan|Taiwanese", "new delhi": "India|Indian", "delhi": "India|Indian",
    "brussels": "EU|European Union|European Commission|Europe|European",
    "berlin": "Germany|German", "paris": "France|French", "london": "Britain|British|UK|U.K.|United Kingdom",
    "whitehall": "Britain|British|UK|U.K.|United Kingdom", "westminster": "Britain|British|UK|U.K.|United Kingdom",
    "hague": "Netherlands|Dutch", "amsterdam": "Netherlands|Dutch", "ottawa": "Canada|Canadian",
    "canberra": "Australia|Australian", "hanoi": "Vietnam|Vietnamese", "kuala lumpur": "Malaysia|Malaysian",
    "jakarta": "Indonesia|Indonesian", "bangkok": "Thailand|Thai", "manila": "Philippines|Philippine|Filipino",
    "rome": "Italy|Italian", "madrid": "Spain|Spanish", "lisbon": "Portugal|Portuguese", "warsaw": "Poland|Polish",
    "prague": "Czechia|Czech", "vienna": "Austria|Austrian", "dublin": "Ireland|Irish", "stockholm": "Sweden|Swedish",
    "helsinki": "Finland|Finnish", "copenhagen": "Denmark|Danish", "oslo": "Norway|Norwegian", "bern": "Switzerland|Swiss",
    "brasilia": "Brazil|Brazilian", "brasília": "Brazil|Brazilian", "mexico city": "Mexico|Mexican",
    "abu dhabi": "UAE|Emirates|Emirati", "riyadh": "Saudi Arabia|Saudi", "jerusalem": "Israel|Israeli",
    "moscow": "Russia|Russian", "ankara": "Turkey|Turkish", "budapest": "Hungary|Hungarian", "athens": "Greece|Greek",
}


def capital_of(name: str) -> list[str]:
    """The country (its names and demonym) whose government a capital stands for, or []. Names are
    runs of capitalised words, so "the Hague" is asked as "Hague"."""
    country = _CAPITALS.get(name.lower())
    return country.split("|") if country else []


# --- Places --------------------------------------------------------------------------------------

_AREA = r"(?:prefecture|province|county|region|district|state|island|city|town|village|municipality)"
_NAME = r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*"
# "Kumamoto prefecture", "Gyeonggi Province"; "the city of Chitose", "the northern island of Hokkaido".
_AREA_RE = re.compile(rf"\b({_NAME})\s+(?i:{_AREA})\b(?!\s+of\b)|\b(?i:{_AREA})\s+of\s+({_NAME})")
_LOCATIVE_RE = re.compile(r"\b(?:in|at|near|from|to|outside|inside|across|around)\s+(?:the\s+)?((?:[a-z]+\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)")


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    import pycountry

    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.add(value.lower())
                names.add(value.split(",")[0].lower())
    return frozenset(names)


def is_date_word(name: str) -> bool:
    """"December", "Monday": a capitalised word that names a time, not a person or an organisation."""
    return name.lower() in _DAYS_AND_MONTHS


def is_country_or_demonym(name: str) -> bool:
    """"Japan", "Taiwanese", "Korean": a country, or an adjective made from one."""
    return name.lower() in country_names() or is_demonym(name)


def is_demonym(name: str) -> bool:
    """"Taiwanese", "Korean", "American": an adjective made from a country's name."""
    low = name.lower()
    if low in country_names() or not low.endswith(("ese", "an", "ish", "i")):
        return False
    return low.startswith(_CONTINENTS) or any(len(c) >= 4 and low[:4] == c[:4] for c in country_names())


_CONTINENTS = ("americ", "europ", "afric", "asia", "austral")


def places(text: str, below_country: bool) -> list[str]:
    """Capitalised names after a locative preposition ("in Hiroshima"), or named as an area ("Kumamoto
    prefecture", "the northern island of Hokkaido"); with ``below_country`` (a city, region or
    prefecture is asked for), names of countries do not count. A time is no place ("in February")."""
    text = FOOTNOTE_RE.sub("", text)
    found: list[tuple[int, int, str]] = []
    for m in (*_LOCATIVE_RE.finditer(text), *_AREA_RE.finditer(text)):
        if any(m.start() < end and start < m.end() for start, end, _ in found):
            continue  # "in Gyeonggi Province" is one place, not two
        group = next(g for g in m.groups() if g)
        if m.re is _AREA_RE:
            group = re.sub(r"^(?:The|A|An)\s+", "", group)  # "The Kumamoto Prefecture government" opens a sentence
        name = " ".join(w for w in group.split() if w[:1].isupper())
        if not name or name.lower() in STOPWORDS or is_date_word(name):
            continue
        if below_country and is_country_or_demonym(name):
            continue
        found.append((m.start(), m.end(), name))
    return list(dict.fromkeys(name for _, _, name in sorted(found)))


_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
_LINKS = frozenset("of and for the on in & de".split())


def spelled_out(acronym: str, text: str) -> bool:
    """Does ``text`` spell ``acronym`` out as the initials of a run of capitalised words, linking
    words skipped ("NIST": "National Institute of Standards and Technology")? Reports name an
    agency in full where a question uses its short form."""
    if not _ACRONYM_RE.fullmatch(acronym):
        return False
    initials = ""
    for word in re.findall(r"[A-Za-z][\w’'-]*|&|[.!?;:()]", text):
        if word[0].isupper():
            initials += word[0]
            if initials.endswith(acronym):
                return True
        elif word.lower() not in _LINKS:
            initials = ""
    return False


# --- People --------------------------------------------------------------------------------------

# Words that make a capitalised word a title, an organisation, a place or a time rather than part of
# a person's name. A run of capitalised words is a person's name only in its tail after the last of them.
_TITLES = frozenset(
    """president vice prime minister ministers deputy secretary chairman chairwoman chair chairperson chief
    executive executives officer ceo cfo cto coo founder co-founder director general governor senator sen
    representative rep mayor premier chancellor commissioner ambassador spokesperson spokesman spokeswoman
    dr mr mrs ms prof professor sir dame lord king queen prince princess sheikh emir crown minister-president
    head manager member speaker leader secretary-general auditor judge justice author analyst economist
    researcher scientist lawmaker legislator congressman congresswoman official politician""".split()
)
ROLE_WORDS = _TITLES  # a question naming one of these asks for a person ("Who is the plant manager ...")
# Roles that any title fills: "Which executive ..." is answered by a "president of" or a "chief".
GENERIC_ROLES = frozenset("executive executives official officials leader leaders head politician".split())
_DAYS_AND_MONTHS = frozenset(MONTH_NAMES.split() + "monday tuesday wednesday thursday friday saturday sunday".split())
_NOT_NAMES = _TITLES | frozenset(
    """economy economic finance financial trade industry industrial commerce energy defence defense science
    technology technologies digital foreign affairs home interior state treasury federal national international
    council department ministry agency office board commission committee authority bureau institute
    institution centre center university college school academy foundation fund bank group holdings
    corporation corp inc ltd llc plc co company companies electronics semiconductor semiconductors systems
    solutions devices instruments materials research labs laboratories motor motors electric electron
    industries partners capital ventures investment investments management services enterprise enterprises
    international global sons brothers works park zone complex campus city county district province state
    region valley bay port island islands river lake mount north south east west northern southern eastern
    western central new san los las saint st upper lower greater act law bill programme program plan
    strategy mission initiative project policy summit forum conference review report times journal post
    news daily wire press herald tribune gazette monitor observer ledger chronicle""".split()
) | _DAYS_AND_MONTHS
_NAME_WORD_RE = re.compile(r"[A-Z][a-z]+(?:[-'’][A-Za-z]?[a-z]+)*|[A-Z]\.?")
_PARTICLES = frozenset("de del der di da van von le la al bin binti".split())


def person_names(text: str) -> list[str]:
    """Names of people: the tail of each run of capitalised words after its titles and organisation
    words ("Commerce Secretary Howard Lutnick" -> "Howard Lutnick", "JTC Corporation CEO Tan Boon
    Khai" -> "Tan Boon Khai", "Tata Sons Chairman N. Chandrasekaran" -> "N. Chandrasekaran"). Two
    words at least, or one straight after a title ("Secretary Lutnick"); runs that end in an
    organisation, a place or a date word ("Purdue Research Park", "West Lafayette") name no one."""
    runs: list[list[str]] = [[]]
    for m in re.finditer(r"\S+", FOOTNOTE_RE.sub("", text)):
        raw = m.group(0)
        token = raw.strip("\"'“”‘’()[],;:!?")
        initial = bool(re.fullmatch(r"[A-Z]\.", token))
        token = token if initial else re.sub(r"(?:'s|’s)$", "", token.rstrip("."))
        capitalised = bool(token) and token[0].isupper() and token.lower() not in STOPWORDS
        if capitalised or (token in _PARTICLES and runs[-1]):
            runs[-1].append(token)
        else:
            runs.append([])
        if raw[-1:] in ",;:!?)\"”’" or (raw.endswith(".") and not initial):
            runs.append([])
    out = []
    for run in runs:
        while run and run[-1] in _PARTICLES:
            run.pop()
        tail: list[str] = []
        for token in reversed(run):
            low = token.lower()
            # Demonyms are not checked word by word: "Christian" would pass for one.
            if low in _NOT_NAMES or low in country_names() or not (_NAME_WORD_RE.fullmatch(token) or token in _PARTICLES):
                break
            tail.insert(0, token)
        while tail and (tail[0] in _PARTICLES or tail[0].endswith(".") and len(tail) == 1):
            tail.pop(0)
        if not tail or " ".join(tail).lower() in country_names():
            continue
        titled = len(run) > len(tail) and run[len(run) - len(tail) - 1].lower() in _TITLES
        if len(tail) >= 2 or titled:
            out.append(" ".join(tail))
    return out


# Nouns for an organisation or its leadership that a place can describe: "the Dallas analog firm",
# "Seoul's policy financier", "the Paris language-model developer".
_DESCRIBED_NOUNS = (
    "firm|firms|company|companies|maker|makers|chipmaker|developer|supplier|designer|producer|manufacturer|giant|"
    "conglomerate|group|lender|financier|bank|subsidiary|start-up|startup|operator|provider|foundry|agency|ministry|"
    "regulator|treasury|government|administration|leader|boss|head"
)
_DESCRIBED_RE = re.compile(
    r"(?:\b(?:the|a|an)\s+((?:[A-Z][\w’'.-]*\s+)+)|\b([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)['’]s\s+)"
    r"(?:[a-z][\w-]*\s+){0,3}?(" + _DESCRIBED_NOUNS + r")\b")
_STATE_BODIES = frozenset("ministry regulator treasury government administration agency".split())


def descriptive_names(question: str, names: list[str]) -> list[str]:
    """Names that only describe an organisation by its home or kind ("the Dallas analog firm",
    "Seoul's policy financier"): a report names the firm itself ("Texas Instruments"), often
    without the place, so they are not required in the evidence. A country's own government
    ("Chile's government") is that country, which its reports name."""
    found = set()
    for m in _DESCRIBED_RE.finditer(question):
        name = (m.group(1) or m.group(2)).strip()
        if not (m.group(3) in _STATE_BODIES and name.lower() in country_names()):
            found.add(name)
    return [n for n in names if n in found]
