"""How one article score is made from what the retrievers found (pure: no index, no model).

``HybridRetriever`` gathers the evidence of a query once — BM25 of the question's words and,
apart, of its expansion terms; the dense chunk hits; the nearest bank questions; the laws the
question names — and ``score`` combines it under a ``RetrievalConfig``. Because the gathering
is the slow part and the combination takes a millisecond, the calibration benchmark gathers
once per question and tries every setting on the same evidence.

The full stage, in order:

1. ``fused``: BM25 (question words + ``expansion_weight`` × expansion terms), normalised by
   its best row, plus ``dense_weight`` × the dense score (best hit 1.0, weakest returned 0.1),
   the dense score of an article pooled from its chunks (``chunk_pooling``).
2. priors: amendment texts × ``amendment_factor``; articles the law itself cites often lifted.
3. routing: the best candidates vote for their law and chapter; the winners are lifted.
4. named law: when the question names a law (full title, short title, alias, 《》), its
   articles are lifted by ``named_law_weight`` × the best score.
5. question bank: votes of similar bank questions, only for articles of the named laws when
   the question names any, else of the evident field (the law holding at least
   ``field_share`` of the routing vote) when there is one. Two rules keep a resemblance to
   some other question from outvoting what this question says:

   * when a law is named, a vote never lifts an article above a candidate of that law with
     more lexical *and* more dense evidence (``bank_dominance``);
   * otherwise the bank decides first place only when it *leads*: its closest question is at
     least ``bank_lead_margin`` nearer the query (cosine) than the nearest statute text. A
     colloquial question ("公司不给签合同怎么办") usually sits much nearer a bank question than
     any article; an exam or work question worded like the law does not, and there the
     question's own first candidate stays first while the votes reorder the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.search.question_votes import BankNeighbour, QuestionVote, tally_votes

POOLINGS = ("max", "top2", "whole", "max_whole")


@dataclass
class Evidence:
    """Everything the retrievers said about one query, per row of the lexical snapshot."""

    size: int
    row_doc: np.ndarray  # row -> document index
    doc_ids: list[str]  # document index -> document id
    row_chapter: np.ndarray  # row -> chapter index
    article_ids: np.ndarray  # row -> article id
    row_of: dict[int, int]  # article id -> row
    cited: np.ndarray  # row -> how often its own law cites it
    doc_factor: np.ndarray  # document index -> amendment prior factor
    lex_words: np.ndarray | None = None  # BM25 of the question's own words
    lex_terms: np.ndarray | None = None  # BM25 of the expansion terms, each weighted 1
    chunk_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    chunk_parts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    chunk_sims: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    dense_used: bool = False
    dense_share: float = 1.0  # share of articles embedded so far
    pending: np.ndarray | None = None  # rows not embedded yet
    named: np.ndarray | None = None  # rows of the laws the question names (None: names none)
    bank: list[BankNeighbour] = field(default_factory=list)
    mask: np.ndarray | None = None  # rows within the wanted documents (None: all)


@dataclass
class Scoring:
    """The final score per row and what each step added, for ``--explain``."""

    score: np.ndarray
    lexical: np.ndarray | None = None  # normalised BM25 share in the fused score
    dense: dict[int, float] = field(default_factory=dict)  # row -> pooled cosine similarity
    lifts: dict[str, np.ndarray] = field(default_factory=dict)  # routing, named_law, bank
    votes: list[QuestionVote] = field(default_factory=list)  # votes that counted
    dropped: list[QuestionVote] = field(default_factory=list)  # votes outside the named law / field
    capped: dict[int, int] = field(default_factory=dict)  # voted row -> the row that held it back
    bank_led: bool | None = None  # whether the bank could decide first place (None: a law named / no vote)
    kept_first: int | None = None  # the question's own first row, kept first: the bank did not lead
    field_doc: int | None = None  # document index of the evident field, if one


def score(ev: Evidence, cfg, stage: str) -> Scoring:
    """One score per row for ``stage`` (lexical / dense / fused / full)."""
    lex = _lexical(ev, cfg, stage)
    rows, sims = pool_chunks(ev, cfg.chunk_pooling)
    if stage == "lexical":
        return Scoring(score=_masked(ev, lex), lexical=lex)
    if stage == "dense":
        out = np.zeros(ev.size, dtype=np.float32)
        out[rows] = sims
        return Scoring(score=_masked(ev, out), dense=dict(zip(rows.tolist(), sims.tolist())))
    fused = fuse(lex, rows, sims, cfg, ev.dense_share, ev.pending)
    result = Scoring(score=fused, lexical=lex, dense=dict(zip(rows.tolist(), sims.tolist())))
    if stage == "full":
        _full(ev, cfg, result)
    result.score = _masked(ev, result.score)
    return result


def _lexical(ev: Evidence, cfg, stage: str) -> np.ndarray:
    if ev.lex_words is None:
        return np.zeros(ev.size, dtype=np.float32)
    if stage == "full" and ev.lex_terms is not None and cfg.expansion_weight > 0:
        return ev.lex_words + np.float32(cfg.expansion_weight) * ev.lex_terms
    return ev.lex_words


def _masked(ev: Evidence, out: np.ndarray) -> np.ndarray:
    return out if ev.mask is None else np.where(ev.mask, out, 0.0).astype(np.float32)


def pool_chunks(ev: Evidence, pooling: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows and dense scores of the articles among the chunk hits.

    ``max``: the best chunk; ``top2``: mean of the two best (one chunk: itself); ``whole``:
    the whole-article chunk (part 0) only; ``max_whole``: mean of the best chunk and the
    whole-article chunk (the best chunk when part 0 was not returned)."""
    if pooling not in POOLINGS:
        raise ValueError(f"chunk pooling must be one of {POOLINGS}")
    best: dict[int, list[float]] = {}
    whole: dict[int, float] = {}
    for row, part, sim in zip(ev.chunk_rows.tolist(), ev.chunk_parts.tolist(), ev.chunk_sims.tolist()):
        best.setdefault(row, []).append(sim)
        if part == 0:
            whole[row] = sim
    out: dict[int, float] = {}
    for row, got in best.items():
        got.sort(reverse=True)
        if pooling == "max":
            out[row] = got[0]
        elif pooling == "top2":
            out[row] = sum(got[:2]) / len(got[:2])
        elif pooling == "whole":
            if row in whole:
                out[row] = whole[row]
        else:
            out[row] = (got[0] + whole.get(row, got[0])) / 2
    rows = np.fromiter(out.keys(), dtype=np.int64, count=len(out))
    sims = np.fromiter(out.values(), dtype=np.float32, count=len(out))
    return rows, sims


