"""The office dashboard (学习看板): for a period of local days, each person's study-list
completion, mastered articles, active minutes, last study day and exam results; the same per
department and for the office; the weakest laws and chapters; who has not studied for two weeks.

Definitions (the README states them for admins):
- the people counted: accounts that can log in, except admins without a department (the
  system's administrator account is not a member of staff);
- a study day: :func:`assistant.study.progress.study_days` (active time of a minute or more, or
  an answer given); participation: the share of people with a study day in the period;
- completion: articles of the person's study lists studied by the period's end over the lists'
  articles (summed over lists, each computed by :func:`~assistant.study.progress.plan_progress`);
  mastered: FSRS stability at the study service's mastery threshold (as of now);
- active minutes: the heartbeat time of ``study_time``; week / month / year are the calendar week
  (from Monday), month and year that contain the period's last day;
- exams: the office exams (kind exam) whose window meets the period, each person's best
  submitted attempt as the exam's report counts it; when there is none, the mock exams
  submitted in the period (exam rows not tied to an office sitting): everyone counts as
  assigned, a person's best score, passed when any of them passed;
- weakest areas: accuracy over the answers given in the period (every mode), laws and chapters
  with at least ``min_answers`` answers, worst first.

Rows are read in a few queries over the whole office (no per-person loop over big tables).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

from assistant.exams.exam_service import ExamService
from assistant.learning.clock import Clock, aware
from assistant.office.annual_report import annual_report_docx
from assistant.office.tables import dashboard_xlsx, tables
from assistant.office.types import (
    INACTIVE_DAYS,
    NO_DEPARTMENT,
    Dashboard,
    ExamLine,
    ExamSummary,
    GroupFigures,
    LawStudied,
    Period,
    PersonFigures,
    WeakArea,
)
from assistant.study.progress import STUDY_DAY_SECONDS, plan_progress, study_days
from assistant.study.study_service import StudyService
from knowledge.errors import XuefaError
from knowledge.store.records import Answer, User, utcnow

MIN_ANSWERS = 10
WEAKEST = 10
MOCK_TITLE = "模拟考试"
MAX_PERIOD_DAYS = 366 * 3


class OfficeDashboard:
    def __init__(self, study: StudyService, exams: ExamService, *, members, tz: dt.tzinfo, clock: Clock = utcnow,
                 min_answers: int = MIN_ANSWERS):
        self.study = study
        self.exams = exams
        self.records = study.records
        self.members = members
        self.tz = tz
        self.clock = clock
        self.min_answers = min_answers

    # ---- periods -------------------------------------------------------------------------------
    def today(self) -> dt.date:
        return aware(self.clock()).astimezone(self.tz).date()

    def period(self, name: str | None = "month", start: dt.date | None = None, end: dt.date | None = None) -> Period:
        """``week`` / ``month`` / ``year`` up to today, or the explicit days (the end is
        brought back to today: days to come have no records)."""
        today = self.today()
        if start is not None or end is not None:
            end = min(end or today, today)
            start = start or end.replace(month=1, day=1)
            if start > end:
                raise XuefaError(f"统计期间不对：{start} 晚于 {end}（或尚未开始）")
            if (end - start).days > MAX_PERIOD_DAYS:
                raise XuefaError("统计期间最长三年")
            return Period(start, end, "")
        firsts = {"week": today - dt.timedelta(days=today.weekday()), "month": today.replace(day=1),
                  "year": today.replace(month=1, day=1)}
        if name not in firsts:
            raise XuefaError(f"统计期间只能是 week / month / year：{name}")
        return Period(firsts[name], today, name)

    def year(self, year: int) -> Period:
        """The calendar year (up to today when it is the current one)."""
        return self.period(None, dt.date(year, 1, 1), dt.date(year, 12, 31))

    def departments(self) -> list[str]:
        """The department names a filter may choose (未分组 last)."""
        return [d.name for d in self.members.list()] + [NO_DEPARTMENT]

    # ---- the dashboard ---------------------------------------------------------------------------
    def build(self, period: Period | None = None, *, department: str | None = None) -> Dashboard:
        period = period or self.period("month")
        membership = self.members.membership()
        people = [u for u in self.people(membership)
                  if not department or membership.get(u.id, NO_DEPARTMENT) == department]
        ids = [u.id for u in people]
        answers = self.records.answers_between(self._utc(period.start), self._utc(period.end + dt.timedelta(days=1)),
                                               user_ids=ids) if ids else []
        figures = self._people_figures(people, membership, period, answers)
        exam_source, summaries = self._exams(figures, period)
        groups = defaultdict(list)
        for p in figures:
            groups[p.department].append(p)
        order = sorted(groups, key=lambda d: (d == NO_DEPARTMENT, d))
        weakest_laws, weakest_chapters = self._weakest(answers)
        return Dashboard(period=period, as_of=period.end, exam_source=exam_source, people=figures,
                         departments=[group(d, groups[d]) for d in order], office=group("全单位", figures),
                         weakest_laws=weakest_laws, weakest_chapters=weakest_chapters,
                         laws_studied=self._laws_studied(ids, period, answers), exams=summaries,
                         min_answers=self.min_answers, plans=len(self._plans(period)))

    # ---- files ---------------------------------------------------------------------------------
    @staticmethod
    def tables(d: Dashboard) -> list[tuple[str, list[str], list[list]]]:
        """Every table of the dashboard as (name, header, rows): the page, the CLI and the workbook."""
        return tables(d)

    def export_xlsx(self, d: Dashboard, path: str | Path) -> Path:
        """The dashboard's tables as one workbook, a sheet per table."""
        return dashboard_xlsx(d, path)

    def annual_report(self, year: int, path: str | Path) -> tuple[Dashboard, Path]:
        """The year's summary (年度学法情况) as .docx, and the figures it was written from."""
        d = self.build(self.year(year))
        return d, annual_report_docx(d, year, path, today=self.today())

    def people(self, membership: dict[int, str] | None = None) -> list[User]:
        """The people counted: who can log in, except admins without a department."""
        membership = self.members.membership() if membership is None else membership
        return [u for u in self.records.list_users()
                if u.password_hash and (u.role != "admin" or u.id in membership)]

    # ---- per person ------------------------------------------------------------------------------
    def _people_figures(self, people: list[User], membership: dict[int, str], period: Period,
                        answers: list[Answer]) -> list[PersonFigures]:
        as_of = period.end
        ids = [u.id for u in people]
        week, month, year = as_of - dt.timedelta(days=as_of.weekday()), as_of.replace(day=1), as_of.replace(
            month=1, day=1)
        seconds: dict[int, dict[dt.date, int]] = defaultdict(dict)
        for row in self.study.study.time_rows(user_ids=ids, since=min(period.start, week, year), until=as_of) \
                if ids else []:
            seconds[row.user_id][row.day] = row.seconds
        answer_days: dict[int, set[dt.date]] = defaultdict(set)
        tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for a in answers:
            answer_days[a.user_id].add(self._day(a.answered_at))
            tally[a.user_id][0] += 1
            tally[a.user_id][1] += bool(a.correct)
        completion = self._completion(ids, period)
        wanted = set(ids)
        mastered = Counter(u for u, _a in self.records.mastered_articles(self.study.mastery_days) if u in wanted)
        last = self._last_study_days(as_of)

        def minutes(uid: int, since: dt.date) -> float:
            return sum(s for d, s in seconds[uid].items() if since <= d <= as_of) / 60

        out = []
        for u in people:
            in_period = {d: s for d, s in seconds[u.id].items() if period.start <= d <= as_of}
            days = study_days(in_period, answer_days[u.id])
            total, done = completion.get(u.id, (0, 0))
            last_day = last.get(u.id)
            out.append(PersonFigures(
                user_id=u.id, name=u.name, department=membership.get(u.id, NO_DEPARTMENT), plan_total=total,
                plan_studied=done, mastered=mastered.get(u.id, 0), minutes_period=minutes(u.id, period.start),
                minutes_week=minutes(u.id, week), minutes_month=minutes(u.id, month),
                minutes_year=minutes(u.id, year), study_days=len(days), answers=tally[u.id][0],
                correct=tally[u.id][1], last_study_day=last_day,
                inactive=last_day is None or (as_of - last_day).days >= INACTIVE_DAYS))
        return sorted(out, key=lambda p: ((p.department == NO_DEPARTMENT, p.department), p.name))

    def _plans(self, period: Period) -> list:
        """The study lists in force in the period: made by its end, deadline not before its start."""
        return [p for p in self.study.plans() if p.deadline >= period.start and self._day(p.created_at) <= period.end]

    def _completion(self, ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
        """user id → (articles of their lists, of those studied by the period's end), summed over lists."""
        as_of = period.end
        plans = [(p, self.study.audience_ids(p.audience)) for p in self._plans(period)]
        studied: dict[int, dict[int, dt.date]] = defaultdict(dict)
        for row in self.study.study.all_progress(ids) if ids else []:
            if row.studied_at is not None and self._day(row.studied_at) <= as_of:
                studied[row.user_id][row.article_id] = self._day(row.studied_at)
        out = {}
        for uid in ids:
            progress = [plan_progress(p, studied[uid], set(), as_of) for p, audience in plans if uid in audience]
            out[uid] = (sum(p.total for p in progress), sum(p.studied for p in progress))
        return out

    def _last_study_days(self, as_of: dt.date) -> dict[int, dt.date]:
        last = dict(self.study.study.last_study_days(STUDY_DAY_SECONDS, as_of))
        for uid, at in self.records.last_answer_at(self._utc(as_of + dt.timedelta(days=1))).items():
            day = self._day(at)
            if uid not in last or day > last[uid]:
                last[uid] = day
        return last

    # ---- exams ---------------------------------------------------------------------------------
    def _exams(self, people: list[PersonFigures], period: Period) -> tuple[str, list[ExamSummary]]:
        """Fills each person's exam lines; (source, one summary per exam)."""
        start, end = self._utc(period.start), self._utc(period.end + dt.timedelta(days=1))
        office = [e for e in self.exams.list_exams() if e.kind == "exam" and e.opens_at < end and e.closes_at >= start]
        by_id = {p.user_id: p for p in people}
        if office:
            return "office", [self._office_exam(e, by_id) for e in sorted(office, key=lambda e: (e.opens_at, e.id))]
        sat = {s.exam_id for s in self.exams.exams.sittings()}
        mocks: dict[int, list] = defaultdict(list)
        for row in self.records.submitted_exams_between(start, end):
            if row.id not in sat and row.user_id in by_id:
                mocks[row.user_id].append(row)
        if not mocks:
            return "none", []
        for uid, p in by_id.items():
            rows = mocks.get(uid, [])
            p.exams = [ExamLine(MOCK_TITLE, None, "已交卷" if rows else "未参加",
                                max((r.score or 0.0) for r in rows) if rows else None,
                                any(bool(r.passed) for r in rows) if rows else None, len(rows))]
        return "mock", [_summary(MOCK_TITLE, None, [p.exams[0] for p in people])]

    def _office_exam(self, exam, by_id: dict[int, PersonFigures]) -> ExamSummary:
        lines = []
        for r in self.exams.report(exam.id).people:
            if r.user_id in by_id:
                line = ExamLine(exam.title, exam.id, r.status, r.score, r.passed, r.attempts)
                by_id[r.user_id].exams.append(line)
                lines.append(line)
        return _summary(exam.title, exam.id, lines)

    # ---- what was studied and where the office is weak -----------------------------------------
    def _weakest(self, answers: list[Answer]) -> tuple[list[WeakArea], list[WeakArea]]:
        laws: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        chapters: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for a in answers:
            _add(laws[a.law], a.correct)
            if a.chapter:
                _add(chapters[(a.law, a.chapter)], a.correct)
        return (_worst([WeakArea(law, "", n, c) for law, (n, c) in laws.items()], self.min_answers),
                _worst([WeakArea(law, ch, n, c) for (law, ch), (n, c) in chapters.items()], self.min_answers))

    def _laws_studied(self, ids: list[int], period: Period, answers: list[Answer]) -> list[LawStudied]:
        people: dict[str, set[int]] = defaultdict(set)
        articles: Counter = Counter()
        for row in self.study.study.all_progress(ids) if ids else []:
            if row.studied_at is not None and period.start <= self._day(row.studied_at) <= period.end:
                people[row.law].add(row.user_id)
                articles[row.law] += 1
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for a in answers:
            _add(tally[a.law], a.correct)
        out = [LawStudied(law, len(people[law]), articles[law], *tally[law]) for law in articles]
        return sorted(out, key=lambda x: (-x.articles, -x.people, x.law))

    # ---- days ----------------------------------------------------------------------------------
    def _utc(self, day: dt.date) -> dt.datetime:
        """The instant a local day starts."""
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz).astimezone(dt.timezone.utc)

    def _day(self, at: dt.datetime) -> dt.date:
        return aware(at).astimezone(self.tz).date()


