"""Practice sessions (feedback, resume) and mock exams (injected clock: timing, scoring,
auto-submission, overdue exams after a restart)."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.quiz.types import QuizScope
from knowledge.errors import XuefaError
from knowledge.store.records import Records
from quiz_fixtures import UTC, wrong_response


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


def test_empty_sessions_are_refused(learning):
    with pytest.raises(XuefaError):
        learning.start_practice("张三", [])
    with pytest.raises(XuefaError):
        learning.start_exam("张三", [], time_limit_minutes=10)
