"""Does a sentence's figure measure what a figure question asks, as asked? The measure it names
("budget", "employees"), the kind counted ("construction" jobs), the part a share is of, the owner
of "X itself", the currency and period asked in, a day where "what date" is asked, the year asked
("in 2024", "last year's"), which of several like things ("the second plant"), and, asked what has
happened, a figure stated as done rather than only planned. A neighbouring figure that fails one of
these is a near-miss, for the first answer and for a disagreeing report's figure alike
(``extractive``)."""

from __future__ import annotations

import re

from assistant.ask.candidates import HEADCOUNT_STEMS, Candidate, clean
from assistant.ask.measures import PERIOD_RES
from assistant.ask.name_checks import ALONE_RE, owner_of, question_subjects, stated_alone
from assistant.ask.questions import ParsedQuestion
from assistant.text.numbers import MONTHS
from assistant.text.quantities import quantities
from assistant.text.stats import CorpusStats
from assistant.text.words import stem, words

SAME_MEASURE = 0.75  # how closely a passage's word must match the measure a figure question asks for


def in_terms(cand: Candidate, question: ParsedQuestion) -> bool:
    """Does the sentence give its figure in the terms asked: an amount in the asked currency (asked
    "in US dollars", the yuan figure alone does not answer), a rate per the asked period?"""
    if not (question.currency or question.period):
        return True
    text = clean(cand.text)
    if question.currency and not any(unit == question.currency for _, unit in quantities(text)):
        return False
    return not question.period or bool(PERIOD_RES[question.period].search(text.lower()))


# Units that only a capacity is given in: a plant's power or a fab's throughput ("500MW", "50,000 wafers a month").
_CAPACITY_UNIT_RE = re.compile(r"\d\s*(?:[kMGT]W|[kMGT]Wh)\b|\b(?:kilo|mega|giga)watts?\b|\bwafers?(?:\s+starts)?\s+(?:a|per|each)\s+(?:month|year)\b")


def _measures(cand: Candidate, attribute: str) -> bool:
    """Does the sentence's passage name what a figure question measures, in its word or a close one?
    A head count is named by any word that counts heads ("employ about 1,500 people" for "how many
    jobs"), a capacity by a unit only capacities come in ("500MW")."""
    if cand.context_matched.get(attribute, 0.0) >= SAME_MEASURE:
        return True
    if attribute == "capac" and _CAPACITY_UNIT_RE.search(cand.text):
        return True
    return attribute in HEADCOUNT_STEMS and not HEADCOUNT_STEMS.isdisjoint(cand.context_words)


# A question about what has happened ("paid so far", "actually spent", "delivered to date") is not
# answered by a figure stated only as a plan, pledge or target: that is the neighbouring fact.
_ASKS_ACTUAL_RE = re.compile(r"\b(?:so far|to date|thus far|until now|actually|in practice|already)\b", re.I)
_PLANNED_RE = re.compile(
    r"\b(?:targets?|goals?|aims?|aiming|plans?|planned|pledged?|pledges|promised?|agreed to|commits?|committing|"
    r"will|would|could|expects?|expected|intends?|set to|earmark(?:s|ed)?|forecasts?|projected)\b",
    re.I,
)
_HAPPENED_RE = re.compile(
    r"\b(?:so far|to date|thus far|already|until now)\b|\b(?:has|have|had|was|were)\s+(?:\w+ly\s+)?"
    r"(?:\w+ed|paid|spent|received|built|made|won|sold|bought|given|put|brought)\b",
    re.I,
)


# "On what date", "which day": a month or a year alone does not say it.
_ASKS_DAY_RE = re.compile(r"\b(?:what|which) (?:date|day)\b", re.I)
_MONTH = rf"(?:{'|'.join(sorted({m[:3].capitalize() for m in MONTHS.split()}))})[a-z]*\.?"  # "Jun", "June", "Sept."
_DAY_RE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")


