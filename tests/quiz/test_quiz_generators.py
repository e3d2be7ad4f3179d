"""Generators over real bundled laws: every question passes the independent quality check,
output is deterministic under a seed, scopes resolve, and the checker catches broken items."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from assistant.library.library_service import LibraryService
from assistant.quiz.generators import GENERATORS
from assistant.quiz.neighbours import SearchNeighbors, TokenNeighbors
from assistant.quiz.quality import QualityChecker, corrupt
from assistant.quiz.quiz_service import QuizService, allocate, parse_types
from assistant.quiz.text import contains_verbatim
from assistant.quiz.types import BLANK, QuizScope
from assistant.search.types import Hit, SearchResult
from knowledge.errors import NotFoundError, XuefaError


@pytest.fixture(scope="module")
def raw_questions(quiz_service, quiz_store):
    """Unfiltered output of every generator on a seeded sample of articles of each law."""
    rng = random.Random(11)
    out = []
    for doc in quiz_store.list_documents():
        articles = [a for a, _ in quiz_service.resolve_scope(QuizScope(laws=[doc.id]))]
        sample = rng.sample(articles, 25)
        for article in sample:
            ctx = quiz_service.context(article, doc)
            for gen in GENERATORS.values():
                q = gen.generate(ctx, rng)
                if q is not None:
                    out.append(q)
    return out


def test_every_generator_produces_questions_that_pass_every_check(raw_questions, quiz_store):
    checker = QualityChecker(quiz_store)
    made = Counter(q.generator for q in raw_questions)
    assert set(made) == set(GENERATORS), f"a generator produced nothing: {made}"
    assert min(made.values()) >= 5
    for q in raw_questions:
        report = checker.check(q)
        assert report.passed, (q.generator, q.stem, report.problems)
        # the explanation quotes its article verbatim and names it
        article = quiz_store.get_article(q.article_id)
        assert contains_verbatim(article.text, q.quote) and q.article in q.explanation
        assert q.qtype == GENERATORS[q.generator].qtype


def test_question_shapes(raw_questions):
    for q in raw_questions:
        if q.qtype == "填空":
            assert q.stem.count(BLANK) == 1 and not q.options and isinstance(q.answer, str)
        elif q.qtype == "判断":
            assert q.options == ["正确", "错误"] and q.answer in ("正确", "错误")
        else:
            assert len(q.options) >= 4 and len(set(q.options)) == len(q.options)
            assert (len(q.answer) == 1) if q.qtype == "单选" else (len(q.answer) >= 2)
        for c in q.claims:
            if not c.holds and c.original:  # a controlled perturbation: changed, and false
                assert c.text != c.original and c.perturbation in ("number", "subject", "modal", "range")
    judges = [q for q in raw_questions if q.qtype == "判断"]
    assert {"正确", "错误"} <= {q.answer for q in judges}


def test_the_checker_catches_broken_questions(raw_questions, quiz_store):
    checker = QualityChecker(quiz_store)
    tried = Counter()
    for q in raw_questions:
        for how in ("wrong_key", "duplicate_option", "undo_perturbation", "misquote", "invented_claim"):
            bad = corrupt(q, how)
            if bad is None:
                continue
            tried[how] += 1
            assert not checker.check(bad).passed, (how, q.generator, q.stem)
    assert all(tried[h] >= 5 for h in ("wrong_key", "duplicate_option", "undo_perturbation", "misquote"))


def test_generation_is_deterministic_under_a_seed(quiz_store):
    scope = QuizScope(laws=["网安法"])
    first = QuizService(quiz_store, LibraryService(quiz_store)).generate(scope, n=12, seed=42)
    again = QuizService(quiz_store, LibraryService(quiz_store)).generate(scope, n=12, seed=42)
    other = QuizService(quiz_store, LibraryService(quiz_store)).generate(scope, n=12, seed=43)
    assert [q.to_dict() for q in first] == [q.to_dict() for q in again]
    assert [q.id for q in first] != [q.id for q in other]


def test_generate_respects_count_types_and_scope(quiz_service):
    qs = quiz_service.generate(QuizScope(laws=["劳动合同法"]), n=20, seed=1)
    assert len(qs) == 20 and len({q.id for q in qs}) == 20
    assert {q.law for q in qs} == {"中华人民共和国劳动合同法"}
    assert Counter(q.qtype for q in qs) == Counter(allocate(20, {"单选": 4, "多选": 2, "判断": 3, "填空": 1}))
    assert len({q.article_id for q in qs}) == 20  # one question per article while the scope allows

    only = quiz_service.generate(QuizScope(laws=["保密法"]), n=6, types="判断,填空", seed=2)
    assert {q.qtype for q in only} == {"判断", "填空"}

    exam = quiz_service.generate(QuizScope(laws=["网络安全法"]), n=10, seed=3, exam=True)
    assert "填空" not in {q.qtype for q in exam}

    chapter = quiz_service.generate(QuizScope(laws=["网络安全法"], chapters=["法律责任"]), n=5, seed=4)
    assert chapter and all(q.chapter == "第六章 法律责任" for q in chapter)

    with pytest.raises(NotFoundError):
        quiz_service.generate(QuizScope(laws=["不存在的法"]), n=3, seed=1)
    with pytest.raises(XuefaError):
        parse_types("单选,问答")


def test_a_small_scope_gives_what_it_can(quiz_service, quiz_store):
    doc = quiz_service.library.find("网络安全法")
    article = quiz_store.find_article(doc.id, 21)
    qs = quiz_service.generate(QuizScope(article_ids=[article.id]), n=5, types="判断", seed=5)
    assert 1 <= len(qs) <= 5 and all(q.article_id == article.id for q in qs)
    assert len({q.id for q in qs}) == len(qs)


def test_variants_avoid_the_last_generator_element_and_asked_questions(quiz_service, quiz_store):
    doc = quiz_service.library.find("劳动合同法")
    article = quiz_store.find_article(doc.id, 37)  # 劳动者提前三十日以书面形式通知用人单位…
    first = quiz_service.variant(article.id, seed=1)
    assert first is not None
    seen = {first.id}
    for seed in range(2, 6):
        v = quiz_service.variant(article.id, avoid_generators=[first.generator], avoid_elements=[first.element],
                                 avoid_ids=seen, seed=seed)
        assert v is not None and v.id not in seen
        assert (v.generator, v.element) != (first.generator, first.element)
        seen.add(v.id)


def test_token_neighbors_prefer_close_articles(quiz_store, quiz_service):
    doc = quiz_service.library.find("劳动合同法")
    a37 = quiz_store.find_article(doc.id, 37)
    near = TokenNeighbors(quiz_store)(a37, 5)
    assert len(near) == 5 and all(n.doc_id == doc.id and n.id != a37.id for n in near)
    assert any("解除劳动合同" in n.text for n in near)


class _FakeSearch:
    def __init__(self, store, ids, fail=False):
        self.store, self.ids, self.fail = store, ids, fail
        self.calls = []

    def search(self, query, top_k=10, filters=None):
        self.calls.append((query, top_k, filters))
        if self.fail:
            raise NotFoundError("no index")
        arts = self.store.get_articles(self.ids)
        doc = self.store.get_document(arts[0].doc_id)
        return SearchResult(query=query, hits=[Hit(a, doc, 1.0 - i / 10) for i, a in enumerate(arts)])


def test_search_neighbors_use_the_search_service_and_fall_back(quiz_store, quiz_service):
    doc = quiz_service.library.find("网络安全法")
    arts = quiz_store.articles_of(doc.id)
    target = arts[20]
    search = _FakeSearch(quiz_store, [target.id, arts[3].id, arts[4].id])
    fallback = TokenNeighbors(quiz_store)
    got = SearchNeighbors(search, quiz_store, fallback=fallback)(target, 4)
    assert [a.id for a in got[:2]] == [arts[3].id, arts[4].id] and len(got) == 4
    assert search.calls[0][2].laws == [doc.title]
    broken = SearchNeighbors(_FakeSearch(quiz_store, [], fail=True), quiz_store, fallback=fallback)
    assert [a.id for a in broken(target, 3)] == [a.id for a in fallback(target, 3)]
