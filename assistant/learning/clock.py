"""Time in the learning services: an injected clock returning UTC-aware datetimes. Nothing
sleeps or reads the wall clock directly, so sessions, deadlines and schedules are testable."""
from __future__ import annotations

import datetime as dt
from typing import Callable

Clock = Callable[[], dt.datetime]
UTC = dt.timezone.utc


def local_tz() -> dt.tzinfo:
    return dt.datetime.now().astimezone().tzinfo or UTC


def aware(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC; naive datetimes are refused (their zone would be a guess)."""
    if value.tzinfo is None:
        raise ValueError("learning services need timezone-aware datetimes")
    return value.astimezone(UTC)
