"""The offline answerer: pick the sentences that answer the question, cite them, or abstain.

Abstention weighs several signals rather than one threshold: whether any sentence holds the
asked type of fact (an amount for "how much", a name for "who", a date for "when"), how that
sentence scores against the most relevant sentence overall, whether the names in the question
appear in the evidence, how much of the question is in words the corpus never uses, and the
absolute relevance of the best sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant.answers import Answer, Citation, chunk_body
from assistant.ask.evidence import Evidence
from assistant.ask.questions import ParsedQuestion, type_facts
from assistant.ask.retrieval import CorpusStats
from assistant.settings import Settings
from assistant.text.sentences import split_sentences
from assistant.text.words import FOOTNOTE_RE, REFERRING_RE, content_terms, stem, words

NOT_COVERED = "The sources don't say."


@dataclass
class Candidate:
    doc: Document
    start: int               # offset in the loaded source text
    end: int
    text: str                # exact sentence text
    cosine: float = 0.0
    coverage: float = 0.0    # weighted share of the question's terms in the sentence
    context: float = 0.0     # ... in the sentence's chunk, heading and title
    relevance: float = 0.0
    facts: tuple[str, ...] = ()
    matched: dict = field(default_factory=dict)          # question term -> 1 exact, 0.6-1 near, 0 none
    context_words: dict = field(default_factory=dict)
    context_matched: dict = field(default_factory=dict)  # the same, over the sentence's whole chunk


def clean(text: str) -> str:
    """Sentence text as shown in an answer: footnote markers dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", FOOTNOTE_RE.sub("", text)).strip()


def _lexicon(text: str) -> dict[str, str]:
    """Stem -> surface word for the content words of ``text``."""
    out: dict[str, str] = {}
    for word in words(FOOTNOTE_RE.sub("", text)):
        for w in (*word.split("-"), word) if "-" in word else (word,):
            for t in content_terms(w):
                out.setdefault(t, w.lower())
    return out


class _SoftMatcher:
    """Matches question words to evidence words: exactly by stem, by compound ("chips" in
    "microchips"), or by close meaning (word embeddings, cosine >= NEAR)."""

    NEAR = 0.6

    def __init__(self, embeddings, question: ParsedQuestion, vectors: dict[str, np.ndarray]) -> None:
        self.embeddings = embeddings
        self.terms = question.all_terms
        self.surface = {t: question.surface.get(t, t) for t in question.terms}
        self._vectors = vectors

    def _vec(self, words: list[str]) -> None:
        todo = list(dict.fromkeys(w for w in words if w not in self._vectors))
        if todo:
            for w, v in zip(todo, self.embeddings.embed_documents(todo)):
                self._vectors[w] = np.asarray(v)

    def matches(self, lexicon: dict[str, str]) -> dict[str, float]:
        out: dict[str, float] = {}
        pending = []
        for t in self.terms:
            if t in lexicon:
                out[t] = 1.0
            elif len(t) >= 4 and any(len(w) > len(t) and (w.endswith(t) or w.startswith(t)) for w in lexicon):
                out[t] = 0.9
            elif t in self.surface and not t.isdigit():
                pending.append(t)
        if pending and lexicon:
            words = [w for w in lexicon.values() if not w.isdigit()]
            self._vec([self.surface[t] for t in pending] + words)
            if words:
                matrix = np.stack([self._vectors[w] for w in words])
                for t in pending:
                    sim = float((matrix @ self._vectors[self.surface[t]]).max())
                    if sim >= self.NEAR:
                        out[t] = sim
        return out


