"""Export a generated paper with its answer key for offline exams: .docx (python-docx,
printable: questions grouped by type, then the key with explanations and sources) and .xlsx
(openpyxl, one row per question: for exam systems' bulk import or marking)."""
from __future__ import annotations

from pathlib import Path

from assistant.quiz.types import LETTERS, QTYPES, Question
from knowledge.errors import XuefaError
from knowledge.legal.numerals import int_to_cn

SECTION_NAMES = {"单选": "单项选择题", "多选": "多项选择题", "判断": "判断题", "填空": "填空题"}
MAX_OPTIONS = 6


def export_paper(questions: list[Question], path: str | Path, *, title: str = "学法考试试卷",
                 with_key: bool = True, total_points: float = 100,
                 time_limit_minutes: float | None = None) -> Path:
    """Write ``questions`` to ``path`` (.docx or .xlsx, by suffix); returns the path."""
    path = Path(path)
    if not questions:
        raise XuefaError("试卷没有题目")
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = ordered_paper(questions)
    if suffix == ".docx":
        _write_docx(ordered, path, title, with_key, total_points, time_limit_minutes)
    elif suffix == ".xlsx":
        _write_xlsx(ordered, path, title, with_key, total_points)
    else:
        raise XuefaError(f"只支持导出 .docx 或 .xlsx：{path.name}")
    return path


def ordered_paper(questions: list[Question]) -> list[Question]:
    """Grouped by type in exam order (单选, 多选, 判断, 填空), keeping the order within a type."""
    return sorted(questions, key=lambda q: QTYPES.index(q.qtype))


def _points(total_points: float, n: int) -> str:
    each = total_points / n
    return f"{each:g}" if each == round(each, 2) else f"{each:.2f}"


def _write_docx(questions: list[Question], path: Path, title: str, with_key: bool, total_points: float,
                time_limit_minutes: float | None) -> None:
    doc = docx_document()
    add_paper_docx(doc, questions, title, with_key=with_key, total_points=total_points,
                   time_limit_minutes=time_limit_minutes)
    doc.save(str(path))


def docx_document():
    """An empty .docx with the paper's fonts (CJK text needs the East Asian font set)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    return doc


def add_paper_docx(doc, questions: list[Question], title: str, *, with_key: bool = True, total_points: float = 100,
                   time_limit_minutes: float | None = None, points: dict[str, float] | None = None) -> None:
    """Append one paper (title, questions by type, then the key) to ``doc``; ``points`` per
    type when they differ (else the total is shared equally)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    heading = doc.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    each = "" if points else f"，每题 {_points(total_points, len(questions))} 分"
    info = f"共 {len(questions)} 题，满分 {total_points:g} 分{each}"
    if time_limit_minutes:
        info += f"，考试时间 {time_limit_minutes:g} 分钟"
    doc.add_paragraph(info + "。").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("姓名：____________　　单位：____________　　得分：________")
    _add_questions(doc, questions, points)
    if with_key:
        _add_key(doc, questions)


def _add_questions(doc, questions: list[Question], points: dict[str, float] | None) -> None:
    from docx.shared import Pt

    number = 0
    section = 0
    for qtype in QTYPES:
        group = [q for q in questions if q.qtype == qtype]
        if not group:
            continue
        section += 1
        each = f"，每题 {points[qtype]:g} 分" if points and qtype in points else ""
        doc.add_heading(f"{int_to_cn(section)}、{SECTION_NAMES[qtype]}（共 {len(group)} 题{each}）", level=1)
        for q in group:
            number += 1
            stem = q.stem + ("（　　）" if q.qtype == "判断" else "")
            doc.add_paragraph(f"{number}. {stem}")
            if q.qtype in ("单选", "多选"):
                for letter, option in zip(LETTERS, q.options):
                    doc.add_paragraph(f"{letter}. {option}").paragraph_format.left_indent = Pt(21)


def _add_key(doc, questions: list[Question]) -> None:
    from docx.shared import Pt

    doc.add_page_break()
    doc.add_heading("参考答案与解析", level=1)
    for i, q in enumerate(questions, start=1):
        doc.add_paragraph(f"{i}. 答案：{q.answer_text}")
        p = doc.add_paragraph(f"解析：{q.explanation}")
        p.paragraph_format.left_indent = Pt(21)
        src = doc.add_paragraph(f"出处：{q.citation}")
        src.paragraph_format.left_indent = Pt(21)


def _write_xlsx(questions: list[Question], path: Path, title: str, with_key: bool, total_points: float) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "试题"
    header = ["序号", "题型", "题干"] + [f"选项{letter}" for letter in LETTERS[:MAX_OPTIONS]] + ["分值"]
    if with_key:
        header += ["答案", "解析", "法规", "条文", "难度", "生成方式", "题目ID"]
    ws.append(header)
    points = round(total_points / len(questions), 2)
    for i, q in enumerate(questions, start=1):
        options = list(q.options[:MAX_OPTIONS]) if q.qtype in ("单选", "多选") else (
            ["正确", "错误"] if q.qtype == "判断" else [])
        row = [i, q.qtype, q.stem] + options + [""] * (MAX_OPTIONS - len(options)) + [points]
        if with_key:
            row += [q.answer_text, q.explanation, q.law, q.article, q.difficulty, q.generator, q.id]
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = {"A": 6, "B": 6, "C": 60}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    meta = wb.create_sheet("说明")
    meta.append(["试卷", title])
    meta.append(["题数", len(questions)])
    meta.append(["满分", total_points])
    meta.append(["含答案", "是" if with_key else "否"])
    wb.save(str(path))
