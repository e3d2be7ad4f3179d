"""`xuefa backup` / `xuefa restore`: a restore into an empty home gives the same laws list,
index status and records (users, answers) — from a SQLite home, and from PostgreSQL (store
and records) into a SQLite home."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from assistant.cli.main import main
from assistant.container import Container
from assistant.quiz.types import QuizScope
from assistant.settings import Settings
from deploy_fixtures import PG_URL, drop_store_tables
from knowledge.store.records import Answer
from records_fixtures import _drop_all

LAWS = ["网络安全法", "保守国家秘密法"]
STATUS_KEYS = ("documents", "current_documents", "articles", "embedder", "embedded", "pending", "vector_chunks",
               "questions")


def _cli(env: dict, *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _state(env: dict) -> dict:
    status = json.loads(_cli(env, "index", "status", "--json"))
    c = Container(Settings(_env_file=None, **{k[6:].lower(): v for k, v in env.items() if k.startswith("XUEFA_")}))
    with c.records.session() as s:
        answers = s.execute(select(Answer.question_id, Answer.correct, Answer.response)).all()
    state = {"laws": [json.loads(line) for line in _cli(env, "laws", "list", "--all", "--json").splitlines()],
             "status": {k: status[k] for k in STATUS_KEYS},
             "users": _cli(env, "users", "list"),
             "answers": sorted(map(tuple, answers))}
    c.records.engine.dispose()
    c.store.close()
    return state


def _env(home, **extra) -> dict:
    return {"XUEFA_HOME": str(home), "XUEFA_EMBEDDER": "fake", "XUEFA_SEARCH_DENSE": "false",
            "XUEFA_STORE_URL": None, "XUEFA_DATABASE_URL": None, **extra}


def _fill(env: dict) -> None:
    _cli(env, "import-statutes", *[a for law in LAWS for a in ("--law", law)])
    _cli(env, "users", "add", "zhang", "--password", "pass-word-123", "--role", "staff")
    c = Container(Settings(_env_file=None, home=env["XUEFA_HOME"], embedder="fake",
                           store_url=env.get("XUEFA_STORE_URL"), database_url=env.get("XUEFA_DATABASE_URL")))
    questions = c.quiz.generate(QuizScope(laws=["网安法"]), n=4, seed=3)
    session = c.learning.start_practice("zhang", questions)
    for i, q in enumerate(questions):
        session.answer(q.answer if i % 2 == 0 else ["Z"])  # some right, some wrong
    c.records.engine.dispose()
    c.store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def source_env(request, tmp_path):
    """A home on SQLite, or one whose store and records are both on PostgreSQL."""
    if request.param == "sqlite":
        yield _env(tmp_path / "a")
        return
    if not PG_URL:
        pytest.skip("XUEFA_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
    drop_store_tables(PG_URL)
    _drop_all(PG_URL)
    yield _env(tmp_path / "a", XUEFA_STORE_URL=PG_URL, XUEFA_DATABASE_URL=PG_URL)
    drop_store_tables(PG_URL)
    _drop_all(PG_URL)


def test_restore_into_an_empty_home_gives_the_same_state(tmp_path, source_env):
    env_a = source_env
    source = "postgresql" if env_a["XUEFA_STORE_URL"] else "sqlite"
    _fill(env_a)
    before = _state(env_a)
    assert before["status"]["embedded"] == before["status"]["articles"] > 100
    assert len(before["answers"]) == 4 and "zhang" in before["users"]

    out = _cli(env_a, "backup", "--out", str(tmp_path / "backup.zip"))
    assert "已备份" in out
    env_b = _env(tmp_path / "b")  # an empty SQLite home
    assert "已恢复" in _cli(env_b, "restore", str(tmp_path / "backup.zip"))
    after = _state(env_b)
    if source == "postgresql":  # the embedded Chroma was copied; nothing to re-embed
        assert after["status"]["pending"] == 0
    assert after == before

    # a second restore into a home that has data is refused with a reason
    again = CliRunner().invoke(main, ["restore", str(tmp_path / "backup.zip")], env=env_b)
    assert again.exit_code == 1 and "只能恢复到空的" in again.output
