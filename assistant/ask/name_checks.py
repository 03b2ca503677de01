"""Do the names a question mentions stand in the evidence?

Two checks, both on names as reports write them (``Stands``): every name the question requires
must stand somewhere in the evidence's report (``names_present``), and one of the names it gives
its subject must stand next to the figure that answers (``names_near``). Names that only describe
("Taiwanese", "the Dallas analog firm") are required by neither. A question asking for "X itself"
wants a sentence giving X's own figure (``owner_of``, ``stated_alone``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from functools import lru_cache

from langchain_core.documents import Document

from assistant.ask.questions import ParsedQuestion
from assistant.text.names import capital_of, is_country_or_demonym, is_date_word, is_demonym, places, spelled_out
from assistant.text.numbers import AMOUNT_RE, YEAR_RE
from assistant.text.stats import CorpusStats
from assistant.text.words import content_terms, stem, term_set, words

# A numeral in a name ("Phase II", "Big Fund III") as reports also write it.
ROMAN = {r: {str(n), o} for n, (r, o) in enumerate(
    [("ii", "second"), ("iii", "third"), ("iv", "fourth")], start=2)}


class Stands:
    """Does a name stand in a text: as written, spelled out if it is an acronym, by the stems of its
    parts ("France-UAE" names two parties that a report names apart), or with a numeral written
    another way ("Big Fund III": "its third phase")? ``raw`` is the text as written, ``low`` lower-cased
    (it may hold more than ``raw``), and ``stems`` gives its stems, asked for only when needed."""

    def __init__(self, raw: str, low: str, stems: Callable[[], Set[str]]) -> None:
        self.raw, self.low, self._stems, self._known = raw, low, stems, None

    def __call__(self, name: str) -> bool:
        # As a word of its own: "Intel" does not stand in "intelligence", nor "SK" in "risk".
        low = name.lower()
        if (low in self.low and re.search(rf"(?<![a-z0-9]){re.escape(low)}(?:e?s|'s|’s)?(?![a-z0-9])", self.low)) \
                or spelled_out(name, self.raw):
            return True
        # A lower-case part of a hyphenated name describes ("MGX-led", "Taiwanese-led"): the rest names.
        parts = [stem(part) for w in words(name) for i, part in enumerate(w.split("-")) if part and (i == 0 or not part.islower())]
        if self._known is None:
            self._known = self._stems()  # stemming is costly: only when needed, once
        return bool(parts) and all(p in self._known or self._known & ROMAN.get(p, set()) for p in parts)


def names_present(question: ParsedQuestion, doc: Document, document: str = "") -> bool:
    """Every name, year and amount the question mentions must stand in the evidence's report: its
    passage ``doc`` (title and heading included) or the whole report's lower-cased text ``document``.

    Adjectives of nationality ("Taiwanese", "American") and names that only describe an organisation
    ("the Dallas analog firm") are not required: a report names the company itself. A capital
    ("Washington pledged") is present where its country is.
    """
    meta = doc.metadata
    head = " ".join((meta.get("title", ""), meta.get("heading", ""), doc.page_content))
    # ``document`` is lower-cased: only the passage's own text can spell an acronym out.
    stands = Stands(head, head.lower() + " " + document, lambda: term_set(head) | _stems_of(document))
    return all(stands(name) or any(stands(c) for c in capital_of(name)) for name in question.names
               if not (" " not in name and is_demonym(name)) and name not in question.described)


COMMON_NAME = 0.25  # share of the corpus's chunks a name stands in beyond which it tells no subject apart


def question_subjects(question: ParsedQuestion, stats: CorpusStats | None = None) -> list[str]:
    """The names a question gives its subject by ("ESMC", "Dresden"): years, sums, nationalities and
    countries are no subjects (a report is set in a country and names it once), nor are names that
    only describe. With ``stats``, a name most of the corpus uses ("AI" in reports on AI) is dropped
    while a rarer one is left."""
    # A capital is a place where the question puts something there ("the campus in Abu Dhabi"),
    # elsewhere its government ("Ottawa put", "Beijing's treasury"), which is no subject either.
    located = set(places(question.text, below_country=False))
    names = [n for n in question.names if _names_subject(n) and n not in question.described
             and (n in located or not capital_of(n))]
    if stats is None or len(names) < 2:
        return names
    share = {n: min((stats.df.get(t, 0) / max(stats.n, 1) for t in content_terms(n)), default=0.0) for n in names}
    rare = [n for n in names if share[n] < COMMON_NAME]
    return rare or [min(names, key=share.get)]


def names_near(subjects: list[str], sentence: str, before: str, meta: dict) -> bool:
    """Does one of the question's ``subjects`` stand in the sentence, the one ``before`` it, its
    table row, or its passage's title or heading? A report names several plants, funds and machines; a figure stated
    next to none of the asked ones is another subject's ("the roughly 400-hectare site" of another
    fab). A question naming no subject keeps every sentence."""
    if not subjects:
        return True
    # A table cell stands in its row: "300" is Saga's in "Site: Saga; Jobs: 300".
    pieces = (sentence, before, meta.get("title", ""), meta.get("heading", ""), meta.get("row_text", ""))
    raw = " ".join(pieces)
    stands = Stands(raw, raw.lower(), lambda: frozenset().union(*map(term_set, pieces)))
    return any(stands(name) for name in subjects)


def carried_subjects(question: ParsedQuestion) -> list[str]:
    """What a follow-up that names nothing ("How much is it investing?") is about: the names of the
    turns it leans on, dates left out. Asked only when the question names no subject of its own."""
    return [n for n in question.carried_names if _names_subject(n) and not is_date_word(n)]


def _names_subject(name: str) -> bool:
    """Countries, nationalities, years and sums are no subjects: a report is set in a country and
    names it once."""
    return not (is_country_or_demonym(name) or YEAR_RE.fullmatch(name) or AMOUNT_RE.fullmatch(name))


def names_in_report(names: list[str], document: str) -> bool:
    """Does one of ``names`` stand somewhere in a report's lower-cased text? A follow-up's figure
    comes from a report about what the conversation is about, though its sentence says "it"."""
    stands = Stands(document, document, lambda: _stems_of(document))
    return any(stands(n) for n in names)


@lru_cache(maxsize=512)
def _stems_of(document: str) -> frozenset[str]:
    """A whole document's stems, once per document: near-miss questions look in every pooled report.
    ``term_set`` computes the same for sentences and headings; whole reports get this smaller cache of
    their own so that they never crowd the sentences out or hold thousands of large sets."""
    return frozenset(content_terms(document))


# --- "X itself": X's own figure ------------------------------------------------------------------

ALONE_RE = re.compile(r"\b(?:itself|themselves|on (?:its|their) own|by (?:itself|themselves)|alone)\b", re.I)
_JOINT_RE = re.compile(r"\b(?:together|combined|jointly|in total|altogether|both|the two|the three)\b", re.I)
_OWNER_RE = re.compile(r"((?:[\w’'-]+\s+){1,3})(?:itself|themselves)\b")


def owner_of(question: str, subjects: list[str]) -> list[str]:
    """Who "itself" points back to: the noun right before it ("the Dutch cabinet itself": "cabinet"),
    else the names among the words before it ("Mubadala itself"); the question's subjects when it
    says "on its own"."""
    m = _OWNER_RE.search(question)
    if not m:
        return subjects
    before = m.group(1).split()
    if before[-1].islower():
        return [before[-1]]
    return [n for n in subjects if n in " ".join(before)] or [before[-1]]


def stated_alone(owner: list[str], sentence: str) -> bool:
    """Does the sentence give ``owner``'s own figure: it names the owner, and not as one of several
    paying together ("Together, the two plants ...", "led by ASML, NXP and Philips")?"""
    if not owner:
        return not _JOINT_RE.search(sentence)
    low = sentence.lower()
    return not _JOINT_RE.search(sentence) and any(n.lower() in low for n in owner) \
        and not any(_listed(n, sentence) for n in owner)


def _listed(name: str, sentence: str) -> bool:
    """Is ``name`` next to another name, joined by a comma or "and" ("ASML, NXP and Philips")?"""
    n = re.escape(name)
    return bool(re.search(rf"\b{n}(?:,\s*|\s+and\s+)[A-Z]|[A-Z][\w&-]*(?:,\s*|\s+and\s+){n}\b", sentence))