def _kind_by_its_figure(cand: Candidate, kinds: list[str]) -> bool:
    """Where the sentence uses the kind's own word, it stands within a few words of a figure: "3,000
    construction jobs", not "1,600 jobs ... indirect work in construction"."""
    tokens = [t.lower() for t in words(clean(cand.text))]
    stated = {w.lower() for fact in cand.facts for w in words(fact)}
    figures = [i for i, t in enumerate(tokens) if t in stated]
    for kind in kinds:
        at = [i for i, t in enumerate(tokens) if stem(t) == kind]
        if at and figures and not any(abs(i - j) <= 6 for i in at for j in figures):
            return False
    return True


def _stated_as_done(cand: Candidate) -> bool:
    """Does the sentence state its figure as done rather than only planned?"""
    text = clean(cand.text)
    return not _PLANNED_RE.search(text) or bool(_HAPPENED_RE.search(text))


# "in 2024", "for fiscal 2025", "during FY2023": the year a figure question asks about.
_ASKED_YEAR_RE = re.compile(
    r"\b(?:in|during|for|of)\s+(?:(?:the\s+)?fiscal\s+(?:year\s+)?|FY\s?)?((?:19|20)\d\d)\b", re.I)
_YEAR_RE = re.compile(r"(?<![\d.,$])((?:19|20)\d\d)(?!,?\d)")
_RELATIVE_YEAR = {"this year": 0, "last year": -1, "next year": 1}
_RELATIVE_YEAR_RE = re.compile(r"\b(this|last|next) year\b", re.I)


def _stated_years(cand: Candidate) -> set[int]:
    """The years a sentence speaks of: those it writes, and "this/last/next year" read from its report's date."""
    text = clean(cand.text)
    years = {int(y) for y in _YEAR_RE.findall(text)}
    dated = _YEAR_RE.search(str(cand.doc.metadata.get("date") or ""))
    if dated:
        years |= {int(dated.group(1)) + _RELATIVE_YEAR[m.group(0).lower()] for m in _RELATIVE_YEAR_RE.finditer(text)}
    return years


def _of_the_asked_relative_year(cand: Candidate, asked: int) -> bool:
    """Asked "last year's", does the sentence speak of that year? Read in its report's frame: in a
    dated report, "last year" is the report's year before (and a year it writes must be that one);
    in an undated one only the words compare ("this year's ranking" is no answer to "last year's")."""
    dated = _YEAR_RE.search(str(cand.doc.metadata.get("date") or ""))
    if dated:
        stated = _stated_years(cand)
        return not stated or int(dated.group(1)) + asked in stated
    relative = {_RELATIVE_YEAR[m.group(0).lower()] for m in _RELATIVE_YEAR_RE.finditer(clean(cand.text))}
    return not relative or asked in relative


# Which of several like things is asked: "the second plant", "the third phase", "phase II", "Fab 2".
# Times ("the second quarter", "first half") are dates, not one of several things.
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
                  "5th": 5}
_NUMERALS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "one": 1, "two": 2,
             "three": 3, "four": 4, "five": 5}
_ONES = (r"(?:plants?|fabs?|factor(?:y|ies)|facilit(?:y|ies)|phases?|rounds?|calls?|cohorts?|units?|lines?|"
         r"stages?|tranches?|sites?|modules?|mods?|buildings?|projects?|funds?|campus(?:es)?|machines?|systems?|"
         r"clusters?|reactors?|towers?)")
# ... and "second-largest", "first-ever" rank or stress, they do not pick one out.
_ORDINAL_RE = re.compile(
    rf"\b({'|'.join(_ORDINAL_WORDS)})\b(?!-)(?!\s+(?:quarter|half|time|week|month|year|day)s?\b)", re.I)
_ORDINAL_ONE_RE = re.compile(rf"\b({'|'.join(_ORDINAL_WORDS)})[\s-]+(?:[\w-]+\s+){{0,3}}?{_ONES}\b", re.I)
_NUMBERED_ONE_RE = re.compile(rf"\b{_ONES}\s+(?:no\.?\s*)?({'|'.join(_NUMERALS)})\b", re.I)


def _numeral(m: re.Match[str]) -> int | None:
    """The number of "phase II", "Fab 2", "stage two"; None for "phase i" (a lower-case "i" is a word)."""
    word = m.group(1)
    return _NUMERALS[word.lower()] if word.isdigit() or word.isupper() or len(word) > 2 else None


