"""Fixtures of the office exam tests (a pytest plugin, see tests/conftest.py): records on SQLite and on the PostgreSQL that .ci/run
starts, a settable clock, three staff of 综合科 and one of 办公室, and the exam service."""
from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine

from assistant.exams.exam_service import ExamService
from assistant.exams.types import Audience, Blueprint, ExamSpec
from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.quiz.types import QuizScope
from knowledge.store.audit import AuditLog
from knowledge.store.office_exams import OfficeExams
from knowledge.store.records import Base, Records
from quiz_fixtures import UTC, Clock, wrong_response

PG_URL = os.environ.get("XUEFA_TEST_POSTGRES_URL")
T0 = dt.datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


class FakeMembership:
    """Departments as a dict (the real repository has its own tests)."""

    def __init__(self):
        self.of: dict[int, tuple[int, str]] = {}

    def list(self) -> list:
        return [SimpleNamespace(id=i, name=n) for i, n in sorted(set(self.of.values()))]

    def membership(self) -> dict[int, str]:
        return {uid: name for uid, (_, name) in self.of.items()}

    def member_ids(self, names) -> set[int]:
        return {uid for uid, (_, name) in self.of.items() if name in set(names)}


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request, tmp_path):
    if request.param == "sqlite":
        rec = Records(f"sqlite:///{tmp_path / 'records.db'}")
    else:
        if not PG_URL:
            pytest.skip("XUEFA_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
        engine = create_engine(PG_URL)
        Base.metadata.drop_all(engine)
        engine.dispose()
        rec = Records(PG_URL)
    yield rec
    if request.param == "postgresql":
        Base.metadata.drop_all(rec.engine)
    rec.close()


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def office(records):
    """Users: 甲 乙 丙 in 综合科 (department 1), 丁 in 办公室 (2), 戊 without one."""
    members = FakeMembership()
    ids = {}
    for name, dept in [("甲", (1, "综合科")), ("乙", (1, "综合科")), ("丙", (1, "综合科")), ("丁", (2, "办公室")),
                       ("戊", None)]:
        user = records.ensure_user(name)
        records.update_user(name, password_hash="x")  # can log in
        ids[name] = user
        if dept:
            members.of[user.id] = dept
    return members, ids


@pytest.fixture
def service(records, quiz_service, clock, office):
    learning = LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)
    return ExamService(records, OfficeExams(records), quiz_service, learning, members=office[0],
                       audit=AuditLog(records), clock=clock)


@pytest.fixture
def users(office):
    return office[1]


def spec(**overrides) -> ExamSpec:
    """A small exam on 劳动合同法 for 综合科, open for a day from T0."""
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
