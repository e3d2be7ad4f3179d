"""Papers exported to .docx and .xlsx, re-opened and checked."""
from __future__ import annotations

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.quiz.export import export_paper, ordered_paper
from assistant.quiz.types import QuizScope
from knowledge.errors import XuefaError


@pytest.fixture(scope="module")
def paper(quiz_service):
    return quiz_service.generate(QuizScope(laws=["保守国家秘密法"]), n=12, seed=4, types="单选,多选,判断,填空")


def test_docx_has_sections_questions_and_key(paper, tmp_path):
    path = export_paper(paper, tmp_path / "out" / "paper.docx", title="保密法测试卷", time_limit_minutes=30)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "保密法测试卷" in text and "满分 100 分" in text and "考试时间 30 分钟" in text
    assert "一、单项选择题" in text and "参考答案与解析" in text
    for i, q in enumerate(ordered_paper(paper), start=1):
        assert f"{i}. {q.stem}" in text
        assert f"{i}. 答案：{q.answer_text}" in text
        assert q.citation in text
    for q in paper:
        for option in q.options if q.qtype in ("单选", "多选") else []:
            assert option in text


def test_docx_without_key(paper, tmp_path):
    path = export_paper(paper, tmp_path / "paper.docx", with_key=False)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "参考答案" not in text and "解析：" not in text


def test_xlsx_rows_and_answers(paper, tmp_path):
    path = export_paper(paper, tmp_path / "paper.xlsx")
    wb = load_workbook(path)
    ws = wb["试题"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("序号", "题型", "题干") and "答案" in header and "解析" in header
    ordered = ordered_paper(paper)
    assert len(rows) == len(paper) + 1
    col = {name: i for i, name in enumerate(header)}
    for row, q in zip(rows[1:], ordered):
        assert row[col["题干"]] == q.stem and row[col["答案"]] == q.answer_text
        assert row[col["题目ID"]] == q.id and row[col["法规"]] == q.law
        if q.qtype in ("单选", "多选"):
            assert row[col["选项A"]] == q.options[0]
    assert sum(r[col["分值"]] for r in rows[1:]) == pytest.approx(100, abs=0.1)
    assert wb["说明"]["B1"].value


def test_unknown_format_and_empty_paper(paper, tmp_path):
    with pytest.raises(XuefaError):
        export_paper(paper, tmp_path / "paper.pdf")
    with pytest.raises(XuefaError):
        export_paper([], tmp_path / "paper.docx")
