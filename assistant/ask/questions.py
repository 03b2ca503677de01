"""What a question asks for: the expected answer type, its key terms and the names it mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.ask.measures import asked_currency, asked_period, asked_portion, without_currency
from assistant.text.names import (
    ROLE_WORDS,
    descriptive_names,
    is_country_or_demonym,
    is_date_word,
    name_runs,
    person_names,
    places,
)
from assistant.text.numbers import AMOUNT_RE, PERCENT_RE, YEAR_RE, amounts, dates, fractions, numbers, ordinals
from assistant.text.words import QUESTION_FRAME_STEMS, REFERRING_RE, STOPWORDS, content_terms, stem, words

AMOUNT, NUMBER, DATE, NAME, PERSON, PLACE, RANK, PERCENT = "amount", "number", "date", "name", "person", "place", "rank", "percent"
ENTITY = "entity"  # an organisation, law, project or product: a name that is not a country

# Ordered: the first pattern that matches names the expected answer type.
_TYPE_PATTERNS: list[tuple[str, re.Pattern]] = [
    (PERCENT, re.compile(r"\b(what|which) (percent(age)?|share|proportion|portion|fraction)\b|\bhow many percent\b", re.I)),
    (RANK, re.compile(r"\b(what|which) (rank|ranking|place|position)\b|\bhow (high|low|well) did\b.*\brank|\branked? (what|where)\b|\bwhere did\b.*\brank", re.I)),
    (DATE, re.compile(r"\bwhen\b|\b(what|which) (?:(?:fiscal|financial|calendar|budget|tax|target) )?(years?|dates?|"
                      r"months?|decades?)\b|\bby what (year|date|time)\b|\bhow long ago\b|\bwhat time\b", re.I)),
    # "How many yen / dollars / euros" counts money.
    (AMOUNT, re.compile(r"\bhow many (?:(?:thousand|million|billion|trillion|crore|lakh)s? (?:of )?)?"
                        r"(?:(?:us|u\.s\.|american|canadian|australian|singapore|hong kong|new taiwan) )?"
                        r"(?:yen|dollars|euros|pounds|won|yuan|rupees|ringgit|shekels|zloty|pesos|francs|reais)\b", re.I)),
    (NUMBER, re.compile(r"\bhow many\b", re.I)),
    (AMOUNT, re.compile(
        r"\bhow (much|big|large)\b|\b(what|which) (amount|sum|size|value|price|cost|budget|figure)\b"
        r"|\bhow expensive\b|\bwhat (did|does|will|would|has|have|had) .{0,60}\b(cost|spend|pay|invest|contribute|pledge|lend)\b"
        r"|\bworth\b", re.I)),
    (PLACE, re.compile(r"\bwhere\b|\b(what|which|in which|in what) (city|country|region|prefecture|state(?![\s-](?:owned|aid|run|backed|funded|support|money|funds|funding|grants?|subsid|incentives?|budget))|place|location|island|town)\b", re.I)),
    (PERSON, re.compile(r"\bwho\b|\bwhom\b|\bwhose\b", re.I)),
    (NAME, re.compile(
        r"\b(what|which) (person|people|chip|chips|name|country|countries|nation)\b|\bname (of|the)\b", re.I)),
]

# "Which Commerce Secretary announced ...", "What tax credit rate ...": the noun the wh-word asks about names
# the type even with modifiers in between: the last such noun before a function word, when no other noun
# follows it ("What is the investment package focused on?" asks about a package, not an amount).
# Nouns naming a sum of money: heads of amount questions, and words that make "how much" ask for money.
_MONEY_NOUNS = ("budget spending investment investments funding subsidy subsidies grant grants loan loans aid price "
                "cost valuation revenue profit income earnings salary salaries wage wages fee fees money funds sales turnover proceeds")
_HEADS: dict[str, str] = {}
for _kind, _nouns in (
    (PERSON, "secretary secretaries minister ministers executive executives ceo chief chiefs chairman chairwoman "
             "chairperson president premier official officials founder founders leader leaders director directors "
             "governor spokesperson spokesman spokeswoman commissioner lawmaker lawmakers senator senators politician "
             "researcher researchers scientist scientists professor analyst analysts economist economists ambassador mayor "
             "deputy deputies legislator legislators congressman congresswoman"),
    (ENTITY, "company companies firm firms bank banks agency agencies institution institutions institute ministry "
           "regulator partner partners customer customers supplier suppliers manufacturer manufacturers maker makers "
           "chipmaker chipmakers foundry foundries operator operators subsidiary subsidiaries consortium startup startups "
           "university universities law laws act statute provision programme program project projects initiative "
           "parliament legislature court product products brand brands processor processors newspaper outlet "
           "organisation organization organisations organizations alliance party group groups school newsletter "
           "authority authorities body bodies administration"),
    (NAME, "event events conference conferences summit ceremony exhibition"),
    (PLACE, "city cities town towns state states region regions prefecture prefectures province provinces county "
            "district place location site sites island municipality village"),
    (PERCENT, "rate rates share percentage proportion fraction stake"),
    (AMOUNT, "amount sum outlay award value figure figures expenditure tag " + _MONEY_NOUNS),
    (NUMBER, "capacity volume output headcount"),
    (DATE, "year years date dates deadline"),
):
    for _noun in _nouns.split():
        _HEADS[_noun] = _kind
_PHRASE_SKIP = frozenset("is are was were the a an".split())
# "What does the foundry make?": after an auxiliary the noun phrase is the subject, not what is asked.
_PHRASE_AUX = frozenset("do does did will would can could shall should may might must has have had".split())
_PHRASE_STOP = STOPWORDS - {"much", "many", "kind", "sort", "one", "ones", "way", "ways"}
_IRREGULAR_VERBS = frozenset("led ran made built won took gave set said got put kept held paid sold bought".split())
# "What is Intel chief executive Lip-Bu Tan's annual salary?": a possessive names the owner; what
# is asked is the noun phrase after it.
_POSSESSIVE_RE = re.compile(r"(?:'s|’s|s'|s’)$")
_WH_PHRASE_RE = re.compile(r"\b(what|which)\s+((?:[\w'’&.$/-]+\s*){1,8})", re.I)
_VERB_ADVERBS = frozenset("first also later initially originally recently eventually finally then still already jointly".split())


def _verb_like(word: str) -> bool:
    low = word.lower()
    return low.endswith("ed") or low in _IRREGULAR_VERBS or (low.endswith("s") and not low.endswith("ss") and low not in _HEADS)


def _plural_then_verb(phrase: list[str], i: int) -> bool:
    """"Which sites make up ...", "Which firms build ...": after a plural head a verb takes no -s."""
    head = phrase[i].lower()
    return head.endswith("s") and not head.endswith("ss") and i + 1 < len(phrase) and phrase[i + 1].islower() \
        and phrase[i + 1].lower() not in _HEADS and i + 2 >= len(phrase)


def _wh_words(question: str) -> tuple[int, list[str]] | None:
    """The position of the first "what/which" and the words after it, "is the" dropped; None when an
    auxiliary follows it ("What does the foundry make?": the noun phrase is the subject)."""
    m = _WH_PHRASE_RE.search(question)
    if not m:
        return None
    tokens = [t.strip(",?;:.") for t in m.group(2).split()]
    if tokens and tokens[0].lower() in _PHRASE_AUX:
        return None
    while tokens and tokens[0].lower() in _PHRASE_SKIP:
        tokens.pop(0)
    return m.start(), tokens


def _head_type(question: str) -> tuple[int, str] | None:
    """The type named by the head noun of the first "what/which ..." phrase, with its position."""
    found = _wh_words(question)
    if not found:
        return None
    start, tokens = found
    phrase: list[str] = []
    owner = -1  # position of the phrase's last possessive; up to five words may follow it
    for t in tokens:
        if not t or t.lower() in _PHRASE_STOP or len(phrase) - owner - 1 == 5:
            break
        if _POSSESSIVE_RE.search(t):
            owner = len(phrase)
        phrase.append(t)
    # After a possessive comes what is asked ("Lip-Bu Tan's annual salary"), unless the head came
    # before it ("Which minister attended Micron's groundbreaking").
    for words_ in ([phrase[owner + 1 :], phrase] if owner >= 0 else [phrase]):
        for i in range(len(words_) - 1, -1, -1):
            kind = _HEADS.get(words_[i].lower())
            # An adverb may stand between the head and its verb ("Which outlet first reported ...").
            after = words_[i + 2 :] if i + 1 < len(words_) and words_[i + 1].lower() in _VERB_ADVERBS else words_[i + 1 :]
            if kind and (not after or _verb_like(after[0]) or _plural_then_verb(words_, i)):
                return start, kind
    return None


@dataclass
class ParsedQuestion:
    """A question as the answerer sees it (follow-ups resolved by ``conversation.resolve``)."""

    text: str
    answer_type: str | None
    terms: list[str]                      # stemmed content terms of the question itself
    carried: list[str] = field(default_factory=list)   # stemmed terms carried over from earlier turns
    names: list[str] = field(default_factory=list)     # names, numbers and years the question mentions
    carried_names: list[str] = field(default_factory=list)  # a follow-up's: the names of the turns it leans on
    below_country: bool = False                         # a city, region or site is asked for
    attribute: str | None = None                        # stem of what is measured ("budget"), see asked_attribute
    currency: str | None = None                         # the unit an amount is asked in ("usd"), see asked_currency
    money: bool = False                                 # the amount asked is a sum of money (_MONEY_RE, or a currency)
    period: str | None = None                           # a rate asked per "day", "week" or "month", see PERIOD_RES
    person: bool = False                                # a person's name is asked: the question names a role
    counted: str | None = None                          # what "how many" counts ("jobs"), see counted_noun
    kind_of: list[str] = field(default_factory=list)    # stems of the kind counted ("construction" jobs), see counted_kind
    portion: list[str] = field(default_factory=list)    # stems of the part a share is asked of, see asked_portion
    described: list[str] = field(default_factory=list)  # names that only describe an organisation, see descriptive_names
    surface: dict[str, str] = field(default_factory=dict)  # stem -> a word of the question that has it

    @property
    def all_terms(self) -> list[str]:
        return self.terms + [t for t in self.carried if t not in self.terms]


_BELOW_COUNTRY_RE = re.compile(r"\b(city|cities|town|region|prefecture|province|state|island|district|site|location)\b", re.I)
# Keywords ending in a moment ("ESMC Dresden production start") ask when; as a question's noun these words
# name the thing itself ("What did the launch include?"). ("year", "deadline" are heads in ``_HEADS``.)
_KEYWORD_DATES = dict.fromkeys("start opening launch completion timeline".split(), DATE)


def answer_type(question: str) -> str | None:
    """The type asked for by the question's first wh-phrase ("Why ... whose people" asks no type)."""
    hits = []
    for order, (kind, pattern) in enumerate(_TYPE_PATTERNS):
        m = pattern.search(question)
        if m:
            hits.append((m.start(), order, kind))
    head = _head_type(question)
    if head:
        hits.append((head[0], len(_TYPE_PATTERNS), head[1]))
    first_wh = re.search(r"\b(why|how|what|which|who|whom|whose|when|where)\b", question, re.I)
    if first_wh and first_wh.group(1).lower() == "why":
        hits = [h for h in hits if h[0] < first_wh.start()]
    if not hits and not first_wh:
        # Keywords, no question ("Amkor CHIPS loan amount"): the last word names what is wanted.
        last = re.findall(r"[\w'’-]+", question.lower())[-1:]
        return (_HEADS.get(last[0]) or _KEYWORD_DATES.get(last[0])) if last else None
    return min(hits)[2] if hits else None


