"""The hand-written retrieval gold sets cite articles that exist in the current bundled statutes."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from assistant.search.retrieval_eval import load_gold
from ingest.statute_source import StatuteSource
from knowledge.legal.law_names import LawMentionFinder

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SETS = ("exam", "consult", "topic", "situation")


@lru_cache(maxsize=None)
def current_labels() -> dict[str, frozenset[str]]:
    """Article labels of every 现行有效 law, by full title, as a default import takes them."""
    src = StatuteSource()
    current = [law for law in src.select() if law.status == "现行有效"]
    return {law.title: frozenset(a.label for a in src.to_document(law, is_current=True).articles)
            for law in current}


@lru_cache(maxsize=None)
def gold(name: str):
    return load_gold(DATA / f"{name}_gold.jsonl")


@pytest.mark.parametrize("name", SETS)
def test_every_item_cites_an_existing_current_article(name):
    labels = current_labels()
    unknown_laws = sorted({g.law for g in gold(name) if g.law not in labels})
    assert unknown_laws == []
    missing = [(g.id, g.law, g.article) for g in gold(name) if g.article not in labels[g.law]]
    assert missing == []


@pytest.mark.parametrize("name", SETS)
def test_ids_and_queries_are_unique_and_sets_are_large(name):
    items = gold(name)
    assert len(items) >= 200
    assert len({g.id for g in items}) == len(items)
    assert len({g.query for g in items}) == len(items)


def test_no_query_is_shared_between_sets():
    queries = [g.query for name in SETS for g in gold(name)]
    assert len(set(queries)) == len(queries)


def test_exam_set_spans_at_least_80_laws():
    assert len({g.law for g in gold("exam")}) >= 80


def test_situation_questions_never_name_a_law():
    finder = LawMentionFinder(list(current_labels()))
    naming = [g.id for g in gold("situation") if "《" in g.query or finder.strip(g.query) != g.query]
    assert naming == []


def test_situation_set_spans_at_least_200_laws():
    assert len({g.law for g in gold("situation")}) >= 200