class ExtractiveAnswerer:
    """Answers from retrieved passages without a language model."""

    def __init__(self, settings: Settings, embeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.word_vectors: dict[str, np.ndarray] = {}

    def warm_up(self, texts: list[str], max_words: int = 5000) -> None:
        """Embed the corpus's most frequent words once, so near-synonym matching costs no model call."""
        from collections import Counter

        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w for w in _lexicon(text).values() if not w.isdigit())
        words = [w for w, _ in counts.most_common(max_words) if w not in self.word_vectors]
        for i in range(0, len(words), 256):
            batch = words[i : i + 256]
            for w, v in zip(batch, self.embeddings.embed_documents(batch)):
                self.word_vectors[w] = np.asarray(v)

    def answer(self, evidence: Evidence, stats: CorpusStats) -> Answer:
        """Answer from the evidence's pool; a multi-part question is answered part by part."""
        question, query, docs, parts = evidence.question, evidence.query, evidence.pool, evidence.parts
        if len(parts) > 1:
            return self._answer_parts(question, parts, docs, stats)
        candidates = self._candidates(question, query, docs, stats)
        if not candidates:
            return self._abstain(question, None)
        best = max(candidates, key=lambda c: c.relevance)
        chosen = self._choose(question, candidates, stats)
        if chosen is None:
            return self._abstain(question, best)
        picked = [(chosen, question)]
        extra = self._second(question, candidates, chosen, stats)
        if extra is not None:
            picked.append((extra, question))
        return self._compose(question, picked)

    def _answer_parts(
        self, question: ParsedQuestion, parts: list[tuple[ParsedQuestion, str]], docs: list[Document], stats: CorpusStats
    ) -> Answer:
        chosen: dict[int, Candidate] = {}
        missing: list[str] = []
        # Parts that ask for a typed fact go first; the others then prefer sentences not yet used.
        for i in sorted(range(len(parts)), key=lambda i: parts[i][0].answer_type is None):
            part, query = parts[i]
            cands = self._candidates(part, query, docs, stats)
            used = {c.text for c in chosen.values()}
            fresh = [c for c in cands if c.text not in used]
            pick = None
            for pool in (fresh, cands):
                if pool:
                    pick = self._choose(part, pool, stats)
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

    def _candidates(self, question: ParsedQuestion, query: str, docs: list[Document], stats: CorpusStats) -> list[Candidate]:
        cands: list[Candidate] = []
        for doc in docs:
            meta = doc.metadata
            body = chunk_body(doc)
            context_words = _lexicon(doc.page_content)
            for span in split_sentences(body, meta["start"]):
                text = body[span.start - meta["start"] : span.end - meta["start"]]
                if len(words(text)) < 3:
                    continue
                cand = Candidate(doc, span.start, span.end, text)
                cand.facts = tuple(self._new_facts(question, text, stats))
                cands.append(cand)
                cand.context_words = context_words
        if not cands:
            return []
        vectors = np.array(self.embeddings.embed_documents([clean(c.text) for c in cands]))
        evidence_words = sorted({w for c in cands for w in _lexicon(c.text).values() if not w.isdigit()})
        qvec = np.array(self.embeddings.embed_query(self._expand(question, query, stats, evidence_words)))
        if question.carried:
            # A follow-up is judged both as resolved and as asked, so the words carried over from
            # earlier turns do not drown out what is asked now.
            qvec = (qvec + np.array(self.embeddings.embed_query(self._expand(question, question.text, stats, evidence_words)))) / 2
        soft = _SoftMatcher(self.embeddings, question, self.word_vectors)
        previous: Candidate | None = None
        context: dict[int, dict[str, float]] = {}
        for cand, cos in zip(cands, vectors @ qvec):
            matched = soft.matches(_lexicon(cand.text))
            cand.matched = matched
            cand.coverage = self._coverage(question, matched, stats)
            if previous is not None and previous.doc is cand.doc and REFERRING_RE.match(cand.text):
                # "Its director is ..." speaks of what the sentence before it named.
                joined = {t: max(m, 0.8 * previous.matched.get(t, 0.0)) for t, m in {**previous.matched, **matched}.items()}
                cand.coverage = max(cand.coverage, self._coverage(question, joined, stats))
            previous = cand
            key = id(cand.doc)
            if key not in context:  # one chunk, one context: matched once for all its sentences
                context[key] = soft.matches(cand.context_words)
            cand.context_matched = context[key]
            cand.context = self._coverage(question, cand.context_matched, stats)
            cand.cosine = float(cos)
            cand.relevance = 0.6 * cand.cosine + 0.3 * cand.coverage + 0.1 * cand.context
        return cands

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
    def _coverage(question: ParsedQuestion, matched: dict[str, float], stats: CorpusStats) -> float:
        total = got = 0.0
        for t in question.all_terms:
            w = stats.weight(t) * (1.0 if t in question.terms else 0.5)
            total += w
            got += w * matched.get(t, 0.0)
        return got / total if total else 0.0

    @staticmethod
    def _new_facts(question: ParsedQuestion, text: str, stats: CorpusStats) -> list[str]:
        """Facts of the asked type in the sentence that the conversation does not already state."""
        asked = question.text.lower()
        known = set(question.all_terms)
        facts = []
        for fact in type_facts(question.answer_type, clean(text), stats.proper, question.below_country):
            parts = [stem(w) for w in words(fact)]
            if fact.lower() in asked or (parts and all(p in known for p in parts)):
                continue
            facts.append(fact)
        return facts

    def _names_present(self, question: ParsedQuestion, cand: Candidate) -> bool:
        """Every name, year and amount the question mentions must stand in the evidence's context."""
        meta = cand.doc.metadata
        context = " ".join((meta.get("title", ""), meta.get("heading", ""), cand.doc.page_content)).lower()
        for name in question.names:
            low = name.lower()
            if low in context:
                continue
            stems = [stem(w) for w in words(name)]
            ctx_stems = set(content_terms(context))
            if stems and all(s in ctx_stems for s in stems):
                continue
            return False
        return True

    def _choose(self, question: ParsedQuestion, cands: list[Candidate], stats: CorpusStats) -> Candidate | None:
        """The sentence that answers, or None when the evidence falls short (see the module doc)."""
        s = self.settings
        weights = {t: stats.weight(t) * (1.0 if t in question.terms else 0.5) for t in question.all_terms}
        total = sum(weights.values()) or 1.0
        # Question words the corpus never uses. When they are most of the question, it is put in
        # other words than the sources', and meaning alone (the embedding) ranks the evidence.
        unknown = [t for t in question.terms if not stats.known(t) and not t.isdigit()]
        paraphrase = sum(weights[t] for t in unknown) / total >= 0.5
        key = (lambda c: c.cosine) if paraphrase else (lambda c: c.relevance)
        usable = sorted((c for c in cands if self._names_present(question, c)), key=key, reverse=True)
        if not usable:
            return None
        top = usable[0]
        if question.answer_type:
            typed = [c for c in usable if c.facts]
            if not typed or key(typed[0]) < s.relative_margin * key(top):
                return None
            top = typed[0]
        # In a follow-up, carried words can outweigh the question's own ("Which chips will it use?"):
        # a close runner-up that matches the question's own words is the better evidence.
        if question.carried and not any(top.matched.get(t) for t in question.terms):
            pool = [c for c in usable if c.facts] if question.answer_type else usable
            own = [c for c in pool if any(c.matched.get(t) for t in question.terms)]
            if own and key(own[0]) >= s.relative_margin * key(top):
                top = own[0]
        if paraphrase:
            return top if top.cosine >= s.min_relevance else None
        # Otherwise unknown words left unmatched by the evidence's passage are often the point of a
        # near-miss ("the CEO of TSMC", "its capacity"): they discount the evidence.
        unmatched = [t for t in unknown if top.context_matched.get(t, 0.0) == 0.0]
        share = sum(weights[t] for t in unmatched) / total
        return top if top.relevance * (1.0 - 0.5 * share) >= s.min_relevance else None

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
            if c.relevance < 0.85 * first.relevance:
                continue
            gain = sum(stats.weight(t) * c.matched.get(t, 0.0) for t in missing) / total
            if gain > best_gain:
                best, best_gain = c, gain
        return best if best_gain >= 0.2 else None

    # --- output ---------------------------------------------------------------------------------

    def _compose(self, question: ParsedQuestion, picked: list[tuple[Candidate, ParsedQuestion]]) -> Answer:
        budget = self.settings.max_answer_words // len(picked)
        parts, citations = [], []
        for n, (c, asked) in enumerate(picked, start=1):
            parts.append(f"{self._trim(clean(c.text), asked, c.facts, budget)} [{n}]")
            citations.append(Citation.from_chunk(n, c.doc, c.start, c.end, c.text, c.relevance))
        return Answer(question=question.text, text=" ".join(parts), abstained=False, citations=citations)

    @staticmethod
    def _trim(text: str, question: ParsedQuestion, facts: tuple[str, ...], limit: int) -> str:
        """Keep at most ``limit`` words: the window with the asked facts and the most question terms."""
        words = text.split()
        if len(words) <= limit:
            return text
        wanted = set(question.all_terms)
        fact_words = {w for f in facts for w in f.split()}
        hits = [3 if w.strip(",.;:()") in fact_words else 1 if set(content_terms(w)) & wanted else 0 for w in words]
        width = limit - 1
        best = max(range(len(words) - width + 1), key=lambda i: sum(hits[i : i + width]))
        clipped = " ".join(words[best : best + width])
        return ("… " if best > 0 else "") + clipped + (" …" if best + width < len(words) else "")

    def _abstain(self, question: ParsedQuestion, nearest: Candidate | None) -> Answer:
        text = NOT_COVERED
        if nearest is not None and nearest.relevance >= 0.5 * self.settings.min_relevance:
            meta = nearest.doc.metadata
            where = meta["source"] + (f", section “{meta['heading']}”" if meta.get("heading") else "")
            if question.answer_type and nearest.coverage > 0:
                text = f"The sources don't give that. The closest passage ({where}) does not state it."
            else:
                text = f"The sources don't say. The closest passage is in {where}."
        return Answer(question=question.text, text=text, abstained=True, citations=[])
