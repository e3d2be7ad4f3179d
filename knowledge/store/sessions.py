"""Login sessions and disabled accounts, in the records database.

A session row is keyed by the SHA-256 of its token (the token itself lives only in the
browser's cookie), so a copy of the database does not let anyone log in. Every app instance
on the same database serves every session, and a restart logs nobody out. Rows are never
reused: revoking stamps ``revoked_at``; old rows are purged.

Disabled accounts are their own table rather than a column on ``users``: databases already
in use get it on first use, with no migration.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ForeignKey, String, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.records import Base, Records, User, UTCDateTime, utcnow


class LoginSession(Base):
    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_why: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class DisabledUser(Base):
    """One row per disabled account (the primary key makes it at most one)."""

    __tablename__ = "disabled_users"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    disabled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    disabled_by: Mapped[str] = mapped_column(String(64), default="")


@dataclass(frozen=True)
class SessionRow:
    """A session as read, with its user's name and role and whether the account is disabled."""

    token_hash: str
    user_id: int
    user_name: str
    role: str
    has_password: bool
    disabled: bool
    created_at: dt.datetime
    last_seen_at: dt.datetime
    revoked_at: dt.datetime | None


class Sessions:
    """Repository over the two tables (created on first use). Thread-safe: one short session per call."""

    def __init__(self, records: Records):
        self.records = records
        Base.metadata.create_all(records.engine, tables=[LoginSession.__table__, DisabledUser.__table__])

    # ---- sessions ----------------------------------------------------------------------------
    def create(self, token_hash: str, user_id: int, *, at: dt.datetime, address: str = "") -> None:
        with self.records.session() as s:
            s.add(LoginSession(token_hash=token_hash, user_id=user_id, created_at=at, last_seen_at=at,
                               address=(address or "")[:64]))

    def get(self, token_hash: str) -> SessionRow | None:
        stmt = (select(LoginSession, User, DisabledUser.user_id)
                .join(User, User.id == LoginSession.user_id)
                .outerjoin(DisabledUser, DisabledUser.user_id == LoginSession.user_id)
                .where(LoginSession.token_hash == token_hash))
        with self.records.session() as s:
            row = s.execute(stmt).first()
        if row is None:
            return None
        sess, user, disabled = row
        return SessionRow(sess.token_hash, user.id, user.name, user.role, bool(user.password_hash),
                          disabled is not None, sess.created_at, sess.last_seen_at, sess.revoked_at)

    def touch(self, token_hash: str, at: dt.datetime) -> None:
        with self.records.session() as s:
            s.execute(update(LoginSession).where(LoginSession.token_hash == token_hash,
                                                 LoginSession.last_seen_at < at).values(last_seen_at=at))

    def revoke(self, token_hash: str, *, at: dt.datetime, why: str = "logout") -> bool:
        with self.records.session() as s:
            done = s.execute(update(LoginSession).where(LoginSession.token_hash == token_hash,
                                                        LoginSession.revoked_at.is_(None))
                             .values(revoked_at=at, revoked_why=why[:20])).rowcount
        return bool(done)

    def revoke_user(self, user_id: int, *, at: dt.datetime, why: str) -> int:
        """Revoke every open session of a user; returns how many."""
        with self.records.session() as s:
            return s.execute(update(LoginSession).where(LoginSession.user_id == user_id,
                                                        LoginSession.revoked_at.is_(None))
                             .values(revoked_at=at, revoked_why=why[:20])).rowcount

    def open_count(self, user_id: int, *, since: dt.datetime) -> int:
        """Sessions of a user not revoked and seen since ``since``."""
        with self.records.session() as s:
            return len(list(s.scalars(select(LoginSession.token_hash).where(
                LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None),
                LoginSession.last_seen_at >= since))))

    def purge(self, *, created_before: dt.datetime, seen_before: dt.datetime) -> int:
        """Delete sessions past either timeout, or revoked, whichever cut-off they fail."""
        with self.records.session() as s:
            return s.execute(delete(LoginSession).where(or_(
                LoginSession.created_at < created_before, LoginSession.last_seen_at < seen_before,
                LoginSession.revoked_at.is_not(None) & (LoginSession.revoked_at < seen_before)))).rowcount

    # ---- disabled accounts ---------------------------------------------------------------------
    def disable(self, user_id: int, *, by: str, at: dt.datetime | None = None) -> bool:
        """True when the account was enabled until now."""
        try:
            with self.records.session() as s:
                if s.get(DisabledUser, user_id) is not None:
                    return False
                s.add(DisabledUser(user_id=user_id, disabled_at=at or utcnow(), disabled_by=(by or "")[:64]))
            return True
        except IntegrityError:  # another admin disabled it a moment ago
            return False

    def enable(self, user_id: int) -> bool:
        """True when the account was disabled until now."""
        with self.records.session() as s:
            return bool(s.execute(delete(DisabledUser).where(DisabledUser.user_id == user_id)).rowcount)

    def is_disabled(self, user_id: int) -> bool:
        with self.records.session() as s:
            return s.get(DisabledUser, user_id) is not None

    def disabled_ids(self) -> set[int]:
        with self.records.session() as s:
            return set(s.scalars(select(DisabledUser.user_id)))
