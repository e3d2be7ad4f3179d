"""The records database: users, questions, attempts, answers, exams, wrong book, FSRS cards;
records survive a restart; the schema is portable to PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex, CreateTable

from assistant.learning.stored_questions import load_questions, question_data
from assistant.quiz.types import QuizScope
from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.records import Base, Records, User
from quiz_fixtures import UTC

T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=UTC)




@pytest.fixture
def url(records_url):
    return records_url


@pytest.fixture(scope="module")
def questions(quiz_service):
    return quiz_service.generate(QuizScope(laws=["网络安全法"]), n=6, seed=9)


@pytest.fixture(scope="module")
def rows(questions):
    """The questions as the records take them (plain values; storage knows no quiz types)."""
    return [question_data(q) for q in questions]


def test_users(url):
    rec = Records(url)
    alice = rec.ensure_user("张三")
    assert alice.role == "staff" and alice.password_hash is None and not alice.is_admin
    assert rec.ensure_user("张三").id == alice.id  # idempotent
    admin = rec.ensure_user("管理员", role="admin")
    assert admin.is_admin
    assert [u.name for u in rec.list_users()] == sorted(["张三", "管理员"])
    assert rec.update_user("张三", password_hash="$argon2id$fake").password_hash == "$argon2id$fake"
    with pytest.raises(NotFoundError):
        rec.get_user("李四")
    with pytest.raises(XuefaError):
        rec.ensure_user("  ")
    with pytest.raises(XuefaError):
        rec.ensure_user("王五", role="boss")
    with pytest.raises(IntegrityError):  # names are unique at the database level too
        with rec.session() as s:
            s.add(User(name="张三", role="staff", created_at=T0))


def test_questions_attempts_answers(url, questions, rows):
    rec = Records(url)
    user = rec.ensure_user("张三")
    attempt = rec.start_attempt(user.id, "practice", rows, started_at=T0, scope={"laws": ["网安法"]}, seed=9)
    assert load_questions(rec, attempt.question_ids) == questions  # stored whole, reloaded equal
    q = questions[0]
    rec.record_answer(attempt_id=attempt.id, user_id=user.id, position=0, question=rows[0], response=["A"],
                      correct=False, points=0, answered_at=T0)
    rec.record_answer(attempt_id=attempt.id, user_id=user.id, position=0, question=rows[0], response=q.answer,
                      correct=True, points=1, answered_at=T0 + dt.timedelta(seconds=5), duration_ms=5000)
    answers = rec.answers_of(attempt.id)
    assert len(answers) == 1 and answers[0].correct and answers[0].response == q.answer  # replaced
    assert rec.asked_question_ids(user.id, q.article_id) == {q.id}
    done = rec.finish_attempt(attempt.id, T0 + dt.timedelta(minutes=1))
    assert done.correct == 1 and done.total == len(questions) and done.finished_at == T0 + dt.timedelta(minutes=1)
    with pytest.raises(ValueError):
        rec.start_attempt(user.id, "party", rows, started_at=T0)


def test_wrong_book_rows(url, questions, rows):
    rec = Records(url)
    user = rec.ensure_user("张三")
    q = questions[1]
    rec.wrong_missed(user.id, rows[1], T0)
    entry = rec.wrong_missed(user.id, rows[1], T0 + dt.timedelta(hours=1))
    assert entry.wrong_count == 2 and entry.right_streak == 0
    rec.wrong_hit(user.id, q.id, T0 + dt.timedelta(hours=2), mastery_streak=2)
    assert rec.wrong_hit(user.id, q.id, T0 + dt.timedelta(hours=3), mastery_streak=2).mastered_at is not None
    assert rec.wrong_entries(user.id) == [] and len(rec.wrong_entries(user.id, include_mastered=True)) == 1
    assert rec.wrong_hit(user.id, "not-in-book", T0, 2) is None
    assert rec.wrong_remove(user.id, q.id) and not rec.wrong_remove(user.id, q.id)


def test_records_survive_a_restart(url, questions, rows):
    rec = Records(url)
    user = rec.ensure_user("张三")
    attempt = rec.start_attempt(user.id, "exam", rows, started_at=T0)
    exam = rec.create_exam(attempt_id=attempt.id, user_id=user.id, config={"n": 6}, time_limit_s=600,
                           pass_mark=60, total_points=100, started_at=T0)
    rec.record_answer(attempt_id=attempt.id, user_id=user.id, position=2, question=rows[2],
                      response="正确", correct=True, points=100 / 6, answered_at=T0)
    rec.wrong_missed(user.id, rows[3], T0)
    rec.save_card(user.id, rows[4], {"card_id": 1, "state": 1, "step": 0, "stability": None,
                                          "difficulty": None, "due": T0.isoformat(), "last_review": None},
                  due=T0 + dt.timedelta(minutes=10), state=1, stability=None, reviewed_at=T0, rating=1,
                  lapsed=False)
    rec.close()

    again = Records(url)  # a new engine on the same file
    assert again.get_user("张三").id == user.id
    assert again.get_attempt(attempt.id).question_ids == [q.id for q in questions]
    reopened = again.get_exam(exam.id)
    assert reopened.deadline == T0 + dt.timedelta(minutes=10) and reopened.deadline.tzinfo is not None
    assert [a.position for a in again.answers_of(attempt.id)] == [2]
    assert [e.question_id for e in again.wrong_entries(user.id)] == [questions[3].id]
    card = again.get_card(user.id, questions[4].article_id)
    assert card.reps == 1 and card.due == T0 + dt.timedelta(minutes=10) and card.law == questions[4].law
    assert [c.article_id for c in again.due_cards(user.id, T0 + dt.timedelta(hours=1))] == [questions[4].article_id]
    assert again.open_exams(user.id)[0].id == exam.id


def test_naive_datetimes_are_refused(url, rows):
    rec = Records(url)
    user = rec.ensure_user("张三")
    with pytest.raises(Exception):
        rec.start_attempt(user.id, "practice", rows, started_at=dt.datetime(2024, 5, 6, 9, 0))


def test_schema_compiles_for_postgresql():
    """No SQLite-only DDL: every table and index compiles for PostgreSQL."""
    dialect = postgresql.dialect()
    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "CREATE TABLE" in ddl
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))
    wanted = {"users", "questions", "attempts", "answers", "exams", "wrong_book", "fsrs_cards", "fsrs_reviews",
              "conversations", "conversation_messages"}
    assert wanted <= set(Base.metadata.tables)