# Nouns that name only the kind of figure asked for ("what share", "how many people"), not a property
# the passage must mention.
_FIGURE_WORDS = frozenset(
    "amount amounts sum sums figure figures number numbers total value share shares stake proportion percentage "
    "fraction portion rate people money cash date day days year years month months time kind sort tag".split()
)
_HOW_MUCH_RE = re.compile(r"\bhow\s+(?:many|much)\s+((?:[\w'’-]+\s*){1,5})", re.I)
_WORTH_RE = re.compile(r"\s*what\s+(?:is|was|are|were)\b[^?]*\bworth\b", re.I)


# Words that bound or qualify a figure ("minimum share", "total cost") rather than name what it measures.
_BOUNDS = frozenset("minimum maximum total overall average combined exact estimated approximate rough eventual".split())
# Endings of adjectives and participles ("federal", "annual", "planned"), which qualify a figure but do
# not name what it measures; "per" joins a rate to its unit.
_ADJECTIVE_RE = re.compile(r"(?:al|ic|ive|ous|ful|ary|ible|able|ly|ed|ing)$|^per$")


# "How much ... in grants / in federal loans / in chip subsidies": the form the money takes.
_GIVEN_IN_RE = re.compile(
    r"\bin\s+(?:[a-z]+\s+)?(grants?|incentives?|subsid(?:y|ies)|aid|loans?|credits?|funding|equity|cash)\b", re.I)


