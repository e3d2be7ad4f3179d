"""What the learning services return: feedback after an answer, session and exam results,
the due queue, wrong-book items and per-user stats."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assistant.quiz.types import Question


@dataclass
class Feedback:
    """What practice shows right after an answer."""

    position: int
    question: Question
    response: Any
    correct: bool
    answer_text: str  # the key as shown: B / A、C / 正确 / 三十日
    explanation: str  # quotes the article verbatim
    article_text: str  # the whole article, verbatim from the store ("" if it left the store)
    citation: str  # 《…》第N条
    remaining: int  # questions left in the session
    added_to_wrong_book: bool
    next_review: dt.datetime | None  # when FSRS schedules this article again


class Accuracy:
    """``accuracy`` for records that count ``answered`` and ``correct``."""

    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass
class SessionSummary(Accuracy):
    attempt_id: int
    total: int
    answered: int
    correct: int


@dataclass
class QuestionReview:
    """One question of a submitted exam, for the per-question review."""

    position: int
    question: Question
    response: Any
    correct: bool
    points: float


@dataclass
class ExamResult:
    exam_id: int
    attempt_id: int
    score: float
    total_points: float
    pass_mark: float
    passed: bool
    correct: int
    total: int
    time_used: dt.timedelta
    time_limit: dt.timedelta
    auto_submitted: bool
    items: list[QuestionReview] = field(default_factory=list)

    @property
    def by_type(self) -> dict[str, tuple[int, int]]:
        """(correct, total) per question type."""
        out: dict[str, tuple[int, int]] = {}
        for it in self.items:
            c, t = out.get(it.question.qtype, (0, 0))
            out[it.question.qtype] = (c + it.correct, t + 1)
        return out


@dataclass
class DueItem:
    article_id: int
    law: str
    article: str
    chapter: str
    due: dt.datetime
    state: str  # 学习中 / 复习 / 重学
    reps: int
    lapses: int
    note: str = ""  # why it is due: a new version of its law changed the article


@dataclass
class WrongItem:
    question: Question
    wrong_count: int
    right_streak: int
    added_at: dt.datetime
    last_wrong_at: dt.datetime
    mastered_at: dt.datetime | None
    article_text: str


@dataclass
class DayAccuracy(Accuracy):
    day: dt.date
    answered: int
    correct: int


@dataclass
class Mastery(Accuracy):
    """How well a user knows a law (or one chapter of it)."""

    law: str
    chapter: str  # "" for the whole law
    answered: int
    correct: int
    articles_studied: int  # articles with an FSRS card
    articles_mastered: int  # mature (stability ≥ 21 days) and recall probability ≥ 90 % now
    mean_retrievability: float


@dataclass
class ExamScore:
    exam_id: int
    started_at: dt.datetime
    score: float | None
    passed: bool | None
    time_used: dt.timedelta | None
    auto_submitted: bool


@dataclass
class UserStats(Accuracy):
    user: str
    answered: int
    correct: int
    daily: list[DayAccuracy]
    by_law: list[Mastery]
    by_chapter: list[Mastery]
    due_now: int
    due_today: int
    cards: int
    wrong_open: int
    exams: list[ExamScore]
