"""Exams an office sets for its staff (学法考试): the exam as the admin defined it, and each
person's sittings of it.

A sitting is one attempt of one person: it owns an ``attempts`` row (the person's paper, in
order) and an ``exams`` row (the server-side timer and the score), written together in one
transaction. ``(exam, user, attempt number)`` is unique, so a second device or a double click
that starts the same attempt at the same moment gets the sitting the first one made.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.errors import NotFoundError
from knowledge.store.records import Attempt, Base, Exam, QuestionData, Records, UTCDateTime, utcnow


class OfficeExam(Base):
    """One exam set by an admin: its blueprint, window, rules and audience."""

    __tablename__ = "office_exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    blueprint: Mapped[dict] = mapped_column(JSON)  # scope, counts and points per type, shuffling
    audience: Mapped[dict] = mapped_column(JSON)  # everyone / department ids / user ids
    seed: Mapped[int] = mapped_column(Integer)
    paper: Mapped[list] = mapped_column(JSON, default=list)  # question ids of the shared paper
    time_limit_s: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float)
    total_points: Mapped[float] = mapped_column(Float)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    retake: Mapped[bool] = mapped_column(Boolean, default=False)  # one more attempt for who failed
    per_person: Mapped[bool] = mapped_column(Boolean, default=False)  # a paper per person
    results_after_close: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(10), default="exam")  # exam | practice
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class ExamSitting(Base):
    """One attempt of one person at an office exam."""

    __tablename__ = "exam_sittings"
    __table_args__ = (UniqueConstraint("office_exam_id", "user_id", "attempt_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_exam_id: Mapped[int] = mapped_column(ForeignKey("office_exams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_no: Mapped[int] = mapped_column(Integer)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OfficeExams:
    """Repository of office exams and sittings (tables created on first use)."""

    def __init__(self, records: Records):
        self.records = records
        Base.metadata.create_all(records.engine, tables=[OfficeExam.__table__, ExamSitting.__table__])

    # ---- exams ----------------------------------------------------------------------------
    def create(self, **fields) -> OfficeExam:
        with self.records.session() as s:
            exam = OfficeExam(created_at=utcnow(), **fields)
            s.add(exam)
            s.flush()
            return exam

    def get(self, exam_id: int) -> OfficeExam:
        with self.records.session() as s:
            exam = s.get(OfficeExam, exam_id)
        if exam is None:
            raise NotFoundError(f"没有这场考试：{exam_id}")
        return exam

    def list(self) -> list[OfficeExam]:
        with self.records.session() as s:
            return list(s.scalars(select(OfficeExam).order_by(OfficeExam.opens_at.desc(), OfficeExam.id.desc())))

    def close_now(self, exam_id: int, at: dt.datetime) -> OfficeExam:
        """End an exam early: the window and every running attempt's time end at ``at``."""
        with self.records.session() as s:
            exam = s.get(OfficeExam, exam_id)
            if exam is None:
                raise NotFoundError(f"没有这场考试：{exam_id}")
            exam.closes_at = min(exam.closes_at, at)
            running = select(ExamSitting.exam_id).where(ExamSitting.office_exam_id == exam_id)
            s.execute(update(Exam).where(Exam.id.in_(running), Exam.submitted_at.is_(None), Exam.deadline > at)
                      .values(deadline=at))
            return exam

    # ---- sittings -------------------------------------------------------------------------
    def start_sitting(self, *, office_exam_id: int, user_id: int, attempt_no: int, questions: list[QuestionData],
                      seed: int | None, started_at: dt.datetime, deadline: dt.datetime, config: dict,
                      time_limit_s: int, pass_mark: float, total_points: float) -> tuple[ExamSitting, bool]:
        """Create attempt, exam row and sitting together; (sitting, True) when this call made
        it, (the existing sitting, False) when another call made that attempt first."""
        self.records.save_questions(questions)
        try:
            with self.records.session() as s:
                attempt = Attempt(user_id=user_id, mode="exam", scope=config, seed=seed, started_at=started_at,
                                  question_ids=[q.id for q in questions], total=len(questions))
                s.add(attempt)
                s.flush()
                exam = Exam(attempt_id=attempt.id, user_id=user_id, config=config, time_limit_s=time_limit_s,
                            pass_mark=pass_mark, total_points=total_points, started_at=started_at, deadline=deadline)
                s.add(exam)
                s.flush()
                sitting = ExamSitting(office_exam_id=office_exam_id, user_id=user_id, attempt_no=attempt_no,
                                      exam_id=exam.id, seed=seed, started_at=started_at)
                s.add(sitting)
                s.flush()
                return sitting, True
        except IntegrityError:
            existing = self.sitting(office_exam_id, user_id, attempt_no)
            if existing is None:
                raise
            return existing, False

    def sitting(self, office_exam_id: int, user_id: int, attempt_no: int) -> ExamSitting | None:
        with self.records.session() as s:
            return s.scalar(select(ExamSitting).where(ExamSitting.office_exam_id == office_exam_id,
                                                      ExamSitting.user_id == user_id,
                                                      ExamSitting.attempt_no == attempt_no))

    def sittings(self, office_exam_id: int | None = None, *, user_id: int | None = None) -> list[ExamSitting]:
        stmt = select(ExamSitting).order_by(ExamSitting.office_exam_id, ExamSitting.user_id, ExamSitting.attempt_no)
        if office_exam_id is not None:
            stmt = stmt.where(ExamSitting.office_exam_id == office_exam_id)
        if user_id is not None:
            stmt = stmt.where(ExamSitting.user_id == user_id)
        with self.records.session() as s:
            return list(s.scalars(stmt))

    def sittings_with_exams(self, office_exam_id: int) -> list[tuple[ExamSitting, Exam]]:
        """Every sitting of an exam with its timer/score row, in (user, attempt) order."""
        stmt = (select(ExamSitting, Exam).join(Exam, Exam.id == ExamSitting.exam_id)
                .where(ExamSitting.office_exam_id == office_exam_id)
                .order_by(ExamSitting.user_id, ExamSitting.attempt_no))
        with self.records.session() as s:
            return [(row[0], row[1]) for row in s.execute(stmt)]

    def open_sittings(self, before: dt.datetime) -> list[ExamSitting]:
        """Sittings whose time is over but which were not submitted (closed tabs)."""
        stmt = (select(ExamSitting).join(Exam, Exam.id == ExamSitting.exam_id)
                .where(Exam.submitted_at.is_(None), Exam.deadline <= before))
        with self.records.session() as s:
            return list(s.scalars(stmt))
