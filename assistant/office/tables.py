"""The dashboard as tables: (sheet name, header, rows) — what the admin page shows, what the CLI
prints and what the .xlsx holds, one definition for all three. Shares are percentages rounded to
one decimal, minutes to one decimal."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.exams.export import write_sheets
from assistant.office.types import INACTIVE_DAYS, Dashboard, GroupFigures, PersonFigures

SOURCE_NAMES = {"office": "单位组织的学法考试", "mock": "模拟考试（期间内没有单位组织的考试）", "none": "无考试记录"}
PERSON_HEADER = ["姓名", "科室", "清单完成率（%）", "已学/清单条文", "已掌握条文", "本期分钟", "本周分钟", "本月分钟",
                 "本年分钟", "学习天数", "答题数", "正确率（%）", "最近学习日", f"{INACTIVE_DAYS}天未学习", "考试",
                 "最好成绩", "是否合格"]
GROUP_HEADER = ["科室", "人数", "参与学习", "参与率（%）", "人均分钟", "平均完成率（%）", "完成全部清单", "已掌握条文",
                f"{INACTIVE_DAYS}天未学习", "应考", "交卷", "合格", "参考率（%）", "合格率（%）", "平均分"]
WEAK_LAW_HEADER = ["法规", "作答数", "答对数", "正确率（%）"]
WEAK_CHAPTER_HEADER = ["法规", "章节", "作答数", "答对数", "正确率（%）"]
INACTIVE_HEADER = ["姓名", "科室", "最近学习日", "未学习天数"]
EXAM_HEADER = ["考试", "应考", "交卷", "合格", "参考率（%）", "合格率（%）", "平均分"]
LAWS_HEADER = ["法规", "学习人数", "学习条文（人次）", "作答数", "正确率（%）"]


def pct(share: float | None) -> float | str:
    return "" if share is None else round(100 * share, 1)


def mins(value: float) -> float:
    return round(value, 1)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def person_row(p: PersonFigures) -> list:
    exams = "；".join(f"{e.title}：{e.status}" for e in p.exams)
    passed = [e.passed for e in p.exams if e.status == "已交卷"]
    return [p.name, p.department, pct(p.completion), f"{p.plan_studied}/{p.plan_total}", p.mastered,
            mins(p.minutes_period), mins(p.minutes_week), mins(p.minutes_month), mins(p.minutes_year), p.study_days,
            p.answers, pct(p.correct / p.answers if p.answers else None), _day(p.last_study_day),
            "是" if p.inactive else "", exams, p.best_score if p.best_score is not None else "",
            ("合格" if any(passed) else "不合格") if passed else ""]


def group_row(g: GroupFigures) -> list:
    return [g.name, g.staff, g.active, pct(g.participation), mins(g.mean_minutes), pct(g.mean_completion),
            g.completed, g.mastered, g.inactive, g.exam_assigned, g.exam_submitted, g.exam_passed,
            pct(g.exam_participation) if g.exam_assigned else "", pct(g.pass_rate) if g.exam_submitted else "",
            g.mean_score if g.mean_score is not None else ""]


def summary_rows(d: Dashboard) -> list[list]:
    o = d.office
    return [["统计期间", d.period.label], ["人数", o.staff], ["参与学习人数", o.active],
            ["参与率（%）", pct(o.participation)], ["有效学习总分钟", mins(o.total_minutes)],
            ["人均有效学习分钟", mins(o.mean_minutes)], ["清单平均完成率（%）", pct(o.mean_completion)],
            ["完成全部清单人数", o.completed], ["已掌握条文（人次）", o.mastered],
            [f"{INACTIVE_DAYS}天未学习人数", o.inactive], ["考试成绩来源", SOURCE_NAMES[d.exam_source]],
            ["应考（人次）", o.exam_assigned], ["交卷（人次）", o.exam_submitted], ["合格（人次）", o.exam_passed],
            ["参考率（%）", pct(o.exam_participation) if o.exam_assigned else ""],
            ["合格率（%）", pct(o.pass_rate) if o.exam_submitted else ""]]


def tables(d: Dashboard) -> list[tuple[str, list[str], list[list]]]:
    """Every table of the dashboard, in page order."""
    return [
        ("概况", ["指标", "数值"], summary_rows(d)),
        ("人员", PERSON_HEADER, [person_row(p) for p in d.people]),
        ("科室", GROUP_HEADER, [group_row(g) for g in [*d.departments, d.office]]),
        ("薄弱法规", WEAK_LAW_HEADER, [[w.law, w.answered, w.correct, pct(w.accuracy)] for w in d.weakest_laws]),
        ("薄弱章节", WEAK_CHAPTER_HEADER,
         [[w.law, w.chapter, w.answered, w.correct, pct(w.accuracy)] for w in d.weakest_chapters]),
        ("两周未学习", INACTIVE_HEADER,
         [[p.name, p.department, _day(p.last_study_day) or "从未学习",
           (d.as_of - p.last_study_day).days if p.last_study_day else ""] for p in d.inactive]),
        ("考试", EXAM_HEADER, [[e.title, e.assigned, e.submitted, e.passed, pct(e.participation),
                              pct(e.pass_rate) if e.submitted else "", e.mean_score if e.mean_score is not None else ""]
                             for e in d.exams]),
        ("所学法规", LAWS_HEADER, [[x.law, x.people, x.articles, x.answered, pct(x.accuracy if x.answered else None)]
                               for x in d.laws_studied]),
    ]


def dashboard_xlsx(d: Dashboard, path: str | Path) -> Path:
    """One workbook, a sheet per table (text never becomes a formula)."""
    return write_sheets(tables(d), path)
