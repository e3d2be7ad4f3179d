"""Learning: practice, mock exams, the wrong-answer book, FSRS review and stats, behind one façade.

One outcome path for every answer, whatever the session: the answer is stored, a miss goes
into the user's 错题本 (a hit lengthens the streak that masters it), and the FSRS card of the
question's article is rated (miss → Again, hit → Good, fast hit → Easy when enabled). The
"due today" queue then asks *fresh* questions on the due articles — another generator or
element than last time — so that remembering one question is not taken for mastery.

The parts live in their own modules (``review``, ``wrong_book``, ``sessions``, ``stats``); this
one composes them and owns the outcome path. Time comes from an injected clock (``clock``).
"""
from __future__ import annotations

import datetime as dt

from fsrs import Scheduler

from assistant.learning.clock import Clock, aware
from assistant.learning.review import Review
from assistant.learning.sessions import MockExam, PracticeSession
from assistant.learning.stats import Stats
from assistant.learning.stored_questions import load_questions, question_data
from assistant.learning.types import ExamResult
from assistant.learning.wrong_book import WrongBook
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.records import Records, ReviewCard, User, utcnow


class LearningService:
    """Entry point for the CLI and the web app: users, sessions, wrong book, review, stats."""

    def __init__(self, records: Records, quiz: QuizService, *, scheduler: Scheduler | None = None,
                 clock: Clock = utcnow, tz: dt.tzinfo | None = None, mastery_streak: int = 2,
                 easy_ms: int | None = None):
        self.records = records
        self.quiz = quiz
        self.clock = clock
        self.review = Review(records, quiz, scheduler=scheduler, clock=clock, easy_ms=easy_ms, tz=tz)
        self.wrong_book = WrongBook(records, quiz, mastery_streak=mastery_streak)
        self.stats = Stats(records, self.review)

    # users
    def user(self, name: str, role: str = "staff") -> User:
        """The user called ``name`` (created on first use)."""
        return self.records.ensure_user(name, role)

    # the one outcome path
    def apply_outcome(self, user_id: int, question: Question, correct: bool, *, at: dt.datetime,
                      duration_ms: int | None) -> ReviewCard:
        if correct:
            self.wrong_book.hit(user_id, question.id, at)
        else:
            self.wrong_book.missed(user_id, question, at)
        return self.review.rate(user_id, question, correct, at=at, duration_ms=duration_ms)

    def article_text(self, article_id: int) -> str:
        try:
            return self.quiz.store.get_article(article_id).text
        except NotFoundError:
            return ""

    # practice
    def start_practice(self, user: User | str, questions: list[Question], *, mode: str = "practice",
                       scope: dict | None = None, seed: int | None = None) -> PracticeSession:
        """A practice session over ``questions`` (mode: practice / review / wrong)."""
        if not questions:
            raise XuefaError("没有可练习的题目")
        user = self.user(user) if isinstance(user, str) else user
        attempt = self.records.start_attempt(user.id, mode, [question_data(q) for q in questions],
                                             started_at=aware(self.clock()), scope=scope, seed=seed)
        return PracticeSession(self, user, attempt.id, questions)

    def resume_practice(self, attempt_id: int) -> PracticeSession:
        """Continue a practice after a restart (web app reload): next unanswered question."""
        attempt = self.records.get_attempt(attempt_id)
        questions = load_questions(self.records, attempt.question_ids)
        answers = self.records.answers_of(attempt_id)
        return PracticeSession(self, self.records.user_by_id(attempt.user_id), attempt_id, questions,
                               position=len(answers), correct=sum(a.correct for a in answers))

    # exams
    def start_exam(self, user: User | str, questions: list[Question], *, time_limit_minutes: float = 60,
                   pass_mark: float = 60, total_points: float = 100, config: dict | None = None) -> MockExam:
        """A timed mock exam (defaults as the yearly exam: 100 points, pass at 60)."""
        if not questions:
            raise XuefaError("试卷没有题目")
        if time_limit_minutes <= 0:
            raise XuefaError("考试时长必须大于 0")
        user = self.user(user) if isinstance(user, str) else user
        now = aware(self.clock())
        attempt = self.records.start_attempt(user.id, "exam", [question_data(q) for q in questions],
                                             started_at=now, scope=config, seed=(config or {}).get("seed"))
        exam = self.records.create_exam(attempt_id=attempt.id, user_id=user.id, config=config or {},
                                        time_limit_s=int(round(time_limit_minutes * 60)), pass_mark=pass_mark,
                                        total_points=total_points, started_at=now)
        return MockExam(self, user, exam, questions)

    def resume_exam(self, exam_id: int) -> MockExam:
        """The exam as stored (answers so far); submitted automatically if its time is over."""
        exam = self.records.get_exam(exam_id)
        attempt = self.records.get_attempt(exam.attempt_id)
        questions = load_questions(self.records, attempt.question_ids)
        responses = {a.position: a.response for a in self.records.answers_of(attempt.id)}
        mock = MockExam(self, self.records.user_by_id(exam.user_id), exam, questions, responses)
        mock.check_time()
        return mock

    def submit_overdue_exams(self) -> list[ExamResult]:
        """Submit every open exam whose time is over (e.g. the browser was closed)."""
        now = aware(self.clock())
        return [self.resume_exam(e.id).result for e in self.records.open_exams() if e.deadline <= now]
