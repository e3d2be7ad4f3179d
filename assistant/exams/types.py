"""What an office exam is made of (blueprint, audience, the admin's settings) and what the
exam service returns (a staff member's view of an exam, the office's results)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.accounts.audience import Audience
from assistant.quiz.types import QTYPES, QuizScope

DEFAULT_COUNTS = {"单选": 20, "多选": 10, "判断": 15}
DEFAULT_POINTS = {"单选": 2.0, "多选": 3.0, "判断": 2.0}  # 40 + 30 + 30 = 100
MAX_QUESTIONS = 200
NO_DEPARTMENT = "未分组"


@dataclass
class Blueprint:
    """What a paper is drawn from: the scope, how many questions of each type and their points."""

    scope: QuizScope = field(default_factory=QuizScope)
    counts: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_COUNTS))
    points: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    shuffle_options: bool = True

    @property
    def total_points(self) -> float:
        return round(sum(n * self.points.get(t, 0.0) for t, n in self.counts.items()), 2)

    @property
    def size(self) -> int:
        return sum(self.counts.values())

    def types(self) -> list[str]:
        """Types in paper order (单选, 多选, 判断, 填空), those asked for."""
        return [t for t in QTYPES if self.counts.get(t)]

    def to_dict(self) -> dict:
        return {"scope": self.scope.to_dict(), "counts": dict(self.counts), "points": dict(self.points),
                "shuffle_options": self.shuffle_options}

    @classmethod
    def from_dict(cls, d: dict) -> "Blueprint":
        return cls(scope=QuizScope(**d.get("scope", {})), counts={k: int(v) for k, v in d["counts"].items()},
                   points={k: float(v) for k, v in d["points"].items()},
                   shuffle_options=bool(d.get("shuffle_options", True)))


@dataclass
class ExamSpec:
    """An exam as an admin sets it (web form or `xuefa exam create`)."""

    title: str
    blueprint: Blueprint
    audience: Audience
    opens_at: dt.datetime
    closes_at: dt.datetime
    minutes: float = 60
    pass_mark: float = 60
    max_attempts: int = 1
    retake: bool = False  # one more attempt for those who failed
    per_person: bool = False  # a paper per person drawn from the blueprint (seed recorded)
    results_after_close: bool = False
    seed: int | None = None
    kind: str = "exam"  # exam | practice (a practice set: not part of the office's pass rate)


@dataclass
class MyExam:
    """One assigned exam as a staff member sees it."""

    exam_id: int
    title: str
    kind: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    minutes: float
    questions: int
    total_points: float
    pass_mark: float
    status: str  # 未开始 / 待参加 / 进行中 / 已完成 / 已截止
    attempts_used: int
    attempts_allowed: int
    can_start: bool
    in_progress_exam_id: int | None  # the timer row of the running attempt
    score: float | None  # best submitted score, None until visible
    passed: bool | None
    results_visible: bool


@dataclass
class PersonResult:
    """One assigned person's line of the results table (their best attempt)."""

    user_id: int
    name: str
    department: str
    status: str  # 未参加 / 进行中 / 已交卷
    attempt_no: int | None
    attempts: int
    score: float | None
    passed: bool | None
    started_at: dt.datetime | None
    submitted_at: dt.datetime | None
    time_used: dt.timedelta | None
    auto_submitted: bool = False


class Rates:
    """Participation (submitted / assigned) and pass rate (passed / submitted)."""

    assigned: int
    submitted: int
    passed: int

    @property
    def participation(self) -> float:
        return self.submitted / self.assigned if self.assigned else 0.0

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submitted if self.submitted else 0.0


@dataclass
class DepartmentResult(Rates):
    department: str
    assigned: int
    submitted: int
    passed: int
    mean_score: float | None


@dataclass
class QuestionStat:
    """How the office did on one question of the paper (shuffled variants counted together)."""

    question_id: str
    qtype: str
    stem: str
    law: str
    article: str
    article_id: int
    asked: int
    correct: int

    @property
    def correct_rate(self) -> float:
        return self.correct / self.asked if self.asked else 0.0


@dataclass
class MissedArticle:
    article_id: int
    law: str
    article: str
    asked: int
    missed: int

    @property
    def miss_rate(self) -> float:
        return self.missed / self.asked if self.asked else 0.0


@dataclass
class ExamReport(Rates):
    """The admin's view of one exam."""

    exam_id: int
    title: str
    closes_at: dt.datetime
    pass_mark: float
    total_points: float
    people: list[PersonResult]
    departments: list[DepartmentResult]
    questions: list[QuestionStat]
    missed_articles: list[MissedArticle]

    @property
    def assigned(self) -> int:
        return len(self.people)

    @property
    def started(self) -> int:
        return sum(p.status != "未参加" for p in self.people)

    @property
    def submitted(self) -> int:
        return sum(p.status == "已交卷" for p in self.people)

    @property
    def passed(self) -> int:
        return sum(bool(p.passed) for p in self.people)

    def score_bands(self) -> list[tuple[str, int]]:
        """Submitted scores in bands of a tenth of the total (the distribution plot)."""
        edges = [0.6, 0.7, 0.8, 0.9]
        names = ["0–59%", "60–69%", "70–79%", "80–89%", "90–100%"]
        counts = [0] * 5
        for p in self.people:
            if p.score is not None and p.status == "已交卷":
                share = p.score / self.total_points if self.total_points else 0.0
                counts[sum(share >= e for e in edges)] += 1
        return list(zip(names, counts))
