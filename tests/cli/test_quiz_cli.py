"""`xuefa quiz …` end to end on a private XUEFA_HOME holding the three test laws."""
from __future__ import annotations

import json

import pytest
from cli_home import private_home
from click.testing import CliRunner
from openpyxl import load_workbook

from assistant.cli.main import main
from knowledge.store.records import Records
from quiz_fixtures import copy_store


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One XUEFA_HOME for the module (its lexical index is built once); tests use own users."""
    with private_home(tmp_path_factory.mktemp("quiz-cli"), copy_store) as home:
        yield home


def run(args, input=None):
    result = CliRunner().invoke(main, args, input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_generate_json_lines_are_deterministic(home):
    out = run(["quiz", "generate", "--law", "网安法", "-n", "5", "--seed", "1", "--json"])
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(rows) == 5
    for row in rows:
        assert {"type", "stem", "options", "answer", "explanation", "law", "article", "generator"} <= set(row)
        assert row["law"] == "中华人民共和国网络安全法"
    again = run(["quiz", "generate", "--law", "网安法", "-n", "5", "--seed", "1", "--json"])
    assert again == out
    text = run(["quiz", "generate", "--law", "保密法", "-n", "2", "--type", "判断", "--seed", "3"])
    assert "【判断】" in text and "答案：" in text


def test_interactive_practice_records_answers(home):
    out = run(["quiz", "--law", "劳动合同法", "-n", "4", "--seed", "2", "--user", "张三"], input="A\n" * 4)
    assert "第 1/4 题" in out and "本次练习：作答 4/4 题" in out
    assert "《中华人民共和国劳动合同法》第" in out  # the article is shown with the feedback
    rec = Records(f"sqlite:///{home / 'records.db'}")
    user = rec.get_user("张三")
    attempts = rec.attempts_of(user.id)
    assert len(attempts) == 1 and attempts[0].finished_at is not None
    assert len(rec.answers_of(attempts[0].id)) == 4
    rec.close()
    wrong = run(["quiz", "wrong", "--user", "张三"])
    due = run(["quiz", "due", "--user", "张三"])
    stats = run(["quiz", "stats", "--user", "张三"])
    assert "累计作答 4 题" in stats and "劳动合同法" in stats
    assert ("错题本是空的" in wrong) or ("共" in wrong and "道" in wrong)
    assert "劳动合同法" in due or "没有到期" in due
    data = json.loads(run(["quiz", "stats", "--user", "张三", "--json"]))
    assert data["answered"] == 4 and data["daily"][0]["answered"] == 4


def test_interactive_exam_shows_results_at_the_end(home):
    out = run(["quiz", "--law", "网络安全法", "-n", "3", "--exam", "--seed", "4", "--user", "李四"],
              input="A\nA\nq\n")
    assert "模拟考试：共 3 题" in out and "得分：" in out and "答对" in out
    assert "✓" not in out and "✗" not in out  # no feedback before submitting
    stats = json.loads(run(["quiz", "stats", "--user", "李四", "--json"]))
    assert len(stats["exams"]) == 1 and stats["exams"][0]["score"] is not None


def test_unreadable_answers_are_asked_again(home):
    out = run(["quiz", "--law", "网安法", "-n", "1", "--type", "单选", "--seed", "5"], input="AB\nxyz\nA\n")
    assert "单选题只能选一个选项" in out and "看不懂这个答案" in out and "作答 1/1 题" in out


def test_export_docx_and_xlsx(home, tmp_path):
    out = run(["quiz", "export", "--law", "网安法", "-n", "8", "--seed", "6", "--out", str(tmp_path / "p.xlsx")])
    assert "已导出 8 题" in out
    assert load_workbook(tmp_path / "p.xlsx")["试题"].max_row == 9
    run(["quiz", "export", "--law", "网安法", "-n", "8", "--seed", "6", "--out", str(tmp_path / "p.docx")])
    assert (tmp_path / "p.docx").stat().st_size > 0


def test_user_errors_are_one_line(home):
    result = CliRunner().invoke(main, ["quiz", "generate", "--law", "不存在的法", "-n", "2"])
    assert result.exit_code == 1 and "错误：" in result.output