def fuse(lex: np.ndarray, rows: np.ndarray, sims: np.ndarray, cfg, share: float = 1.0,
         pending: np.ndarray | None = None) -> np.ndarray:
    """Lexical and dense evidence in one score (weighted sum of normalised scores, or RRF).

    ``share`` scales the dense weight by the share of articles embedded (a half-filled index
    must not push its few articles above good lexical hits); ``pending`` rows, not embedded
    yet, get a dense share equal to their lexical share (neutral), so new text is found at once."""
    n = len(lex)
    dense_weight = cfg.dense_weight * share
    if cfg.fusion == "rrf":
        return _rrf(lex, rows, sims, cfg, dense_weight)
    top = float(lex.max()) if n else 0.0
    out = lex * (cfg.lexical_weight / top) if top > 0 else np.zeros(n, dtype=np.float32)
    out = out.astype(np.float32, copy=True)
    if len(rows):
        out[rows] += dense_weight * dense_norm(sims)
    if pending is not None and pending.any() and top > 0:
        out[pending] += dense_weight * (lex[pending] / top)
    return out


def dense_norm(sims: np.ndarray) -> np.ndarray:
    """Dense similarities as shares: the best returned 1.0, the weakest 0.1 (being returned at
    all says something)."""
    hi, lo = float(sims.max()), float(sims.min())
    span = hi - lo if hi > lo else 1.0
    return (0.1 + 0.9 * (sims - lo) / span).astype(np.float32)


def _rrf(lex: np.ndarray, rows: np.ndarray, sims: np.ndarray, cfg, dense_weight: float) -> np.ndarray:
    out = np.zeros(len(lex), dtype=np.float32)
    if (lex > 0).any():
        order = np.argsort(-lex, kind="stable")[: max(cfg.dense_depth, 200)]
        order = order[lex[order] > 0]
        out[order] += cfg.lexical_weight / (cfg.rrf_k + np.arange(1, len(order) + 1))
    if len(rows):
        order = np.argsort(-sims, kind="stable")
        out[rows[order]] += dense_weight / (cfg.rrf_k + np.arange(1, len(order) + 1))
    return out


def _full(ev: Evidence, cfg, result: Scoring) -> None:
    """Priors, routing, the named law and the question bank, in place on ``result``."""
    s = result.score * ev.doc_factor[ev.row_doc]
    if cfg.citation_prior:
        s = s * (1.0 + cfg.citation_prior * np.log1p(ev.cited.astype(np.float32)))
    s = _masked(ev, s.astype(np.float32))
    law_votes = _law_votes(ev, s, cfg)
    routed = _route(ev, s, cfg, law_votes)
    result.lifts["routing"] = routed - s
    s = routed
    if ev.named is not None and cfg.named_law_weight > 0 and s.size:
        lift = np.where(ev.named, np.float32(cfg.named_law_weight * max(float(s.max()), 0.0)), 0.0)
        result.lifts["named_law"] = lift.astype(np.float32)
        s = s + lift
    result.field_doc = _field(ev, law_votes, cfg)
    result.score = _bank(ev, cfg, s, result)


def _law_votes(ev: Evidence, s: np.ndarray, cfg) -> np.ndarray:
    """Votes of the best ``routing_depth`` rows for their law (rank-discounted)."""
    law = np.zeros(len(ev.doc_factor), dtype=np.float32)
    top = top_rows(s, cfg.routing_depth)
    if len(top):
        np.add.at(law, ev.row_doc[top], 1.0 / (np.arange(len(top)) + cfg.routing_temperature))
    return law


