"""新修订 scopes: questions only on what changed since a date, and 修订后…… contrast questions whose
key the current text proves and whose old value the previous version proves (real laws)."""
from __future__ import annotations

import copy

import pytest

from assistant.library.ingestion_service import IngestionService
from assistant.library.library_service import LibraryService
from assistant.quiz.quality import QualityChecker
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.text import contains_verbatim
from assistant.quiz.types import QuizScope
from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.article_store import ArticleStore

LAWS = ["网络安全法", "关于修改《中华人民共和国网络安全法》的决定", "民用航空法", "渔业法"]


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    store = ArticleStore(tmp_path_factory.mktemp("revquiz") / "knowledge.db")
    IngestionService(store, max_file_bytes=1 << 20).import_statutes(names=LAWS, include_history=True)
    yield QuizService(store, LibraryService(store))
    store.close()


def test_scope_is_the_articles_the_amendment_decision_added_or_reworded(quiz):
    pairs = quiz.resolve_scope(QuizScope(laws=["网络安全法"], changes_since="2020-01-01"))
    labels = [a.label for a, _ in pairs]
    # added: 3 20 63 69 71 73; reworded (old 18 40 59 60 61 62 65 69 75): 19 42 61 62 64 65 67 70 77
    assert labels == ["第三条", "第十九条", "第二十条", "第四十二条", "第六十一条", "第六十二条", "第六十三条",
                      "第六十四条", "第六十五条", "第六十七条", "第六十九条", "第七十条", "第七十一条", "第七十三条",
                      "第七十七条"]
    assert "第二十三条" not in labels  # 等级保护: renumbered only, its text unchanged
    whole = quiz.resolve_scope(QuizScope(laws=["网络安全法"]))
    assert len(whole) > 3 * len(pairs)


def test_scope_from_two_held_texts_holds_only_changed_and_added_articles(quiz):
    pairs = quiz.resolve_scope(QuizScope(laws=["渔业法"], changes_since="2020-01-01"))
    changed = quiz.changed_since([pairs[0][1]], "2020-01-01")
    assert {a.id for a, _ in pairs} <= set(changed) and {c.kind for c in changed.values()} <= {
        "changed", "added", "split", "merged"}
    assert all(c.previous is not None for c in changed.values() if c.kind == "changed")


def test_contrast_questions_pass_the_checker_and_prove_both_values(quiz):
    report = quiz.generate_report(QuizScope(laws=["民用航空法", "渔业法"], changes_since="2020-01-01"), n=10,
                                  types="单选", seed=5)
    contrast = [q for q in report.questions if q.generator == "revision_contrast"]
    assert len(contrast) >= 3 and not report.rejected
    checker = QualityChecker(quiz.store)
    for q in contrast:
        verdict = checker.check(q)
        assert verdict.passed and verdict.results["revision_contrast"], verdict.problems
        meta = q.meta["contrast"]
        assert q.stem.startswith(f"《{q.law.removeprefix('中华人民共和国')}》修订后，")
        new_text = quiz.store.get_article(q.article_id).text
        old = quiz.store.get_article(meta["previous_id"])
        assert not quiz.store.get_document(old.doc_id).is_current
        key = q.claims[q.letters.index(q.answer[0])]
        was = q.claims[q.options.index(meta["old"])]
        assert q.options[q.letters.index(q.answer[0])] == meta["new"]
        assert contains_verbatim(new_text, key.text) and contains_verbatim(old.text, was.text)
        assert not contains_verbatim(new_text, was.text)


def test_checker_rejects_a_contrast_that_does_not_hold(quiz):
    report = quiz.generate_report(QuizScope(laws=["民用航空法"], changes_since="2020-01-01"), n=6, types="单选",
                                  seed=5)
    q = next(q for q in report.questions if q.generator == "revision_contrast")
    checker = QualityChecker(quiz.store)
    flipped = copy.deepcopy(q)  # the old value as the key
    flipped.answer = [q.letters[q.options.index(q.meta["contrast"]["old"])]]
    assert not checker.check(flipped).results["revision_contrast"]
    same = copy.deepcopy(q)  # "previous" text from the current version itself
    same.meta["contrast"]["previous_id"] = q.article_id
    assert not checker.check(same).results["revision_contrast"]


def test_dates_out_of_range_and_malformed(quiz):
    with pytest.raises(NotFoundError, match="2027-01-01 以来修改或新增"):
        quiz.resolve_scope(QuizScope(laws=["民用航空法"], changes_since="2027-01-01"))
    with pytest.raises(XuefaError, match="YYYY-MM-DD"):
        QuizScope(laws=["民用航空法"], changes_since="2020-13-01")
    assert QuizScope(changes_since=" 2020-01-01 ").to_dict()["changes_since"] == "2020-01-01"