def asked_attribute(question: str) -> str | None:
    """The stem of the noun naming what a figure question measures, when it names more than the kind
    of figure: "budget" in "What is the annual operating budget of ...", "employees" in "How many
    employees ..." (in "What is X worth", X is what is valued). A report not naming it gives another figure."""
    if _WORTH_RE.match(question):
        return None
    m = _HOW_MUCH_RE.search(question)
    given = _GIVEN_IN_RE.search(question) if m else None
    if given:  # "How much did the state give in incentives ...": what the money was given as
        return stem(given.group(1).lower())
    if m:  # "how much is earmarked": no noun follows, nothing named
        tokens = [t.strip(",?;:.") for t in m.group(1).split()]
    else:
        found = _wh_words(question)
        if not found:
            return None
        tokens = found[1]
    phrase: list[str] = []
    for t in tokens:
        low = t.lower()
        if not t or low in _PHRASE_STOP or low in _PHRASE_AUX or len(phrase) == 5:
            break
        if (low.endswith("ed") or low in _IRREGULAR_VERBS) and low not in _HEADS:
            break  # "Which companies signed ...": the verb ends the noun phrase
        phrase = [] if _POSSESSIVE_RE.search(t) else phrase + [t]
    # The last plain lower-case word: names ("Micron's", "GB300") describe, they do not measure.
    plain = [t.lower() for t in phrase if t.isalpha() and t.islower()]
    if len(plain) > 1 and plain[-1] in _FIGURE_WORDS and plain[-1] not in ("money", "cash"):
        # A figure word names its measure by the noun before it ("interest rate", "loan amounts"), not
        # by an adjective ("annual share"); money's modifier says whose it is ("state money").
        modifier = plain[-2]
        if modifier not in _FIGURE_WORDS and modifier not in STOPWORDS and modifier not in _BOUNDS \
                and not _ADJECTIVE_RE.search(modifier):
            return stem(modifier)
    head = plain[-1] if plain else None
    if head is None or head in _FIGURE_WORDS:
        return None
    return stem(head)


