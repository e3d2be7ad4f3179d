"""A simulated office (a pytest plugin, see tests/conftest.py): 3 departments, 12 staff and an
admin, 60 days of activity generated with a fixed seed through the REAL services — study lists,
daily sessions answered right or wrong at each person's rate on a clock that advances day by
day, the page's heartbeats, mock exams, and an office exam with its sittings — over real
records (SQLite, and the PostgreSQL that .ci/run starts) and the three bundled laws of
tests/quiz_fixtures.py.

The tests only read it: built once per process on each (PostgreSQL: in a schema of its own). The tests
recompute every figure from the raw rows; nothing here computes a figure.
"""
from __future__ import annotations

import atexit
import datetime as dt
import random
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, event

from assistant.accounts.audience import Audience
from assistant.exams.exam_service import ExamService
from assistant.exams.types import Blueprint, ExamSpec
from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.library.library_service import LibraryService
from assistant.office.dashboard_service import OfficeDashboard
from assistant.quiz.types import QuizScope
from assistant.study.daily import DailyConfig
from assistant.study.study_service import StudyService
from assistant.study.types import PlanItem, PlanSpec
from knowledge.store.audit import AuditLog
from knowledge.store.departments import Departments
from knowledge.store.office_exams import OfficeExams
from knowledge.store.records import Records
from knowledge.store.study import StudyRecords
from quiz_fixtures import UTC, Clock, wrong_response
from records_fixtures import PG_URL

SIM_SEED = 20260105
SIM_DAYS = int(__import__("os").environ.get("SIM_DAYS", 60))
SIM_T0 = dt.datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # Monday 2026-01-05, 09:00 in Shanghai
SIM_TZ = dt.timezone(dt.timedelta(hours=8))
DEPARTMENTS = {"综合科": ["赵明", "钱芳", "孙磊", "李静"], "办公室": ["周强", "吴敏", "郑华", "王丽"],
               "法规科": ["冯刚", "陈洁", "褚伟", "卫红"]}
STOP_AFTER = {"孙磊": 40, "褚伟": 43}  # away: stop studying, skip the exam (inactive for two weeks at the end)
NEVER = {"卫红"}  # never studies (still sits the office exam)
RETAKER = "吴敏"  # fails the office exam's first attempt on purpose and retakes it the next day
EXAM_DAY = 50  # the office exam opens (mock exams happen before it, days 8-30)


@dataclass
class SimOffice:
    records: Records
    clock: Clock
    study: StudyService
    exams: ExamService
    learning: LearningService
    dashboard: OfficeDashboard
    departments: Departments
    users: dict[str, object]
    office_exam_id: int
    today: dt.date
    rates: dict[str, float] = field(default_factory=dict)


