"""Fixtures of the learning tests: a settable clock, a fresh records database, the service
with an unfuzzed FSRS scheduler (exact due dates) and a 10-question paper on 劳动合同法."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.quiz.types import QuizScope
from knowledge.store.records import Records
from quiz_fixtures import UTC, Clock


@pytest.fixture
def clock():
    return Clock(dt.datetime(2024, 5, 6, 1, 0, tzinfo=UTC))


@pytest.fixture
def records(tmp_path):
    rec = Records(f"sqlite:///{tmp_path / 'records.db'}")
    yield rec
    rec.close()


@pytest.fixture
def learning(records, quiz_service, clock):
    return LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)


@pytest.fixture(scope="module")
def paper(quiz_service):
    return quiz_service.generate(QuizScope(laws=["劳动合同法"]), n=10, seed=21, exam=True)
