"""The office's files: results .xlsx read back with openpyxl, papers .docx read back with
python-docx (shared paper with key; per-person papers with the blueprint)."""
from __future__ import annotations

from docx import Document
from openpyxl import load_workbook

from assistant.exams.export import RESULT_HEADER, cell, paper_docx, result_rows, results_xlsx
from exam_fixtures import answer_all, spec
from quiz_fixtures import UTC


def test_results_sheet_holds_one_row_per_assigned_person(service, users, tmp_path):
    exam = service.create(spec(), "admin")
    answer_all(service, users["甲"], exam.id, right=10)
    service.submit(users["甲"], exam.id)
    report = service.report(exam.id)
    path = results_xlsx(report, tmp_path / "成绩.xlsx", UTC)
    wb = load_workbook(path)
    rows = [list(r) for r in wb["成绩"].iter_rows(values_only=True)]
    assert rows[0] == RESULT_HEADER
    assert [[("" if v is None else v) for v in r] for r in rows[1:]] == result_rows(report, UTC)
    assert {r[0]: (r[2], r[3], r[8]) for r in rows[1:]} == {
        "甲": (100, "合格", "已交卷"), "乙": (None, None, "未参加"), "丙": (None, None, "未参加")}
    assert wb["科室"]["A2"].value == "综合科" and wb["试题"].max_row == 11


def test_text_never_becomes_a_formula():
    assert cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")" and cell("综合科") == "综合科"
    assert cell(12.5) == 12.5


def _text(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_the_shared_paper_with_key_and_points_per_type(service, tmp_path):
    exam = service.create(spec(), "admin")
    paper = service.paper(exam.id)
    text = _text(paper_docx(exam, paper, [], tmp_path / "paper.docx"))
    assert "每题 10 分" in text and "每题 7.5 分" in text and "参考答案与解析" in text
    assert all(q.stem[:20] in text for q in paper) and all(q.citation in text for q in paper)


def test_per_person_papers_come_with_the_blueprint(service, users, tmp_path):
    exam = service.create(spec(per_person=True), "admin")
    service.start(users["甲"], exam.id)
    service.start(users["乙"], exam.id)
    people = service.person_papers(exam.id)
    text = _text(paper_docx(exam, service.paper(exam.id), people, tmp_path / "papers.docx"))
    assert "组卷规则" in text and f"考试种子 {exam.seed}" in text
    assert "（甲 · 第 1 次作答）" in text and "（乙 · 第 1 次作答）" in text
    for _, _, questions in people:
        assert all(q.stem[:20] in text for q in questions)