def asked_ordinal(question: str) -> int | None:
    """Which one of several like things the question asks about ("TSMC's second Kumamoto plant": 2,
    "phase II of the fund": 2). A numbered name ("Big Fund III", "Fab 21") is a name: the name
    checks hold it to its report."""
    m = _ORDINAL_ONE_RE.search(question)
    if m:
        return _ORDINAL_WORDS[m.group(1).lower()]
    return next((n for m in _NUMBERED_ONE_RE.finditer(question) if m.group(0)[0].islower() and (n := _numeral(m))),
                None)


def _ordinals_at(text: str) -> list[tuple[int, int]]:
    """(offset, which) of each "second", "phase II", "Fab 2" in ``text``."""
    found = [(m.start(), _ORDINAL_WORDS[m.group(1).lower()]) for m in _ORDINAL_RE.finditer(text)]
    return found + [(m.start(), n) for m in _NUMBERED_ONE_RE.finditer(text) if (n := _numeral(m))]


def _of_the_asked_one(cand: Candidate, which: int) -> bool:
    """Does the sentence give a figure of the asked one of several ("the second plant")? The asked
    ordinal stands before a figure, or just after it ("$13.9 billion for the second plant"). "The
    first" often goes unsaid: a figure of the first is one no other ordinal comes before."""
    text = clean(cand.text)
    spots = [(at, at + len(fact)) for fact in cand.facts if (at := text.find(fact)) >= 0] or [(len(text), len(text))]
    ordinals = _ordinals_at(text)
    for at, end in spots:
        if any(n == which and pos < end + 30 for pos, n in ordinals):  # up to about five words past it
            return True
        if which == 1 and not any(n != 1 and pos < at for pos, n in ordinals):
            return True
    return False


def of_what_is_asked(question: ParsedQuestion, cands: list[Candidate], stats: CorpusStats) -> list[Candidate]:
    """The sentences whose figure measures what is asked, as asked: a neighbouring figure (another
    kind of job, the whole where a part is asked) is a near-miss, in the first answer and in a
    disagreeing report's alike."""
    if question.attribute:
        # The passage must name what is measured, in its word or a close one: a construction cost
        # (near "budget" at 0.63) is no answer to "what budget". 0.65 to 1.0 measured alike.
        cands = [c for c in cands if _measures(c, question.attribute)]
    if ALONE_RE.search(question.text):
        # "X itself", "on its own": X's own share, not a figure for several together.
        owner = owner_of(question.text, question_subjects(question, stats))
        cands = [c for c in cands if stated_alone(owner, c.text)]
    if question.kind_of:
        # "How many construction jobs": a count of another kind of job is a near-miss.
        cands = [c for c in cands if all(c.matched.get(k, 0.0) >= SAME_MEASURE for k in question.kind_of)
                 and _kind_by_its_figure(c, question.kind_of)]
    if _ASKS_DAY_RE.search(question.text):
        cands = [c for c in cands if _DAY_RE.search(" ".join(c.facts))]
    if question.portion:
        # The part a share is asked of must be named where its figure stands: by its most specific word.
        part = max(question.portion, key=stats.weight)
        cands = [c for c in cands if c.matched.get(part, 0.0) >= SAME_MEASURE]
    asked_year = _ASKED_YEAR_RE.search(question.text)
    if asked_year:
        # A figure stated for other years only ("this year" in a report of 2025) is another year's.
        year = int(asked_year.group(1))
        cands = [c for c in cands if not (years := _stated_years(c)) or year in years]
    elif relative := _RELATIVE_YEAR_RE.search(question.text):
        # "Last year's ranking": a sentence about this year's is a near-miss.
        cands = [c for c in cands if _of_the_asked_relative_year(c, _RELATIVE_YEAR[relative.group(0).lower()])]
    which = asked_ordinal(question.text)
    if which:
        # "How much will the second plant cost?": the first plant's cost is a near-miss.
        cands = [c for c in cands if _of_the_asked_one(c, which)]
    if _ASKS_ACTUAL_RE.search(question.text):
        cands = [c for c in cands if _stated_as_done(c)]
    return [c for c in cands if in_terms(c, question)]
