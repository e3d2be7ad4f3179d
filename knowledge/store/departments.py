"""Departments (科室/单位) and which department each user belongs to.

Membership is its own table rather than a column on ``users``: databases already in use get
the two tables on first use, with no migration. A user without a membership row has no
department (the app shows 未分组); deleting a department deletes its membership rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import ForeignKey, Integer, String, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.records import Base, Records, User, UTCDateTime, utcnow


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DepartmentMember(Base):
    """One row per user who has a department (the primary key makes it at most one)."""

    __tablename__ = "department_members"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)


@dataclass(frozen=True)
class DepartmentInfo:
    id: int
    name: str
    members: int
    created_at: dt.datetime


class Departments:
    """Repository over the two tables (created on first use). Thread-safe: one short session per call."""

    def __init__(self, records: Records):
        self.records = records
        Base.metadata.create_all(records.engine, tables=[Department.__table__, DepartmentMember.__table__])

    # ---- departments -------------------------------------------------------------------------
    def list(self) -> list[DepartmentInfo]:
        """Every department with its member count, by name."""
        with self.records.session() as s:
            return [DepartmentInfo(d.id, d.name, n, d.created_at) for d, n in s.execute(self._counted())]

    def find(self, name: str) -> DepartmentInfo | None:
        with self.records.session() as s:
            row = s.execute(self._counted().where(Department.name == name)).first()
        return DepartmentInfo(row[0].id, row[0].name, row[1], row[0].created_at) if row else None

    def add(self, name: str) -> DepartmentInfo:
        """XuefaError when a department of that name exists (also when another writer just added it)."""
        try:
            with self.records.session() as s:
                if self._get(s, name) is not None:
                    raise XuefaError(f"科室已存在：{name}")
                dept = Department(name=name, created_at=utcnow())
                s.add(dept)
                s.flush()
                return DepartmentInfo(dept.id, dept.name, 0, dept.created_at)
        except IntegrityError:
            raise XuefaError(f"科室已存在：{name}") from None

    def rename(self, old: str, new: str) -> DepartmentInfo:
        try:
            with self.records.session() as s:
                dept = self._require(s, old)
                if new != old and self._get(s, new) is not None:
                    raise XuefaError(f"科室已存在：{new}")
                dept.name = new
        except IntegrityError:
            raise XuefaError(f"科室已存在：{new}") from None
        return self.find(new)

    def delete(self, name: str) -> int:
        """Delete a department; returns how many users it had (they now have none)."""
        with self.records.session() as s:
            dept = self._require(s, name)
            # explicit, not left to ON DELETE CASCADE: the count is the answer, and SQLite
            # only cascades on connections that turned foreign keys on
            moved = s.execute(delete(DepartmentMember).where(DepartmentMember.department_id == dept.id)).rowcount
            s.delete(dept)
        return moved

    # ---- membership --------------------------------------------------------------------------
    def set_member(self, user_id: int, department_id: int | None) -> None:
        """Put a user in a department (None: in none). Idempotent.

        Update-then-insert: when two admins set the same user's department at once, both may
        find no row and insert; the second insert fails on the primary key, and by then the
        row exists, so the retry updates it."""
        if department_id is None:
            with self.records.session() as s:
                s.execute(delete(DepartmentMember).where(DepartmentMember.user_id == user_id))
            return
        try:
            self._upsert(user_id, department_id)
        except IntegrityError:
            self._upsert(user_id, department_id)

    def department_of(self, user_id: int) -> str | None:
        with self.records.session() as s:
            return s.scalar(select(Department.name).join(DepartmentMember)
                            .where(DepartmentMember.user_id == user_id))

    def membership(self) -> dict[int, str]:
        """{user id: department name} for every user who has a department."""
        with self.records.session() as s:
            return dict(s.execute(select(DepartmentMember.user_id, Department.name).join(Department)).all())

    def member_ids(self, names: Iterable[str]) -> set[int]:
        """The users in any of these departments (unknown names add nobody)."""
        names = list(names)
        if not names:
            return set()
        with self.records.session() as s:
            return set(s.scalars(select(DepartmentMember.user_id).join(Department)
                                 .where(Department.name.in_(names))))

    # ---- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _counted():
        return (select(Department, func.count(DepartmentMember.user_id))
                .outerjoin(DepartmentMember).group_by(Department.id).order_by(Department.name))

    @staticmethod
    def _get(s: Session, name: str) -> Department | None:
        return s.scalar(select(Department).where(Department.name == name))

    def _require(self, s: Session, name: str) -> Department:
        dept = self._get(s, name)
        if dept is None:
            raise NotFoundError(f"没有这个科室：{name}")
        return dept

    def _upsert(self, user_id: int, department_id: int) -> None:
        with self.records.session() as s:
            if s.get(User, user_id) is None:
                raise NotFoundError(f"没有这个用户：{user_id}")
            if s.get(Department, department_id) is None:
                raise NotFoundError(f"没有这个科室：{department_id}")
            changed = s.execute(update(DepartmentMember).where(DepartmentMember.user_id == user_id)
                                .values(department_id=department_id)).rowcount
            if not changed:
                s.add(DepartmentMember(user_id=user_id, department_id=department_id))
