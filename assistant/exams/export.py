"""An exam's files for the office: the results as .xlsx (one row per assigned person) and the
paper with its key and explanations as .docx (for per-person papers: the blueprint, then every
person's paper as they saw it)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.exams.types import Blueprint, ExamReport
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from knowledge.store.office_exams import OfficeExam

RESULT_HEADER = ["姓名", "科室", "得分", "是否合格", "开始时间", "交卷时间", "用时（分钟）", "第几次作答", "状态"]
_FORMULA_START = ("=", "+", "-", "@")


def cell(value):
    """Text from users or documents never becomes a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _local(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def result_rows(report: ExamReport, tz: dt.tzinfo) -> list[list]:
    """The rows of the results sheet (also what the CLI prints)."""
    rows = []
    for p in report.people:
        passed = "" if p.passed is None else ("合格" if p.passed else "不合格")
        minutes = round(p.time_used.total_seconds() / 60, 1) if p.time_used else ""
        rows.append([p.name, p.department, p.score if p.score is not None else "", passed,
                     _local(p.started_at, tz), _local(p.submitted_at, tz), minutes, p.attempt_no or "", p.status])
    return rows


def results_xlsx(report: ExamReport, path: str | Path, tz: dt.tzinfo) -> Path:
    """成绩 (one row per person), 科室 (per department), 试题 (per question), 易错条文."""
    sheets = [("成绩", RESULT_HEADER, result_rows(report, tz)),
              ("科室", ["科室", "应考", "交卷", "合格", "参考率", "合格率", "平均分"],
               [[d.department, d.assigned, d.submitted, d.passed, round(d.participation, 4), round(d.pass_rate, 4),
                 d.mean_score if d.mean_score is not None else ""] for d in report.departments]),
              ("试题", ["题型", "题干", "法规", "条文", "作答人数", "答对人数", "正确率"],
               [[q.qtype, q.stem, q.law, q.article, q.asked, q.correct, round(q.correct_rate, 4)]
                for q in report.questions]),
              ("易错条文", ["法规", "条文", "被问次数", "答错次数", "错误率"],
               [[m.law, m.article, m.asked, m.missed, round(m.miss_rate, 4)] for m in report.missed_articles])]
    return write_sheets(sheets, path)


def write_sheets(sheets: list[tuple[str, list[str], list[list]]], path: str | Path) -> Path:
    """A workbook with one sheet per (title, header, rows): bold frozen header, cells guarded."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows:
            ws.append([cell(v) for v in row])
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "A2"
    wb.save(str(path))
    return path


def paper_docx(exam: OfficeExam, paper: list[Question], people: list[tuple[str, int, list[Question]]],
               path: str | Path) -> Path:
    """The shared paper with key; for per-person papers the blueprint and each person's paper."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    bp = Blueprint.from_dict(exam.blueprint)
    if exam.per_person:
        papers = [(f"{exam.title}（{name} · 第 {attempt_no} 次作答）", qs) for name, attempt_no, qs in people]
        preface = [(f"{exam.title} · 组卷规则", _blueprint_lines(exam, bp))]
    else:
        papers, preface = [(exam.title, paper)], []
    doc = QuizService.paper_docx(papers, total_points=exam.total_points, time_limit_minutes=exam.time_limit_s / 60,
                                 points=bp.points, preface=preface)
    doc.save(str(path))
    return path


def _blueprint_lines(exam: OfficeExam, bp: Blueprint) -> list[str]:
    scope = bp.scope
    return [f"范围：法规 {'、'.join(scope.laws) or '全部现行文件'}"
            + (f"；章节 {'、'.join(scope.chapters)}" if scope.chapters else "")
            + (f"；文件类型 {'、'.join(scope.doc_types)}" if scope.doc_types else "")
            + (f"；新修订：{scope.changes_since} 以来修改或新增的条文" if scope.changes_since else "")
            + (f"；指定条文 {len(scope.article_ids)} 条" if scope.article_ids else ""),
            "题型：" + "，".join(f"{t} {bp.counts[t]} 题 × {bp.points[t]:g} 分" for t in bp.types()),
            f"满分 {exam.total_points:g}，{exam.pass_mark:g} 分合格；考试时长 {exam.time_limit_s / 60:g} 分钟",
            f"每人一卷：按考试种子 {exam.seed} 与人员、作答次数生成各自的种子（记录在案，可重现）"
            + ("；选项顺序每人不同" if bp.shuffle_options else "")]
