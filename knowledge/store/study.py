"""Study lists (学法清单), what each person has studied, active study time, and the daily
session (每日一学) — the records behind the office's learning system.

- ``study_plans``: a list an admin defines: items (laws, chapters, articles), a deadline and who
  it is for (the same audience shape as office exams).
- ``study_progress``: one row per (person, article): when the article was first read and first
  answered; "studied" means both.
- ``study_time``: active seconds per (person, local day), credited from the page's heartbeats.
  The credit for a beat is the time since the person's previous beat that day, capped, so two
  open tabs or a repeated beat never count the same minute twice, and idle time (the page sends
  no beats while nobody works in it) never counts.
- ``daily_sessions``: one per (person, local day): the items chosen for today and how far the
  person got, so a session stopped half way resumes where it stopped.

Every shared row is written idempotently: the unique keys above plus insert-or-update, so two
requests at once (two tabs, a double click) leave one row.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.errors import NotFoundError
from knowledge.store.records import Base, Records, UTCDateTime, utcnow


class StudyPlan(Base):
    """A study list set by an admin."""

    __tablename__ = "study_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    items: Mapped[list] = mapped_column(JSON, default=list)  # [{kind, law, doc_id, chapter, label}]
    audience: Mapped[dict] = mapped_column(JSON, default=dict)  # everyone / department ids / user ids
    deadline: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class StudyProgress(Base):
    """What one person did with one article: read (shown in a study session) and answered."""

    __tablename__ = "study_progress"
    __table_args__ = (UniqueConstraint("user_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(Integer)
    doc_id: Mapped[str] = mapped_column(String(40))
    law: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(40))
    chapter: Mapped[str] = mapped_column(Text, default="")
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def studied_at(self) -> dt.datetime | None:
        """When the article counted as studied: read and answered (the later of the two)."""
        if self.read_at is None or self.answered_at is None:
            return None
        return max(self.read_at, self.answered_at)


class StudyTime(Base):
    """Active study seconds of one person on one local day."""

    __tablename__ = "study_time"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    last_beat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DailySession(Base):
    """Today's study session of one person: the chosen items and the position reached."""

    __tablename__ = "daily_sessions"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    items: Mapped[list] = mapped_column(JSON, default=list)  # [{source, article_id, question_ids}]
    position: Mapped[int] = mapped_column(Integer, default=0)  # items finished
    attempt_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the answers' attempt
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


STUDY_TABLES = [StudyPlan.__table__, StudyProgress.__table__, StudyTime.__table__, DailySession.__table__]


