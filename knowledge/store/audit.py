"""The admin action log: who changed what, when (user and department changes, exams set for
the office, imports). Rows are appended, never changed; readers get the newest first."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.records import Base, Records, UTCDateTime, utcnow

MAX_DETAIL_CHARS = 2000


class AdminAction(Base):
    __tablename__ = "admin_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class AuditLog:
    """Appends admin actions to the records database (its table is created on first use)."""

    def __init__(self, records: Records):
        self.records = records
        Base.metadata.create_all(records.engine, tables=[AdminAction.__table__])

    def log(self, actor: str, action: str, target: str = "", detail: dict | None = None,
            *, at: dt.datetime | None = None) -> None:
        detail = dict(detail or {})
        if len(repr(detail)) > MAX_DETAIL_CHARS:  # a log line, not a copy of the data
            detail = {"summary": repr(detail)[:MAX_DETAIL_CHARS]}
        with self.records.session() as s:
            s.add(AdminAction(at=at or utcnow(), actor=actor[:64], action=action[:40], target=target[:500],
                              detail=detail))

    def recent(self, limit: int = 100, *, action: str | None = None) -> list[AdminAction]:
        stmt = select(AdminAction).order_by(AdminAction.at.desc(), AdminAction.id.desc()).limit(limit)
        if action:
            stmt = stmt.where(AdminAction.action == action)
        with self.records.session() as s:
            return list(s.scalars(stmt))
