"""The knowledge-base commands as a user runs them (click runner, fake embedder, tmp home)."""
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

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_import_show_list_status(run):
    r = run("import-statutes", "--law", "网络安全法", "--law", "保密法")
    assert r.exit_code == 0, r.output
    assert "导入 2 部" in r.output and "向量化完成" in r.output
    listed = [json.loads(line) for line in run("laws", "list", "--json").output.splitlines()]
    assert {d["title"] for d in listed} == {"中华人民共和国网络安全法", "中华人民共和国保守国家秘密法"}
    shown = run("laws", "show", "网安法", "--article", "第一条")
    assert shown.exit_code == 0
    assert "《中华人民共和国网络安全法》第一条（第一章 总则）" in shown.output
    assert "为了保障网络安全" in shown.output
    missing = run("laws", "show", "网安法", "--article", "第九百条")
    assert missing.exit_code == 1 and "没有第九百条" in missing.output
    status = json.loads(run("index", "status", "--json").output)
    assert status["pending"] == 0 and status["embedded"] == status["articles"] > 100
    r = run("laws", "status", "保密法", "已废止")
    assert r.exit_code == 0 and "已废止" in r.output
    assert len(run("laws", "list", "--json").output.splitlines()) == 1  # left default listing


def test_ingest_reports_failures_with_exit_code(run, tmp_path):
    good = tmp_path / "in" / "制度.txt"
    good.parent.mkdir()
    good.write_text("考勤管理制度\n一、工作人员应当按时到岗。\n二、因公外出应当登记。\n", encoding="utf-8")
    (tmp_path / "in" / "坏.docx").write_bytes(b"not a docx")
    r = run("ingest", str(tmp_path / "in"), "--type", "内部制度", "--no-embed")
    assert r.exit_code == 1
    assert "成功 1，失败 1" in r.output
    assert "坏.docx" in r.output
    listed = run("laws", "list").output
    assert "考勤管理制度\t内部制度\t现行有效\t2条" in listed
    deleted = run("laws", "delete", "考勤管理制度", "--yes")
    assert deleted.exit_code == 0 and "已删除" in deleted.output
    assert "共 0 部" in run("laws", "list").output


def test_bad_options_are_user_errors(run, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("第一条 内容。", encoding="utf-8")
    r = run("ingest", str(f), "--type", "小说")
    assert r.exit_code == 1 and "未知的文档类型" in r.output
    r = run("import-statutes", "--law", "不存在的法")
    assert r.exit_code == 1 and "没有找到" in r.output
