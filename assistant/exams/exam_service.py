"""The office's 学法考试: admins set exams for everyone, departments or named people; staff
take them on the server's clock; the office reads the results.

An exam is drawn from its blueprint when it is created (so a scope too small for it is refused
with the numbers before anyone is assigned). Each person's attempt is a sitting: its paper (the
shared one, or one drawn for them with a recorded seed), options in a per-person order, a
deadline stored at the start (the earlier of start + duration and the close), answers saved as
given, and a submission made by the person, by the first request after the deadline, or by
:meth:`submit_overdue` (run by the server every few seconds).
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from pathlib import Path
from typing import Any, Iterable, Protocol

from assistant.accounts.audience import Audience
from assistant.exams.export import RESULT_HEADER, paper_docx, result_rows, results_xlsx
from assistant.exams.papers import ShortPaperError, draw_paper, person_seed, shuffle_options
from assistant.exams.results import build_report
from assistant.exams.types import MAX_QUESTIONS, Blueprint, ExamReport, ExamSpec, MyExam
from assistant.learning.clock import Clock, aware
from assistant.learning.learning_service import LearningService
from assistant.learning.sessions import MockExam
from assistant.learning.stored_questions import load_questions, question_data
from assistant.learning.types import ExamResult
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import QTYPES, Question, QuizScope
from knowledge.errors import NotFoundError, PermissionDeniedError, XuefaError
from knowledge.store.audit import AuditLog
from knowledge.store.office_exams import ExamSitting, OfficeExam, OfficeExams
from knowledge.store.records import Records, utcnow

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 200
MAX_ANSWER_CHARS = 200  # a 填空 answer; choices are letters
PRACTICE_WINDOW = dt.timedelta(days=30)
__all__ = ["ExamService", "RESULT_HEADER"]


class Membership(Protocol):
    """Departments as the exam service needs them (``knowledge.store.departments.Departments``)."""

    def list(self) -> list:
        """The departments (each with ``id`` and ``name``)."""

    def membership(self) -> dict[int, str]:
        """user id → department name (users without one are absent)."""

    def member_ids(self, names: Iterable[str]) -> set[int]:
        """The users in the departments of these names."""


class ExamService:
    def __init__(self, records: Records, exams: OfficeExams, quiz: QuizService, learning: LearningService, *,
                 members: Membership, audit: AuditLog, clock: Clock = utcnow):
        self.records = records
        self.exams = exams
        self.quiz = quiz
        self.learning = learning
        self.members = members
        self.audit = audit
        self.clock = clock

    def now(self) -> dt.datetime:
        return aware(self.clock())

    # ---- admins ---------------------------------------------------------------------------
    def create(self, spec: ExamSpec, actor: str) -> OfficeExam:
        """Check the spec, draw the paper (refused when the scope is too small), store, log."""
        self._check_spec(spec)
        seed = spec.seed if spec.seed is not None else random.SystemRandom().randrange(2 ** 31)
        paper = draw_paper(self.quiz, spec.blueprint, seed)
        self.records.save_questions([question_data(q) for q in paper])
        exam = self.exams.create(
            title=spec.title.strip(), blueprint=spec.blueprint.to_dict(), audience=spec.audience.to_dict(),
            seed=seed, paper=[q.id for q in paper], time_limit_s=int(round(spec.minutes * 60)),
            pass_mark=spec.pass_mark, total_points=spec.blueprint.total_points, opens_at=aware(spec.opens_at),
            closes_at=aware(spec.closes_at), max_attempts=spec.max_attempts, retake=spec.retake,
            per_person=spec.per_person, results_after_close=spec.results_after_close, kind=spec.kind,
            created_by=actor)
        self.audit.log(actor, "exam.create", exam.title, {"exam_id": exam.id, "questions": len(paper),
                                                          "audience": spec.audience.to_dict(), "seed": seed})
        return exam

    def _check_spec(self, spec: ExamSpec) -> None:
        bp = spec.blueprint
        if not spec.title.strip() or len(spec.title) > MAX_TITLE_CHARS:
            raise XuefaError(f"考试名称须为 1–{MAX_TITLE_CHARS} 个字符。")
        if set(bp.counts) - set(QTYPES) or any(n < 0 for n in bp.counts.values()):
            raise XuefaError(f"题型只能是{'、'.join(QTYPES)}，题量不能为负。")
        if not 1 <= bp.size <= MAX_QUESTIONS:
            raise XuefaError(f"总题量应在 1–{MAX_QUESTIONS} 之间。")
        if any(not 0 < bp.points.get(t, 0) <= 100 for t in bp.types()):
            raise XuefaError("每题分值应大于 0、不超过 100。")
        if not 0 < spec.pass_mark <= bp.total_points:
            raise XuefaError(f"及格分应大于 0、不超过总分 {bp.total_points:g}。")
        if not 1 <= spec.minutes <= 600:
            raise XuefaError("考试时长应在 1–600 分钟之间。")
        if not 1 <= spec.max_attempts <= 10:
            raise XuefaError("允许的考试次数应在 1–10 之间。")
        if aware(spec.closes_at) <= aware(spec.opens_at) or aware(spec.closes_at) <= self.now():
            raise XuefaError("截止时间须晚于开始时间和当前时间。")
        if not self.audience_ids(spec.audience):
            raise XuefaError("请指定参加考试的人员（全体、科室或个人），且其中至少有一人。")

    def list_exams(self) -> list[OfficeExam]:
        return self.exams.list()

    def get(self, exam_id: int) -> OfficeExam:
        return self.exams.get(exam_id)

    def close(self, exam_id: int, actor: str) -> OfficeExam:
        """End an exam now; running attempts are submitted with what they answered."""
        exam = self.exams.close_now(exam_id, self.now())
        self.audit.log(actor, "exam.close", exam.title, {"exam_id": exam_id})
        self.submit_overdue()
        return exam

    def report(self, exam_id: int) -> ExamReport:
        """Participation, pass rate, scores, departments, questions and the most missed articles."""
        self.submit_overdue()
        exam = self.exams.get(exam_id)
        names = {u.id: u.name for u in self.records.list_users()}
        return build_report(exam, self.audience_ids(Audience.from_dict(exam.audience)), names,
                            self.members.membership(), self.exams.sittings_with_exams(exam_id), self.records)

    def export_results(self, exam_id: int, path: str | Path, tz: dt.tzinfo) -> Path:
        """The results workbook (.xlsx): people, departments, questions, most missed articles."""
        return results_xlsx(self.report(exam_id), path, tz)

    def export_paper(self, exam_id: int, path: str | Path) -> Path:
        """The paper with key and explanations (.docx); per-person papers with the blueprint."""
        exam = self.exams.get(exam_id)
        people = self.person_papers(exam_id) if exam.per_person else []
        return paper_docx(exam, self.paper(exam_id), people, path)

    @staticmethod
    def result_rows(report: ExamReport, tz: dt.tzinfo) -> list[list]:
        """The results table as rows (RESULT_HEADER order)."""
        return result_rows(report, tz)

    def paper(self, exam_id: int) -> list[Question]:
        """The shared paper (for per-person exams: the blueprint drawn with the exam's seed)."""
        return load_questions(self.records, self.exams.get(exam_id).paper)

    def person_papers(self, exam_id: int) -> list[tuple[str, int, list[Question]]]:
        """(name, attempt number, paper as that person saw it) for every sitting."""
        names = {u.id: u.name for u in self.records.list_users()}
        out = []
        for sitting, exam_row in self.exams.sittings_with_exams(exam_id):
            attempt = self.records.get_attempt(exam_row.attempt_id)
            out.append((names.get(sitting.user_id, "?"), sitting.attempt_no,
                        load_questions(self.records, attempt.question_ids)))
        return out

    def practice_from_misses(self, exam_id: int, actor: str, *, top: int = 10) -> OfficeExam:
        """A practice set on the articles the office missed most, for the same people."""
        exam = self.exams.get(exam_id)
        missed = [m.article_id for m in self.report(exam_id).missed_articles[:top]]
        if not missed:
            raise XuefaError("这场考试还没有答错的条文。")
        counts = {"单选": min(len(missed), 10), "判断": min(len(missed), 5)}
        now = self.now()
        spec = ExamSpec(title=f"{exam.title} · 易错条文练习"[:MAX_TITLE_CHARS],
                        blueprint=Blueprint(scope=QuizScope(article_ids=missed), counts=counts,
                                            points={"单选": 1.0, "判断": 1.0}),
                        audience=Audience.from_dict(exam.audience), opens_at=now, closes_at=now + PRACTICE_WINDOW,
                        minutes=30, pass_mark=1, max_attempts=10, kind="practice")
        try:
            return self.create(self._fit_pass_mark(spec), actor)
        except ShortPaperError as short:  # the few articles do not carry that many: ask what they do
            spec.blueprint.counts = {t: n for t, n in short.got.items() if n}
            return self.create(self._fit_pass_mark(spec), actor)

    @staticmethod
    def _fit_pass_mark(spec: ExamSpec) -> ExamSpec:
        spec.pass_mark = round(spec.blueprint.total_points * 0.6, 2) or 1
        return spec

    # ---- who is assigned ------------------------------------------------------------------
    def audience_ids(self, audience: Audience) -> set[int]:
        """The users an audience names now (everyone: every user who can log in)."""
        return audience.user_ids_now(self.records.list_users(), self.members)

    def _assigned(self, exam: OfficeExam, user_id: int) -> bool:
        return user_id in self.audience_ids(Audience.from_dict(exam.audience)) \
            or bool(self.exams.sittings(exam.id, user_id=user_id))

    def _require_assigned(self, exam: OfficeExam, user_id: int) -> None:
        if not self._assigned(exam, user_id):
            raise PermissionDeniedError("你没有被安排参加这场考试。")

    # ---- staff ----------------------------------------------------------------------------
    def my_exams(self, user) -> list[MyExam]:
        """The exams assigned to ``user``: open ones first (nearest deadline), then the rest."""
        self.submit_overdue()
        now = self.now()
        mine = [e for e in self.exams.list() if self._assigned(e, user.id)]
        views = [self._my_view(e, user.id, now) for e in mine]
        order = {"进行中": 0, "待参加": 1, "未开始": 2, "已完成": 3, "已截止": 4}
        return sorted(views, key=lambda v: (order[v.status], v.closes_at))

    def _my_view(self, exam: OfficeExam, user_id: int, now: dt.datetime) -> MyExam:
        rows = self._my_sittings(exam.id, user_id)
        running = next((e for _, e in rows if e.submitted_at is None), None)
        done = [e for _, e in rows if e.submitted_at is not None]
        best = max(done, key=lambda e: e.score or 0.0, default=None)
        allowed = self._allowed(exam, done)
        visible = self.results_visible(exam, now)
        status = self._status(exam, now, running is not None, bool(done), len(rows) < allowed)
        return MyExam(exam_id=exam.id, title=exam.title, kind=exam.kind, opens_at=exam.opens_at,
                      closes_at=exam.closes_at, minutes=exam.time_limit_s / 60, questions=len(exam.paper),
                      total_points=exam.total_points, pass_mark=exam.pass_mark, status=status,
                      attempts_used=len(rows), attempts_allowed=allowed,
                      can_start=running is None and status == "待参加",
                      in_progress_exam_id=running.id if running else None,
                      score=best.score if best and visible else None, passed=best.passed if best and visible else None,
                      results_visible=visible)

    @staticmethod
    def _status(exam: OfficeExam, now: dt.datetime, running: bool, submitted: bool, attempts_left: bool) -> str:
        if running:
            return "进行中"
        if now < exam.opens_at:
            return "未开始"
        if now < exam.closes_at and attempts_left:
            return "待参加"
        return "已完成" if submitted else "已截止"

    @staticmethod
    def _allowed(exam: OfficeExam, done) -> int:
        """Attempts allowed: the exam's number, plus one 补考 for who failed them all."""
        failed_all = bool(done) and not any(e.passed for e in done)
        return exam.max_attempts + (1 if exam.retake and failed_all and len(done) >= exam.max_attempts else 0)

    @staticmethod
    def results_visible(exam: OfficeExam, now: dt.datetime) -> bool:
        return not exam.results_after_close or now >= exam.closes_at

    def _my_sittings(self, exam_id: int, user_id: int):
        return [(s, self.records.get_exam(s.exam_id)) for s in self.exams.sittings(exam_id, user_id=user_id)]

    def start(self, user, exam_id: int) -> MockExam:
        """The running attempt of ``user`` (resumed with the time left), or a new one."""
        exam = self.exams.get(exam_id)
        self._require_assigned(exam, user.id)
        running = self.current(user, exam_id)
        if running is not None:
            return running
        now = self.now()
        if now < exam.opens_at:
            raise XuefaError(f"考试尚未开始（{exam.opens_at:%Y-%m-%d %H:%M} UTC 开始）。")
        if now >= exam.closes_at:
            raise XuefaError("考试已经截止。")
        done = [e for _, e in self._my_sittings(exam_id, user.id)]
        if any(e.submitted_at is None for e in done):  # another device started it a moment ago
            running = self.current(user, exam_id)
            if running is not None:
                return running
        if len(done) >= self._allowed(exam, done):
            raise XuefaError("你已用完这场考试的作答次数。")
        return self._new_sitting(exam, user.id, len(done) + 1, now)

    def _new_sitting(self, exam: OfficeExam, user_id: int, attempt_no: int, now: dt.datetime) -> MockExam:
        bp = Blueprint.from_dict(exam.blueprint)
        seed = person_seed(exam.seed, user_id, attempt_no)
        questions = self._paper_for(exam, bp, seed)
        if bp.shuffle_options:
            questions = shuffle_options(questions, seed)
        config = {"office_exam_id": exam.id, "title": exam.title, "points": [bp.points[q.qtype] for q in questions]}
        deadline = min(now + dt.timedelta(seconds=exam.time_limit_s), exam.closes_at)
        sitting, _ = self.exams.start_sitting(
            office_exam_id=exam.id, user_id=user_id, attempt_no=attempt_no,
            questions=[question_data(q) for q in questions], seed=seed, started_at=now, deadline=deadline,
            config=config, time_limit_s=exam.time_limit_s, pass_mark=exam.pass_mark,
            total_points=exam.total_points)
        return self.learning.resume_exam(sitting.exam_id)

    def _paper_for(self, exam: OfficeExam, bp: Blueprint, seed: int) -> list[Question]:
        shared = load_questions(self.records, exam.paper)
        if not exam.per_person:
            return shared
        try:
            return draw_paper(self.quiz, bp, seed)
        except (ShortPaperError, NotFoundError):  # the knowledge base changed since: the shared paper
            return shared

    def current(self, user, exam_id: int) -> MockExam | None:
        """The attempt of ``user`` still running (submitted by itself once its time is over)."""
        for sitting in self.exams.sittings(exam_id, user_id=user.id):
            if self.records.get_exam(sitting.exam_id).submitted_at is None:
                mock = self.learning.resume_exam(sitting.exam_id)
                if not mock.submitted:
                    return mock
        return None

    def sitting_of(self, user, exam_row_id: int) -> ExamSitting:
        """The sitting behind a timer row, checked to be ``user``'s."""
        for sitting in self.exams.sittings(user_id=user.id):
            if sitting.exam_id == exam_row_id:
                return sitting
        raise PermissionDeniedError("这不是你的考试。")

    def answer(self, user, exam_id: int, question_id: str, response: Any) -> None:
        """Save one answer of the running attempt. Refused (nothing stored) for someone not
        assigned, after the time or the close, and for a question not on this person's paper."""
        exam = self.exams.get(exam_id)
        self._require_assigned(exam, user.id)
        mock = self.current(user, exam_id)
        if mock is None:
            raise XuefaError("没有进行中的考试（时间已到或已交卷），答案未保存。")
        position = next((i for i, q in enumerate(mock.questions) if q.id == question_id), None)
        if position is None:
            raise XuefaError("这道题不在你的试卷上，答案未保存。")
        if not mock.answer(position, _bounded(response)):
            raise XuefaError("考试时间已到，答案未保存；已按时自动交卷。")

    def submit(self, user, exam_id: int) -> ExamResult | None:
        """Hand in the running attempt; its result, or None while results wait for the close."""
        exam = self.exams.get(exam_id)
        self._require_assigned(exam, user.id)
        mock = self.current(user, exam_id)
        if mock is None:
            raise XuefaError("没有进行中的考试。")
        result = mock.submit()
        return result if self.results_visible(exam, self.now()) else None

    def review(self, user, exam_id: int) -> ExamResult | None:
        """The best submitted attempt with every question, key and answer; None while hidden."""
        exam = self.exams.get(exam_id)
        self._require_assigned(exam, user.id)
        if not self.results_visible(exam, self.now()):
            return None
        done = [e for _, e in self._my_sittings(exam_id, user.id) if e.submitted_at is not None]
        if not done:
            return None
        best = max(done, key=lambda e: (e.score or 0.0, -e.id))
        return self.learning.resume_exam(best.id).submit()  # submitted already: just its result

    def sweep(self, interval: float, stop: threading.Event) -> None:
        """Submit overdue attempts every ``interval`` seconds until ``stop`` is set (the
        server's thread: a closed tab still gets its attempt submitted on time)."""
        while not stop.wait(interval):
            try:
                self.submit_overdue()
            except Exception:  # a database hiccup must not end the thread
                log.exception("submitting overdue exam attempts failed")

    def submit_overdue(self) -> int:
        """Submit every sitting whose time is over with what was answered; how many."""
        overdue = self.exams.open_sittings(self.now())
        for sitting in overdue:
            self.learning.resume_exam(sitting.exam_id)  # submits itself past the deadline
        return len(overdue)


def _bounded(response: Any) -> Any:
    """Refuse answers no question needs (huge strings or lists) before they reach storage."""
    if isinstance(response, str) and len(response) > MAX_ANSWER_CHARS:
        raise XuefaError(f"答案过长（最多 {MAX_ANSWER_CHARS} 个字符）。")
    if isinstance(response, (list, tuple)) and (len(response) > 8 or any(len(str(x)) > 4 for x in response)):
        raise XuefaError("答案格式不对。")
    return response
