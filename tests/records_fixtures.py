"""The records database URL for tests that must hold on SQLite and on PostgreSQL (a pytest
plugin, see tests/conftest.py). .ci/run starts a local PostgreSQL server and sets
XUEFA_TEST_POSTGRES_URL; elsewhere the PostgreSQL runs skip."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine

from knowledge.store import audit, card_notes, departments, login_throttle, office_exams, sessions, study  # noqa: F401
from knowledge.store.records import Base

PG_URL = os.environ.get("XUEFA_TEST_POSTGRES_URL")


def _drop_all(url: str) -> None:
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def records_url(request, tmp_path):
    """The same tests against SQLite (default) and a real PostgreSQL server (a clean schema
    for every test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sub' / 'records.db'}"
        return
    if not PG_URL:
        pytest.skip("XUEFA_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
    _drop_all(PG_URL)
    yield PG_URL
    _drop_all(PG_URL)