def group(name: str, people: Iterable[PersonFigures]) -> GroupFigures:
    """The aggregates of a department or of the office."""
    people = list(people)
    shares = [p.completion for p in people if p.completion is not None]
    lines = [e for p in people for e in p.exams]
    scores = [e.score for e in lines if e.status == "已交卷" and e.score is not None]
    total = sum(p.minutes_period for p in people)
    return GroupFigures(
        name=name, staff=len(people), active=sum(p.active for p in people),
        mean_minutes=total / len(people) if people else 0.0, total_minutes=total,
        mean_completion=sum(shares) / len(shares) if shares else None,
        completed=sum(p.plan_total > 0 and p.plan_studied >= p.plan_total for p in people), with_plans=len(shares),
        mastered=sum(p.mastered for p in people), inactive=sum(p.inactive for p in people),
        exam_assigned=len(lines), exam_submitted=sum(e.status == "已交卷" for e in lines),
        exam_passed=sum(bool(e.passed) for e in lines if e.status == "已交卷"),
        mean_score=round(sum(scores) / len(scores), 2) if scores else None)


def _summary(title: str, exam_id: int | None, lines: list[ExamLine]) -> ExamSummary:
    scores = [e.score for e in lines if e.status == "已交卷" and e.score is not None]
    return ExamSummary(title, exam_id, len(lines), sum(e.status == "已交卷" for e in lines),
                       sum(bool(e.passed) for e in lines if e.status == "已交卷"),
                       round(sum(scores) / len(scores), 2) if scores else None)


def _add(tally: list[int], correct: bool) -> None:
    tally[0] += 1
    tally[1] += bool(correct)


def _worst(areas: list[WeakArea], min_answers: int) -> list[WeakArea]:
    kept = [a for a in areas if a.answered >= min_answers]
    return sorted(kept, key=lambda a: (a.accuracy, -a.answered, a.law, a.chapter))[:WEAKEST]
