"""Hybrid retrieval: BM25 (with colloquial expansion) + dense vectors, fused, then routed.

Stages, each usable alone (the benchmark measures them one by one):

* ``lexical`` — BM25 over the cleaned question.
* ``dense``   — the vector index (multilingual-e5 over article chunks); only articles
  already embedded can be found, so a partially filled index simply contributes less.
* ``fused``   — both, combined (weighted sum of normalized scores, or RRF).
* ``full``    — fused + colloquial→legal expansion (``query_expansion``) + priors + routing +
  the laws the question names + the question bank (``question_votes``), combined as
  ``scoring`` describes.

The retriever gathers the evidence (``scoring.Evidence``) and ``scoring.score`` combines it.

Optional rerank (``RetrievalConfig.rerank``, setting ``XUEFA_SEARCH_RERANK``): the top
candidates the approximate vector search did not return get their exact dense similarity
(their stored vectors are read back from the index by chunk id) before the final cut.
Measured neutral on the full corpus (``benchmarks/retrieval_bench.py``), so it is off by default.

Weights were checked on the gold sets together with set-wise cross-validation
(``benchmarks/fusion_calibration.py``): it kept the fusion, expansion, routing and bank
weights and chose the bank's lead margin. Every weight lives in ``RetrievalConfig``.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from assistant.search.expansion import Expansion, QueryExpander, clean_query
from assistant.search.scoring import POOLINGS, Evidence, Scoring, score, top_rows
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
    chunk_pooling: str = "max"  # how an article's chunk similarities make its dense score
    law_routing: float = 0.1
    chapter_routing: float = 0.1
    routing_depth: int = 50
    routing_temperature: float = 10.0
    citation_prior: float = 0.1
    amendment_factor: float = 0.3
    named_law_weight: float = 0.0  # lift of the articles of a law the question names (x best score)
    rerank: bool = False
    rerank_depth: int = 30
    # question bank (``question_votes``): similar bank questions lift their linked article
    question_weight: float = 1.5  # a full vote adds this share of the best score
    question_depth: int = 80  # bank questions considered
    question_floor: float = 0.91  # similarity below which a bank question says nothing
    field_share: float = 2.0  # routing share that makes a law the evident field (> 1: never)
    # the bank takes first place only when its closest question is this much nearer the query
    # (cosine) than the nearest statute text; otherwise the question's own first candidate stays
    # first and votes reorder the rest (None: the bank may always take first place)
    bank_lead_margin: float | None = 0.025
    bank_dominance: bool = True  # within a named law, a vote never lifts past a candidate better on both

    def __post_init__(self):
        if self.fusion not in ("weighted", "rrf"):
            raise ValueError(f"fusion must be weighted or rrf, not {self.fusion!r}")
        if self.chunk_pooling not in POOLINGS:
            raise ValueError(f"chunk_pooling must be one of {POOLINGS}, not {self.chunk_pooling!r}")
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
    scoring: Scoring | None = None  # how the scores were made (``--explain``)
    evidence: Evidence | None = None


@dataclass
class _Run:
    """One ``retrieve`` call: its inputs and the query's vector once embedded."""

    query: str
    stage: str
    cfg: RetrievalConfig
    snap: Snapshot
    allowed: set[str] | None
    where: dict | None
    ev: Evidence
    timings: dict[str, float] = field(default_factory=dict)
    expansion: Expansion | None = None
    qvec: list[float] | None = None


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
                 where: dict | None = None, config: RetrievalConfig | None = None,
                 named_docs: Iterable[str] | None = None) -> Retrieval:
        """Best ``k`` articles of the documents ``doc_ids`` (None: all indexed).

        ``documents`` (id -> Document) gives doc types for the amendment prior; ``where``
        is the vector index filter matching ``doc_ids`` (dense hits outside ``doc_ids``
        are dropped anyway); ``named_docs`` are the documents of the laws the question names.
        """
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}")
        run = self.gather(query, stage, config or self.config, doc_ids=doc_ids, documents=documents,
                          where=where, named_docs=named_docs)
        t = time.perf_counter()
        scored = score(run.ev, run.cfg, stage)
        top = top_rows(scored.score, k)
        if stage == "full" and run.cfg.rerank and run.ev.dense_used:
            top = self._rerank(run, scored, top, k)
        hits = self._hits(run, top, scored)
        run.timings["fusion_ms"] = _ms(t)
        shown = {h.article_id for h in hits}
        return Retrieval(hits=hits, expansion=run.expansion, timings=run.timings, dense_used=run.ev.dense_used,
                         question_votes=[v for v in scored.votes if v.article_id in shown], scoring=scored,
                         evidence=run.ev)

    def gather(self, query: str, stage: str, cfg: RetrievalConfig, *, doc_ids: Iterable[str] | None = None,
               documents: dict[str, Document] | None = None, where: dict | None = None,
               named_docs: Iterable[str] | None = None) -> _Run:
        """Ask every retriever the ``stage`` needs once; ``scoring.score`` combines the evidence."""
        run = self._start(query, stage, cfg, doc_ids, documents, where, named_docs)
        self._lexical_stage(run)
        self._dense_stage(run)
        if stage == "full":
            self._bank_stage(run)
        return run

    def dense_neighbours(self, text: str, k: int, where: dict | None = None) -> list[tuple[int, float]]:
        """Articles whose vectors are nearest to a passage (quiz distractors)."""
        if not self._dense_available():
            return []
        vec = self.vector_index.embedder.embed_documents([text])[0]
        return [(a, s) for a, _, s in self.vector_index.search_by_vector(vec, k, where)]

    # ---- gathering ---------------------------------------------------------------------
    def _start(self, query: str, stage: str, cfg: RetrievalConfig, doc_ids: Iterable[str] | None,
               documents: dict[str, Document] | None, where: dict | None,
               named_docs: Iterable[str] | None) -> _Run:
        t0 = time.perf_counter()
        snap = self.lexical.snapshot()
        allowed = set(doc_ids) if doc_ids is not None else None
        ev = Evidence(size=snap.size, row_doc=snap.row_doc, doc_ids=snap.doc_ids, row_chapter=snap.row_chapter,
                      article_ids=snap.article_ids, row_of=snap.row_of, cited=snap.cited,
                      doc_factor=self._doc_factors(snap, documents, cfg), mask=snap.doc_rows(allowed))
        named = set(named_docs or ())
        if named:
            ev.named = snap.doc_rows(named)
            if not ev.named.any():
                ev.named = None
        run = _Run(query=query, stage=stage, cfg=cfg, snap=snap, allowed=allowed, where=where, ev=ev)
        run.timings["snapshot_ms"] = _ms(t0)
        return run

    def _lexical_stage(self, run: _Run) -> None:
        """BM25 of the question's words (every stage but ``dense``) and, for ``full``, apart, of
        its expansion terms."""
        if run.stage == "dense":
            return
        t = time.perf_counter()
        if run.stage == "full":
            run.expansion = self.expander.expand(run.query)
            words = Counter(self.lexical.tokenize(run.expansion.cleaned))
            run.ev.lex_terms = self._within(run, run.snap.scores(self._expansion_terms(run.expansion)))
        else:
            words = Counter(self.lexical.tokenize(clean_query(run.query)))
        run.ev.lex_words = self._within(run, run.snap.scores(dict(words)))
        run.timings["lexical_ms"] = _ms(t)

    @staticmethod
    def _within(run: _Run, lex: np.ndarray) -> np.ndarray:
        return lex if run.ev.mask is None else np.where(run.ev.mask, lex, 0.0).astype(np.float32)

    def _expansion_terms(self, expansion: Expansion) -> dict[str, float]:
        terms: dict[str, float] = {}
        for term in expansion.terms:
            for tok in set(self.lexical.tokenize(term)):
                terms[tok] = terms.get(tok, 0.0) + 1.0
        return terms

    def _dense_stage(self, run: _Run) -> None:
        """Chunks nearest to the question (every stage but ``lexical``), when the index has any."""
        if run.stage == "lexical" or not self._dense_available():
            return
        t = time.perf_counter()
        expansion = run.expansion
        text = clean_query(run.query) if expansion is None else expansion.cleaned
        if expansion is not None and run.cfg.dense_with_expansion and expansion.terms:
            text = f"{text} {expansion.expansion_text}"
        ev = run.ev
        ev.chunk_rows, ev.chunk_parts, ev.chunk_sims, run.qvec = self._dense(run.snap, text, run.cfg.dense_depth,
                                                                             run.allowed, run.where)
        ev.dense_used = run.qvec is not None
        ev.dense_share = self._dense_share(run.snap)
        ev.pending = self._pending_rows(run.snap)
        run.timings["dense_ms"] = _ms(t)

    def _bank_stage(self, run: _Run) -> None:
        """The bank questions nearest to the query (the query embedded once for both sides)."""
        if self.questions is None or run.cfg.question_weight <= 0:
            return
        tq = time.perf_counter()
        if run.qvec is None:
            run.qvec = self._query_vector(run.expansion.cleaned)
        if run.qvec is not None:
            try:
                run.ev.bank = self.questions.nearest(run.qvec, depth=run.cfg.question_depth,
                                                     allowed_docs=run.allowed)
            except Exception as exc:  # the bank is an extra: never fail a search over it
                log.warning("question bank skipped: %s", exc)
        run.timings["questions_ms"] = _ms(tq)

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

    def _hits(self, run: _Run, top: np.ndarray, scored: Scoring) -> list[Scored]:
        """The top rows as hits, each naming the retrievers that found it."""
        lex = run.ev.lex_words
        voted = {v.article_id for v in scored.votes}
        article_ids = run.snap.article_ids
        hits = []
        for row in top:
            retr = []
            if lex is not None and (lex[row] > 0 or (run.ev.lex_terms is not None and run.ev.lex_terms[row] > 0)):
                retr.append("lexical")
            if int(row) in scored.dense:
                retr.append("dense")
            if int(article_ids[row]) in voted:
                retr.append("questions")
            hits.append(Scored(int(article_ids[row]), float(scored.score[row]), retr))
        return hits

    def _query_vector(self, text: str):
        """The query's vector when the dense index is off or still empty (bank matching only)."""
        try:
            return self.questions.embedder.embed_query(text)
        except Exception as exc:  # the bank is an extra: never fail a search over it
            log.warning("question bank skipped, query not embedded: %s", exc)
            return None

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

    def _dense(self, snap: Snapshot, text: str, depth: int, allowed: set[str] | None, where: dict | None):
        """(rows, parts, similarities, query vector) of the chunk hits within ``allowed``."""
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        try:
            qvec = self.vector_index.embedder.embed_query(text)
            found = self.vector_index.search_chunks(qvec, depth, where)
        except Exception as exc:
            log.warning("dense search failed, lexical only: %s", exc)
            return (*empty, None)
        rows, parts, sims = [], [], []
        row_of = snap.row_of
        for article_id, part, sim in found:
            row = row_of.get(int(article_id))
            if row is None:
                continue
            if allowed is not None and snap.doc_ids[snap.row_doc[row]] not in allowed:
                continue
            rows.append(row)
            parts.append(part)
            sims.append(sim)
        return (np.asarray(rows, dtype=np.int64), np.asarray(parts, dtype=np.int64),
                np.asarray(sims, dtype=np.float32), qvec)

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

    def _rerank(self, run: _Run, scored: Scoring, top: np.ndarray, k: int) -> np.ndarray:
        """Exact dense similarity for the top candidates the vector search did not return:
        their stored vectors are read back from the index by chunk id (no re-embedding)."""
        snap, final = run.snap, scored.score
        missing = [int(r) for r in top_rows(final, run.cfg.rerank_depth) if int(r) not in scored.dense]
        if not missing or run.qvec is None or not scored.dense:
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
        q = np.asarray(run.qvec, dtype=np.float32)
        sims = p @ q / (np.linalg.norm(p, axis=1) * np.linalg.norm(q) + 1e-9)
        known = np.fromiter(scored.dense.values(), dtype=np.float32)
        lo, hi = float(known.min()), float(known.max())
        boosted = final.copy()
        span = hi - lo if hi > lo else 1.0
        boosted[rows] += run.cfg.dense_weight * np.clip(0.1 + 0.9 * (sims - lo) / span, 0.0, 1.0)
        return top_rows(boosted, k)


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)
