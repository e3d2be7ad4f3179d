"""What the office dashboard returns: a period, each person's figures, each department's
aggregates, the weakest laws and chapters, and the office's totals — plain values, so the web
page, the CLI, the .xlsx export and the annual report all show the same numbers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.exams.types import Rates
from assistant.learning.types import Accuracy

NO_DEPARTMENT = "未分组"
INACTIVE_DAYS = 14
PERIODS = {"week": "本周", "month": "本月", "year": "本年"}


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` (both included) in the office's time zone."""

    start: dt.date
    end: dt.date
    name: str = ""  # week | month | year | "" (explicit dates)

    @property
    def label(self) -> str:
        head = PERIODS.get(self.name, "")
        span = f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
        return f"{head}（{span}）" if head else span

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class ExamLine:
    """One person's result in one exam (an office exam, or their mock exams together)."""

    title: str
    exam_id: int | None  # the office exam; None for mock exams
    status: str  # 未参加 / 进行中 / 已交卷
    score: float | None  # best submitted score
    passed: bool | None
    attempts: int


@dataclass
class PersonFigures:
    user_id: int
    name: str
    department: str
    plan_total: int  # articles of the person's study lists
    plan_studied: int  # of those, studied by the end of the period
    mastered: int  # articles whose FSRS card reached the mastery stability (now)
    minutes_period: float
    minutes_week: float
    minutes_month: float
    minutes_year: float
    study_days: int  # in the period
    answers: int  # in the period
    correct: int
    last_study_day: dt.date | None
    inactive: bool  # no study day in the last INACTIVE_DAYS days up to the period's end
    exams: list[ExamLine] = field(default_factory=list)

    @property
    def completion(self) -> float | None:
        """Share of the person's study lists studied; None without a list."""
        return self.plan_studied / self.plan_total if self.plan_total else None

    @property
    def active(self) -> bool:
        """Studied in the period (a study day: active time or an answer)."""
        return self.study_days > 0

    @property
    def exam_assigned(self) -> int:
        return len(self.exams)

    @property
    def exam_submitted(self) -> int:
        return sum(e.status == "已交卷" for e in self.exams)

    @property
    def exam_passed(self) -> int:
        return sum(bool(e.passed) for e in self.exams if e.status == "已交卷")

    @property
    def best_score(self) -> float | None:
        scores = [e.score for e in self.exams if e.score is not None]
        return max(scores) if scores else None


@dataclass(frozen=True)
class GroupFigures:
    """Aggregates over a group of people (a department, or the whole office)."""

    name: str
    staff: int
    active: int  # studied in the period
    mean_minutes: float  # active minutes in the period, per person
    total_minutes: float
    mean_completion: float | None  # over the people who have a study list
    completed: int  # people who studied every article of their lists
    with_plans: int
    mastered: int
    inactive: int
    exam_assigned: int  # person × exam pairs (mock exams: people)
    exam_submitted: int
    exam_passed: int
    mean_score: float | None  # best score per submitted pair

    @property
    def participation(self) -> float:
        return self.active / self.staff if self.staff else 0.0

    @property
    def exam_participation(self) -> float:
        return self.exam_submitted / self.exam_assigned if self.exam_assigned else 0.0

    @property
    def pass_rate(self) -> float:
        return self.exam_passed / self.exam_submitted if self.exam_submitted else 0.0

    @property
    def mean_hours(self) -> float:
        return self.mean_minutes / 60


@dataclass(frozen=True)
class WeakArea(Accuracy):
    """Accuracy over the answers given in the period on one law (chapter "") or one chapter."""

    law: str
    chapter: str
    answered: int
    correct: int


@dataclass(frozen=True)
class LawStudied(Accuracy):
    """A law studied in the period: articles studied (person × article) and by how many people."""

    law: str
    people: int
    articles: int
    answered: int
    correct: int


@dataclass(frozen=True)
class ExamSummary(Rates):
    """One office exam in the period (or all mock exams together)."""

    title: str
    exam_id: int | None
    assigned: int
    submitted: int
    passed: int
    mean_score: float | None


@dataclass
class Dashboard:
    period: Period
    as_of: dt.date  # the day the week / month / year minutes and the inactivity are counted to
    exam_source: str  # office | mock | none
    people: list[PersonFigures]
    departments: list[GroupFigures]
    office: GroupFigures
    weakest_laws: list[WeakArea]
    weakest_chapters: list[WeakArea]
    laws_studied: list[LawStudied]
    exams: list[ExamSummary]
    min_answers: int
    plans: int = 0  # study lists in force in the period (deadline not before its start)

    @property
    def inactive(self) -> list[PersonFigures]:
        return [p for p in self.people if p.inactive]

    def department(self, name: str) -> GroupFigures | None:
        return next((d for d in self.departments if d.name == name), None)
