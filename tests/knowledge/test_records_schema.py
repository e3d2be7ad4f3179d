"""The records schema is a contract with the databases already in use: tables, columns, keys and
indexes stay as committed in ``data/records_schema.json`` (written from the schema as shipped),
and a database written by that code (``data/records_before_split.sql``, a SQLite dump) is read
as it is, without a migration."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import MetaData, UniqueConstraint
from sqlalchemy.dialects import sqlite

from assistant.answer.conversations import ConversationStore
from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from knowledge.store import audit, card_notes, departments, login_throttle, office_exams, sessions, study  # noqa: F401
from knowledge.store.records import Base, Records
from quiz_fixtures import UTC, Clock

DATA = Path(__file__).parent / "data"


def schema_of(metadata: MetaData) -> dict:
    """Every table's columns (type as SQLite DDL, nullability, key, foreign keys), indexes and
    unique constraints, as JSON-ready lists."""
    dialect = sqlite.dialect()
    out = {}
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        out[table.name] = {
            "columns": [[c.name, c.type.compile(dialect=dialect), c.nullable, c.primary_key,
                         sorted(f"{fk.target_fullname} {fk.ondelete or ''}".strip() for fk in c.foreign_keys)]
                        for c in table.columns],
            "indexes": sorted([i.name, [c.name for c in i.columns], bool(i.unique)] for i in table.indexes),
            "unique": sorted([u.name, [c.name for c in u.columns]] for u in table.constraints
                             if isinstance(u, UniqueConstraint)),
        }
    return json.loads(json.dumps(out))


def schema_json(metadata: MetaData) -> str:
    """The committed file's layout: one line per column, index or constraint."""
    lines = ["{"]
    tables = schema_of(metadata)
    for t, (name, table) in enumerate(tables.items()):
        lines.append(f' {json.dumps(name, ensure_ascii=False)}: {{')
        for k, (key, rows) in enumerate(table.items()):
            body = ",\n".join(f"   {json.dumps(r, ensure_ascii=False)}" for r in rows)
            lines.append(f'  "{key}": [' + (f"\n{body}\n  ]" if rows else "]") + ("," if k < 2 else ""))
        lines.append(" }" + ("," if t < len(tables) - 1 else ""))
    return "\n".join(lines) + "\n}\n"


def test_schema_is_the_committed_one():
    committed = json.loads((DATA / "records_schema.json").read_text(encoding="utf-8"))
    assert schema_of(Base.metadata) == committed


def _sqlite_schema(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "records.db"
    with sqlite3.connect(path) as con:
        con.executescript((DATA / "records_before_split.sql").read_text(encoding="utf-8"))
    return path


def test_a_database_written_before_the_split_is_read_unchanged(old_db, quiz_service):
    before = _sqlite_schema(old_db)
    records = Records(f"sqlite:///{old_db}")
    conversations = ConversationStore(records)
    learning = LearningService(records, quiz_service, scheduler=default_scheduler(fuzz=False),
                               clock=Clock(dt.datetime(2024, 5, 6, 3, 0, tzinfo=UTC)), tz=UTC)
    user = records.get_user("张三")
    practice = records.attempts_of(user.id, "practice")[0]
    resumed = learning.resume_practice(practice.id)
    assert resumed.position == 2 and resumed.correct == 1
    assert [q.id for q in resumed.questions] == practice.question_ids
    exam = records.open_exams(user.id)[0]  # left open past its deadline: submitted on resuming
    result = learning.resume_exam(exam.id).result
    assert result.auto_submitted and (result.correct, result.total, result.score) == (1, 2, 50)
    assert records.get_exam(exam.id).submitted_at == exam.deadline
    wrong = learning.wrong_book.entries(user.id)  # the practice miss and the blank exam answer
    assert len(wrong) == 2 and all(it.question.id and it.article_text for it in wrong)
    stats = learning.stats.for_user(user, now=learning.clock())
    assert (stats.answered, stats.correct, stats.cards, len(stats.exams)) == (3, 2, 4, 1)
    conv = conversations.list(user.id)[0]
    assert [m.role for m in conversations.messages(user.id, conv.id)] == ["user", "assistant"]
    records.close()
    assert _sqlite_schema(old_db) == before  # opening it created or altered nothing


if __name__ == "__main__":  # after a deliberate schema change: PYTHONPATH=tests python tests/knowledge/test_records_schema.py
    (DATA / "records_schema.json").write_text(schema_json(Base.metadata), encoding="utf-8")
