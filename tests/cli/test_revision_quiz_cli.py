"""`--changes-since` on quiz and exam commands (tmp home, real bundled laws with history)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("XUEFA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_generate_and_exam_on_the_changes_since_a_date(run):
    assert run("import-statutes", "--law", "渔业法", "--include-history", "--no-embed").exit_code == 0
    r = run("quiz", "generate", "--law", "渔业法", "--changes-since", "2020-01-01", "-n", "6", "--type", "单选",
            "--seed", "2", "--json")
    assert r.exit_code == 0, r.output
    questions = [json.loads(line) for line in r.output.splitlines()]
    assert len(questions) == 6 and any(q["generator"] == "revision_contrast" for q in questions)
    assert all("修订后" in q["stem"] for q in questions if q["generator"] == "revision_contrast")
    bad = run("quiz", "generate", "--law", "渔业法", "--changes-since", "2020/01/01")
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    assert run("users", "add", "zhang", "--password", "pw-12345678").exit_code == 0
    made = run("exam", "create", "--title", "渔业法新修订", "--law", "渔业法", "--changes-since", "2020-01-01",
               "--count", "单选=5", "--points", "单选=20", "--closes", "2099-12-31 18:00", "--everyone", "--json")
    assert made.exit_code == 0, made.output
    exam_id = json.loads(made.output)["id"]
    shown = json.loads(run("exam", "show", str(exam_id), "--json").output)
    assert shown["blueprint"]["scope"]["changes_since"] == "2020-01-01"