class StudyRecords:
    """Repository over the study tables (created on first use). One short session per call."""

    def __init__(self, records: Records):
        self.records = records
        Base.metadata.create_all(records.engine, tables=STUDY_TABLES)

    # ---- plans -------------------------------------------------------------------------------
    def add_plan(self, **fields) -> StudyPlan:
        now = utcnow()
        with self.records.session() as s:
            plan = StudyPlan(created_at=now, updated_at=now, **fields)
            s.add(plan)
            s.flush()
            return plan

    def get_plan(self, plan_id: int) -> StudyPlan:
        with self.records.session() as s:
            plan = s.get(StudyPlan, plan_id)
        if plan is None:
            raise NotFoundError(f"没有这个学法清单：{plan_id}")
        return plan

    def plans(self) -> list[StudyPlan]:
        with self.records.session() as s:
            return list(s.scalars(select(StudyPlan).order_by(StudyPlan.deadline, StudyPlan.id)))

    def update_plan(self, plan_id: int, **fields) -> StudyPlan:
        with self.records.session() as s:
            plan = s.get(StudyPlan, plan_id)
            if plan is None:
                raise NotFoundError(f"没有这个学法清单：{plan_id}")
            for key, value in fields.items():
                setattr(plan, key, value)
            plan.updated_at = utcnow()
            return plan

    def delete_plan(self, plan_id: int) -> StudyPlan:
        with self.records.session() as s:
            plan = s.get(StudyPlan, plan_id)
            if plan is None:
                raise NotFoundError(f"没有这个学法清单：{plan_id}")
            s.delete(plan)
            return plan

    # ---- progress ----------------------------------------------------------------------------
    def mark(self, user_id: int, article: dict, *, read_at: dt.datetime | None = None,
             answered_at: dt.datetime | None = None) -> StudyProgress:
        """Record that the person read and/or answered an article (first times are kept).

        ``article``: article_id, doc_id, law, label, chapter."""
        for _ in range(3):  # a concurrent first insert wins; this call then updates its row
            try:
                return self._mark(user_id, article, read_at, answered_at)
            except IntegrityError:
                continue
        return self._mark(user_id, article, read_at, answered_at)

    def _mark(self, user_id: int, article: dict, read_at, answered_at) -> StudyProgress:
        with self.records.session() as s:
            row = s.scalar(select(StudyProgress).where(StudyProgress.user_id == user_id,
                                                       StudyProgress.article_id == article["article_id"]))
            if row is None:
                row = StudyProgress(user_id=user_id, **_article_fields(article))
                s.add(row)
            if read_at is not None and row.read_at is None:
                row.read_at = read_at
            if answered_at is not None and row.answered_at is None:
                row.answered_at = answered_at
            s.flush()
            return row

    def progress_of(self, user_id: int) -> list[StudyProgress]:
        with self.records.session() as s:
            return list(s.scalars(select(StudyProgress).where(StudyProgress.user_id == user_id)
                                  .order_by(StudyProgress.id)))

    def all_progress(self, user_ids: Iterable[int] | None = None) -> list[StudyProgress]:
        stmt = select(StudyProgress).order_by(StudyProgress.user_id, StudyProgress.id)
        if user_ids is not None:
            stmt = stmt.where(StudyProgress.user_id.in_(list(user_ids)))
        with self.records.session() as s:
            return list(s.scalars(stmt))

    # ---- active time -------------------------------------------------------------------------
    def beat(self, user_id: int, day: dt.date, at: dt.datetime, *, cap_s: int) -> int:
        """Credit the time since the person's previous beat that day (at most ``cap_s``) to
        ``day``; returns the seconds credited. The first beat of a day credits nothing.

        Compare-and-set on the previous beat's time: of two beats racing from two tabs, one
        credits the gap and the other is retried against the new time (crediting ~0)."""
        for _ in range(5):
            try:
                credit = self._beat(user_id, day, at, cap_s)
            except IntegrityError:  # a concurrent first beat of the day made the row
                continue
            if credit is not None:
                return credit
        return 0

    def _beat(self, user_id: int, day: dt.date, at: dt.datetime, cap_s: int) -> int | None:
        with self.records.session() as s:
            row = s.scalar(select(StudyTime).where(StudyTime.user_id == user_id, StudyTime.day == day))
            if row is None:
                s.add(StudyTime(user_id=user_id, day=day, seconds=0, last_beat_at=at))
                s.flush()
                return 0
            last = row.last_beat_at
            if last is not None and at <= last:
                return 0
            credit = min(int((at - last).total_seconds()), cap_s) if last is not None else 0
            same = StudyTime.last_beat_at.is_(None) if last is None else StudyTime.last_beat_at == last
            done = s.execute(update(StudyTime).where(StudyTime.id == row.id, same)
                             .values(seconds=StudyTime.seconds + credit, last_beat_at=at))
            return credit if done.rowcount == 1 else None

    def add_seconds(self, user_id: int, day: dt.date, seconds: int) -> None:
        """Add active time directly (imports of earlier activity, simulations)."""
        with self.records.session() as s:
            row = s.scalar(select(StudyTime).where(StudyTime.user_id == user_id, StudyTime.day == day))
            if row is None:
                s.add(StudyTime(user_id=user_id, day=day, seconds=int(seconds)))
            else:
                row.seconds += int(seconds)

    def time_rows(self, *, user_ids: Iterable[int] | None = None, since: dt.date | None = None,
                  until: dt.date | None = None) -> list[StudyTime]:
        stmt = select(StudyTime).order_by(StudyTime.user_id, StudyTime.day)
        if user_ids is not None:
            stmt = stmt.where(StudyTime.user_id.in_(list(user_ids)))
        if since is not None:
            stmt = stmt.where(StudyTime.day >= since)
        if until is not None:
            stmt = stmt.where(StudyTime.day <= until)
        with self.records.session() as s:
            return list(s.scalars(stmt))

    def last_study_days(self, min_seconds: int, until: dt.date) -> dict[int, dt.date]:
        """user id → the latest day up to ``until`` with at least ``min_seconds`` of active time."""
        stmt = (select(StudyTime.user_id, func.max(StudyTime.day))
                .where(StudyTime.seconds >= min_seconds, StudyTime.day <= until).group_by(StudyTime.user_id))
        with self.records.session() as s:
            rows = s.execute(stmt).all()
        return {uid: _as_date(day) for uid, day in rows if day is not None}

    # ---- daily sessions ----------------------------------------------------------------------
    def daily(self, user_id: int, day: dt.date) -> DailySession | None:
        with self.records.session() as s:
            return s.scalar(select(DailySession).where(DailySession.user_id == user_id, DailySession.day == day))

    def create_daily(self, user_id: int, day: dt.date, items: list[dict], *, attempt_id: int | None,
                     started_at: dt.datetime) -> tuple[DailySession, bool]:
        """Today's session; (session, True) when this call made it, (the existing one, False)
        when another request made it first."""
        try:
            with self.records.session() as s:
                row = DailySession(user_id=user_id, day=day, items=items, position=0, attempt_id=attempt_id,
                                   started_at=started_at)
                s.add(row)
                s.flush()
                return row, True
        except IntegrityError:
            existing = self.daily(user_id, day)
            if existing is None:
                raise
            return existing, False

    def advance_daily(self, session_id: int, position: int, *, finished_at: dt.datetime | None = None) -> DailySession:
        """Move the session forward to ``position`` (never backwards: a stale tab cannot undo)."""
        with self.records.session() as s:
            row = s.get(DailySession, session_id)
            if row is None:
                raise NotFoundError(f"没有这次学习：{session_id}")
            row.position = max(row.position, min(position, len(row.items)))
            if row.position >= len(row.items) and row.finished_at is None:
                row.finished_at = finished_at or utcnow()
            return row

    def daily_by_id(self, session_id: int) -> DailySession | None:
        with self.records.session() as s:
            return s.get(DailySession, session_id)

    def extend_daily(self, session_id: int, items: list[dict], *, attempt_id: int | None) -> DailySession:
        """Append items (the person asked for more after finishing)."""
        with self.records.session() as s:
            row = s.get(DailySession, session_id)
            if row is None:
                raise NotFoundError(f"没有这次学习：{session_id}")
            row.items = [*row.items, *items]
            row.attempt_id = attempt_id
            row.finished_at = None
            return row

    def sessions(self, *, user_ids: Iterable[int] | None = None, since: dt.date | None = None) -> list[DailySession]:
        stmt = select(DailySession).order_by(DailySession.user_id, DailySession.day)
        if user_ids is not None:
            stmt = stmt.where(DailySession.user_id.in_(list(user_ids)))
        if since is not None:
            stmt = stmt.where(DailySession.day >= since)
        with self.records.session() as s:
            return list(s.scalars(stmt))

    def forget_user(self, user_id: int) -> None:
        """Remove one person's study rows (used by tests and account clean-up)."""
        with self.records.session() as s:
            for model in (StudyProgress, StudyTime, DailySession):
                s.execute(delete(model).where(model.user_id == user_id))


def _article_fields(article: dict) -> dict:
    return {"article_id": int(article["article_id"]), "doc_id": str(article.get("doc_id", "")),
            "law": str(article.get("law", "")), "label": str(article.get("label", "")),
            "chapter": str(article.get("chapter", ""))}


def _as_date(value) -> dt.date:
    """An aggregate of a date column (SQLite returns text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
