"""Shared records under concurrent writers (threads on SQLite and on PostgreSQL): starting the
same practice or exam, missing the same question, rating the same article, first use of a
name — every insert of a shared row is idempotent, every counter counts every call."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from assistant.learning.stored_questions import question_data
from assistant.quiz.types import QuizScope
from knowledge.store.records import Records, ReviewCard, ReviewLogEntry, StoredQuestion, User, WrongEntry
from quiz_fixtures import UTC

T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
THREADS = 8


@pytest.fixture(scope="module")
def rows(quiz_service):
    return [question_data(q) for q in quiz_service.generate(QuizScope(laws=["网络安全法"]), n=6, seed=11)]


def _all_at_once(fn, n: int = THREADS) -> list:
    """Run ``fn(i)`` in n threads released together; the results (exceptions re-raised)."""
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return [f.result() for f in [pool.submit(run, i) for i in range(n)]]


def _count(rec: Records, model, *where) -> int:
    with rec.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_same_questions_started_by_many_users_at_once(records_url, rows):
    rec = Records(records_url)
    users = [rec.ensure_user(f"考生{i}").id for i in range(THREADS)]
    attempts = _all_at_once(lambda i: rec.start_attempt(users[i], "exam", rows, started_at=T0))
    assert len({a.id for a in attempts}) == THREADS
    assert all(a.question_ids == [r.id for r in rows] for a in attempts)
    assert _count(rec, StoredQuestion) == len(rows)  # stored once, no UNIQUE failure


def test_first_use_of_one_name_at_once_makes_one_user(records_url):
    rec = Records(records_url)
    users = _all_at_once(lambda i: rec.ensure_user("同名"))
    assert len({u.id for u in users}) == 1 and users[0].name == "同名"
    assert _count(rec, User, User.name == "同名") == 1


def test_concurrent_misses_make_one_entry_counting_every_miss(records_url, rows):
    rec = Records(records_url)
    uid = rec.ensure_user("张三").id
    _all_at_once(lambda i: rec.wrong_missed(uid, rows[0], T0 + dt.timedelta(seconds=i)))
    entries = rec.wrong_entries(uid)
    assert len(entries) == 1 and entries[0].wrong_count == THREADS
    assert _count(rec, WrongEntry) == 1
    # the book still works afterwards: a right answer lengthens the streak
    assert rec.wrong_hit(uid, rows[0].id, T0, mastery_streak=2).right_streak == 1


def test_concurrent_ratings_make_one_card_counting_every_rating(records_url, rows):
    rec = Records(records_url)
    uid = rec.ensure_user("李四").id
    q = rows[0]

    def rate(i):
        return rec.save_card(uid, q, {"state": 2}, due=T0 + dt.timedelta(days=1), state=2, stability=3.0,
                             reviewed_at=T0 + dt.timedelta(seconds=i), rating=3, lapsed=i % 2 == 0)

    _all_at_once(rate)
    card = rec.get_card(uid, q.article_id)
    assert card.reps == THREADS and card.lapses == THREADS // 2 and card.law == q.law
    assert _count(rec, ReviewCard) == 1
    assert _count(rec, ReviewLogEntry, ReviewLogEntry.user_id == uid) == THREADS


def test_a_later_rating_updates_the_same_card(records_url, rows):
    rec = Records(records_url)
    uid = rec.ensure_user("王五").id
    q = rows[1]
    first = rec.save_card(uid, q, {"n": 1}, due=T0, state=1, stability=None, reviewed_at=T0, rating=1,
                          lapsed=False)
    second = rec.save_card(uid, q, {"n": 2}, due=T0 + dt.timedelta(days=3), state=2, stability=2.5,
                           reviewed_at=T0 + dt.timedelta(hours=1), rating=3, lapsed=True)
    assert first.id == second.id and second.reps == 2 and second.lapses == 1
    assert second.card == {"n": 2} and second.due == T0 + dt.timedelta(days=3) and second.stability == 2.5
