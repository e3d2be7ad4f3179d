"""`xuefa laws check-citations` as an admin runs it (tmp home, real bundled laws)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import main

RULE = ("网络安全等级保护实施办法\n"
        "第一条　为了加强本局网络安全管理，根据《中华人民共和国网络安全法》，制定本办法。\n"
        "第二条　本局按照《网络安全法》第二十一条的规定，实行网络安全等级保护制度。\n")


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("XUEFA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_check_citations_lists_the_rule_with_the_renumbering(run, tmp_path):
    assert run("import-statutes", "--law", "网络安全法", "--law", "关于修改《中华人民共和国网络安全法》的决定",
               "--no-embed").exit_code == 0
    rule = tmp_path / "办法.txt"
    rule.write_text(RULE, encoding="utf-8")
    assert run("ingest", str(rule), "--type", "内部制度", "--publish-date", "2019-06-01", "--no-embed").exit_code == 0
    r = run("laws", "check-citations")
    assert r.exit_code == 0, r.output
    assert "《网络安全等级保护实施办法》（2019-06-01）需复核" in r.output
    assert "第二十一条现为第二十三条（内容未变）" in r.output
    assert "共 1 份内部制度；1 份需要复核。" in r.output
    [line] = run("laws", "check-citations", "--json").output.splitlines()
    data = json.loads(line)
    [law] = data["laws"]
    [art] = law["articles"]
    assert data["needs_review"] and (art["cited"], art["status"], art["now"]) == ("第二十一条", "renumbered", ["第二十三条"])
    assert art["diff"][0][0] == "equal" and "等级保护制度" in art["diff"][0][1]
    missing = run("laws", "check-citations", "--rule", "没有这份制度")
    assert missing.exit_code == 1 and "没有这份内部制度" in missing.output
