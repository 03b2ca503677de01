"""Candidate answer sentences and what is measured of each: meaning (cosine with the question of
the sentence's vector, pooled from its chunk's token states at ingest: ``index/sentence_pools.py``),
weighted coverage of the question's words (exact, by stem, by compound or by close
meaning), the same over the sentence's chunk, facts of the asked type, and whether the names the
question mentions stand in its context. The calibration (``calibration.py``) turns these into a
score; nothing here decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant.answers import chunk_body
from assistant.ask.matching import SoftMatcher
from assistant.ask.name_checks import carried_subjects, names_in_report, names_near, names_present, question_subjects
from assistant.ask.questions import ParsedQuestion, is_role, type_facts
from assistant.ask.retrieval import CorpusStats
from assistant.index.sentence_pools import PoolStore, chunk_pools
from assistant.text.markup import inline_plain
from assistant.text.names import GENERIC_ROLES, ROLE_WORDS
from assistant.text.numbers import is_money, scaled_numbers
from assistant.text.quantities import quantities
from assistant.text.sentences import split_sentences
from assistant.text.vocabulary import frequent_words, lexicon, word_vectors
from assistant.text.words import FOOTNOTE_RE, REFERRING_RE, STOPWORDS, stem, word_terms, words


@dataclass
class Candidate:
    doc: Document
    start: int               # offset in the loaded source text
    end: int
    text: str                # the sentence as read: its exact text, or a table cell's whole row
    cosine: float = 0.0
    coverage: float = 0.0    # weighted share of the question's terms in the sentence
    context: float = 0.0     # ... in the sentence's chunk, heading and title
    relevance: float = 0.0
    facts: tuple[str, ...] = ()
    matched: dict = field(default_factory=dict)          # question term -> 1 exact, 0.6-1 near, 0 none
    context_words: dict = field(default_factory=dict)
    context_matched: dict = field(default_factory=dict)  # the same, over the sentence's whole chunk
    chunk_rank: int = 0      # 0-based rank of its chunk in the retrieved pool
    names_ok: bool = True    # every name the question mentions stands in the sentence's context
    quote: str = ""          # exact source text at start:end (``text``, unless a short table cell is read as its row)
    row: str = ""            # the table row a Markdown cell stands in, with its headers ("Site: Saga; Jobs: 300")
    window: float = 0.0      # coverage of the sentence with the one before it (which often names the subject)
    near: bool = False       # an asked-type fact stands within a few words of a question word
    names_here: float = 1.0  # share of the question's names in the sentence or the one before it
    names_near: bool = True  # one of the question's own names stands by the sentence, see name_checks.names_near
    cosine_ctx: float = 0.0  # cosine of the sentence read with its title and the sentence before it
    vector: np.ndarray | None = field(default=None, repr=False)  # the sentence's embedding


NEAR_CHARS = 300  # how far back in its paragraph a figure's subject may be named ("... at Culham. ... on the site, 500MW")
# Words that count heads: "how many jobs" is answered in positions or workers, "how many people" in
# any of those, or in engineers or specialists.
HEADCOUNT = frozenset("people persons workers employees staff personnel jobs positions hires roles".split())
HEADCOUNT_STEMS = frozenset(stem(w) for w in HEADCOUNT)
_PEOPLE = HEADCOUNT | frozenset(
    "engineers specialists experts researchers scientists technicians students graduates professionals residents".split()
)


def clean(text: str) -> str:
    """Sentence text as shown in an answer: footnote markers and Markdown markup dropped,
    whitespace collapsed."""
    return re.sub(r"\s+", " ", inline_plain(FOOTNOTE_RE.sub("", text).strip())).strip()


class CandidateBuilder:
    """Builds scored candidates; holds the word vectors that near-synonym matching uses."""

    def __init__(self, embeddings, pools: "PoolStore | None" = None) -> None:
        self.embeddings = embeddings
        self.pools = pools  # the sentence vectors stored with the index
        self.word_vectors: dict[str, np.ndarray] = {}

    def warm_up(self, texts: list[str], saved: dict[str, np.ndarray] | None = None) -> None:
        """Have vectors for the corpus's frequent words before the first question, so near-synonym
        matching costs no model call: the ones saved with the index, else computed now (bounded:
        ``text/vocabulary.py``). A word left out is embedded when a question first needs it."""
        if saved:
            self.word_vectors.update(saved)
            return
        todo = [w for w in frequent_words(texts) if w not in self.word_vectors]
        self.word_vectors.update(word_vectors(todo, self.embeddings))

    def build(
        self, question: ParsedQuestion, query: str, docs: list[Document], stats: CorpusStats,
        documents: dict[str, str] | None = None,
    ) -> list[Candidate]:
        """Every sentence of ``docs`` of three words or more, scored against ``question``.

        ``documents`` maps a source to its whole indexed text: a name the headline or the first
        paragraph gives holds for every later sentence of the same report.
        """
        cands: list[Candidate] = []
        # Figures compare by value: "4.4 billion dollars" is not the "4.15 billion euro" of the
        # question, though every word of it ("4", "billion") is a word of the question.
        stated = frozenset(scaled_numbers(" ".join([question.text, *question.carried_names])))
        for rank, doc in enumerate(docs):
            meta = doc.metadata
            body = chunk_body(doc)
            context_words = lexicon(doc.page_content)
            row_text = meta.get("row_text") or ""
            for span in split_sentences(body, meta["start"]):
                quote = body[span.start - meta["start"] : span.end - meta["start"]]
                row = row_text if quote.strip() and quote.strip() in row_text else ""
                # A Markdown table's cell too short to read alone ("300") is quoted exactly but
                # read as its row with the headers, as html and pdf rows are.
                text = row if row and len(words(quote)) < 3 else quote
                if len(words(text)) < 3:
                    continue
                cand = Candidate(doc, span.start, span.end, text, chunk_rank=rank, quote=quote, row=row)
                cand.facts = tuple(self._new_facts(question, text, stats, stated))
                cands.append(cand)
                cand.context_words = context_words
        if not cands:
            return []
        if question.counted:
            # A count of something else ("the first of two factories") does not answer "how many
            # people"; for heads, any word that counts them does ("1,700 jobs", "2,000 positions").
            noun = question.counted
            heads = _PEOPLE if noun in ("people", "persons") else HEADCOUNT if noun in HEADCOUNT else frozenset()
            self._keep_facts_near([noun], cands, heads, counting=True)
        if question.person:
            # The person asked for is named with the role asked ("Minister ... Gan Kim Yong",
            # "Annemie Turtelboom, the ECA member"), not any person in the sentence.
            roles = [w.lower() for w in words(question.text) if is_role(w)]
            # "Which executive", "which official": any title names one ("Charlie Kawwas, president of ...");
            # a cabinet "secretary" is a minister ("Which UK minister ...": "Business Secretary Grant Shapps").
            also = ROLE_WORDS if roles and set(roles) <= GENERIC_ROLES else frozenset(
                w for r in roles for w in _SAME_OFFICE.get(r, ()))
            self._keep_facts_near(roles, cands, also)
        vectors, in_context = self._sentence_vectors(cands, docs)
        evidence_words = sorted({w for c in cands for w in lexicon(c.text).values() if not w.isdigit()})
        qvec = np.array(self.embeddings.embed_query(self._expand(question, query, stats, evidence_words)))
        if question.carried:
            # A follow-up is judged both as resolved and as asked, so the words carried over from
            # earlier turns do not drown out what is asked now.
            qvec = (qvec + np.array(self.embeddings.embed_query(self._expand(question, question.text, stats, evidence_words)))) / 2
        soft = SoftMatcher(self.embeddings, question, self.word_vectors)
        soft.prepare({w for c in cands for w in lexicon(c.text).values()}
                     | {w for d in {id(c.doc): c for c in cands}.values() for w in d.context_words.values()}, embed=False)
        previous: Candidate | None = None
        subjects = question_subjects(question, stats)
        carried, carried_in = ([] if subjects else carried_subjects(question)), {}
        context: dict[int, dict[str, float]] = {}
        for cand, vector, cos, cos_ctx in zip(cands, vectors, vectors @ qvec, in_context @ qvec):
            cand.vector = vector
            cand.cosine_ctx = float(cos_ctx)
            matched = soft.matches(lexicon(cand.text))
            cand.matched = matched
            cand.coverage = self._coverage(question, matched, stats)
            cand.window = cand.coverage
            here = cand.text.lower() + " " + (previous.text.lower() if previous is not None and previous.doc is cand.doc else "")
            if question.names:
                cand.names_here = sum(n.lower() in here for n in question.names) / len(question.names)
            if subjects:
                before = previous.text if previous is not None and previous.doc is cand.doc else ""
                before += " " + _paragraph_before(cand, (documents or {}).get(cand.doc.metadata["source"], ""))
                cand.names_near = names_near(subjects, cand.text, before, cand.doc.metadata) or _same_head(cand.text, question)
            elif carried:
                source = cand.doc.metadata["source"]
                if source not in carried_in:
                    carried_in[source] = names_in_report(carried, (documents or {}).get(source, ""))
                cand.names_near = carried_in[source]
            if previous is not None and previous.doc is cand.doc:
                joined = {t: max(m, 0.8 * previous.matched.get(t, 0.0)) for t, m in {**previous.matched, **matched}.items()}
                cand.window = max(cand.coverage, self._coverage(question, joined, stats))
                if REFERRING_RE.match(cand.text):
                    # "Its director is ..." speaks of what the sentence before it named.
                    cand.coverage = cand.window
            previous = cand
            cand.near = _fact_near_term(cand, question)
            key = id(cand.doc)
            if key not in context:  # one chunk, one context: matched once for all its sentences
                context[key] = soft.matches(cand.context_words)
            cand.context_matched = context[key]
            cand.context = self._coverage(question, cand.context_matched, stats)
            cand.cosine = float(cos)
            # In a follow-up the carried words are context the sentence need not repeat ("How many
            # wafers a month will it process?"): the words asked now may carry its coverage alone.
            asked_now = self._coverage(question, cand.matched, stats, own_only=True) if question.carried else 0.0
            cand.relevance = 0.6 * cand.cosine + 0.3 * max(cand.coverage, asked_now) + 0.1 * cand.context
        names_ok: dict[int, bool] = {}
        for cand in cands:
            if id(cand.doc) not in names_ok:
                names_ok[id(cand.doc)] = names_present(question, cand.doc, (documents or {}).get(cand.doc.metadata["source"], ""))
            cand.names_ok = names_ok[id(cand.doc)]
        return cands

    def _keep_facts_near(
        self, targets: list[str], cands: list[Candidate], also: frozenset[str] = frozenset(), counting: bool = False
    ) -> None:
        """Keep the facts that stand next to what is asked: one of ``targets`` (or ``also``) among the
        three content words before the fact or the five after it (a table row's header comes
        before its figure, a count's noun after it), exactly, as a compound ("superchips" for
        "chips") or a derivation ("chairman" for "chairs"), or in close meaning (cosine >=
        SoftMatcher.NEAR: "lenders" for "banks")."""
        around: dict[tuple[int, str], list[str]] = {}
        counts: dict[tuple[int, str], str] = {}
        for c in cands:
            text = clean(c.text)
            for fact in c.facts:
                at = text.find(fact)
                if at >= 0:
                    after = _content_words(text[at + len(fact):])[:5]
                    around[(id(c), fact)] = _content_words(text[:at])[-3:] + after
                    following = next(iter(words(text[at + len(fact):])), "").lower()
                    if counting and following.endswith("s") and not following.endswith("ss"):
                        counts[(id(c), fact)] = following
        # Only the asked words are embedded here; a word near a figure that the warm-up left out is
        # rare and matched by its form alone, so a question costs no model call for it.
        todo = [t for t in dict.fromkeys(targets) if t not in self.word_vectors]
        if todo:
            for w, v in zip(todo, self.embeddings.embed_documents(todo)):
                self.word_vectors[w] = np.asarray(v)
        matrix = np.stack([self.word_vectors[t] for t in targets])
        stems = {stem(t) for t in targets}

        def near(w: str) -> bool:
            if w in also or stem(w) in stems or any(len(t) >= 4 and w.endswith(t) for t in targets):
                return True
            if any(len(t) >= 4 and w.startswith(t) for t in stems):
                return True
            return w in self.word_vectors and float((matrix @ self.word_vectors[w]).max()) >= SoftMatcher.NEAR

        def other_count(key: tuple[int, str]) -> bool:
            # "the first of two factories": a count of the noun right after it, when that is not the asked one.
            return key in counts and not near(counts[key]) and not any(near(w) for w in around[key][-5:])

        for c in cands:
            if c.facts:
                c.facts = tuple(f for f in c.facts if any(near(w) for w in around.get((id(c), f), []))
                                and not other_count((id(c), f)))

    def _sentence_vectors(self, cands: list[Candidate], docs: list[Document]) -> tuple[np.ndarray, np.ndarray]:
        """Each sentence's vector alone and as a reader meets it (after its heading and the sentence
        before it, which often name the subject the sentence only refers to): pooled from its chunk's
        token states (``index/sentence_pools.py``), else embedded as text."""
        pools = {id(d): p for d, p in zip(docs, chunk_pools(docs, self.embeddings, self.pools))}
        alone: list[np.ndarray | None] = [None] * len(cands)
        read: list[np.ndarray | None] = [None] * len(cands)
        rows: list[int | None] = []
        for i, c in enumerate(cands):
            p, meta = pools[id(c.doc)], c.doc.metadata
            shift = meta.get("prefix_len", 0) - meta["start"]
            lo, hi = c.start + shift, c.end + shift
            if c.text != c.quote and c.text in c.doc.page_content:
                # A cell read as its row: the row's own tokens (the chunk's text carries the row).
                lo = c.doc.page_content.index(c.text)
                hi = lo + len(c.text)
            row = p.row(lo, hi) if p is not None else None
            rows.append(row)
            if row is not None:
                before = rows[i - 1] if i and cands[i - 1].doc is c.doc else None
                alone[i] = p.vector([row])
                read[i] = p.vector([0, row] if before is None else [0, before, row])
        todo = [i for i, v in enumerate(alone) if v is None]
        if todo:
            texts = [clean(cands[i].text) for i in todo]
            reads = [
                clean(f"{cands[i].doc.metadata.get('title', '')}. "
                      f"{cands[i - 1].text if i and cands[i - 1].doc is cands[i].doc else ''} {cands[i].text}")
                for i in todo
            ]
            embedded = self.embeddings.embed_documents(texts + reads)
            for n, i in enumerate(todo):
                alone[i], read[i] = np.asarray(embedded[n]), np.asarray(embedded[len(todo) + n])
        return np.array(alone), np.array(read)

    def _expand(self, question: ParsedQuestion, query: str, stats: CorpusStats, evidence_words: list[str]) -> str:
        """Add the evidence's nearest words for question words the corpus never uses ("processors"
        -> "microchips"), so a question put in other words still lands near its sentence."""
        unknown = [question.surface[t] for t in question.terms if t in question.surface and not stats.known(t) and not t.isdigit()]
        if not unknown or not evidence_words:
            return query
        missing = [w for w in evidence_words if w not in self.word_vectors]
        for w, v in zip(missing, self.embeddings.embed_documents(missing) if missing else []):
            self.word_vectors[w] = np.asarray(v)
        matrix = np.stack([self.word_vectors[w] for w in evidence_words])
        extra = []
        for word, vec in zip(unknown, self.embeddings.embed_documents(unknown)):
            sims = matrix @ np.asarray(vec)
            for j in np.argsort(-sims)[:2]:
                if sims[j] >= 0.5 and evidence_words[j] != word:
                    extra.append(evidence_words[j])
        return f"{query} ({' '.join(dict.fromkeys(extra))})" if extra else query

    @staticmethod
    def _coverage(question: ParsedQuestion, matched: dict[str, float], stats: CorpusStats, own_only: bool = False) -> float:
        total = got = 0.0
        for t in question.terms if own_only else question.all_terms:
            w = stats.weight(t) * (1.0 if t in question.terms else 0.5)
            total += w
            got += w * matched.get(t, 0.0)
        return got / total if total else 0.0

    @staticmethod
    def _new_facts(question: ParsedQuestion, text: str, stats: CorpusStats, stated: frozenset[str]) -> list[str]:
        """Facts of the asked type in the sentence that the conversation does not already state (of
        money, when a sum of money is asked); ``stated``: the figures it states, by value."""
        asked = question.text.lower()
        known = set(question.all_terms)
        facts = []
        for fact in type_facts(question.answer_type, clean(text), stats.proper, question.below_country, question.person):
            if question.money and not is_money(fact):
                continue
            if question.currency and all(unit != question.currency for _, unit in quantities(fact)):
                continue  # asked "in US dollars": the euro figure beside it is not the answer
            parts = [stem(w) for w in words(fact)]
            if fact.lower() in asked or (parts and all(p in known for p in parts) and set(scaled_numbers(fact)) <= stated):
                continue
            facts.append(fact)
        return facts


_SAME_OFFICE = {"minister": ("secretary",), "ministers": ("secretary", "secretaries"),
                "secretary": ("minister",), "secretaries": ("minister", "ministers")}


_DEFINITE_RE = re.compile(r"(?:The|This|That)\s+([a-z]+)\b")


def _same_head(sentence: str, question: ParsedQuestion) -> bool:
    """A sentence that opens with "The fund", "The holding" speaks of what the question calls a fund
    or a holding ("Who chairs Spain's state technology holding SETT?"): the report named it before."""
    m = _DEFINITE_RE.match(sentence)
    return bool(m) and m.group(1) in question.surface.values() and m.group(1) not in STOPWORDS


def _paragraph_before(cand: Candidate, whole: str) -> str:
    """Up to NEAR_CHARS of the sentence's paragraph before it, from the whole report (``whole``: its
    text at its own offsets, lower-cased), though the sentence's chunk may begin after them."""
    at = cand.start
    if whole[at : at + 40] != cand.text[:40].lower():
        return ""  # lower-casing moved the offsets (rare letters): no look back
    return whole[max(whole.rfind("\n\n", max(0, at - NEAR_CHARS), at), at - NEAR_CHARS, 0) : at]


def _content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` that are not stopwords or figures."""
    return [w.lower() for w in words(text) if w[0].isalpha() and w.lower() not in STOPWORDS]


def _fact_near_term(cand: Candidate, question: ParsedQuestion, reach: int = 5) -> bool:
    """Does an asked-type fact stand within ``reach`` words of a word the question asks about
    ("about 1,000 jobs" for "how many jobs")? Such a fact is likely the one asked for."""
    if not cand.facts:
        return False
    tokens = clean(cand.text).split()
    asked = {t for t in question.terms if cand.matched.get(t, 0.0) > 0}
    if not asked:
        return False
    hits = [i for i, tok in enumerate(tokens) if word_terms(tok) & asked]
    for fact in cand.facts:
        first = fact.split()[0] if fact.split() else fact
        for i, tok in enumerate(tokens):
            if first in tok and any(abs(i - h) <= reach for h in hits):
                return True
    return False
