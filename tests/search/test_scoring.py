"""The combination rules of ``scoring``: chunk pooling, the named law, the field, and a bank vote
that never outvotes a candidate better on both lexical and dense evidence."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.search.hybrid_retriever import RetrievalConfig
from assistant.search.question_votes import BankNeighbour
from assistant.search.scoring import Evidence, pool_chunks, score, top_rows

# six articles: rows 0-2 in law 0 (named in some tests), rows 3-5 in law 1
ROW_DOC = np.array([0, 0, 0, 1, 1, 1])


def evidence(lex, chunks=(), bank=(), named=None) -> Evidence:
    rows = [c[0] for c in chunks]
    return Evidence(
        size=6, row_doc=ROW_DOC, doc_ids=["law-a", "law-b"], row_chapter=np.array([0, 0, 1, 2, 2, 3]),
        article_ids=np.arange(100, 106), row_of={100 + i: i for i in range(6)}, cited=np.zeros(6, dtype=np.int32),
        doc_factor=np.ones(2, dtype=np.float32), lex_words=np.asarray(lex, dtype=np.float32),
        lex_terms=np.zeros(6, dtype=np.float32), chunk_rows=np.asarray(rows, dtype=np.int64),
        chunk_parts=np.asarray([c[1] for c in chunks], dtype=np.int64),
        chunk_sims=np.asarray([c[2] for c in chunks], dtype=np.float32), dense_used=bool(chunks),
        named=None if named is None else np.asarray(named, dtype=bool),
        bank=[BankNeighbour(100 + row, "law", sim, f"问题{row}") for row, sim in bank])


def cfg(**kw) -> RetrievalConfig:
    base = dict(law_routing=0.0, chapter_routing=0.0, citation_prior=0.0, question_floor=0.5,
                question_weight=1.5, named_law_weight=0.0, field_share=2.0, bank_dominance=True)
    return RetrievalConfig(**{**base, **kw})


def ranked(ev, c) -> list[int]:
    return top_rows(score(ev, c, "full").score, 6).tolist()


def test_pooling_of_chunk_similarities():
    ev = evidence([0] * 6, chunks=[(1, 0, 0.5), (1, 1, 0.9), (1, 2, 0.7), (2, 0, 0.6)])
    got = {m: dict(zip(*[a.tolist() for a in pool_chunks(ev, m)])) for m in ("max", "top2", "whole", "max_whole")}
    assert got["max"] == pytest.approx({1: 0.9, 2: 0.6})
    assert got["top2"] == pytest.approx({1: 0.8, 2: 0.6})
    assert got["whole"] == pytest.approx({1: 0.5, 2: 0.6})
    assert got["max_whole"] == pytest.approx({1: 0.7, 2: 0.6})
    with pytest.raises(ValueError):
        pool_chunks(ev, "mean")


def test_a_vote_lifts_an_article_that_no_candidate_beats_on_both():
    # row 0 is better lexically, row 3 (voted) better densely: the vote may decide
    ev = evidence([1.0, 0.2, 0, 0.5, 0, 0], chunks=[(0, 0, 0.70), (3, 0, 0.80)], bank=[(3, 0.9)])
    assert ranked(ev, cfg())[0] == 3


def test_a_vote_never_passes_a_candidate_better_on_both():
    ev = evidence([1.0, 0.2, 0, 0.5, 0, 0], chunks=[(0, 0, 0.80), (3, 0, 0.70)], bank=[(3, 0.99)])
    result = score(ev, cfg(), "full")
    assert top_rows(result.score, 6).tolist()[0] == 0
    assert result.capped == {3: 0}
    assert result.score[3] > score(ev, cfg(question_weight=0.0), "full").score[3]  # still lifted, below row 0
    # without the rule the same vote outranks it
    assert ranked(ev, cfg(bank_dominance=False))[0] == 3


def test_named_law_keeps_votes_for_other_laws_out_and_lifts_its_own():
    named = [True, True, True, False, False, False]
    ev = evidence([0.9, 1.0, 0, 0.6, 0, 0], chunks=[(1, 0, 0.9), (3, 0, 0.6)], bank=[(3, 0.99)], named=named)
    result = score(ev, cfg(bank_dominance=False), "full")
    assert [v.article_id for v in result.dropped] == [103] and not result.votes
    assert top_rows(result.score, 6).tolist()[0] == 1
    unnamed = dataclasses.replace(ev, named=None)
    assert ranked(unnamed, cfg(bank_dominance=False))[0] == 3  # the same vote counts when no law is named
    lifted = score(ev, cfg(named_law_weight=0.3), "full")
    assert lifted.lifts["named_law"][0] > 0 and lifted.lifts["named_law"][3] == 0


def test_an_evident_field_scopes_the_votes():
    # the candidates all sit in law 1; a vote for law 0 counts only while no field is evident
    ev = evidence([0, 0, 0.1, 1.0, 0.9, 0.8], chunks=[(3, 0, 0.9), (4, 0, 0.8)], bank=[(2, 0.99)])
    scoped = score(ev, cfg(field_share=0.6, bank_dominance=False), "full")
    assert scoped.field_doc == 1 and [v.article_id for v in scoped.dropped] == [102]
    assert score(ev, cfg(field_share=2.0, bank_dominance=False), "full").votes


def test_stages_use_only_their_evidence():
    ev = evidence([0.2, 1.0, 0, 0, 0, 0], chunks=[(0, 0, 0.9)], bank=[(4, 0.99)])
    assert top_rows(score(ev, cfg(), "lexical").score, 1).tolist() == [1]
    assert top_rows(score(ev, cfg(), "dense").score, 6).tolist() == [0]
    assert 4 not in top_rows(score(ev, cfg(), "fused").score, 6).tolist()


def test_mask_keeps_lifts_within_the_wanted_documents():
    ev = evidence([1.0, 0.5, 0, 0, 0, 0], bank=[(4, 0.99)])
    ev.mask = ROW_DOC == 0
    assert set(top_rows(score(ev, cfg(), "full").score, 6).tolist()) <= {0, 1, 2}


def test_a_candidate_better_only_within_the_margins_does_not_hold_a_vote_back():
    # row 0 beats the voted row 3 on both, but densely by less than the dense margin
    ev = evidence([1.0, 0.2, 0, 0.5, 0, 0], chunks=[(0, 0, 0.80), (3, 0, 0.79)], bank=[(3, 0.99)])
    assert ranked(ev, cfg(dominance_lexical_margin=0.2, dominance_dense_margin=0.03))[0] == 3
    assert ranked(ev, cfg(dominance_lexical_margin=0.0, dominance_dense_margin=0.0))[0] == 0


def test_within_a_named_law_any_candidate_better_on_both_holds_a_vote_back():
    named = [True, True, True, False, False, False]
    ev = evidence([1.0, 0.9, 0, 0, 0, 0], chunks=[(0, 0, 0.80), (1, 0, 0.79)], bank=[(1, 0.99)], named=named)
    c = cfg(dominance_lexical_margin=0.2, dominance_dense_margin=0.03)
    assert ranked(ev, c)[0] == 0
    assert ranked(dataclasses.replace(ev, named=None), c)[0] == 1


def test_the_article_first_on_both_evidence_holds_back_a_clearly_weaker_vote():
    # row 0 leads lexically by less than the margin but is first on both: it holds row 3 back
    ev = evidence([1.0, 0.2, 0, 0.9, 0, 0], chunks=[(0, 0, 0.82), (3, 0, 0.79)], bank=[(3, 0.99)])
    assert ranked(ev, cfg(agreed_dense_margin=0.02))[0] == 0
    assert ranked(ev, cfg(agreed_dense_margin=0.05))[0] == 3
