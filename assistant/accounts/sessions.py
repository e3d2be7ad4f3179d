"""Login sessions: a random token in the browser's cookie, its SHA-256 in the database
(``knowledge.store.sessions``), an idle and an absolute timeout.

A session is valid while it is not revoked, was used within ``idle`` and started within
``absolute``, and its account still has a password and is not disabled. ``last_seen`` is
written at most once a ``touch_every`` (every request would be a write per request).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Callable

from knowledge.store.sessions import SessionRow, Sessions

MAX_TOKEN_CHARS = 200


@dataclass(frozen=True)
class SessionPolicy:
    idle: dt.timedelta = dt.timedelta(hours=2)
    absolute: dt.timedelta = dt.timedelta(hours=12)
    touch_every: dt.timedelta = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class SessionService:
    def __init__(self, sessions: Sessions, clock: Callable[[], dt.datetime], policy: SessionPolicy | None = None):
        self.sessions = sessions
        self.clock = clock
        self.policy = policy or SessionPolicy()

    def start(self, user_id: int, *, address: str = "") -> str:
        """A new session; returns its token (shown once: only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        self.sessions.create(token_hash(token), user_id, at=self.clock(), address=address)
        return token

    def valid(self, token: str | None) -> SessionRow | None:
        """The session of this token if it may still be used (and marks it used)."""
        if not token or not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            return None
        row = self.sessions.get(token_hash(token))
        now = self.clock()
        if row is None or not self._alive(row, now):
            return None
        if now - row.last_seen_at >= self.policy.touch_every:
            self.sessions.touch(row.token_hash, now)
        return row

    def _alive(self, row: SessionRow, now: dt.datetime) -> bool:
        return (row.revoked_at is None and not row.disabled and row.has_password
                and now - row.last_seen_at <= self.policy.idle and now - row.created_at <= self.policy.absolute)

    def end(self, token: str | None) -> bool:
        """Log out this session."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return False
        return self.sessions.revoke(token_hash(token), at=self.clock(), why="logout")

    def end_all(self, user_id: int, why: str) -> int:
        """Revoke every session of a user (password or role changed, account disabled)."""
        return self.sessions.revoke_user(user_id, at=self.clock(), why=why)

    def purge(self) -> int:
        """Delete sessions that can no longer be used."""
        now = self.clock()
        return self.sessions.purge(created_before=now - self.policy.absolute, seen_before=now - self.policy.idle)
