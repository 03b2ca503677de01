"""The offline answerer: pick the sentences that answer the question, cite them, or abstain.

Abstention weighs several signals rather than one threshold: whether any sentence holds the
asked type of fact (an amount for "how much", a name for "who", a date for "when"), how that
sentence scores against the most relevant sentence overall, whether the names in the question
appear in the evidence, how much of the question is in words the corpus never uses, and the
absolute relevance of the best sentence.
"""

from __future__ import annotations

import math
import re
from itertools import groupby

from langchain_core.documents import Document

from assistant.answers import Answer, Citation
from assistant.ask.calibration import Calibration
from assistant.ask.candidates import Candidate, CandidateBuilder, clean
from assistant.ask.evidence import Evidence
from assistant.ask.figure_checks import in_terms, of_what_is_asked
from assistant.ask.questions import AMOUNT, DATE, NUMBER, PERCENT, ParsedQuestion
from assistant.ask.retrieval import CorpusStats
from assistant.index.sentence_pools import PoolStore
from assistant.settings import Settings
from assistant.text.numbers import SCALES, fraction_values, scaled_numbers
from assistant.text.quantities import quantities
from assistant.text.words import word_terms

NOT_COVERED = "The sources don't say."
FIGURES = {AMOUNT, NUMBER, PERCENT, DATE}


SAME_SUBJECT = 4.0  # ranker logits per unit of cosine between two sentences' vectors


def _similarity(a: Candidate, b: Candidate) -> float:
    if a.vector is None or b.vector is None:
        return 0.0
    return float(a.vector @ b.vector / ((a.vector @ a.vector) ** 0.5 * (b.vector @ b.vector) ** 0.5 or 1.0))


