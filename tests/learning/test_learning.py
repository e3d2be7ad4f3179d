"""Practice, mock exams (injected clock), wrong-answer book, FSRS scheduling and stats."""
from __future__ import annotations

import datetime as dt

import pytest
from fsrs import State

from assistant.learning.learning_service import LearningService, default_scheduler
from assistant.quiz.types import QuizScope
from knowledge.errors import XuefaError
from knowledge.store.records import Records
from quiz_fixtures import UTC, Clock, wrong_response


@pytest.fixture
def clock():
    return Clock(dt.datetime(2024, 5, 6, 1, 0, tzinfo=UTC))


@pytest.fixture
def records(tmp_path):
    rec = Records(f"sqlite:///{tmp_path / 'records.db'}")
    yield rec
    rec.close()


@pytest.fixture
def learning(records, quiz_service, clock):
    return LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)


@pytest.fixture(scope="module")
def paper(quiz_service):
    return quiz_service.generate(QuizScope(laws=["劳动合同法"]), n=10, seed=21, exam=True)


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


def test_practice_gives_feedback_and_feeds_wrong_book_and_review(learning, quiz_service, clock):
    qs = quiz_service.generate(QuizScope(laws=["网络安全法"]), n=4, seed=5)
    session = learning.start_practice("张三", qs)
    clock.advance(seconds=12)
    fb = session.answer(qs[0].answer)
    assert fb.correct and fb.remaining == 3 and fb.citation == qs[0].citation
    assert fb.article_text == quiz_service.store.get_article(qs[0].article_id).text
    assert fb.next_review >= clock.now + dt.timedelta(days=1)
    fb2 = session.answer(wrong_response(qs[1]))
    assert not fb2.correct and fb2.added_to_wrong_book and fb2.answer_text == qs[1].answer_text
    assert fb2.next_review == clock.now + dt.timedelta(minutes=10)
    user = learning.user("张三")
    assert [it.question.id for it in learning.wrong_book.entries(user.id)] == [qs[1].id]
    assert learning.wrong_book.entries(user.id)[0].article_text  # shown with its article
    summary = session.finish()
    assert (summary.answered, summary.correct, summary.total) == (2, 1, 4)
    resumed = learning.resume_practice(session.attempt_id)
    assert resumed.position == 2 and resumed.current.id == qs[2].id


def test_wrong_book_redo_until_mastered(learning, paper, clock):
    user = learning.user("张三")
    q = paper[2]
    session = learning.start_practice(user, [q])
    session.answer(wrong_response(q))
    assert learning.wrong_book.questions(user.id) == [q]
    for i in range(2):  # mastered after two right answers in a row
        clock.advance(hours=1)
        redo = learning.start_practice(user, learning.wrong_book.questions(user.id), mode="wrong")
        assert redo.answer(q.answer).correct
    assert learning.wrong_book.questions(user.id) == []
    assert learning.wrong_book.entries(user.id, include_mastered=True)[0].mastered_at == clock.now
    assert learning.wrong_book.remove(user.id, q.id)


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


def test_mock_exam_timing_and_scoring(learning, paper, clock):
    exam = learning.start_exam("张三", paper, time_limit_minutes=30, pass_mark=60)
    assert exam.remaining() == dt.timedelta(minutes=30) and exam.points_each == 10
    for i, q in enumerate(paper[:7]):
        clock.advance(minutes=1)
        assert exam.answer(i, q.answer) is True  # stored, no feedback
    exam.answer(7, wrong_response(paper[7]))
    assert exam.result is None and not exam.submitted
    clock.advance(minutes=2)
    result = exam.submit()
    assert result.score == 70 and result.passed and result.correct == 7 and result.total == 10
    assert result.time_used == dt.timedelta(minutes=9) and not result.auto_submitted
    assert [it.correct for it in result.items] == [True] * 7 + [False] * 3
    assert result.items[8].response is None  # unanswered
    assert exam.submit() is result  # idempotent
    assert exam.answer(9, paper[9].answer) is False  # no answers after submitting
    user = learning.user("张三")
    assert len(learning.wrong_book.entries(user.id)) == 3  # misses and blanks go to the book
    assert learning.records.cards_of(user.id)  # every answer rated an article card


def test_exam_auto_submits_when_time_is_over(learning, paper, clock):
    exam = learning.start_exam("张三", paper, time_limit_minutes=10, pass_mark=60)
    for i in range(5):
        exam.answer(i, paper[i].answer)
    clock.advance(minutes=11)
    assert exam.answer(5, paper[5].answer) is False  # too late: submitted with what was given in time
    result = exam.result
    assert result is not None and result.auto_submitted and result.score == 50 and not result.passed
    assert result.time_used == dt.timedelta(minutes=10)


def test_overdue_exams_are_submitted_after_a_restart(records, quiz_service, paper, clock, tmp_path):
    first = LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)
    exam = first.start_exam("张三", paper, time_limit_minutes=20)
    for i in range(8):
        exam.answer(i, paper[i].answer)
    records.close()
    clock.advance(hours=1)  # the browser was closed; the app restarts later
    rec2 = Records(f"sqlite:///{tmp_path / 'records.db'}")
    second = LearningService(rec2, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)
    results = second.submit_overdue_exams()
    assert len(results) == 1 and results[0].score == 80 and results[0].auto_submitted
    assert rec2.get_exam(exam.exam_id).submitted_at == exam.deadline
    assert second.resume_exam(exam.exam_id).submit().score == 80
    rec2.close()


def test_stats_per_user(learning, paper, clock):
    user = learning.user("张三")
    s1 = learning.start_practice(user, paper[:4])
    s1.answer(paper[0].answer)
    s1.answer(wrong_response(paper[1]))
    clock.advance(days=1)
    s2 = learning.start_practice(user, paper[4:6])
    s2.answer(paper[4].answer)
    s2.answer(paper[5].answer)
    exam = learning.start_exam(user, paper[6:], time_limit_minutes=5)
    exam.answer(0, paper[6].answer)
    exam.submit()
    stats = learning.stats.for_user(user, now=clock.now)
    assert [(d.answered, d.correct) for d in stats.daily] == [(2, 1), (3, 3)]
    assert stats.answered == 5 and stats.correct == 4
    law = stats.by_law[0]
    assert law.law == "中华人民共和国劳动合同法" and law.articles_studied == 8 and law.answered == 5
    assert stats.by_chapter and all(m.chapter for m in stats.by_chapter)
    assert stats.due_today >= 1 and stats.wrong_open == 4  # one practice miss + three blank exam answers
    assert stats.exams[0].score == 25 and stats.exams[0].passed is False
    other = learning.stats.for_user(learning.user("李四"), now=clock.now)
    assert other.answered == 0 and other.cards == 0


def test_empty_sessions_are_refused(learning):
    with pytest.raises(XuefaError):
        learning.start_practice("张三", [])
    with pytest.raises(XuefaError):
        learning.start_exam("张三", [], time_limit_minutes=10)


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