# Words that make "how much" a question about money ("How much did the build cost?"), so a sentence
# giving only another quantity ("21 exaflops") does not answer it.
_MONEY_WORDS = _MONEY_NOUNS.split() + (
    "costs costing priced spend spends spent pay pays paid payment invest invests invested investing funded budgets "
    "revenues profits cash incentive incentives worth valued contribute contributes contributed contribution contributions "
    "pledge pledges pledged lend lends lent").split()
_MONEY_RE = re.compile(rf"\b(?:{'|'.join(_MONEY_WORDS)})\b", re.I)


def analyse(question: str, proper: frozenset[str] = frozenset()) -> ParsedQuestion:
    """Parse a question; ``proper`` lists stems the corpus uses as names."""
    content = [t for t in content_terms(question) if t not in QUESTION_FRAME_STEMS]
    # "in US dollars" says what unit to answer in, not whom the question is about.
    # A plural acronym ("GPUs", "SMEs") names a kind of thing, not one a report must name.
    names = [n for n in name_runs(without_currency(question), proper)
             if n.lower() not in STOPWORDS and not re.fullmatch(r"[A-Z]{2,5}s", n) and not YEAR_RE.fullmatch(n)]
    names += [y for y in YEAR_RE.findall(question)]  # "FY2030" is the year 2030, however a report writes it
    names += [m.group(0).strip() for m in AMOUNT_RE.finditer(question)]
    surface = {}
    for w in words(question):
        for t in content_terms(w):
            surface.setdefault(t, w.lower())
    currency = asked_currency(question)
    kind = answer_type(question) or (AMOUNT if currency else None)  # "What is the credit, in NT dollars?"
    attribute = asked_attribute(question) if kind in (AMOUNT, NUMBER, PERCENT) else None
    counted = counted_noun(question) if kind == NUMBER else None
    return ParsedQuestion(
        question,
        kind,
        list(dict.fromkeys(content)),
        names=list(dict.fromkeys(names)),
        described=descriptive_names(question, names),
        below_country=bool(_BELOW_COUNTRY_RE.search(question)),
        surface=surface,
        attribute=attribute if attribute in content else None,
        currency=currency if kind == AMOUNT else None,
        money=kind == AMOUNT and bool(currency or _MONEY_RE.search(question)),
        period=asked_period(question) if kind in (AMOUNT, NUMBER) else None,
        person=asks_person(question, kind),
        counted=counted,
        kind_of=counted_kind(question, counted) if counted else [],
        portion=asked_portion(question) if kind in (AMOUNT, NUMBER, PERCENT) else [],
    )


_COUNT_STOP = frozenset("per a an with of in at for on to from by".split()) | STOPWORDS
_HOW_MANY_RE = re.compile(r"\bhow\s+many\s+((?:[\w'’-]+\s*){1,5})", re.I)