def _shares(lengths: list[int], budget: int) -> list[int]:
    """Words each sentence may keep: all of it when they fit together; else short ones whole and the
    rest of the budget split evenly among the long ones (so a short second sentence never costs the
    first its words)."""
    limits = [0] * len(lengths)
    left, todo = budget, sorted(range(len(lengths)), key=lambda i: lengths[i])
    while todo:
        i = todo.pop(0)
        limits[i] = min(lengths[i], left // (len(todo) + 1))
        left -= limits[i]
    return limits


def _values(facts: tuple[str, ...]) -> set[str]:
    """The figures of some facts, comparable across reports ("$1.3bn" == "1.3 billion", "a third" == "one-third")."""
    text = " ".join(facts)
    return set(scaled_numbers(text)) | set(fraction_values(text))


def _kinds(facts: tuple[str, ...]) -> set[str]:
    """What the facts measure, coarsely: money (any currency), a share, or something else. Two
    reports disagree on a figure only when they measure the same kind of thing."""
    kinds = set()
    for fact in facts:
        units = {unit for _, unit in quantities(fact)}
        kinds.add("%" if "%" in units else "money" if units - {"", "%"} else "other")
    return kinds


def _who(doc: Document) -> str:
    """The publisher of a passage's document, else its title, for "X reports ..."."""
    meta = doc.metadata
    return meta.get("publisher") or meta.get("title") or meta["source"]


class ExtractiveAnswerer:
    """Answers from retrieved passages without a language model."""

    def __init__(self, settings: Settings, embeddings) -> None:
        self.settings = settings
        self.builder = CandidateBuilder(embeddings, PoolStore.for_settings(settings))
        self.calibration = Calibration.load(settings.calibration)

    def warm_up(self, texts: list[str], saved: dict | None = None) -> None:
        """Vectors for the corpus's frequent words before the first question: ``saved`` with the
        index, else computed now (bounded: at most 5000 words, counted over at most 2000 chunks)."""
        import logging
        import time

        t0 = time.perf_counter()
        self.builder.warm_up(texts, saved)
        logging.getLogger(__name__).info(
            "warm-up: %d word vectors (%s) for %d chunks in %.2f s", len(self.builder.word_vectors),
            "read from the index" if saved else "computed", len(texts), time.perf_counter() - t0,
        )

    def answer(self, evidence: Evidence, stats: CorpusStats) -> Answer:
        """Answer from the evidence's pool; a multi-part question is answered part by part."""
        question, query, docs, parts = evidence.question, evidence.query, evidence.pool, evidence.parts
        if len(parts) > 1:
            return self._answer_parts(question, parts, docs, stats, evidence.documents)
        candidates = self.builder.build(question, query, docs, stats, evidence.documents)
        if not candidates:
            return self._abstain(question, None)
        best = max(candidates, key=lambda c: c.relevance)
        chosen = choose(question, candidates, stats, self.calibration)
        if chosen is None:
            return self._abstain(question, best)
        other = self._disagreeing(question, candidates, chosen, stats)
        if other is not None:
            return self._compose(question, [(chosen, question), (other, question)], disagree=True)
        picked = [(chosen, question)]
        extra = runner_up(question, candidates, chosen, self.calibration) or self._second(question, candidates, chosen, stats)
        if extra is not None:
            picked.append((extra, question))
        return self._compose(question, picked)

    def _answer_parts(
        self, question: ParsedQuestion, parts: list[tuple[ParsedQuestion, str]], docs: list[Document], stats: CorpusStats,
        documents: dict[str, str],
    ) -> Answer:
        chosen: dict[int, Candidate] = {}
        missing: list[str] = []
        # Parts that ask for a typed fact go first; the others then prefer sentences not yet used.
        for i in sorted(range(len(parts)), key=lambda i: parts[i][0].answer_type is None):
            part, query = parts[i]
            cands = self.builder.build(part, query, docs, stats, documents)
            used = {c.text for c in chosen.values()}
            fresh = [c for c in cands if c.text not in used]
            pick = None
            for pool in (fresh, cands):
                if pool:
                    pick = choose(part, pool, stats, self.calibration, part=True)
                if pick is not None:
                    break
            if pick is None:
                missing.append(part.text)
            else:
                chosen[i] = pick
        picked: list[tuple[Candidate, ParsedQuestion]] = []
        for i in sorted(chosen):
            if all(chosen[i].text != c.text for c, _ in picked):
                picked.append((chosen[i], parts[i][0]))
        if not picked:
            return self._abstain(question, None)
        answer = self._compose(question, picked)
        if missing:
            answer.text += " The sources don't say " + "; ".join(f"\u201c{m}\u201d" for m in missing) + "."
        return answer

    # --- scoring -------------------------------------------------------------------------------

    def _disagreeing(
        self, question: ParsedQuestion, cands: list[Candidate], first: Candidate, stats: CorpusStats
    ) -> Candidate | None:
        """A sentence of another document giving a different figure for what is asked, when it is
        nearly as good evidence: reports disagree, and the answer must say so, citing both."""
        if question.answer_type not in FIGURES or not first.facts:
            return None
        figures = _values(first.facts)
        source = first.doc.metadata["source"]
        kinds = _kinds(first.facts)
        pool = of_what_is_asked(question, [c for c in cands if c.doc.metadata["source"] != source and c.facts and c.names_ok
                                           and _kinds(c.facts) & kinds], stats)
        if not pool:
            return None
        # Of the other reports' figures, the one stated about the same thing as the first: the
        # ranker's score, plus how close the sentence is in meaning to the first one.
        scores = self.calibration.scores(question, pool)
        other = max(pool, key=lambda c: scores[id(c)] + SAME_SUBJECT * _similarity(c, first))
        if other.relevance < self.calibration.relative_margin * first.relevance:
            return None
        theirs = _values(other.facts)
        return other if theirs and not theirs & figures else None

    def _second(self, question: ParsedQuestion, cands: list[Candidate], first: Candidate, stats: CorpusStats) -> Candidate | None:
        """A second sentence when it covers question terms the first lacks (multi-part questions)."""
        missing = set(question.terms) - {t for t, m in first.matched.items() if m > 0}
        if not missing:
            return None
        budget = self.settings.max_answer_words - len(clean(first.text).split())
        best, best_gain = None, 0.0
        total = sum(stats.weight(t) for t in question.terms) or 1.0
        for c in cands:
            if c is first or c.text == first.text or len(clean(c.text).split()) > budget:
                continue
            if question.answer_type and not c.facts:
                continue  # a figure question's second sentence gives a figure too
            if c.relevance < 0.85 * first.relevance:
                continue
            gain = sum(stats.weight(t) * c.matched.get(t, 0.0) for t in missing) / total
            if gain > best_gain:
                best, best_gain = c, gain
        return best if best_gain >= 0.2 else None

    # --- output ---------------------------------------------------------------------------------

    def _compose(
        self, question: ParsedQuestion, picked: list[tuple[Candidate, ParsedQuestion]], disagree: bool = False
    ) -> Answer:
        # A Markdown table's cell (what a citation can quote there, pipes never) is shown as its row.
        shown = [clean(c.row or c.text) for c, _ in picked]
        limits = _shares([len(t.split()) for t in shown], self.settings.max_answer_words - (3 * len(picked) if disagree else 0))
        parts, citations = [], []
        for n, ((c, asked), text, limit) in enumerate(zip(picked, shown, limits), start=1):
            if len(text.split()) > limit and len(clean(c.quote).split()) >= 3:
                text = clean(c.quote)  # a table row that does not fit is shown as its cell
            # Of reports that differ, each is shown with the figure the other does not give.
            facts = c.facts
            if disagree:
                theirs = _values(picked[2 - n][0].facts)  # the other report's
                facts = tuple(f for f in c.facts if not _values((f,)) <= theirs) or c.facts
            said = self._trim(text, asked, facts, limit)
            parts.append(f"{_who(c.doc)}: {said} [{n}]" if disagree else f"{said} [{n}]")
            citations.append(Citation.from_chunk(n, c.doc, c.start, c.end, c.quote or c.text, c.relevance))
        text = ("The sources differ. " if disagree else "") + " ".join(parts)
        return Answer(question=question.text, text=text, abstained=False, citations=citations)

    @staticmethod
    def _trim(text: str, question: ParsedQuestion, facts: tuple[str, ...], limit: int) -> str:
        """Keep at most ``limit`` words: the window with the asked facts and the most question terms."""
        words = text.split()
        if len(words) <= limit:
            return text
        wanted = set(question.all_terms)
        fact_words = {w for f in facts for w in f.split()}
        leads = {f.split()[0] for f in facts if f.split()}
        # A figure glued to its unit ("500MW", "2nm") is still the figure.
        bare = [_UNIT_GLUED_RE.sub("", w.strip(",.;:()")) for w in words]
        asked = [1 if word_terms(w) & wanted else 0 for w in words]
        hits = [3 if b in fact_words else a for b, a in zip(bare, asked)]
        # A fact's words count where they stand with its first word: the "billion" of another sum does not.
        for is_fact, run in groupby(range(len(words)), key=lambda i: hits[i] == 3):
            run = list(run)
            if is_fact and not leads & {bare[i] for i in run}:
                for i in run:
                    hits[i] = asked[i]
        for i in range(len(words) - 1):
            if hits[i] == 3 and hits[i + 1] < 3:
                hits[i + 1] = 2  # the word after a figure is often its unit ("1.4 gigawatts", "500 engineers")
        width = limit - 1
        starts = range(len(words) - width + 1)
        # Of several figures, keep the one beside the question's words ("189 million euros on
        # infrastructure" in a list of four sums): the window must hold it.
        near = [sum(h == 1 for h in hits[max(0, i - 3) : i + 4]) if h == 3 else -1 for i, h in enumerate(hits)]
        if hits[0] == 3:
            near[0] += 1  # a fact opening the sentence is its subject: "Benjamin Ting, ..., told the audience"
        if max(near) > 0:
            key = near.index(max(near))
            starts = [i for i in starts if i <= key < i + width] or starts
        best = max(starts, key=lambda i: sum(hits[i : i + width]))
        # A window never ends inside a figure ("voting 35 to …" loses the 6): slide it on a word or
        # two, as long as it keeps the figure it was chosen for.
        end, shift = best + width, 0
        while end + shift < len(words) and shift < 3 and _figure_goes_on(words, end + shift):
            shift += 1
        if shift and (max(near) <= 0 or best + shift <= key):
            best += shift
        clipped = " ".join(words[best : best + width])
        return ("… " if best > 0 else "") + clipped + (" …" if best + width < len(words) else "")

    def _abstain(self, question: ParsedQuestion, nearest: Candidate | None) -> Answer:
        text = NOT_COVERED
        if nearest is not None and nearest.relevance >= 0.5 * self.calibration.min_relevance:
            meta = nearest.doc.metadata
            where = meta["source"] + (f", section “{meta['heading']}”" if meta.get("heading") else "")
            if question.answer_type and nearest.coverage > 0:
                text = f"The sources don't give that. The closest passage ({where}) does not state it."
            else:
                text = f"The sources don't say. The closest passage is in {where}."
        return Answer(question=question.text, text=text, abstained=True, citations=[])


_UNIT_GLUED_RE = re.compile(r"(?<=\d)[A-Za-z]{1,3}$")
_JOINS_FIGURES = {"to", "and", "-", "–", "of", "or", "from"}


def _figure_goes_on(words: list[str], i: int) -> bool:
    """Does a figure run on from ``words[i - 1]`` into ``words[i]`` ("35 to | 6", "35 | to 6", "$1.3 | billion")?"""
    def figure(w: str) -> bool:
        return any(ch.isdigit() for ch in w) or w.lower().strip(",.;:()") in SCALES

    last, word = words[i - 1], words[i]
    if figure(word):
        return figure(last) or last.lower() in _JOINS_FIGURES
    return figure(last) and word.lower() in _JOINS_FIGURES and i + 1 < len(words) and figure(words[i + 1])


def runner_up(
    question: ParsedQuestion, cands: list[Candidate], chosen: Candidate, calibration: Calibration,
    scores: dict[int, float] | None = None,
) -> Candidate | None:
    """A second sentence when the ranker rates it nearly as likely to answer as the first: when
    the call is that close, the answer gives both rather than guess ("a sentence or two")."""
    if calibration.second_ratio > 1.0:
        return None
    scores = scores if scores is not None else calibration.scores(question, cands)
    pool = [
        c for c in cands
        if c.names_ok and c is not chosen and c.text != chosen.text and (c.facts or not question.answer_type)
        and in_terms(c, question)
        and not (c.doc.metadata["source"] == chosen.doc.metadata["source"] and c.start < chosen.end and chosen.start < c.end)
    ]
    if not pool:
        return None
    other = max(pool, key=lambda c: scores[id(c)])
    return other if _p(scores[id(other)]) >= calibration.second_ratio * _p(scores[id(chosen)]) else None


def _p(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


def choose(
    question: ParsedQuestion, cands: list[Candidate], stats: CorpusStats, calibration: Calibration,
    scores: dict[int, float] | None = None, part: bool = False,
) -> Candidate | None:
    """The sentence that answers, or None when the evidence falls short.

    The calibrated ranker orders the sentences; the thresholds judge the one it puts first. A
    question asking for a type of fact needs a sentence holding one, close enough in relevance to
    the best, stated by one of the names the question gives its subject, in a passage that names
    what the figure measures ("budget", "employees") and gives it in the asked terms ("in US
    dollars", "per month"), beside the part a share is asked of ("goes to the design academy");
    question words the corpus never uses, left unmatched by the evidence's passage, are often the
    point of a near-miss ("the CEO of TSMC") and discount it. ``part``: the question is one part of
    a multi-part question.
    """
    weights = {t: stats.weight(t) * (1.0 if t in question.terms else 0.5) for t in question.all_terms}
    total = sum(weights.values()) or 1.0
    # When words the corpus never uses are most of the question, it is put in other words than the
    # sources', and meaning alone (the embedding) measures relevance.
    unknown = [t for t in question.terms if not stats.known(t) and not t.isdigit()]
    paraphrase = sum(weights[t] for t in unknown) / total >= 0.5
    key = (lambda c: c.cosine) if paraphrase else (lambda c: c.relevance)
    scores = scores if scores is not None else calibration.scores(question, cands)
    usable = sorted((c for c in cands if c.names_ok), key=lambda c: scores[id(c)], reverse=True)
    if not usable:
        return None
    top = usable[0]
    # The best sentence about the asked subject sets the bar: one about another subject does not.
    best = max(key(c) for c in ([c for c in usable if c.names_near] or usable))
    if question.answer_type:
        # A figure stated by none of the names the question gives its subject is another subject's.
        typed = of_what_is_asked(question, [c for c in usable if c.facts and c.names_near], stats)
        # Of the sentences in the asked terms and close enough in relevance to the best, the ranker's first.
        # A person named in the asked role (``candidates``: the role stands by the name) needs no margin.
        # So does a part's sentence the ranker puts first of all: a multi-part question's pool holds the
        # other parts' passages too, and a short line stating the fact ("Jobs: around 2,000") reads
        # less like the whole question than they do. (Not for whole questions: there the margin is
        # what turns near-misses away.)
        outranks = part and typed and typed[0] is usable[0]
        margin = 0.0 if question.person or outranks else calibration.relative_margin
        typed = [c for c in typed if key(c) >= margin * best]
        if not typed:
            return None
        top = typed[0]
    # In a follow-up, carried words can outweigh the question's own ("Which chips will it use?"):
    # a close runner-up that matches the question's own words is the better evidence.
    if question.carried and not any(top.matched.get(t) for t in question.terms):
        pool = [c for c in usable if c.facts] if question.answer_type else usable
        own = [c for c in pool if any(c.matched.get(t) for t in question.terms)]
        if own and key(own[0]) >= calibration.relative_margin * key(top):
            top = own[0]
    if paraphrase:
        return top if top.cosine >= calibration.min_relevance else None
    unmatched = [t for t in unknown if top.context_matched.get(t, 0.0) == 0.0]
    share = sum(weights[t] for t in unmatched) / total
    return top if top.relevance * (1.0 - 0.5 * share) >= calibration.min_relevance else None
