"""The office dashboard over a simulated office (tests/office_fixtures.py: 3 departments, 12
staff, 60 days of activity through the real services, on SQLite and PostgreSQL): every figure
equals the one recomputed from the raw rows with plain SQL (tests/office_expected.py); the
workbook holds the same figures; the period and department filters; mock exams stand in when
no office exam falls in the period."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

import office_expected as ex
from assistant.office.tables import pct
from knowledge.errors import XuefaError
from office_fixtures import DEPARTMENTS, NEVER, STOP_AFTER


def _check_people(d, want) -> None:
    got = {p.user_id: p for p in d.people}
    assert set(got) == set(want["people"])
    for uid, w in want["people"].items():
        p = got[uid]
        assert (p.name, p.department) == (w.name, w.dept)
        for span in ("period", "week", "month", "year"):
            assert getattr(p, f"minutes_{span}") == pytest.approx(w.minutes[span]), (p.name, span)
        assert (p.study_days, p.answers, p.correct) == (w.days, w.answers, w.correct), p.name
        assert (p.last_study_day, p.inactive) == (w.last, w.inactive), p.name
        assert (p.plan_total, p.plan_studied, p.mastered) == (w.total, w.studied, w.mastered), p.name
        assert [(e.status, e.score, e.passed, e.attempts) for e in p.exams] == w.exams, p.name


def _check_groups(d, want) -> None:
    by_dept = {}
    for p in want["people"].values():
        by_dept.setdefault(p.dept, []).append(p)
    assert [g.name for g in d.departments] == sorted(by_dept)
    for g in [*d.departments, d.office]:
        members = by_dept[g.name] if g.name in by_dept else list(want["people"].values())
        w = ex.group(members)
        assert g.mean_minutes == pytest.approx(w.pop("mean_minutes")), g.name
        assert g.mean_completion == pytest.approx(w.pop("mean_completion")), g.name
        assert {k: getattr(g, k) for k in w} == w, g.name


def test_the_year_on_the_dashboard_is_what_the_rows_say(sim_office, quiz_store):
    board = sim_office.dashboard
    d = board.build(board.period("year"))
    assert d.period.start == dt.date(2026, 1, 1) and d.as_of == sim_office.today == dt.date(2026, 3, 5)
    want = ex.expected(sim_office.records, quiz_store, d.period.start, d.as_of)
    assert d.exam_source == want["source"] == "office"
    _check_people(d, want)
    _check_groups(d, want)
    laws = [(w.law, w.chapter, w.answered, w.correct) for w in d.weakest_laws]
    chapters = [(w.law, w.chapter, w.answered, w.correct) for w in d.weakest_chapters]
    assert laws == ex.weakest(want["answers"], chapters=False)
    assert chapters == ex.weakest(want["answers"], chapters=True)
    assert d.plans == len(ex.plans_in_force(sim_office.records, d.period.start, d.as_of)) == 2


def test_the_simulated_office_has_the_shape_it_was_made_with(sim_office):
    d = sim_office.dashboard.build(sim_office.dashboard.period("year"))
    assert d.office.staff == 12 and [g.staff for g in d.departments] == [4, 4, 4]
    assert sorted(g.name for g in d.departments) == sorted(DEPARTMENTS)
    assert "admin" not in {p.name for p in d.people}  # the administrator account is not staff
    inactive = {p.name for p in d.inactive}
    assert set(STOP_AFTER) <= inactive <= set(STOP_AFTER) | NEVER  # away for the last weeks, missed the exam
    never = next(p for p in d.people if p.name in NEVER)
    assert never.minutes_year == 0 and never.plan_studied == 0
    assert (never.name in inactive) == (never.exams[0].status == "未参加")  # the exam's answers are study
    assert any(p.exams[0].attempts == 2 for p in d.people)  # a retake
    assert d.weakest_laws and d.weakest_chapters and len(d.laws_studied) == 3
    assert 0 < d.office.exam_submitted < d.office.exam_assigned == 12


def test_the_month_and_a_department_filter(sim_office, quiz_store):
    board = sim_office.dashboard
    d = board.build(board.period("month"), department="法规科")
    assert d.period.start == dt.date(2026, 3, 1)
    assert {p.department for p in d.people} == {"法规科"} and [g.name for g in d.departments] == ["法规科"]
    want = ex.expected(sim_office.records, quiz_store, d.period.start, d.as_of)
    want["people"] = {u: p for u, p in want["people"].items() if p.dept == "法规科"}
    _check_people(d, want)
    _check_groups(d, want)


def test_before_the_office_exam_mock_exams_stand_in(sim_office, quiz_store):
    board = sim_office.dashboard
    d = board.build(board.period(None, dt.date(2026, 1, 12), dt.date(2026, 2, 8)))
    want = ex.expected(sim_office.records, quiz_store, d.period.start, d.as_of)
    assert d.exam_source == want["source"] == "mock"
    assert [e.title for e in d.exams] == ["模拟考试"] and d.exams[0].submitted > 0
    _check_people(d, want)
    _check_groups(d, want)
    laws = [(x.law, x.people, x.articles) for x in d.laws_studied]
    studied = [r for r in want["progress"] if d.period.start <= r[3] <= d.as_of]
    for law, n_people, n_articles in laws:
        assert n_people == len({u for u, _a, lw, _d in studied if lw == law})
        assert n_articles == sum(lw == law for _u, _a, lw, _d in studied)
    assert sum(n for _l, _p, n in laws) == len(studied)


def test_every_table_goes_to_the_workbook(sim_office, tmp_path):
    board = sim_office.dashboard
    d = board.build(board.period("year"))
    path = board.export_xlsx(d, tmp_path / "看板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["概况", "人员", "科室", "薄弱法规", "薄弱章节", "两周未学习", "考试", "所学法规"]
    people = {r[0]: r for r in wb["人员"].iter_rows(min_row=2, values_only=True)}
    assert len(people) == 12
    for p in d.people:
        row = people[p.name]
        assert row[1] == p.department and row[3] == f"{p.plan_studied}/{p.plan_total}" and row[4] == p.mastered
        assert row[5] == round(p.minutes_period, 1) and row[10] == p.answers
        assert (row[13] == "是") == p.inactive
    summary = dict(wb["概况"].iter_rows(min_row=2, values_only=True))
    assert summary["人数"] == 12 and summary["参与率（%）"] == pct(d.office.participation)
    assert summary["合格（人次）"] == d.office.exam_passed
    depts = [r for r in wb["科室"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in depts] == [*(g.name for g in d.departments), "全单位"]
    inactive = [r[0] for r in wb["两周未学习"].iter_rows(min_row=2, values_only=True)]
    assert sorted(inactive) == sorted(p.name for p in d.inactive)
    weak = [r for r in wb["薄弱章节"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in weak] == [(w.law, w.chapter, w.answered) for w in d.weakest_chapters]


@pytest.mark.parametrize("args, message", [
    (("day",), "week / month / year"),
    ((None, dt.date(2026, 3, 1), dt.date(2026, 2, 1)), "统计期间不对"),
    ((None, dt.date(2020, 1, 1), dt.date(2026, 2, 1)), "最长三年"),
])
def test_a_bad_period_is_refused(sim_office, args, message):
    with pytest.raises(XuefaError, match=message):
        sim_office.dashboard.period(*args)
