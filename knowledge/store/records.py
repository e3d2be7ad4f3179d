"""Learning records in a SQL database (SQLAlchemy ORM): users, questions, attempts, answers,
exams, the wrong-answer book, FSRS cards and chat conversations.

SQLite under XUEFA_HOME by default (``Settings.records_url``); a PostgreSQL URL works the
same: only portable types (JSON, Boolean, timestamps stored as naive UTC) and no
dialect-specific SQL. Rows returned to callers are detached ORM objects
(``expire_on_commit=False``): read their columns freely, change them only through this module.

Storage knows rows and plain values only: a question comes in as :class:`QuestionData` and goes
out as a :class:`StoredQuestion` row; turning those into the quiz's ``Question`` is the learning
service's job (so this layer never imports a service).
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from knowledge.errors import NotFoundError, XuefaError
from knowledge.private_files import private_sqlite
from knowledge.store.sql import insert_ignoring_conflicts

ROLES = ("staff", "admin")
MODES = ("practice", "exam", "review", "wrong", "daily")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored naive UTC (portable everywhere)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("records need timezone-aware datetimes")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=dt.timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
    })


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(10), default="staff")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # set by the web app
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class StoredQuestion(Base):
    """Every question a user saw, whole (so attempts and the wrong book can be reviewed even
    after the knowledge base changed)."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    qtype: Mapped[str] = mapped_column(String(4))
    law: Mapped[str] = mapped_column(Text)
    article: Mapped[str] = mapped_column(String(40))
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    doc_id: Mapped[str] = mapped_column(String(40))
    generator: Mapped[str] = mapped_column(String(40))
    element: Mapped[str] = mapped_column(String(20), default="")
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class QuestionData:
    """A question as the records take it: the fields copied onto questions, answers, wrong-book
    entries and cards (so stats group without reading payloads), and the whole question as
    JSON (``payload``) to rebuild it later."""

    id: str
    qtype: str
    law: str
    article: str
    article_id: int
    doc_id: str
    generator: str
    payload: dict
    element: str = ""
    difficulty: int = 2
    chapter: str = ""


