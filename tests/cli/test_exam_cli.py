"""`xuefa exam …` end to end on a private XUEFA_HOME: departments and users from the CLI, an
exam for one department, a sitting taken through the service, results and files."""
from __future__ import annotations

import json

import pytest
from cli_home import private_home
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from assistant.cli.main import main
from assistant.container import Container
from assistant.settings import Settings
from quiz_fixtures import copy_store


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    with private_home(tmp_path_factory.mktemp("exam-cli"), copy_store) as home:
        yield home


def run(args, code=0):
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output if code else result.stdout


CREATE = ["exam", "create", "--title", "2026 年度学法考试", "--law", "劳动合同法", "--count", "单选=5",
          "--count", "判断=5", "--points", "单选=10", "--points", "判断=10", "--minutes", "20",
          "--opens", "2026-01-01 09:00", "--closes", "2099-12-31 18:00", "--dept", "综合科", "--seed", "5"]


def test_an_exam_for_a_department_from_create_to_results(home, tmp_path):
    for name in ("甲", "乙"):
        run(["users", "add", name, "--dept", "综合科", "--password", "password-123"])
    run(["users", "add", "丙", "--password", "password-123"])
    out = run(CREATE)
    assert "已创建考试 1" in out and "10 题" in out and "应考 2 人" in out
    listed = json.loads(run(["exam", "list", "--json"]))
    assert [(e["id"], e["questions"], e["total_points"]) for e in listed] == [(1, 10, 100.0)]
    assert listed[0]["opens_at"] == "2026-01-01 09:00"  # shown in XUEFA_TIMEZONE, as entered

    c = Container(Settings())
    user = c.auth.get_user("甲")
    mock = c.exams.start(user, 1)
    for q in mock.questions:
        c.exams.answer(user, 1, q.id, q.answer)
    c.exams.submit(user, 1)

    shown = json.loads(run(["exam", "show", "1", "--json"]))
    assert (shown["assigned"], shown["submitted"], shown["passed"]) == (2, 1, 1)
    xlsx = tmp_path / "成绩.xlsx"
    rows = json.loads(run(["exam", "results", "1", "--json", "--xlsx", str(xlsx)]))
    assert {r["name"]: (r["score"], r["status"]) for r in rows} == {"甲": (100.0, "已交卷"), "乙": ("", "未参加")}
    sheet = [list(r) for r in load_workbook(xlsx)["成绩"].iter_rows(min_row=2, values_only=True)]
    assert sorted((r[0], r[1], r[2]) for r in sheet) == [("乙", "综合科", None), ("甲", "综合科", 100)]
    docx = tmp_path / "试卷.docx"
    run(["exam", "paper", "1", "--docx", str(docx)])
    assert "参考答案与解析" in "\n".join(p.text for p in Document(str(docx)).paragraphs)


def test_refusals_are_one_line_errors(home):
    out = run(["exam", "create", "--title", "x", "--law", "劳动合同法", "--closes", "2099-01-01",
               "--dept", "没有的科室"], code=1)
    assert "没有这个科室" in out
    out = run(["exam", "create", "--title", "x", "--law", "劳动合同法", "--closes", "2099-01-01",
               "--count", "单选=x", "--everyone"], code=1)
    assert "题数不是数字" in out
    assert "时间格式不对" in run(["exam", "create", "--title", "x", "--closes", "明天", "--everyone"], code=1)
