"""The offline answerer: pick the sentences that answer the question, cite them, or abstain.

Abstention weighs several signals rather than one threshold: whether any sentence holds the
asked type of fact (an amount for "how much", a name for "who", a date for "when"), how that
sentence scores against the most relevant sentence overall, whether the names in the question
appear in the evidence, and the absolute relevance of the best sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from langchain_core.documents import Document

from assistant import terms
from assistant.answers import Answer, Citation
from assistant.chunking import split_sentences
from assistant.questions import Question, type_facts
from assistant.retrieval import CorpusStats
from assistant.settings import Settings

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
    covered: frozenset[str] = frozenset()
    matched: dict = field(default_factory=dict)          # question term -> 1 exact, 0.6-1 near, 0 none
    context_words: dict = field(default_factory=dict)
    context_matched: dict = field(default_factory=dict)  # the same, over the sentence's whole chunk


def clean(text: str) -> str:
    """Sentence text as shown in an answer: footnote markers dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", terms.FOOTNOTE_RE.sub("", text)).strip()


def _lexicon(text: str) -> dict[str, str]:
    """Stem -> surface word for the content words of ``text``."""
    out: dict[str, str] = {}
    for word in terms.words(terms.FOOTNOTE_RE.sub("", text)):
        for w in (*word.split("-"), word) if "-" in word else (word,):
            for t in terms.content_terms(w):
                out.setdefault(t, w.lower())
    return out