def counted_noun(question: str) -> str | None:
    """What "how many" counts, lower-cased: "jobs" in "How many construction jobs ...", "people" in
    "How many people work ...", "starts" in "How many wafer starts per month ...". A figure that
    counts something else ("the first of two factories") does not answer it."""
    m = _HOW_MANY_RE.search(question)
    if not m:
        return None
    phrase: list[str] = []
    for t in m.group(1).split():
        low = t.strip(",?;:.").lower()
        if not low or low in _COUNT_STOP or (phrase and (low.endswith("ed") or low in _IRREGULAR_VERBS)):
            break
        phrase.append(low)
    # The plural noun of the phrase ("people work": the verb after it is no noun); else its first word.
    plural = [t for t in phrase if (t.endswith("s") and not t.endswith("ss")) or t in ("people", "staff", "personnel")]
    noun = plural[-1] if plural else (phrase[0] if phrase else None)
    return None if noun is None or noun in ("times", "more", "fewer", "less") else noun


# Words before a counted noun that say how many rather than which kind ("new fabs", "big lenders").
_COUNT_SIZES = frozenset("new more total extra big large major small full-time part-time".split())


def counted_kind(question: str, noun: str) -> list[str]:
    """The stems of the words that say which kind of ``noun`` (``counted_noun``) "how many" counts:
    "construction" in "How many construction jobs ...". A count of another kind ("400 manufacturing
    jobs") does not answer it. Names ("Nvidia superchips") and adjectives ("direct", "skilled") are
    left out."""
    m = _HOW_MANY_RE.search(question)
    if m is None:
        return []
    phrase = [t.strip(",?;:.") for t in m.group(1).split()]
    lowered = [t.lower() for t in phrase]
    if noun not in lowered:
        return []
    kinds = []
    for t in reversed(phrase[: lowered.index(noun)]):
        low = t.lower()
        if not t.islower() or low in STOPWORDS:
            break
        if low not in _COUNT_SIZES and not _ADJECTIVE_RE.search(low) and not low.isdigit():
            kinds.append(stem(low))
    return kinds


def asks_person(question: str, kind: str | None) -> bool:
    """Does the question want a person's name? "Who is the plant manager ...", "Which minister ...":
    it names a role. A bare "who" may be answered by an organisation ("Who is the biggest
    shareholder?"), and "whose" asks for an owner."""
    if kind != PERSON or re.search(r"\bwhose\b", question, re.I):
        return False
    return any(is_role(w) for w in words(question))


_ROLE_STEMS = frozenset(stem(w) for w in ROLE_WORDS)


def is_role(word: str) -> bool:
    """"minister", "chairman", and the verbs of roles: "Who chairs ...", "Who heads ..."."""
    return word.lower() in ROLE_WORDS or stem(word.lower()) in _ROLE_STEMS


def is_follow_up(question: str, n_terms: int) -> bool:
    """Does the question lean on the conversation (a pronoun, or too few words to stand alone)?"""
    return bool(REFERRING_RE.search(question)) or n_terms <= 2


@lru_cache(maxsize=32768)
def type_facts(
    kind: str | None, text: str, proper: frozenset[str] = frozenset(), below_country: bool = False, person: bool = False,
) -> tuple[str, ...]:
    """Facts of the asked type found in ``text`` (amounts for "how much", names for "who", people's
    names when ``person``, ...). Cached: the same passages' sentences come back question after question."""
    return tuple(_find_facts(kind, text, proper, below_country, person))


def _find_facts(kind: str | None, text: str, proper: frozenset[str], below_country: bool, person: bool) -> list[str]:
    if kind == AMOUNT:
        return amounts(text)
    if kind == PERCENT:
        return PERCENT_RE.findall(text) + fractions(text)
    if kind == NUMBER:
        return [n for n in numbers(text) if not YEAR_RE.fullmatch(n)]
    if kind == DATE:
        return dates(text)
    if kind == RANK:
        return ordinals(text)
    if kind == PLACE:
        return places(text, True) if below_country else name_runs(text, proper)
    if kind == NAME:
        return name_runs(text, proper)
    if kind == PERSON and person:
        return person_names(text)
    if kind in (PERSON, ENTITY):
        # "Who is ..." asks for a person or an organisation, "which bank ..." for one: no country, month or weekday.
        return [n for n in name_runs(text, proper) if not is_country_or_demonym(n) and not is_date_word(n)]
    return []
