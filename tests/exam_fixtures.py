"""Fixtures of the office exam tests (a pytest plugin, see tests/conftest.py): records on SQLite
and on the PostgreSQL that .ci/run starts, a settable clock, real departments (three staff in
综合科, one in 办公室, one in none) and the exam service."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.exams.exam_service import ExamService
from assistant.exams.types import Audience, Blueprint, ExamSpec
from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.quiz.types import QuizScope
from knowledge.store.audit import AuditLog
from knowledge.store.departments import Departments
from knowledge.store.office_exams import OfficeExams
from knowledge.store.records import Records
from quiz_fixtures import UTC, Clock, wrong_response

T0 = dt.datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def records(records_url):
    rec = Records(records_url)
    yield rec
    rec.close()


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def office(records):
    """Users: 甲 乙 丙 in 综合科, 丁 in 办公室, 戊 without a department (all can log in)."""
    departments = Departments(records)
    ids = {d: departments.add(d).id for d in ("综合科", "办公室")}
    users = {}
    for name, dept in [("甲", "综合科"), ("乙", "综合科"), ("丙", "综合科"), ("丁", "办公室"), ("戊", None)]:
        records.ensure_user(name)
        users[name] = records.update_user(name, password_hash="x")
        if dept:
            departments.set_member(users[name].id, ids[dept])
    return departments, users, ids


@pytest.fixture
def service(records, quiz_service, clock, office):
    learning = LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)
    return ExamService(records, OfficeExams(records), quiz_service, learning, members=office[0],
                       audit=AuditLog(records), clock=clock)


@pytest.fixture
def users(office):
    return office[1]


def spec(**overrides) -> ExamSpec:
    """A small exam on 劳动合同法 for 综合科 (the first department made), open for a day from T0."""
    fields = dict(title="2026 年度学法考试", opens_at=T0, closes_at=T0 + dt.timedelta(days=1), minutes=30,
                  blueprint=Blueprint(scope=QuizScope(laws=["劳动合同法"]), counts={"单选": 4, "多选": 2, "判断": 4},
                                      points={"单选": 10, "多选": 15, "判断": 7.5}),
                  audience=Audience(department_ids=[1]), pass_mark=60, seed=7)
    fields.update(overrides)
    return ExamSpec(**fields)


def answer_all(service, user, exam_id, right: int):
    """Answer the running paper: the first ``right`` questions right, the rest wrong."""
    mock = service.start(user, exam_id)
    for i, q in enumerate(mock.questions):
        service.answer(user, exam_id, q.id, q.answer if i < right else wrong_response(q))
    return mock
