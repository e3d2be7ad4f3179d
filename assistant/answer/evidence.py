"""How well retrieved articles support a question: the basis of the 'no evidence' answer.

The measure does not depend on the search service's score scale (lexical, dense or fused):
it is the weight of the question's topic words — jieba terms, law names removed, weighted by
IDF over the store relative to the rarest possible term, plus the legal terms the search
added to a colloquial question — found in the best of the top five retrieved articles, the
heaviest word counting half. A question whose words appear in no retrieved article
(今天天气怎么样, 如何做红烧肉), or only one of them does (如何挑选西瓜: 西瓜 occurs in some
article of 25,000), gets a low score and the answer '知识库中未找到相关规定'.

Calibration (``benchmarks/answer_bench.py --calibrate``; the real SearchService, lexical,
over the whole bundled statute base; support >= 0.5 means effective matched weight >= 0.65):
343 dev consultation questions 91% found; the 40 short questions of
tests/data/extractive_cases.jsonl 40/40 found; the 40 off-topic questions of
tests/data/off_topic_questions.txt 39/40 rejected (推荐几部好看的电影 reaches
电影产业促进法). Questions that fail are long colloquial ones sharing few words with any
article: they get the closest articles as suggestions, not a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from assistant.answer.terms import TermStats, content_terms
from assistant.search.types import Hit
from knowledge.legal.law_names import short_name

NO_EVIDENCE_THRESHOLD = 0.5
SUPPORT_DEPTH = 5  # look at this many top hits
SUPPORT_HALF_MASS = 0.65  # effective matched weight that gives support 0.5 (the threshold)
EXPANSION_WEIGHT = 0.8  # legal terms the search added to a colloquial question count a bit less


@dataclass
class EvidenceSupport:
    score: float  # 0..1
    mass: float = 0.0  # matched term weight, in units of the rarest possible term
    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    best_article_id: int | None = None
    exact: bool = False  # an explicitly asked article was found

    def enough(self, threshold: float = NO_EVIDENCE_THRESHOLD) -> bool:
        return self.exact or self.score >= threshold


def term_weights(topic: str, stats: TermStats | None) -> dict[str, float]:
    """IDF of each topic term relative to the rarest possible term (so 0..1 whatever the store
    size); a term found in no article weighs 1."""
    terms = content_terms(topic)
    if stats is None:
        return {t: 1.0 for t in terms}
    top = stats.max_idf()
    return {t: (max(stats.idf(t), 0.3) / top if stats.df.get(t) else 1.0) for t in terms}


def _maximal(terms: list[str]) -> list[str]:
    """Drop terms inside a longer term of the list (jieba search mode yields 自行 行车 自行车)."""
    kept: list[str] = []
    for t in sorted(terms, key=len, reverse=True):
        if not any(t in k for k in kept):
            kept.append(t)
    return kept


def _whole_term_weight(term: str, weights: dict[str, float]) -> float:
    """A matched term weighs at least its own words (打印遗嘱: 打印 + 遗嘱, not overlapping):
    the legal dictionary keeps terms whole, and a whole term is no weaker evidence than its words."""
    words, end = [], 0
    for word in sorted(_maximal([t for t in weights if t != term and t in term]), key=term.find):
        if term.find(word) >= end:
            words.append(word)
            end = term.find(word) + len(word)
    return max(weights[term], sum(weights[w] for w in words))


def effective_mass(weights: list[float]) -> float:
    """Matched weight with the heaviest term counted half: one word in common, however rare
    (西瓜, 围棋), is not evidence; several are."""
    return sum(weights) - 0.5 * max(weights) if weights else 0.0


def support_from_mass(mass: float) -> float:
    """Effective matched weight (in 'rare-term' units) -> 0..1; 0.5 at the calibrated point."""
    return mass / (mass + SUPPORT_HALF_MASS)


def measure_support(topic: str, hits: list[Hit], stats: TermStats | None, expansions: Iterable[str] = (),
                    depth: int = SUPPORT_DEPTH) -> EvidenceSupport:
    """``topic``: the (rewritten) question without law names and article numbers;
    ``expansions``: legal terms the search service added to it (``SearchResult.expansions``:
    离婚 → 夫妻共同财产), which count as the question's words at ``EXPANSION_WEIGHT``.

    The score grows with the weight of the question's words found in the best of the top
    ``depth`` articles; long colloquial questions match several words, an off-topic question
    at most one or two (电影, 西瓜 occur somewhere in 25,000 articles).
    """
    if any("exact" in h.retrievers for h in hits):
        best = next(h for h in hits if "exact" in h.retrievers)
        return EvidenceSupport(1.0, best_article_id=best.article.id, exact=True)
    weights = term_weights(topic, stats)
    for term, w in term_weights(" ".join(expansions), stats).items():
        weights.setdefault(term, w * EXPANSION_WEIGHT)
    if not hits or not weights:
        return EvidenceSupport(0.0, unmatched=list(weights))
    best: EvidenceSupport | None = None
    for h in hits[:depth]:
        hay = f"{short_name(h.document.title)} {' '.join(h.article.path)} {h.article.text}".lower()
        matched = _maximal([t for t in weights if t in hay])
        mass = effective_mass([_whole_term_weight(t, weights) for t in matched])
        score = support_from_mass(mass)
        if best is None or score > best.score:
            best = EvidenceSupport(score, matched=matched, mass=mass,
                                   unmatched=[t for t in weights if t not in hay],
                                   best_article_id=h.article.id)
    return best


def own_terms_unmatched(own: EvidenceSupport) -> bool:
    """For a follow-up: does the question have words of its own of which the retrieved
    articles hold less than half (by count)? Then carried-over words alone made it look
    answerable."""
    total = len(own.matched) + len(_maximal(own.unmatched))
    return total > 0 and len(own.matched) * 2 < total
