"""FSRS review: due dates move after right and wrong answers, fast answers rate Easy, the due
queue asks fresh variants, and cards follow a re-imported law."""
from __future__ import annotations

import datetime as dt

from fsrs import State

from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.quiz.types import QuizScope
from quiz_fixtures import UTC, wrong_response


def test_fsrs_moves_the_due_date_after_right_and_wrong_answers(learning, paper, clock):
    user = learning.user("张三")
    right_q, wrong_q = paper[0], paper[1]
    t0 = clock.now
    right = learning.review.rate(user.id, right_q, True, at=t0)
    wrong = learning.review.rate(user.id, wrong_q, False, at=t0)
    # a first right answer graduates to review, days ahead; a miss comes back in 10 minutes
    assert right.state == State.Review and right.due >= t0 + dt.timedelta(days=1)
    assert wrong.state == State.Learning and wrong.due == t0 + dt.timedelta(minutes=10)
    # right again when due: the interval grows
    t1 = right.due
    again = learning.review.rate(user.id, right_q, True, at=t1)
    assert again.due - t1 > right.due - t0 and again.reps == 2
    # a lapse: back to relearning, due in 10 minutes, counted
    lapse = learning.review.rate(user.id, right_q, False, at=again.due)
    assert lapse.state == State.Relearning and lapse.due == again.due + dt.timedelta(minutes=10)
    assert lapse.lapses == 1
    # the stored card is the fsrs Card
    card = learning.review.card(user.id, right_q.article_id)
    assert card.state == State.Relearning and card.due == lapse.due


def test_easy_rating_for_fast_right_answers(records, quiz_service, paper, clock):
    fast = LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC,
                           easy_ms=5000)
    user = fast.user("张三")
    good = fast.review.rate(user.id, paper[0], True, at=clock.now, duration_ms=20000)
    easy = fast.review.rate(user.id, paper[1], True, at=clock.now, duration_ms=2000)
    assert easy.due - clock.now > good.due - clock.now


def test_due_queue_yields_fresh_variants(learning, paper, clock):
    user = learning.user("张三")
    session = learning.start_practice(user, paper[:3])
    for q in paper[:3]:
        session.answer(wrong_response(q))
    due = learning.review.due(user.id, now=clock.now)  # due in 10 minutes: today
    assert {d.article_id for d in due} == {q.article_id for q in paper[:3]}
    assert learning.review.due(user.id, now=clock.now, today=False) == []  # not yet due this minute
    fresh = learning.review.due_questions(user.id, 5, now=clock.now, seed=1)
    assert {q.article_id for q in fresh} <= {q.article_id for q in paper[:3]} and fresh
    by_article = {q.article_id: q for q in paper[:3]}
    for v in fresh:
        old = by_article[v.article_id]
        assert v.id != old.id and (v.generator, v.element) != (old.generator, old.element)


def test_review_cards_follow_a_re_imported_law(records, clock, tmp_path):
    """An admin deletes and re-imports 劳动合同法 (new article ids): due cards follow their
    (law, label) to the new text with their schedule; a vanished article is skipped."""
    from assistant.library.library_service import LibraryService
    from assistant.quiz.quiz_service import QuizService
    from search_fixtures import make_store, statute_documents

    labour = "中华人民共和国劳动合同法"
    store = make_store(tmp_path / "k.db", (labour,))
    quiz = QuizService(store, LibraryService(store))
    learning = LearningService(records, quiz, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)
    user = learning.user("李四")
    questions = quiz.generate(QuizScope(laws=["劳动合同法"]), n=3, seed=5)
    session = learning.start_practice(user, questions)
    for q in questions:
        session.answer(wrong_response(q))
    before = {(d.law, d.article): d.due for d in learning.review.due(user.id, now=clock.now)}

    old_doc = store.list_documents()[0]
    store.delete_document(old_doc.id)
    store.add_document(statute_documents(("中华人民共和国网络安全法",))[0][1], doc_id="net")  # takes freed ids
    store.add_document(statute_documents((labour,))[0][1], doc_id="labour-again")

    due = learning.review.due(user.id, now=clock.now)
    assert {(d.law, d.article): d.due for d in due} == before  # same articles, same schedule
    for d in due:
        art = store.get_article(d.article_id)
        assert (art.doc_id, art.label) == ("labour-again", d.article)
    fresh = learning.review.due_questions(user.id, 5, now=clock.now, seed=3)
    assert fresh and all(store.get_article(q.article_id).doc_id == "labour-again" for q in fresh)
    store.close()
