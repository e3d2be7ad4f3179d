"""The combination rules of ``scoring``: chunk pooling, the named law, the field, and a bank vote
that takes first place only when the bank leads, and within a named law never passes a
candidate better on both lexical and dense evidence."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.search.hybrid_retriever import RetrievalConfig
from assistant.search.question_votes import BankNeighbour
from assistant.search.scoring import Evidence, bank_leads, nearness, pool_chunks, score, top_rows

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


def test_a_leading_bank_may_take_first_place():
    # the bank question (0.99) is far nearer than any article (0.80): its article goes first,
    # although row 0 has more lexical and more dense evidence
    ev = evidence([1.0, 0.2, 0, 0.5, 0, 0], chunks=[(0, 0, 0.80), (3, 0, 0.70)], bank=[(3, 0.99)])
    result = score(ev, cfg(), "full")
    assert top_rows(result.score, 6).tolist()[0] == 3 and result.kept_first is None


def test_a_bank_that_does_not_lead_reorders_only_below_the_questions_own_first():
    # the article text (0.90) is about as near as the bank question (0.91)
    ev = evidence([1.0, 0.2, 0, 0.5, 0.6, 0], chunks=[(0, 0, 0.90), (3, 0, 0.70), (4, 0, 0.75)], bank=[(3, 0.91)])
    result = score(ev, cfg(bank_lead_margin=0.025), "full")
    assert top_rows(result.score, 3).tolist() == [0, 3, 4]  # lifted past row 4, not past row 0
    assert result.kept_first == 0
    assert top_rows(score(ev, cfg(bank_lead_margin=None), "full").score, 1).tolist() == [3]
    assert top_rows(score(ev, cfg(question_weight=0.0), "full").score, 3).tolist() == [0, 4, 3]


def test_the_bank_leads_by_its_closest_question_against_the_nearest_text():
    ev = evidence([0] * 6, chunks=[(0, 0, 0.90), (1, 1, 0.85)], bank=[(3, 0.93), (4, 0.95)])
    assert bank_leads(ev, 0.05) and not bank_leads(ev, 0.06)
    assert bank_leads(ev, None)
    assert not bank_leads(dataclasses.replace(ev, bank=[]), 0.0)
    # no vector returned yet (the index is still being built): the bank question's nearness decides
    unembedded = evidence([0] * 6, bank=[(3, 0.93)])
    assert nearness(unembedded) == (pytest.approx(0.93), None) and bank_leads(unembedded, 0.05)


def test_within_a_named_law_a_vote_never_passes_a_candidate_better_on_both():
    named = [True, True, True, False, False, False]
    ev = evidence([1.0, 0.9, 0, 0, 0, 0], chunks=[(0, 0, 0.80), (1, 0, 0.79)], bank=[(1, 0.99)], named=named)
    result = score(ev, cfg(), "full")
    assert top_rows(result.score, 6).tolist()[0] == 0
    assert result.capped == {1: 0}
    assert result.score[1] > score(ev, cfg(question_weight=0.0), "full").score[1]  # still lifted, below row 0
    # without the rule, or with no law named (the bank leads: 0.99 against 0.80), the vote wins
    assert ranked(ev, cfg(bank_dominance=False))[0] == 1
    assert ranked(dataclasses.replace(ev, named=None), cfg())[0] == 1


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