class Attempt(Base):
    """A practice, review, wrong-book or exam session: the questions in order."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(10))
    scope: Mapped[dict] = mapped_column(JSON, default=dict)
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    qtype: Mapped[str] = mapped_column(String(4))
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    doc_id: Mapped[str] = mapped_column(String(40))
    law: Mapped[str] = mapped_column(Text)
    chapter: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[float] = mapped_column(Float, default=0.0)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Exam(Base):
    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    time_limit_s: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float, default=60.0)
    total_points: Mapped[float] = mapped_column(Float, default=100.0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)


class WrongEntry(Base):
    """One missed question in a user's 错题本; mastered after enough right answers in a row."""

    __tablename__ = "wrong_book"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    article_id: Mapped[int] = mapped_column(Integer)
    law: Mapped[str] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_wrong_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    wrong_count: Mapped[int] = mapped_column(Integer, default=1)
    right_streak: Mapped[int] = mapped_column(Integer, default=0)
    mastered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ReviewCard(Base):
    """The FSRS card of one article for one user (``card``: fsrs ``Card.to_dict()``)."""

    __tablename__ = "fsrs_cards"
    __table_args__ = (UniqueConstraint("user_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(Integer)
    doc_id: Mapped[str] = mapped_column(String(40))
    law: Mapped[str] = mapped_column(Text)
    article: Mapped[str] = mapped_column(String(40))  # label, to re-find the article after a re-import
    chapter: Mapped[str] = mapped_column(Text, default="")
    card: Mapped[dict] = mapped_column(JSON)
    due: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[int] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_review: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_generator: Mapped[str] = mapped_column(String(40), default="")
    last_element: Mapped[str] = mapped_column(String(20), default="")
    last_question_id: Mapped[str] = mapped_column(String(32), default="")


class ReviewLogEntry(Base):
    """Every FSRS rating (kept so the scheduler's parameters can be optimized later)."""

    __tablename__ = "fsrs_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(32), default="")
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Conversation(Base):
    """A chat conversation of one user (the answer feature's ``ConversationStore`` reads and writes it)."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class ConversationMessage(Base):
    __tablename__ = "conversation_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(10))  # user | assistant
    content: Mapped[str] = mapped_column(Text)  # as shown (assistant: with [n] markers and notes)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)  # assistant: cards, turn, flags
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


# The tables this module owns; other store modules (audit, departments, office exams) define
# theirs on the same Base and create them when their repository is first built.
RECORD_MODELS = (User, StoredQuestion, Attempt, Answer, Exam, WrongEntry, ReviewCard, ReviewLogEntry,
                 Conversation, ConversationMessage)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # the web app reads while a session writes
    cur.close()


def build_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their directory created and sane pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            private_sqlite(Path(parsed.database).expanduser())
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Records:
    """Repository over the records database. Thread-safe: one short session per call."""

    def __init__(self, url: str | Engine):
        self.engine = url if isinstance(url, Engine) else build_engine(url)
        Base.metadata.create_all(self.engine, tables=[m.__table__ for m in RECORD_MODELS])
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except Exception:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()

    # ---- users -----------------------------------------------------------------------
    def ensure_user(self, name: str, role: str = "staff") -> User:
        """The user called ``name``, created (with ``role``) on first use."""
        name = name.strip()
        if not name:
            raise XuefaError("用户名不能为空")
        if role not in ROLES:
            raise XuefaError(f"未知角色：{role}（可选：{'、'.join(ROLES)}）")
        with self.session() as s:
            # insert-or-nothing, then read: two first uses of one name at once make one user
            s.execute(insert_ignoring_conflicts(s, User.__table__).values(
                name=name, role=role, created_at=utcnow()))
            return s.scalar(select(User).where(User.name == name))

    def get_user(self, name: str) -> User:
        with self.session() as s:
            user = s.scalar(select(User).where(User.name == name.strip()))
        if user is None:
            raise NotFoundError(f"没有这个用户：{name}")
        return user

    def user_by_id(self, user_id: int) -> User:
        with self.session() as s:
            user = s.get(User, user_id)
        if user is None:
            raise NotFoundError(f"没有这个用户：{user_id}")
        return user

    def list_users(self) -> list[User]:
        with self.session() as s:
            return list(s.scalars(select(User).order_by(User.name)))

    def update_user(self, name: str, *, role: str | None = None, password_hash: str | None = None) -> User:
        """Change a user's role or stored password hash (hashing is the caller's job)."""
        if role is not None and role not in ROLES:
            raise XuefaError(f"未知角色：{role}")
        with self.session() as s:
            user = s.scalar(select(User).where(User.name == name.strip()))
            if user is None:
                raise NotFoundError(f"没有这个用户：{name}")
            if role is not None:
                user.role = role
            if password_hash is not None:
                user.password_hash = password_hash
            return user

    # ---- questions -------------------------------------------------------------------
    def save_questions(self, questions: Iterable[QuestionData]) -> None:
        """Store questions not stored yet (ids are content hashes, so this is idempotent, also
        when concurrent requests store the same questions)."""
        qs = {q.id: q for q in questions}
        if not qs:
            return
        now = utcnow()
        rows = [dict(id=q.id, qtype=q.qtype, law=q.law, article=q.article, article_id=q.article_id,
                     doc_id=q.doc_id, generator=q.generator, element=q.element, difficulty=q.difficulty,
                     payload=q.payload, created_at=now)
                for q in sorted(qs.values(), key=lambda q: q.id)]  # one key order: no PostgreSQL deadlock
        with self.session() as s:
            s.execute(insert_ignoring_conflicts(s, StoredQuestion.__table__), rows)

    def get_questions(self, ids: list[str]) -> list[StoredQuestion]:
        """Stored questions by id, in the order asked (unknown ids skipped)."""
        with self.session() as s:
            rows = {r.id: r for r in s.scalars(select(StoredQuestion).where(StoredQuestion.id.in_(list(ids))))}
        return [rows[i] for i in ids if i in rows]

    def get_question(self, qid: str) -> StoredQuestion:
        got = self.get_questions([qid])
        if not got:
            raise NotFoundError(f"没有这道题：{qid}")
        return got[0]

    # ---- attempts and answers --------------------------------------------------------
    def start_attempt(self, user_id: int, mode: str, questions: list[QuestionData], *, started_at: dt.datetime,
                      scope: dict | None = None, seed: int | None = None) -> Attempt:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.save_questions(questions)
        with self.session() as s:
            attempt = Attempt(user_id=user_id, mode=mode, scope=scope or {}, seed=seed,
                              question_ids=[q.id for q in questions], started_at=started_at,
                              total=len(questions))
            s.add(attempt)
            s.flush()
            return attempt

    def extend_attempt(self, attempt_id: int, questions: list[QuestionData]) -> Attempt:
        """Append questions to an attempt (a study session the person asked to continue)."""
        self.save_questions(questions)
        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt is None:
                raise NotFoundError(f"没有这次练习：{attempt_id}")
            attempt.question_ids = [*attempt.question_ids, *(q.id for q in questions)]
            attempt.total = len(attempt.question_ids)
            attempt.finished_at = None
            return attempt

    def get_attempt(self, attempt_id: int) -> Attempt:
        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
        if attempt is None:
            raise NotFoundError(f"没有这次练习：{attempt_id}")
        return attempt

    def attempts_of(self, user_id: int, mode: str | None = None) -> list[Attempt]:
        stmt = select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at)
        if mode:
            stmt = stmt.where(Attempt.mode == mode)
        with self.session() as s:
            return list(s.scalars(stmt))

    def record_answer(self, *, attempt_id: int, user_id: int, position: int, question: QuestionData, response: Any,
                      correct: bool, points: float, answered_at: dt.datetime,
                      duration_ms: int | None = None) -> Answer:
        """Store (or replace: an exam answer may be changed before submitting) one answer.
        One row per (attempt, position) even when two saves of it race."""
        values = dict(question_id=question.id, qtype=question.qtype, article_id=question.article_id,
                      doc_id=question.doc_id, law=question.law, chapter=question.chapter, response=response,
                      correct=correct, points=points, answered_at=answered_at, duration_ms=duration_ms)
        try:
            return self._upsert_answer(attempt_id, user_id, position, values)
        except IntegrityError:  # the other save inserted first: now it is an update
            return self._upsert_answer(attempt_id, user_id, position, values)

    def _upsert_answer(self, attempt_id: int, user_id: int, position: int, values: dict) -> Answer:
        with self.session() as s:
            row = s.scalar(select(Answer).where(Answer.attempt_id == attempt_id, Answer.position == position))
            if row is None:
                row = Answer(attempt_id=attempt_id, user_id=user_id, position=position)
                s.add(row)
            for key, value in values.items():
                setattr(row, key, value)
            s.flush()
            return row

    def answers_of(self, attempt_id: int) -> list[Answer]:
        with self.session() as s:
            return list(s.scalars(select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.position)))

    def answers_of_user(self, user_id: int, *, since: dt.datetime | None = None) -> list[Answer]:
        stmt = select(Answer).where(Answer.user_id == user_id).order_by(Answer.answered_at)
        if since is not None:
            stmt = stmt.where(Answer.answered_at >= since)
        with self.session() as s:
            return list(s.scalars(stmt))

    def answers_between(self, start: dt.datetime, end: dt.datetime,
                        user_ids: Iterable[int] | None = None) -> list[Answer]:
        """Every answer given in [start, end) by anyone (or by ``user_ids``), in one query."""
        stmt = (select(Answer).where(Answer.answered_at >= start, Answer.answered_at < end)
                .order_by(Answer.user_id, Answer.answered_at))
        if user_ids is not None:
            stmt = stmt.where(Answer.user_id.in_(list(user_ids)))
        with self.session() as s:
            return list(s.scalars(stmt))

    def last_answer_at(self, before: dt.datetime) -> dict[int, dt.datetime]:
        """user id → the time of the person's latest answer before ``before``."""
        stmt = (select(Answer.user_id, func.max(Answer.answered_at)).where(Answer.answered_at < before)
                .group_by(Answer.user_id))
        with self.session() as s:
            rows = s.execute(stmt).all()
        # an aggregate bypasses the column type: the naive UTC value comes back as stored
        return {uid: _as_utc(at) for uid, at in rows if at is not None}

    def asked_question_ids(self, user_id: int, article_id: int) -> set[str]:
        """Questions this user already answered on this article (for fresh variants)."""
        with self.session() as s:
            return set(s.scalars(select(Answer.question_id).where(
                Answer.user_id == user_id, Answer.article_id == article_id).distinct()))

    def finish_attempt(self, attempt_id: int, finished_at: dt.datetime) -> Attempt:
        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt is None:
                raise NotFoundError(f"没有这次练习：{attempt_id}")
            attempt.correct = s.scalar(select(func.count()).select_from(Answer).where(
                Answer.attempt_id == attempt_id, Answer.correct.is_(True))) or 0
            attempt.finished_at = finished_at
            return attempt

    # ---- exams ------------------------------------------------------------------------
    def create_exam(self, *, attempt_id: int, user_id: int, config: dict, time_limit_s: int, pass_mark: float,
                    total_points: float, started_at: dt.datetime) -> Exam:
        deadline = started_at + dt.timedelta(seconds=time_limit_s)
        with self.session() as s:
            exam = Exam(attempt_id=attempt_id, user_id=user_id, config=config, time_limit_s=time_limit_s,
                        pass_mark=pass_mark, total_points=total_points, started_at=started_at, deadline=deadline)
            s.add(exam)
            s.flush()
            return exam

    def get_exam(self, exam_id: int) -> Exam:
        with self.session() as s:
            exam = s.get(Exam, exam_id)
        if exam is None:
            raise NotFoundError(f"没有这场考试：{exam_id}")
        return exam

    def submit_exam(self, exam_id: int, *, submitted_at: dt.datetime, score: float, passed: bool,
                    auto_submitted: bool) -> tuple[Exam, bool]:
        """Record the score once: (the exam, True) for the call that submitted it, (the exam as
        first submitted, False) for any later or concurrent call (a second device, the sweeper)."""
        with self.session() as s:
            done = s.execute(update(Exam).where(Exam.id == exam_id, Exam.submitted_at.is_(None)).values(
                submitted_at=submitted_at, score=score, passed=passed, auto_submitted=auto_submitted)).rowcount
            exam = s.get(Exam, exam_id)
            if exam is None:
                raise NotFoundError(f"没有这场考试：{exam_id}")
            s.refresh(exam)
            return exam, bool(done)

    def open_exams(self, user_id: int | None = None) -> list[Exam]:
        stmt = select(Exam).where(Exam.submitted_at.is_(None)).order_by(Exam.started_at)
        if user_id is not None:
            stmt = stmt.where(Exam.user_id == user_id)
        with self.session() as s:
            return list(s.scalars(stmt))

    def submitted_exams_between(self, start: dt.datetime, end: dt.datetime) -> list[Exam]:
        """Every exam row (mock or office sitting) submitted in [start, end), in one query."""
        stmt = (select(Exam).where(Exam.submitted_at.is_not(None), Exam.submitted_at >= start,
                                   Exam.submitted_at < end).order_by(Exam.user_id, Exam.submitted_at))
        with self.session() as s:
            return list(s.scalars(stmt))

    def exams_of(self, user_id: int) -> list[Exam]:
        with self.session() as s:
            return list(s.scalars(select(Exam).where(Exam.user_id == user_id).order_by(Exam.started_at)))

    # ---- wrong-answer book ---------------------------------------------------------------
    def wrong_missed(self, user_id: int, question: QuestionData, at: dt.datetime) -> WrongEntry:
        """A miss: add the question, or count one more miss and restart its streak. Concurrent
        misses of one question make one entry and count every miss."""
        self.save_questions([question])
        with self.session() as s:
            # insert-or-nothing, then count the miss in SQL: the same two statements whoever
            # inserted first (a rowcount would not tell: drivers report it differently)
            s.execute(insert_ignoring_conflicts(s, WrongEntry.__table__).values(
                user_id=user_id, question_id=question.id, article_id=question.article_id, law=question.law,
                added_at=at, last_wrong_at=at, wrong_count=0, right_streak=0))
            s.execute(update(WrongEntry).where(
                WrongEntry.user_id == user_id, WrongEntry.question_id == question.id).values(
                wrong_count=WrongEntry.wrong_count + 1, last_wrong_at=at, right_streak=0, mastered_at=None))
            return s.scalar(select(WrongEntry).where(WrongEntry.user_id == user_id,
                                                     WrongEntry.question_id == question.id))

    def wrong_hit(self, user_id: int, question_id: str, at: dt.datetime, mastery_streak: int) -> WrongEntry | None:
        """A right answer to a question of the book: lengthen its streak; mastered at
        ``mastery_streak``. None when the question is not in the book."""
        with self.session() as s:
            entry = s.scalar(select(WrongEntry).where(WrongEntry.user_id == user_id,
                                                      WrongEntry.question_id == question_id))
            if entry is None:
                return None
            entry.right_streak += 1
            if entry.right_streak >= mastery_streak and entry.mastered_at is None:
                entry.mastered_at = at
            return entry

    def wrong_entries(self, user_id: int, *, include_mastered: bool = False) -> list[WrongEntry]:
        stmt = select(WrongEntry).where(WrongEntry.user_id == user_id)
        if not include_mastered:
            stmt = stmt.where(WrongEntry.mastered_at.is_(None))
        stmt = stmt.order_by(WrongEntry.wrong_count.desc(), WrongEntry.last_wrong_at)
        with self.session() as s:
            return list(s.scalars(stmt))

    def wrong_remove(self, user_id: int, question_id: str) -> bool:
        with self.session() as s:
            entry = s.scalar(select(WrongEntry).where(WrongEntry.user_id == user_id,
                                                      WrongEntry.question_id == question_id))
            if entry is None:
                return False
            s.delete(entry)
            return True

    # ---- FSRS cards ------------------------------------------------------------------------
    def get_card(self, user_id: int, article_id: int) -> ReviewCard | None:
        with self.session() as s:
            return s.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id,
                                                     ReviewCard.article_id == article_id))

    def save_card(self, user_id: int, question: QuestionData, card: dict, *, due: dt.datetime, state: int,
                  stability: float | None, reviewed_at: dt.datetime, rating: int, lapsed: bool,
                  duration_ms: int | None = None) -> ReviewCard:
        """Write an article's card after a rating, and log the rating. The row is made by an
        insert-or-nothing and the counters are incremented in SQL, so two ratings saved at
        once make one card that counts both."""
        where = (ReviewCard.user_id == user_id, ReviewCard.article_id == question.article_id)
        values = dict(doc_id=question.doc_id, law=question.law, article=question.article,
                      chapter=question.chapter, card=card, due=due, state=state, stability=stability,
                      last_review=reviewed_at, last_generator=question.generator,
                      last_element=question.element, last_question_id=question.id)
        with self.session() as s:
            s.execute(insert_ignoring_conflicts(s, ReviewCard.__table__).values(
                user_id=user_id, article_id=question.article_id, reps=0, lapses=0, **values))
            s.execute(update(ReviewCard).where(*where).values(
                reps=ReviewCard.reps + 1, lapses=ReviewCard.lapses + (1 if lapsed else 0), **values))
            s.add(ReviewLogEntry(user_id=user_id, article_id=question.article_id, question_id=question.id,
                                 rating=rating, reviewed_at=reviewed_at, duration_ms=duration_ms))
            s.flush()
            return s.scalar(select(ReviewCard).where(*where))

    def relink_card(self, user_id: int, old_article_id: int, new_article_id: int, doc_id: str) -> None:
        """Point a card at another article id (the same article in a re-imported law)."""
        with self.session() as s:
            old = s.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id,
                                                    ReviewCard.article_id == old_article_id))
            if old is None or old_article_id == new_article_id and old.doc_id == doc_id:
                return
            taken = s.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id,
                                                      ReviewCard.article_id == new_article_id))
            if taken is not None and taken is not old:
                s.delete(old)  # the new article already has its own card: keep that schedule
            else:
                old.article_id = new_article_id
                old.doc_id = doc_id

    def due_cards(self, user_id: int, until: dt.datetime) -> list[ReviewCard]:
        with self.session() as s:
            return list(s.scalars(select(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.due <= until)
                                  .order_by(ReviewCard.due, ReviewCard.article_id)))

    def cards_of(self, user_id: int) -> list[ReviewCard]:
        with self.session() as s:
            return list(s.scalars(select(ReviewCard).where(ReviewCard.user_id == user_id)
                                  .order_by(ReviewCard.due, ReviewCard.article_id)))

    def mastered_articles(self, min_stability: float) -> list[tuple[int, int]]:
        """(user id, article id) of every card whose stability reached ``min_stability``."""
        stmt = select(ReviewCard.user_id, ReviewCard.article_id).where(ReviewCard.stability >= min_stability)
        with self.session() as s:
            return [(u, a) for u, a in s.execute(stmt).all()]


def _as_utc(value) -> dt.datetime:
    if isinstance(value, str):  # SQLite returns an aggregate of a timestamp column as text
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
