"""`xuefa plan …` end to end on a private XUEFA_HOME with three imported laws: a list from
items and one from the annual starter, shown with article counts and each person's progress
(after a study session taken through the service), re-assigned, deleted; refusals are one line
with exit code 1; every change is logged with the actor "cli"."""
from __future__ import annotations

import json

import pytest
from cli_home import private_home
from click.testing import CliRunner

from assistant.cli.main import main
from assistant.container import Container
from assistant.settings import Settings
from quiz_fixtures import copy_store


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    with private_home(tmp_path_factory.mktemp("plan-cli"), copy_store) as home:
        for name, dept in (("甲", "综合科"), ("乙", "综合科"), ("丙", "办公室")):
            run(["users", "add", name, "--dept", dept, "--password", "password-123"])
        yield home


def run(args, code=0):
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output if code else result.stdout


CREATE = ["plan", "create", "--title", "网安法第一章与保密法两条", "--item", "chapter:网安法:第一章 总则",
          "--item", "article:保密法:第二条", "--item", "article：保守国家秘密法：第三条", "--deadline", "2099-06-30",
          "--dept", "综合科", "--note", "每天十分钟"]


def _study_one_item(user_name: str) -> None:
    c = Container(Settings())
    user = c.auth.get_user(user_name)
    today = c.study.today(user)
    item = today.current
    c.study.open_item(user, today.session_id, item.position)
    for q in item.questions:
        c.study.answer(user, today.session_id, q.answer)
    if not item.questions:
        c.study.finish_reading(user, today.session_id)


def test_a_list_from_items_shown_with_counts_and_each_persons_progress(home):
    out = run(CREATE)
    assert "已创建清单 1" in out and "3 项，17 条条文" in out and "面向 2 人" in out
    shown = json.loads(run(["plan", "show", "1", "--json"]))
    assert [(i["spec"], i["articles"]) for i in shown["items"]] == [
        ("chapter:中华人民共和国网络安全法:第一章 总则", 15), ("article:中华人民共和国保守国家秘密法:第二条", 1),
        ("article:中华人民共和国保守国家秘密法:第三条", 1)]
    assert shown["deadline"] == "2099-06-30" and shown["note"] == "每天十分钟" and shown["created_by"] == "cli"

    _study_one_item("甲")
    text = run(["plan", "show", "1", "--progress"])
    assert "《中华人民共和国网络安全法》第一章 总则\t15 条" in text
    rows = {r["name"]: r for r in json.loads(run(["plan", "show", "1", "--progress", "--json"]))["progress"]}
    assert set(rows) == {"甲", "乙"}
    assert (rows["甲"]["studied"], rows["甲"]["total"], rows["甲"]["department"]) == (1, 17, "综合科")
    assert rows["甲"]["finish_by"] is not None and rows["乙"]["studied"] == 0 and rows["乙"]["finish_by"] is None
    assert "甲\t综合科\t已学 1/17" in text and "乙\t综合科\t已学 0/17" in text and "最近两周没有学习" in text


def test_the_starter_list_assign_list_and_delete(home):
    out = run(["plan", "create", "--starter", "--year", "2099", "--item", "law:劳动合同法"])
    assert "《2099 年度学法清单》" in out and "完成期限 2099-12-31" in out and "面向 3 人" in out  # everyone
    listed = json.loads(run(["plan", "list", "--json"]))
    starter = next(p for p in listed if p["title"] == "2099 年度学法清单")
    # the test store holds 网络安全法 and 保守国家秘密法 of the report's four laws, and no internal rule
    assert [i["law"] for i in starter["items"]] == ["中华人民共和国网络安全法", "中华人民共和国保守国家秘密法",
                                                   "中华人民共和国劳动合同法"]
    assert "现在面向 1 人" in run(["plan", "assign", str(starter["id"]), "--dept", "办公室"])
    assert "期限 2099-12-31\t1 人" in run(["plan", "list"])
    assert "已删除" in run(["plan", "delete", str(starter["id"]), "--yes"])
    assert [p["id"] for p in json.loads(run(["plan", "list", "--json"]))] == [1]
    actions = [(a.actor, a.action) for a in Container(Settings()).audit.recent() if a.action.startswith("plan.")]
    assert ("cli", "plan.create") in actions and ("cli", "plan.assign") in actions and ("cli", "plan.delete") in actions


@pytest.mark.parametrize("args, message", [
    (["plan", "create", "--title", "x", "--item", "law:没有的法", "--deadline", "2099-01-01", "--everyone"],
     "知识库中没有"),
    (["plan", "create", "--title", "x", "--item", "article:网安法:第九百条", "--deadline", "2099-01-01", "--everyone"],
     "知识库中没有"),
    (["plan", "create", "--title", "x", "--item", "网安法", "--deadline", "2099-01-01", "--everyone"], "条目格式"),
    (["plan", "create", "--title", "x", "--item", "law:网安法", "--deadline", "明年", "--everyone"], "日期格式不对"),
    (["plan", "create", "--title", "x", "--item", "law:网安法", "--deadline", "2020-01-01", "--everyone"], "已经过去"),
    (["plan", "create", "--title", "x", "--item", "law:网安法", "--deadline", "2099-01-01"], "面向的人员"),
    (["plan", "create", "--title", "x", "--item", "law:网安法", "--deadline", "2099-01-01", "--dept", "无此科"],
     "没有这个科室"),
    (["plan", "create", "--item", "law:网安法"], "--title"),
    (["plan", "show", "999"], "没有这个学法清单"),
    (["plan", "assign", "1"], "面向的人员"),
])
def test_refusals_are_one_line_errors(home, args, message):
    before = run(["plan", "list", "--json"])
    out = run(args, code=1)
    assert message in out and out.count("\n") == 1
    assert run(["plan", "list", "--json"]) == before
