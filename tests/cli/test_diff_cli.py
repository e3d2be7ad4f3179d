"""`xuefa laws diff`: revision comparison from the command line, on real laws with history."""
from __future__ import annotations

import json

import pytest
from cli_home import private_home
from click.testing import CliRunner

from assistant.cli.main import main
from revision_fixtures import copy_store, write_earlier_cybersecurity


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    with private_home(tmp_path_factory.mktemp("diff-cli"), copy_store) as home:
        yield home


def run(args, code=0):
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_text_output_summary_then_entries(home):
    out = run(["laws", "diff", "网络安全法"])
    lines = out.splitlines()
    assert lines[0] == "《中华人民共和国网络安全法》 2016-11-07（已被修改） → 2025-10-28（现行有效）"
    assert lines[1] == "0 处修改，4 条新增，0 条删除，75 条重新编号"
    assert "[新增] 第三条" in lines and "[新增] 第二十条" in lines
    # the 等级保护 article: old 第二十一条 is within the run that moved up by two
    assert "[重新编号] 第十九条至第六十条 → 第二十一条至第六十二条（42 条，内容未变）" in lines


def test_word_diff_marks_and_only_filter(home):
    out = run(["laws", "diff", "注册会计师法", "--only", "changed"])
    assert "[修改] 第十八条 → 第二十条" in out
    assert "注册会计师与委托人{+或者被审计单位+}有利害关系的" in out
    assert "[新增]" not in out and "[删除]" not in out
    deleted = run(["laws", "diff", "注册会计师法", "--only", "deleted"])
    assert "[删除] 第四十三条" in deleted and "在审计事务所工作的注册审计师" in deleted


def test_json_and_version_selection(home):
    data = json.loads(run(["laws", "diff", "仲裁法", "--from", "2017-09-01", "--to", "2026-03-01", "--json"]))
    assert data["old"]["version"] == "2017-09-01" and data["new"]["version"] == "2025-09-12"
    assert data["summary"]["merged"] == 1
    assert len(data["changes"]) == sum(data["summary"][k] for k in ("changed", "added", "deleted", "split",
                                                                    "merged", "unchanged"))
    changed = next(c for c in data["changes"] if c["kind"] == "changed")
    assert {kind for kind, _ in changed["diff"]} <= {"equal", "insert", "delete"}
    only = json.loads(run(["laws", "diff", "仲裁法", "--json", "--only", "merged"]))
    assert [(c["old"], c["new"]) for c in only["changes"]] == [(["第二条", "第三条"], ["第三条"])]


def test_two_files(home, tmp_path):
    old = write_earlier_cybersecurity(tmp_path)
    new = tmp_path / "new.txt"
    new.write_text(old.read_text(encoding="utf-8").replace("五万元以上五十万元以下", "十万元以上一百万元以下"),
                   encoding="utf-8")
    out = run(["laws", "diff", "--files", str(old), str(new)])
    assert "处修改，0 条新增，0 条删除，0 条重新编号" in out.splitlines()[1]
    assert "[-五-]{+十+}万元以上[-五十-]{+一百+}万元以下" in out


def test_errors_are_one_line(home):
    out = run(["laws", "diff", "仲裁法", "--from", "1990-01-01"], code=1)
    assert "错误：" in out and "尚无生效的文本" in out
    assert "请给出法规名称" in run(["laws", "diff"], code=1)
    assert "知识库中没有" in run(["laws", "diff", "不存在的法"], code=1)