class _SoftMatcher:
    """Matches question words to evidence words: exactly by stem, by compound ("chips" in
    "microchips"), or by close meaning (word embeddings, cosine >= NEAR)."""

    NEAR = 0.6

    def __init__(self, embeddings, question: Question, vectors: dict[str, np.ndarray]) -> None:
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
            for w, v in zip(batch, self.embeddings.inner.embed_documents(batch) if hasattr(self.embeddings, "inner") else self.embeddings.embed_documents(batch)):
                self.word_vectors[w] = np.asarray(v)

    def answer(self, question: Question, query: str, docs: list[Document], stats: CorpusStats) -> Answer:
        candidates = self._candidates(question, query, docs, stats)
        if not candidates:
            return self._abstain(question, docs, None)
        best = max(candidates, key=lambda c: c.relevance)
        chosen = self._choose(question, candidates, best, stats)
        if chosen is None:
            return self._abstain(question, docs, best)
        picked = [chosen]
        extra = self._second(question, candidates, chosen, stats)
        if extra is not None:
            picked.append(extra)
        return self._compose(question, picked)

    # --- scoring -------------------------------------------------------------------------------

    def _candidates(self, question: Question, query: str, docs: list[Document], stats: CorpusStats) -> list[Candidate]:
        cands: list[Candidate] = []
        for doc in docs:
            meta = doc.metadata
            body = doc.page_content[meta.get("prefix_len", 0):]
            context_words = _lexicon(doc.page_content)
            for span in split_sentences(body, meta["start"]):
                text = body[span.start - meta["start"] : span.end - meta["start"]]
                if len(terms.words(text)) < 3:
                    continue
                cand = Candidate(doc, span.start, span.end, text)
                cand.facts = tuple(self._new_facts(question, text, stats))
                cands.append(cand)
                cand.context_words = context_words
        if not cands:
            return []
        vectors = np.array(self.embeddings.embed_documents([clean(c.text) for c in cands]))
        qvec = np.array(self.embeddings.embed_query(query))
        soft = _SoftMatcher(self.embeddings, question, self.word_vectors)
        for cand, cos in zip(cands, vectors @ qvec):
            sent = _lexicon(cand.text)
            matched = soft.matches(sent)
            cand.covered = frozenset(t for t, m in matched.items() if m >= 1.0)
            cand.matched = matched
            cand.coverage = self._coverage(question, matched, stats)
            cand.context_matched = soft.matches(cand.context_words)
            cand.context = self._coverage(question, cand.context_matched, stats)
            cand.cosine = float(cos)
            cand.relevance = 0.6 * cand.cosine + 0.3 * cand.coverage + 0.1 * cand.context
        return cands

    @staticmethod
    def _coverage(question: Question, matched: dict[str, float], stats: CorpusStats) -> float:
        total = got = 0.0
        for t in question.all_terms:
            w = stats.weight(t) * (1.0 if t in question.terms else 0.5)
            total += w
            got += w * matched.get(t, 0.0)
        return got / total if total else 0.0

    @staticmethod
    def _new_facts(question: Question, text: str, stats: CorpusStats) -> list[str]:
        """Facts of the asked type in the sentence that the conversation does not already state."""
        asked = question.text.lower()
        known = set(question.all_terms)
        facts = []
        for fact in type_facts(question.answer_type, clean(text), stats.proper, question.below_country):
            parts = [terms.stem(w) for w in terms.words(fact)]
            if fact.lower() in asked or (parts and all(p in known for p in parts)):
                continue
            facts.append(fact)
        return facts

    def _names_present(self, question: Question, cand: Candidate) -> bool:
        """Every name, year and amount the question mentions must stand in the evidence's context."""
        meta = cand.doc.metadata
        context = " ".join((meta.get("title", ""), meta.get("heading", ""), cand.doc.page_content)).lower()
        for name in question.names:
            low = name.lower()
            if low in context:
                continue
            stems = [terms.stem(w) for w in terms.words(name)]
            ctx_stems = set(terms.content_terms(context))
            if stems and all(s in ctx_stems for s in stems):
                continue
            return False
        return True

    def _choose(self, question: Question, cands: list[Candidate], best: Candidate, stats: CorpusStats) -> Candidate | None:
        s = self.settings
        ranked = sorted(cands, key=lambda c: -c.relevance)
        usable = [c for c in ranked if self._names_present(question, c)]
        if not usable:
            return None
        top = usable[0]
        if question.answer_type:
            typed = [c for c in usable if c.facts]
            if not typed or typed[0].relevance < s.relative_margin * top.relevance:
                return None
            top = typed[0]
        # Words the corpus never uses, matched by nothing close in the evidence's passage, are
        # often the point of a near-miss ("the CEO of TSMC", "its capacity"): they discount the
        # evidence. When they are most of the question, it is a paraphrase, and the embedding alone
        # must vouch for the match.
        weights = {t: stats.weight(t) * (1.0 if t in question.terms else 0.5) for t in question.all_terms}
        unmatched = [
            t for t in question.terms
            if not stats.known(t) and not t.isdigit() and top.context_matched.get(t, 0.0) == 0.0
        ]
        share = sum(weights[t] for t in unmatched) / (sum(weights.values()) or 1.0)
        if share >= 0.5:
            return top if top.cosine >= s.min_relevance else None
        if top.relevance * (1.0 - 0.5 * share) < s.min_relevance:
            return None
        return top

    def _second(self, question: Question, cands: list[Candidate], first: Candidate, stats: CorpusStats) -> Candidate | None:
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
            if c.relevance < 0.6 * first.relevance:
                continue
            gain = sum(stats.weight(t) * c.matched.get(t, 0.0) for t in missing) / total
            if gain > best_gain:
                best, best_gain = c, gain
        return best if best_gain >= 0.15 else None

    # --- output ---------------------------------------------------------------------------------

    def _compose(self, question: Question, picked: list[Candidate]) -> Answer:
        limit = self.settings.max_answer_words
        parts, citations = [], []
        for n, c in enumerate(picked, start=1):
            shown = self._trim(clean(c.text), question, limit if len(picked) == 1 else limit // len(picked))
            parts.append(f"{shown} [{n}]")
            meta = c.doc.metadata
            citations.append(
                Citation(
                    n=n,
                    source=meta["source"],
                    title=meta.get("title", ""),
                    quote=c.text,
                    start=c.start,
                    end=c.end,
                    score=round(c.relevance, 4),
                    heading=meta.get("heading", ""),
                    page=_page_for(c, meta) or None,
                )
            )
        return Answer(question=question.text, text=" ".join(parts), abstained=False, citations=citations)

    @staticmethod
    def _trim(text: str, question: Question, limit: int) -> str:
        """Keep at most ``limit`` words: the window that holds the most question terms."""
        words = text.split()
        if len(words) <= limit:
            return text
        wanted = set(question.all_terms)
        hits = [1 if (set(terms.content_terms(w)) & wanted) or terms.amounts(w) else 0 for w in words]
        width = limit - 1
        best = max(range(len(words) - width + 1), key=lambda i: sum(hits[i : i + width]))
        clipped = " ".join(words[best : best + width])
        return ("… " if best > 0 else "") + clipped + (" …" if best + width < len(words) else "")

    def _abstain(self, question: Question, docs: list[Document], nearest: Candidate | None) -> Answer:
        text = NOT_COVERED
        if nearest is not None and nearest.relevance >= 0.5 * self.settings.min_relevance:
            meta = nearest.doc.metadata
            where = meta["source"] + (f", section “{meta['heading']}”" if meta.get("heading") else "")
            if question.answer_type and nearest.coverage > 0:
                text = f"The sources don't give that. The closest passage ({where}) does not state it."
            else:
                text = f"The sources don't say. The closest passage is in {where}."
        return Answer(question=question.text, text=text, abstained=True, citations=[])


def _page_for(c: Candidate, meta: dict) -> int:
    return int(meta.get("page") or 0)
