"""A learning session: practice (one question at a time, feedback after each answer) or a
timed mock exam (judged on submission). Both report every outcome to the service, which files
misses in the wrong book and rates the FSRS cards."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from assistant.learning.clock import aware
from assistant.learning.stored_questions import question_data
from assistant.learning.types import ExamResult, Feedback, QuestionReview, SessionSummary
from assistant.quiz.types import Question
from knowledge.errors import XuefaError
from knowledge.limits import ANSWER_CHARS, bounded
from knowledge.store.records import Exam, User

if TYPE_CHECKING:  # sessions are made by the service, which they report back to
    from assistant.learning.learning_service import LearningService


class PracticeSession:
    """One question at a time with immediate feedback (practice, review, wrong-book redo)."""

    def __init__(self, service: "LearningService", user: User, attempt_id: int, questions: list[Question],
                 position: int = 0, correct: int = 0):
        self.service = service
        self.user = user
        self.attempt_id = attempt_id
        self.questions = questions
        self.position = position
        self.correct = correct
        self._shown_at = service.clock()

    @property
    def current(self) -> Question | None:
        return self.questions[self.position] if self.position < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.position >= len(self.questions)

    def answer(self, response: Any, *, duration_ms: int | None = None) -> Feedback:
        """Grade the current question, record it, and move on; returns the feedback to show."""
        q = self.current
        if q is None:
            raise XuefaError("本次练习已经结束")
        if isinstance(response, str):  # nothing is stored for an answer no question needs
            bounded(response, ANSWER_CHARS, "答案")
        now = aware(self.service.clock())
        if duration_ms is None:
            duration_ms = max(0, int((now - self._shown_at).total_seconds() * 1000))
        correct = q.is_correct(response)
        self.service.records.record_answer(
            attempt_id=self.attempt_id, user_id=self.user.id, position=self.position, question=question_data(q),
            response=q.normalize_response(response), correct=correct, points=1.0 if correct else 0.0,
            answered_at=now, duration_ms=duration_ms)
        card = self.service.apply_outcome(self.user.id, q, correct, at=now, duration_ms=duration_ms)
        self.position += 1
        self.correct += correct
        self._shown_at = now
        if self.finished:
            self.service.records.finish_attempt(self.attempt_id, now)
        return Feedback(position=self.position - 1, question=q, response=response, correct=correct,
                        answer_text=q.answer_text, explanation=q.explanation,
                        article_text=self.service.article_text(q.article_id), citation=q.citation,
                        remaining=len(self.questions) - self.position, added_to_wrong_book=not correct,
                        next_review=card.due if card else None)

    def finish(self) -> SessionSummary:
        """End early (or confirm the end): the unanswered rest is simply not recorded."""
        self.service.records.finish_attempt(self.attempt_id, aware(self.service.clock()))
        return SessionSummary(self.attempt_id, len(self.questions), self.position, self.correct)

    @property
    def summary(self) -> SessionSummary:
        return SessionSummary(self.attempt_id, len(self.questions), self.position, self.correct)


class MockExam:
    """A timed paper: answers are stored but not judged until submission; submitting after
    the deadline (or any call once it passed) submits automatically with the answers given
    in time. Scores: the exam's ``config["points"]`` per question when set (an office exam's
    points per type), else ``total_points`` shared equally; 多选 all-or-nothing."""

    def __init__(self, service: "LearningService", user: User, exam: Exam, questions: list[Question],
                 responses: dict[int, Any] | None = None):
        self.service = service
        self.user = user
        self.exam = exam
        self.questions = questions
        self.responses: dict[int, Any] = dict(responses or {})
        self._result: ExamResult | None = None

    @property
    def exam_id(self) -> int:
        return self.exam.id

    @property
    def attempt_id(self) -> int:
        return self.exam.attempt_id

    @property
    def deadline(self) -> dt.datetime:
        return self.exam.deadline

    @property
    def points_each(self) -> float:
        return self.exam.total_points / len(self.questions) if self.questions else 0.0

    def points_of(self, position: int) -> float:
        points = (self.exam.config or {}).get("points")
        return float(points[position]) if points else self.points_each

    @property
    def submitted(self) -> bool:
        return self.exam.submitted_at is not None

    def remaining(self) -> dt.timedelta:
        left = self.exam.deadline - aware(self.service.clock())
        return max(left, dt.timedelta(0))

    def expired(self) -> bool:
        return aware(self.service.clock()) >= self.exam.deadline

    def answer(self, position: int, response: Any) -> bool:
        """Record (or change) an answer. False, and the exam is submitted, when time is over."""
        if self.submitted or self.check_time() is not None:
            return False
        if not 0 <= position < len(self.questions):
            raise XuefaError(f"没有第 {position + 1} 题")
        q = self.questions[position]
        now = aware(self.service.clock())
        correct = q.is_correct(response)
        self.service.records.record_answer(
            attempt_id=self.attempt_id, user_id=self.user.id, position=position, question=question_data(q),
            response=q.normalize_response(response), correct=correct,
            points=self.points_of(position) if correct else 0.0, answered_at=now)
        self.responses[position] = q.normalize_response(response)
        return True

    def check_time(self) -> ExamResult | None:
        """Submit automatically once the time is over (a UI calls this on its timer)."""
        if not self.submitted and self.expired():
            return self.submit()
        return None

    def submit(self) -> ExamResult:
        """Score the paper, then record misses and FSRS ratings. Idempotent."""
        if self._result is not None:
            return self._result
        if self.submitted:
            self._result = self._build_result()
            return self._result
        now = aware(self.service.clock())
        auto = now >= self.exam.deadline
        submitted_at = min(now, self.exam.deadline)
        answers = {a.position: a for a in self.service.records.answers_of(self.attempt_id)}
        score = round(sum(a.points for a in answers.values() if a.correct), 2)
        passed = score >= self.exam.pass_mark
        self.exam, won = self.service.records.submit_exam(self.exam_id, submitted_at=submitted_at, score=score,
                                                          passed=passed, auto_submitted=auto)
        if not won:  # submitted meanwhile by another request, which also recorded the outcomes
            self._result = self._build_result()
            return self._result
        self.service.records.finish_attempt(self.attempt_id, submitted_at)
        for i, q in enumerate(self.questions):
            a = answers.get(i)
            correct = bool(a and a.correct)
            self.service.apply_outcome(self.user.id, q, correct, at=a.answered_at if a else submitted_at,
                                       duration_ms=None)
        self._result = self._build_result()
        return self._result

    @property
    def result(self) -> ExamResult | None:
        return self._result

    def _build_result(self) -> ExamResult:
        answers = {a.position: a for a in self.service.records.answers_of(self.attempt_id)}
        items = []
        for i, q in enumerate(self.questions):
            a = answers.get(i)
            items.append(QuestionReview(position=i, question=q, response=a.response if a else None,
                                        correct=bool(a and a.correct), points=a.points if a and a.correct else 0.0))
        e = self.exam
        return ExamResult(exam_id=e.id, attempt_id=e.attempt_id, score=e.score or 0.0, total_points=e.total_points,
                          pass_mark=e.pass_mark, passed=bool(e.passed), correct=sum(it.correct for it in items),
                          total=len(items), time_used=(e.submitted_at or e.deadline) - e.started_at,
                          time_limit=dt.timedelta(seconds=e.time_limit_s), auto_submitted=e.auto_submitted,
                          items=items)
