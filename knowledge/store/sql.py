"""SQL helpers every store module shares: idempotent inserts that hold under concurrency.

Check-then-insert races: two requests both find no row and both insert, and the second
fails on the unique key. An ``INSERT … ON CONFLICT DO NOTHING`` cannot race: the database
decides, and the loser's row is simply not inserted (its rowcount is 0). SQLite and
PostgreSQL spell it the same way through SQLAlchemy's dialect-specific ``insert``.
"""
from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session


def dialect_name(bind: Engine | Connection | Session) -> str:
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name


def insert_ignoring_conflicts(bind: Engine | Connection | Session, table: Table):
    """``INSERT … ON CONFLICT DO NOTHING`` on ``table`` for ``bind``'s database (any unique
    key or primary key conflict skips the row)."""
    name = dialect_name(bind)
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no idempotent insert for the {name} dialect")
    return insert(table).on_conflict_do_nothing()