_SQLITE_OFFICE: list[SimOffice] = []  # the SQLite office, built once per test process
_PG_OFFICE: list[SimOffice] = []  # the PostgreSQL office, built once per test process
OFFICE_SCHEMA = "xuefa_sim_office"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sim_office(request, tmp_path_factory, quiz_store, quiz_service) -> SimOffice:
    """The simulated office on SQLite and on the PostgreSQL that .ci/run starts, each built once
    per process (on PostgreSQL in a schema of its own, which other tests never reset)."""
    if request.param == "sqlite":
        if not _SQLITE_OFFICE:
            records = Records(f"sqlite:///{tmp_path_factory.mktemp('office') / 'records.db'}")
            _SQLITE_OFFICE.append(simulate(records, quiz_store, quiz_service))
        yield _SQLITE_OFFICE[0]
        return
    if not PG_URL:
        pytest.skip("XUEFA_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
    if not _PG_OFFICE:
        _PG_OFFICE.append(simulate(Records(_fresh_office_schema()), quiz_store, quiz_service))
        atexit.register(_drop_office_schema, _PG_OFFICE[0].records)
    yield _PG_OFFICE[0]


def _fresh_office_schema() -> str:
    """An empty schema for the office, and PG_URL pointing into it: other tests reset the
    default schema, so one build serves the whole process. Test speed only: commits do not
    wait for the disk."""
    _run_on_pg(f"DROP SCHEMA IF EXISTS {OFFICE_SCHEMA} CASCADE", f"CREATE SCHEMA {OFFICE_SCHEMA}")
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{OFFICE_SCHEMA}%20-csynchronous_commit%3Doff"


def _drop_office_schema(records: Records) -> None:
    records.close()
    _run_on_pg(f"DROP SCHEMA IF EXISTS {OFFICE_SCHEMA} CASCADE")


def _run_on_pg(*statements: str) -> None:
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


def _fast_sqlite(records: Records) -> None:
    """Test speed only: a throwaway SQLite file need not wait for the disk on every commit."""
    if records.engine.dialect.name != "sqlite":
        return

    def no_sync(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    event.listen(records.engine, "connect", no_sync)
    records.engine.dispose()


def simulate(records: Records, store, quiz) -> SimOffice:
    _fast_sqlite(records)
    rng = random.Random(SIM_SEED)
    clock = Clock(SIM_T0)
    departments = Departments(records)
    users = _staff(records, departments)
    audit = AuditLog(records)
    learning = LearningService(records, quiz, scheduler=default_scheduler(fuzz=False), clock=clock, tz=SIM_TZ)
    study = StudyService(StudyRecords(records), records, LibraryService(store), quiz, learning, members=departments,
                         audit=audit, tz=SIM_TZ, clock=clock, daily=DailyConfig(items=3, min_new=2, goal_minutes=10))
    exams = ExamService(records, OfficeExams(records), quiz, learning, members=departments, audit=audit, clock=clock)
    _plans(study, departments)
    rates = {name: round(rng.uniform(0.5, 0.95), 2) for name in users if name != "admin"}
    presence = {name: rng.choice([0.6, 0.45, 0.3, 0.2]) for name in rates}
    mock_pool = quiz.generate(QuizScope(laws=["网络安全法"]), n=6, seed=SIM_SEED, exam=True)
    exam_id = None
    for day in range(SIM_DAYS):
        morning = SIM_T0 + dt.timedelta(days=day)
        if day == EXAM_DAY:
            clock.now = morning
            exam_id = _office_exam(exams, morning).id
        for name in rates:
            if _studies(name, day, presence[name], rng):
                clock.now = morning + dt.timedelta(minutes=rng.randrange(0, 480))
                _study_day(study, users[name], rates[name], rng, clock)
            if 8 <= day <= 30 and name not in NEVER and rng.random() < 0.08:
                clock.now = morning + dt.timedelta(hours=9, minutes=rng.randrange(0, 60))
                _mock_exam(learning, users[name], mock_pool, rates[name], rng, clock)
            if EXAM_DAY <= day <= EXAM_DAY + 2:
                clock.now = morning + dt.timedelta(hours=10, minutes=rng.randrange(0, 100))  # after the day's study
                _sit(exams, exam_id, users[name], rates[name], rng, day)
    clock.now = SIM_T0 + dt.timedelta(days=SIM_DAYS - 1, hours=9)  # 18:00 on the last day
    exams.submit_overdue()
    dashboard = OfficeDashboard(study, exams, members=departments, tz=SIM_TZ, clock=clock, min_answers=10)
    return SimOffice(records, clock, study, exams, learning, dashboard, departments, users, exam_id,
                     (SIM_T0 + dt.timedelta(days=SIM_DAYS - 1)).astimezone(SIM_TZ).date(), rates)


def _staff(records: Records, departments: Departments) -> dict[str, object]:
    users = {"admin": records.ensure_user("admin", "admin")}
    records.update_user("admin", password_hash="x")
    for dept, names in DEPARTMENTS.items():
        dept_id = departments.add(dept).id
        for name in names:
            records.ensure_user(name)
            users[name] = records.update_user(name, password_hash="x")
            departments.set_member(users[name].id, dept_id)
    return users


def _plans(study: StudyService, departments: Departments) -> None:
    study.create_plan(PlanSpec(title="2026 年度学法清单", deadline=dt.date(2026, 6, 30), audience=Audience(everyone=True),
                               items=[PlanItem("chapter", "网络安全法", chapter="第一章 总则"),
                                      PlanItem("chapter", "保守国家秘密法", chapter="第一章 总则"),
                                      PlanItem("chapter", "网络安全法", chapter="第三章 网络运行安全")]),
                      actor="admin")
    legal = departments.find("法规科").id
    study.create_plan(PlanSpec(title="法规科专项清单", deadline=dt.date(2026, 3, 31),
                               audience=Audience(department_ids=[legal]),
                               items=[PlanItem("chapter", "劳动合同法", chapter="第一章 总则")]), actor="admin")


def _studies(name: str, day: int, presence: float, rng: random.Random) -> bool:
    chance = rng.random()  # drawn for everyone every day: one person's choices never shift another's
    if name in NEVER or day > STOP_AFTER.get(name, SIM_DAYS):
        return False
    return chance < presence


def _study_day(study: StudyService, user, rate: float, rng: random.Random, clock: Clock) -> None:
    """Open the page (heartbeats every 30 s while working), work through today's session —
    sometimes stopping half way — and sometimes linger reading."""
    study.heartbeat(user)
    today = study.today(user)
    stop_at = rng.choice([1, 2, 3, 3])
    for item in today.items[today.position:stop_at]:
        study.open_item(user, today.session_id, item.position)
        for q in item.questions[item.answered:]:
            clock.advance(seconds=30)
            study.heartbeat(user)
            study.answer(user, today.session_id, q.answer if rng.random() < rate else wrong_response(q))
        if not item.questions:
            study.finish_reading(user, today.session_id)
    for _ in range(rng.randrange(0, 12)):
        clock.advance(seconds=30)
        study.heartbeat(user)


def _mock_exam(learning: LearningService, user, pool, rate: float, rng: random.Random, clock: Clock) -> None:
    questions = rng.sample(pool, 5)
    mock = learning.start_exam(user, questions, time_limit_minutes=10)
    for i, q in enumerate(questions):
        clock.advance(seconds=40)
        mock.answer(i, q.answer if rng.random() < rate else wrong_response(q))
    mock.submit()


def _office_exam(exams: ExamService, morning: dt.datetime):
    spec = ExamSpec(title="2026 年第一季度学法考试", opens_at=morning, closes_at=morning + dt.timedelta(days=3),
                    minutes=30, pass_mark=60, max_attempts=2, seed=SIM_SEED,
                    blueprint=Blueprint(scope=QuizScope(laws=["网络安全法", "保守国家秘密法"]),
                                        counts={"单选": 4, "判断": 4}, points={"单选": 12.5, "判断": 12.5}),
                    audience=Audience(everyone=True))
    return exams.create(spec, actor="admin")


def _sit(exams: ExamService, exam_id: int, user, rate: float, rng: random.Random, day: int) -> None:
    """Each person sits on one of the exam's three days (a few never); a failed first attempt
    is sometimes retaken the next day."""
    plan = rng.random()
    mine = exams.my_exams(user)[0]
    if user.name == RETAKER:  # the retake must not hang on the random stream
        plan, rate = (0.0, 0.0) if mine.attempts_used == 0 else (0.0 if day > EXAM_DAY else 1.0, rate)
    if mine.attempts_used == 0 and plan < 0.45 or mine.attempts_used == 1 and not mine.passed and plan < 0.5:
        if user.name in STOP_AFTER:
            return  # away: never sits it
        mock = exams.start(user, exam_id)
        for q in mock.questions:
            exams.answer(user, exam_id, q.id, q.answer if rng.random() < rate - 0.1 else wrong_response(q))
        if day < EXAM_DAY + 2 or plan < 0.3:
            exams.submit(user, exam_id)
        # else: left running; the sweeper submits it when its time is over
