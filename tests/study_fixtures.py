"""Fixtures of the study tests (a pytest plugin, see tests/conftest.py): the study service over
real records (SQLite, and the PostgreSQL that .ci/run starts), the three bundled laws of the
quiz fixtures, real departments and a settable clock."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.accounts.audience import Audience
from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.library.library_service import LibraryService
from assistant.study.daily import DailyConfig
from assistant.study.study_service import StudyService
from assistant.study.types import PlanItem, PlanSpec
from knowledge.store.audit import AuditLog
from knowledge.store.departments import Departments
from knowledge.store.study import StudyRecords
from quiz_fixtures import UTC, Clock

STUDY_T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def study_clock():
    return Clock(STUDY_T0)


@pytest.fixture
def study_office(records):
    """综合科: 甲 乙; 办公室: 丙; 丁 without a department (all can log in)."""
    departments = Departments(records)
    ids = {d: departments.add(d).id for d in ("综合科", "办公室")}
    users = {}
    for name, dept in [("甲", "综合科"), ("乙", "综合科"), ("丙", "办公室"), ("丁", None)]:
        records.ensure_user(name)
        users[name] = records.update_user(name, password_hash="x")
        if dept:
            departments.set_member(users[name].id, ids[dept])
    return departments, users, ids


@pytest.fixture
def study_service(records, quiz_store, quiz_service, study_clock, study_office):
    learning = LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=study_clock,
                               tz=SHANGHAI)
    return StudyService(StudyRecords(records), records, LibraryService(quiz_store), quiz_service, learning,
                        members=study_office[0], audit=AuditLog(records), tz=SHANGHAI, clock=study_clock,
                        daily=DailyConfig(items=4, min_new=2, goal_minutes=10))


def plan_spec(**overrides) -> PlanSpec:
    """网络安全法 第一章 and two articles of 保守国家秘密法, for 综合科 (the first department)."""
    fields = dict(title="2026 年度学法清单",
                  items=[PlanItem("chapter", "网络安全法", chapter="第一章 总则"),
                         PlanItem("article", "保守国家秘密法", label="第二条"),
                         PlanItem("article", "保守国家秘密法", label="第三条")],
                  deadline=dt.date(2026, 6, 30), audience=Audience(department_ids=[1]))
    fields.update(overrides)
    return PlanSpec(**fields)
