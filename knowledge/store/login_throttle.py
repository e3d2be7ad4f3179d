"""Failed-login counters, in the records database so every app instance behind a proxy sees
the same counts.

One row per key (the caller decides what a key names: an address, a user name, or a name
from one address). A failure after a quiet ``window`` starts the count again. The back-off
policy lives with the caller; this module only counts, portably (an UPDATE, or an INSERT
when the row is new, retried when two instances insert the same key at once).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Integer, String, case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.store.records import Base, Records, UTCDateTime

MAX_KEY_CHARS = 200


class ThrottleRow(Base):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(MAX_KEY_CHARS), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    refused: Mapped[int] = mapped_column(Integer, default=0)  # attempts turned away since the last failure


@dataclass(frozen=True)
class Counter:
    key: str
    failures: int
    last_failure_at: dt.datetime
    refused: int = 0


class LoginThrottle:
    """Repository over ``login_throttle`` (created on first use). Thread-safe: one short session per call."""

    def __init__(self, records: Records):
        self.records = records
        Base.metadata.create_all(records.engine, tables=[ThrottleRow.__table__])

    def counters(self, keys: list[str], *, since: dt.datetime) -> dict[str, Counter]:
        """The counters of these keys with a failure since ``since`` (older ones count as none)."""
        keys = [k[:MAX_KEY_CHARS] for k in keys]
        with self.records.session() as s:
            rows = s.scalars(select(ThrottleRow).where(ThrottleRow.key.in_(keys),
                                                       ThrottleRow.last_failure_at >= since))
            return {r.key: Counter(r.key, r.failures, r.last_failure_at, r.refused) for r in rows}

    def fail(self, keys: list[str], *, at: dt.datetime, since: dt.datetime) -> dict[str, Counter]:
        """Count one failure on each key (a key quiet since before ``since`` starts again at 1);
        returns the new counters."""
        keys = list(dict.fromkeys(k[:MAX_KEY_CHARS] for k in keys))
        for tries in range(5):
            try:
                with self.records.session() as s:
                    for key in keys:
                        self._fail_one(s, key, at, since)
                break
            except IntegrityError:  # another instance inserted one of the keys first: now it updates
                if tries == 4:
                    raise
        return self.counters(keys, since=since)

    @staticmethod
    def _fail_one(s: Session, key: str, at: dt.datetime, since: dt.datetime) -> None:
        stale = ThrottleRow.last_failure_at < since
        done = s.execute(update(ThrottleRow).where(ThrottleRow.key == key).values(
            failures=case((stale, 1), else_=ThrottleRow.failures + 1),
            first_failure_at=case((stale, at), else_=ThrottleRow.first_failure_at),
            last_failure_at=at, refused=0)).rowcount
        if not done:
            s.add(ThrottleRow(key=key, failures=1, first_failure_at=at, last_failure_at=at, refused=0))
            s.flush()

    def refused(self, key: str) -> int:
        """Count an attempt turned away on ``key``; returns how many since its last failure."""
        key = key[:MAX_KEY_CHARS]
        with self.records.session() as s:
            s.execute(update(ThrottleRow).where(ThrottleRow.key == key).values(refused=ThrottleRow.refused + 1))
            return s.scalar(select(ThrottleRow.refused).where(ThrottleRow.key == key)) or 0

    def clear(self, keys: list[str]) -> None:
        with self.records.session() as s:
            s.execute(delete(ThrottleRow).where(ThrottleRow.key.in_([k[:MAX_KEY_CHARS] for k in keys])))

    def purge(self, *, before: dt.datetime) -> int:
        """Forget counters quiet since before ``before`` (they no longer count anyway)."""
        with self.records.session() as s:
            return s.execute(delete(ThrottleRow).where(ThrottleRow.last_failure_at < before)).rowcount