def _route(ev: Evidence, s: np.ndarray, cfg, law: np.ndarray) -> np.ndarray:
    top = top_rows(s, cfg.routing_depth)
    if not len(top) or not (cfg.law_routing or cfg.chapter_routing):
        return s
    best = float(s.max())
    out = s
    if cfg.law_routing:
        out = out + cfg.law_routing * (law / law.max())[ev.row_doc] * best
    if cfg.chapter_routing:
        chap = np.zeros(int(ev.row_chapter.max()) + 1, dtype=np.float32)
        np.add.at(chap, ev.row_chapter[top], 1.0 / (np.arange(len(top)) + cfg.routing_temperature))
        out = out + cfg.chapter_routing * (chap / chap.max())[ev.row_chapter] * best
    return out.astype(np.float32)


def _field(ev: Evidence, law: np.ndarray, cfg) -> int | None:
    """The law the candidates agree on, when one holds ``field_share`` of the routing vote."""
    total = float(law.sum())
    if ev.named is not None or total <= 0 or cfg.field_share > 1.0:
        return None
    doc = int(law.argmax())
    return doc if float(law[doc]) / total >= cfg.field_share else None


def _bank(ev: Evidence, cfg, s: np.ndarray, result: Scoring) -> np.ndarray:
    """Lift the articles similar bank questions vote for, within the named law or field; the
    question's own first candidate stays first unless the bank leads."""
    if not ev.bank or cfg.question_weight <= 0:
        return s
    votes = tally_votes(ev.bank, floor=cfg.question_floor, depth=cfg.question_depth)
    best = float(s.max()) if s.size else 0.0
    best = best if best > 0 else 1.0
    out = s.astype(np.float32, copy=True)
    rivals = _rivals(ev, cfg, s, result) if cfg.bank_dominance and ev.named is not None else None
    for v in votes:
        row = ev.row_of.get(v.article_id)
        if row is None or (ev.mask is not None and not ev.mask[row]):
            continue
        if not _vote_counts(ev, row, result.field_doc):
            result.dropped.append(v)
            continue
        lifted = s[row] + cfg.question_weight * v.weight * best
        if rivals is not None:
            lifted = _cap(rivals, row, lifted, s, result)
        out[row] = max(out[row], lifted)
        result.votes.append(v)
    if result.votes and ev.named is None:
        result.bank_led = bank_leads(ev, cfg.bank_lead_margin)
        if not result.bank_led:
            _keep_first(s, out, result)
    result.lifts["bank"] = out - s
    return out


def nearness(ev: Evidence) -> tuple[float, float | None]:
    """Cosine similarity to the query of the closest bank question (0.0: none) and of the
    nearest statute chunk (None: no chunk returned, e.g. before the vectors are built)."""
    bank = max((n.similarity for n in ev.bank), default=0.0)
    text = float(ev.chunk_sims.max()) if len(ev.chunk_sims) else None
    return bank, text


def bank_leads(ev: Evidence, margin: float | None) -> bool:
    """Whether the closest bank question is ``margin`` nearer the query than any statute chunk."""
    if margin is None or not ev.bank:
        return margin is None
    bank, text = nearness(ev)
    return bank >= (text or 0.0) + margin


def _keep_first(s: np.ndarray, out: np.ndarray, result: Scoring) -> None:
    """The row first before the votes stays first (just above the best lifted row)."""
    first = int(np.argmax(s))
    top = float(out.max())
    if top > out[first]:
        out[first] = top * (1.0 + 1e-4) if top > 0 else top
        result.kept_first = first


def _vote_counts(ev: Evidence, row: int, field_doc: int | None) -> bool:
    if ev.named is not None:
        return bool(ev.named[row])
    return field_doc is None or int(ev.row_doc[row]) == field_doc


def _rivals(ev: Evidence, cfg, s: np.ndarray, result: Scoring):
    """The named law's best candidates with their lexical and dense evidence."""
    lex = result.lexical if result.lexical is not None else np.zeros(ev.size, dtype=np.float32)
    dense = np.zeros(ev.size, dtype=np.float32)
    if result.dense:
        dense[list(result.dense)] = list(result.dense.values())
    pool = top_rows(s, cfg.routing_depth)
    return pool[ev.named[pool]], lex, dense


def _cap(rivals, row: int, lifted: float, s: np.ndarray, result: Scoring) -> float:
    """``lifted``, held just below the weakest rival that beats ``row`` on both evidence."""
    pool, lex, dense = rivals
    better = pool[(lex[pool] > lex[row]) & (dense[pool] > dense[row])]
    if not len(better):
        return lifted
    weakest = int(better[np.argmin(s[better])])
    ceiling = float(s[weakest]) * (1.0 - 1e-4)
    if lifted > ceiling:
        result.capped[row] = weakest
        return max(float(s[row]), ceiling)
    return lifted


def top_rows(score: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best positive scores, best first."""
    if score is None or len(score) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    k = min(k, len(score))
    part = np.argpartition(-score, k - 1)[:k]
    part = part[np.argsort(-score[part], kind="stable")]
    return part[score[part] > 0]
