"""Hybrid retrieval: BM25 (with colloquial expansion) + dense vectors, fused, then routed.

Stages, each usable alone (the benchmark measures them one by one):

* ``lexical`` — BM25 over the cleaned question.
* ``dense``   — the vector index (multilingual-e5 over article chunks); only articles
  already embedded can be found, so a partially filled index simply contributes less.
* ``fused``   — both, combined (weighted sum of normalized scores, or RRF).
* ``full``    — fused + colloquial→legal expansion (``query_expansion``) + priors
  (amendment texts demoted, articles the same law cites often lifted a little) + routing:
  the best candidates vote for their law and their chapter, and every article of a
  winning law/chapter is lifted. Colloquial questions rarely share words with the
  governing article itself, but their neighbours share enough to find the right place.
  Last, the question bank (``question_matcher``): bank questions close to the query
  (similarity ≥ 0.91 among the 80 nearest) add up to 1.5× the best score to their article
  (square root of the summed closeness per article, capped at 1).

Optional rerank (``RetrievalConfig.rerank``, setting ``XUEFA_SEARCH_RERANK``): the top
candidates the approximate vector search did not return get their exact dense similarity
(their stored vectors are read back from the index by chunk id) before the final cut.
Measured neutral on the full corpus (``benchmarks/retrieval_bench.py``), so it is off by default.

Defaults (weighted fusion, dense weight 1.0 — raised from 0.5 once each 款 got its own
vector —, expansion weight 0.5, routing 0.1/0.1,
citation prior 0.1, amendment factor 0.3; question bank 1.5 / 80 / 0.91) were chosen on
measurements over the dev and scenario gold sets at once (benchmarks/retrieval_bench.py);
RRF measured worse than the weighted sum.
All of them live in ``RetrievalConfig``.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from assistant.search.expansion import Expansion, QueryExpander, clean_query
from knowledge.index.lexical_index import LexicalIndex, Snapshot
from knowledge.legal.documents import Document

log = logging.getLogger(__name__)

STAGES = ("lexical", "dense", "fused", "full")
AMENDMENT_TYPES = frozenset({"修正案", "修改决定"})


@dataclass
class RetrievalConfig:
    fusion: str = "weighted"  # weighted | rrf
    lexical_weight: float = 1.0
    dense_weight: float = 1.0
    rrf_k: int = 60
    expansion_weight: float = 0.5  # weight of an expansion term relative to a question word
    dense_depth: int = 100  # articles asked from the vector index
    dense_with_expansion: bool = False  # append expansion terms to the dense query
    law_routing: float = 0.1
    chapter_routing: float = 0.1
    routing_depth: int = 50
    routing_temperature: float = 10.0
    citation_prior: float = 0.1
    amendment_factor: float = 0.3
    rerank: bool = False
    rerank_depth: int = 30
    # question bank (``question_matcher``): similar bank questions lift their linked article
    question_weight: float = 1.5  # a full vote adds this share of the best score
    question_depth: int = 80  # bank questions considered
    question_floor: float = 0.91  # similarity below which a bank question says nothing

    def __post_init__(self):
        if self.fusion not in ("weighted", "rrf"):
            raise ValueError(f"fusion must be weighted or rrf, not {self.fusion!r}")
        if not 0.0 <= self.question_floor < 1.0:
            raise ValueError("question_floor must be in [0, 1)")
        if self.question_weight < 0 or self.question_depth < 1:
            raise ValueError("question_weight must be >= 0 and question_depth >= 1")


@dataclass
class Scored:
    article_id: int
    score: float
    retrievers: list[str] = field(default_factory=list)


@dataclass
class Retrieval:
    hits: list[Scored]
    expansion: Expansion | None = None
    timings: dict[str, float] = field(default_factory=dict)
    dense_used: bool = False
    question_votes: list = field(default_factory=list)  # QuestionVote of the bank, if any


@dataclass
class _Run:
    """One ``retrieve`` call: its inputs and what each stage found so far."""

    query: str
    stage: str
    cfg: RetrievalConfig
    snap: Snapshot
    allowed: set[str] | None
    mask: np.ndarray | None
    documents: dict[str, Document] | None
    where: dict | None
    timings: dict[str, float] = field(default_factory=dict)
    expansion: Expansion | None = None
    lex: np.ndarray | None = None
    dense_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dense_sims: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    qvec: list[float] | None = None  # the query's vector, once the dense side or the bank embedded it
    dense_used: bool = False
    votes: list = field(default_factory=list)


class HybridRetriever:
    """Scores every article of the lexical snapshot; the vector index adds dense evidence."""

    def __init__(self, lexical: LexicalIndex, vector_index=None, config: RetrievalConfig | None = None,
                 expander: QueryExpander | None = None, embedded_count=None, questions=None,
                 embedded_ids=None):
        self.lexical = lexical
        self.vector_index = vector_index
        self.questions = questions  # QuestionMatcher or None
        # articles (not chunks) already in the vector index; chunks per article vary
        self._embedded_count = embedded_count or (lambda: self.vector_index.count())
        self.config = config or RetrievalConfig()
        self.expander = expander or QueryExpander()
        self._dense_count: tuple[float, int] = (0.0, 0)
        self._doc_cache: tuple | None = None
        # ids of the articles in the vector index (the store's ledger), to treat the others fairly
        self._embedded_ids = embedded_ids
        self._pending_cache: tuple | None = None  # (snapshot, embedded count, mask of rows not embedded)

    # ---- public ------------------------------------------------------------------------
    def retrieve(self, query: str, k: int = 10, *, doc_ids: Iterable[str] | None = None,
                 documents: dict[str, Document] | None = None, stage: str = "full",
                 where: dict | None = None, config: RetrievalConfig | None = None) -> Retrieval:
        """Best ``k`` articles of the documents ``doc_ids`` (None: all indexed).

        ``documents`` (id -> Document) gives doc types for the amendment prior; ``where``
        is the vector index filter matching ``doc_ids`` (dense hits outside ``doc_ids``
        are dropped anyway).
        """
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}")
        run = self._start(query, stage, config or self.config, doc_ids, documents, where)
        self._lexical_stage(run)
        self._dense_stage(run)
        t = time.perf_counter()
        score = self._combine(run)
        if stage == "full":
            score = self._full_stage(run, score)
        top = _top(score, k)
        if stage == "full" and run.cfg.rerank and run.dense_used:
            top = self._rerank(run.snap, score, top, run.dense_rows, run.dense_sims, k, run.cfg, run.qvec)
        hits = self._hits(run, top, score)
        run.timings["fusion_ms"] = _ms(t)
        shown = {h.article_id for h in hits}
        return Retrieval(hits=hits, expansion=run.expansion, timings=run.timings, dense_used=run.dense_used,
                         question_votes=[v for v in run.votes if v.article_id in shown])

    def dense_neighbours(self, text: str, k: int, where: dict | None = None) -> list[tuple[int, float]]:
        """Articles whose vectors are nearest to a passage (quiz distractors)."""
        if not self._dense_available():
            return []
        vec = self.vector_index.embedder.embed_documents([text])[0]
        return [(a, s) for a, _, s in self.vector_index.search_by_vector(vec, k, where)]

    # ---- pieces ------------------------------------------------------------------------
    def _start(self, query: str, stage: str, cfg: RetrievalConfig, doc_ids: Iterable[str] | None,
               documents: dict[str, Document] | None, where: dict | None) -> _Run:
        t0 = time.perf_counter()
        snap = self.lexical.snapshot()
        allowed = set(doc_ids) if doc_ids is not None else None
        run = _Run(query=query, stage=stage, cfg=cfg, snap=snap, allowed=allowed, mask=snap.doc_rows(allowed),
                   documents=documents, where=where)
        run.timings["snapshot_ms"] = _ms(t0)
        return run

    def _lexical_stage(self, run: _Run) -> None:
        """BM25 over the question (every stage but ``dense``); ``full`` adds the expansion terms."""
        if run.stage == "dense":
            return
        t = time.perf_counter()
        if run.stage == "full":
            run.expansion = self.expander.expand(run.query)
            terms = self._weighted_terms(run.expansion, run.cfg.expansion_weight)
        else:
            terms = dict(Counter(self.lexical.tokenize(clean_query(run.query))))
        lex = run.snap.scores(terms)
        run.lex = lex if run.mask is None else np.where(run.mask, lex, 0.0)
        run.timings["lexical_ms"] = _ms(t)

    def _dense_stage(self, run: _Run) -> None:
        """Nearest articles of the vector index (every stage but ``lexical``), when it has any."""
        if run.stage == "lexical" or not self._dense_available():
            return
        t = time.perf_counter()
        expansion = run.expansion
        text = clean_query(run.query) if expansion is None else expansion.cleaned
        if expansion is not None and run.cfg.dense_with_expansion and expansion.terms:
            text = f"{text} {expansion.expansion_text}"
        run.dense_rows, run.dense_sims, run.qvec = self._dense(run.snap, text, run.cfg.dense_depth, run.allowed,
                                                               run.where)
        run.dense_used = True
        run.timings["dense_ms"] = _ms(t)

    def _combine(self, run: _Run) -> np.ndarray:
        """One score per article: the lexical or dense score alone, or both fused."""
        if run.stage == "lexical":
            return run.lex
        if run.stage == "dense":
            score = np.zeros(run.snap.size, dtype=np.float32)
            score[run.dense_rows] = run.dense_sims
            return score
        return self._fuse(run.lex, run.dense_rows, run.dense_sims, run.cfg, self._dense_share(run.snap),
                          pending=self._pending_rows(run.snap))

    def _pending_rows(self, snap: Snapshot) -> np.ndarray | None:
        """A mask of the rows whose articles are not embedded yet (None: all are, or unknown).

        A rule ingested a minute ago has no vector until the embedding catches up; without
        dense evidence it would lose to every embedded article, however well its words match.
        Such rows get a dense share equal to their lexical share (neutral: dense is assumed to
        agree), so keyword search finds new text at once. A fully embedded index is unaffected."""
        if self._embedded_ids is None:
            return None
        _, count = self._dense_count
        if count >= snap.size:
            return None
        cached = self._pending_cache
        if cached is not None and cached[0] is snap and cached[1] == count:
            return cached[2]
        try:
            done = self._embedded_ids()
        except Exception as exc:  # the ledger is an optimisation: never break search over it
            log.warning("embedded ids unavailable: %s", exc)
            return None
        if not done:  # no ledger (an index filled before it existed): nothing to tell apart
            return None
        mask = ~np.isin(snap.article_ids, np.fromiter(done, dtype=np.int64, count=len(done)))
        self._pending_cache = (snap, count, mask)
        return mask

    def _full_stage(self, run: _Run, score: np.ndarray) -> np.ndarray:
        """Priors, routing and the question bank on top of the fused score."""
        score = self._priors(run.snap, score, run.documents, run.cfg)
        score = self._route(run.snap, score, run.cfg)
        if self.questions is not None and run.cfg.question_weight > 0:
            tq = time.perf_counter()
            if run.qvec is None:
                run.qvec = self._query_vector(run.expansion.cleaned)
            score, run.votes = self._question_votes(run.snap, score, run.qvec, run.allowed, run.cfg)
            run.timings["questions_ms"] = _ms(tq)
        if run.mask is not None:
            # routing and the bank lift whole laws/articles: keep them within the wanted documents
            score = np.where(run.mask, score, 0.0)
        return score

    def _hits(self, run: _Run, top: np.ndarray, score: np.ndarray) -> list[Scored]:
        """The top rows as hits, each naming the retrievers that found it."""
        dense_set = set(run.dense_rows.tolist())
        voted = {v.article_id for v in run.votes}
        article_ids = run.snap.article_ids
        hits = []
        for row in top:
            retr = []
            if run.lex is not None and run.lex[row] > 0:
                retr.append("lexical")
            if row in dense_set:
                retr.append("dense")
            if int(article_ids[row]) in voted:
                retr.append("questions")
            hits.append(Scored(int(article_ids[row]), float(score[row]), retr))
        return hits

    def _weighted_terms(self, expansion: Expansion, weight: float) -> dict[str, float]:
        terms: dict[str, float] = {t: float(n) for t, n in Counter(self.lexical.tokenize(expansion.cleaned)).items()}
        if weight > 0:
            for term in expansion.terms:
                for tok in set(self.lexical.tokenize(term)):
                    terms[tok] = terms.get(tok, 0.0) + weight
        return terms

    def _query_vector(self, text: str):
        """The query's vector when the dense index is off or still empty (bank matching only)."""
        try:
            return self.questions.embedder.embed_query(text)
        except Exception as exc:  # the bank is an extra: never fail a search over it
            log.warning("question bank skipped, query not embedded: %s", exc)
            return None

    def _question_votes(self, snap: Snapshot, score: np.ndarray, qvec, allowed: set[str] | None,
                        cfg: RetrievalConfig) -> tuple[np.ndarray, list]:
        """Lift articles whose bank questions resemble the query (see ``question_matcher``).

        A vote is linear in similarity above the floor and capped at 1; a full vote adds
        ``question_weight`` times the best score so far, so a near paraphrase of a bank question
        (or several close ones) puts its article on top, while one match just above the floor
        adds little and direct evidence for another article still counts."""
        if qvec is None:
            return score, []
        try:
            votes = self.questions.votes(qvec, depth=cfg.question_depth, floor=cfg.question_floor,
                                         allowed_docs=allowed)
        except Exception as exc:
            log.warning("question bank skipped: %s", exc)
            return score, []
        if not votes:
            return score, []
        best = float(score.max()) if len(score) else 0.0
        best = best if best > 0 else 1.0
        out = score.astype(np.float32, copy=True)
        row_of = snap.row_of
        kept = []
        for v in votes:
            row = row_of.get(v.article_id)
            if row is not None:
                out[row] += cfg.question_weight * v.weight * best
                kept.append(v)
        return out, kept

    def _dense_share(self, snap: Snapshot) -> float:
        """How much the dense side may weigh: the share of articles already embedded.

        While the index fills in the background, the best dense hit among the few embedded
        articles is usually not the best article overall; at full weight it would push
        irrelevant articles above good lexical hits (seen at 1% embedded). Scaling by coverage
        keeps answers at lexical quality early and lets them improve as the index completes.
        """
        _, count = self._dense_count
        if not snap.size:
            return 0.0
        return min(1.0, count / snap.size)

    def _dense_available(self) -> bool:
        if self.vector_index is None:
            return False
        checked, count = self._dense_count
        now = time.monotonic()
        if now - checked > 5.0:  # the index fills in the background: look again now and then
            try:
                count = self._embedded_count()
            except Exception as exc:  # a broken vector store must not break search
                log.warning("vector index unavailable, searching lexically: %s", exc)
                count = 0
            self._dense_count = (now, count)
        return count > 0

    def _dense(self, snap: Snapshot, text: str, depth: int, allowed: set[str] | None,
               where: dict | None) -> tuple[np.ndarray, np.ndarray, list[float] | None]:
        try:
            qvec = self.vector_index.embedder.embed_query(text)
            found = self.vector_index.search_by_vector(qvec, depth, where)
        except Exception as exc:
            log.warning("dense search failed, lexical only: %s", exc)
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), None
        rows, sims = [], []
        row_of = snap.row_of
        for article_id, _part, sim in found:
            row = row_of.get(int(article_id))
            if row is None:
                continue
            if allowed is not None and snap.doc_ids[snap.row_doc[row]] not in allowed:
                continue
            rows.append(row)
            sims.append(sim)
        return np.asarray(rows, dtype=np.int64), np.asarray(sims, dtype=np.float32), qvec

    def _fuse(self, lex: np.ndarray, rows: np.ndarray, sims: np.ndarray, cfg: RetrievalConfig,
              share: float = 1.0, pending: np.ndarray | None = None) -> np.ndarray:
        n = len(lex)
        dense_weight = cfg.dense_weight * share
        if cfg.fusion == "rrf":
            score = np.zeros(n, dtype=np.float32)
            pos = lex > 0
            if pos.any():
                order = np.argsort(-lex, kind="stable")[: max(cfg.dense_depth, 200)]
                order = order[lex[order] > 0]
                score[order] += cfg.lexical_weight / (cfg.rrf_k + np.arange(1, len(order) + 1))
            if len(rows):
                order = np.argsort(-sims, kind="stable")
                score[rows[order]] += dense_weight / (cfg.rrf_k + np.arange(1, len(order) + 1))
            return score
        top = float(lex.max()) if n else 0.0
        score = lex * (cfg.lexical_weight / top) if top > 0 else np.zeros(n, dtype=np.float32)
        if len(rows):
            hi, lo = float(sims.max()), float(sims.min())
            span = hi - lo if hi > lo else 1.0
            # the weakest dense hit gets a small positive share: being returned at all says something
            dense = 0.1 + 0.9 * (sims - lo) / span
            score = score.astype(np.float32, copy=True)
            score[rows] += dense_weight * dense
        if pending is not None and pending.any() and top > 0:
            score = score.astype(np.float32, copy=True)
            score[pending] += dense_weight * (lex[pending] / top)  # not embedded yet: neutral share
        return score

    def _doc_factors(self, snap: Snapshot, documents: dict[str, Document] | None, cfg: RetrievalConfig) -> np.ndarray:
        cached = self._doc_cache  # (snapshot, documents, factor, array): held, so never a reused id
        if cached is not None and cached[0] is snap and cached[1] is documents and cached[2] == cfg.amendment_factor:
            return cached[3]
        factors = np.ones(len(snap.doc_ids), dtype=np.float32)
        if documents:
            for i, d in enumerate(snap.doc_ids):
                doc = documents.get(d)
                if doc is not None and doc.doc_type in AMENDMENT_TYPES:
                    factors[i] = cfg.amendment_factor
        self._doc_cache = (snap, documents, cfg.amendment_factor, factors)
        return factors

    def _priors(self, snap: Snapshot, score: np.ndarray, documents, cfg: RetrievalConfig) -> np.ndarray:
        factors = self._doc_factors(snap, documents, cfg)
        out = score * factors[snap.row_doc]
        if cfg.citation_prior:
            out = out * (1.0 + cfg.citation_prior * np.log1p(snap.cited.astype(np.float32)))
        return out

    def _route(self, snap: Snapshot, score: np.ndarray, cfg: RetrievalConfig) -> np.ndarray:
        if not (cfg.law_routing or cfg.chapter_routing) or snap.size == 0:
            return score
        top = _top(score, cfg.routing_depth)
        if not len(top):
            return score
        votes = 1.0 / (np.arange(len(top)) + cfg.routing_temperature)
        out = score
        if cfg.law_routing:
            law = np.zeros(len(snap.doc_ids), dtype=np.float32)
            np.add.at(law, snap.row_doc[top], votes)
            out = out + cfg.law_routing * (law / law.max())[snap.row_doc] * score.max()
        if cfg.chapter_routing:
            chap = np.zeros(int(snap.row_chapter.max()) + 1, dtype=np.float32)
            np.add.at(chap, snap.row_chapter[top], votes)
            out = out + cfg.chapter_routing * (chap / chap.max())[snap.row_chapter] * score.max()
        return out

    def _rerank(self, snap: Snapshot, score: np.ndarray, top: np.ndarray, dense_rows: np.ndarray,
                dense_sims: np.ndarray, k: int, cfg: RetrievalConfig, qvec) -> np.ndarray:
        """Exact dense similarity for the top candidates the vector search did not return:
        their stored vectors are read back from the index by chunk id (no re-embedding)."""
        have = set(dense_rows.tolist())
        missing = [int(r) for r in _top(score, cfg.rerank_depth) if int(r) not in have]
        if not missing or qvec is None or not len(dense_sims):
            return top
        from knowledge.index.vector_index import chunk_id_for

        ids = [chunk_id_for(int(snap.article_ids[r]), 0) for r in missing]
        try:
            got = self.vector_index.store.get(ids=ids, include=["embeddings"])
        except Exception as exc:  # rerank is an extra: never fail a search over it
            log.warning("rerank skipped: %s", exc)
            return top
        vec_of = dict(zip(got["ids"], got["embeddings"]))
        rows = [r for r, cid in zip(missing, ids) if cid in vec_of]
        if not rows:
            return top
        p = np.asarray([vec_of[chunk_id_for(int(snap.article_ids[r]), 0)] for r in rows], dtype=np.float32)
        q = np.asarray(qvec, dtype=np.float32)
        sims = p @ q / (np.linalg.norm(p, axis=1) * np.linalg.norm(q) + 1e-9)
        lo, hi = float(dense_sims.min()), float(dense_sims.max())
        boosted = score.copy()
        span = hi - lo if hi > lo else 1.0
        boosted[rows] += cfg.dense_weight * np.clip(0.1 + 0.9 * (sims - lo) / span, 0.0, 1.0)
        return _top(boosted, k)


def _top(score: np.ndarray, k: int) -> np.ndarray:
    if score is None or len(score) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    k = min(k, len(score))
    part = np.argpartition(-score, k - 1)[:k]
    part = part[np.argsort(-score[part], kind="stable")]
    return part[score[part] > 0]


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)
