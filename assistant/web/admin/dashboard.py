"""管理 › 学习看板: the office's figures for a period (this week / month / year, or chosen
dates) and a department — summary numbers, plots (minutes and completion per department, the
weakest laws), the tables (people, departments, weakest laws and chapters, who has not studied
for two weeks, exams), the workbook of every table, and the annual report (.docx).

Every handler checks the admin role on the server; text from records is escaped in HTML and
shown as plain text in tables."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.web.common import admin_user, esc, ui_errors
from knowledge.errors import XuefaError
from knowledge.legal.law_names import short_name

PERIOD_CHOICES = {"本周": "week", "本月": "month", "本年": "year", "指定日期": ""}
ALL = "全部科室"
TABLE_IDS = {"人员": "dash-people", "科室": "dash-depts", "薄弱法规": "dash-weak-laws",
             "薄弱章节": "dash-weak-chapters", "两周未学习": "dash-inactive", "考试": "dash-exams"}
MAX_DATE_CHARS = 10


def _date(text: str, what: str) -> dt.date | None:
    text = (text or "").strip()[:MAX_DATE_CHARS + 2]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise XuefaError(f"{what}格式应为 2026-01-31：{text}") from None


class DashboardSection:
    def __init__(self, dashboard, auth):
        self.dashboard = dashboard
        self.auth = auth

    # ---- data (plain functions of the figures; tested directly) --------------------------------
    @staticmethod
    def minutes_frame(d) -> pd.DataFrame:
        rows = [{"科室": g.name, "人均分钟": round(g.mean_minutes, 1)} for g in d.departments]
        return pd.DataFrame(rows, columns=["科室", "人均分钟"])

    @staticmethod
    def completion_frame(d) -> pd.DataFrame:
        rows = [{"科室": g.name, "平均完成率": round(100 * (g.mean_completion or 0.0), 1)} for g in d.departments]
        return pd.DataFrame(rows, columns=["科室", "平均完成率"])

    @staticmethod
    def weak_frame(d) -> pd.DataFrame:
        rows = [{"法规": short_name(w.law), "正确率": round(100 * w.accuracy, 1), "作答数": w.answered}
                for w in d.weakest_laws]
        return pd.DataFrame(rows, columns=["法规", "正确率", "作答数"])

    @staticmethod
    def summary_html(d) -> str:
        o = d.office
        cells = [("人数", o.staff, "人"), ("参与学习", f"{o.participation:.0%}", f"{o.active} 人"),
                 ("人均有效学习", f"{o.mean_minutes:.0f}", "分钟"),
                 ("清单平均完成率", "-" if o.mean_completion is None else f"{o.mean_completion:.0%}", ""),
                 ("已掌握条文", o.mastered, "人次"), ("两周未学习", o.inactive, "人"),
                 ("考试参考率", f"{o.exam_participation:.0%}" if o.exam_assigned else "-", ""),
                 ("考试合格率", f"{o.pass_rate:.0%}" if o.exam_submitted else "-", "")]
        html = "".join(f'<div class="xf-stat"><b>{esc(v)}</b>{esc(k)} <small>{esc(n)}</small></div>'
                       for k, v, n in cells)
        source = {"office": "单位组织的学法考试", "mock": "模拟考试（期间内没有单位组织的考试）", "none": "无"}
        return (f'<div id="xf-dashboard-summary"><div class="xf-meta">统计期间：{esc(d.period.label)}'
                f' · 考试成绩来自：{esc(source[d.exam_source])}</div>{html}</div>')

    # ---- handlers ------------------------------------------------------------------------------
    def _build(self, period: str, start: str, end: str, department: str):
        name = PERIOD_CHOICES.get(period or "本月")
        if name is None:
            raise XuefaError("请选择统计期间")
        if name:
            chosen = self.dashboard.period(name)
        else:
            chosen = self.dashboard.period(None, _date(start, "开始日期"), _date(end, "结束日期"))
        dept = None if department in (None, "", ALL) else str(department)[:64]
        return self.dashboard.build(chosen, department=dept)

    @ui_errors
    def show(self, period: str, start: str, end: str, department: str, request: gr.Request):
        admin_user(self.auth, request)
        d = self._build(period, start, end, department)
        tables = {name: pd.DataFrame(rows, columns=header) for name, header, rows in self.dashboard.tables(d)}
        return (self.summary_html(d), self.minutes_frame(d), self.completion_frame(d), self.weak_frame(d),
                *(tables[name] for name in TABLE_IDS))

    @ui_errors
    def departments(self, request: gr.Request):
        admin_user(self.auth, request)
        return gr.Dropdown(choices=[ALL, *self.dashboard.departments()], value=ALL)

    @ui_errors
    def export_xlsx(self, period: str, start: str, end: str, department: str, request: gr.Request):
        admin_user(self.auth, request)
        d = self._build(period, start, end, department)
        out = Path(tempfile.mkdtemp(prefix="xuefa-dashboard-"))
        return str(self.dashboard.export_xlsx(d, out / f"学习看板_{d.period.start}_{d.period.end}.xlsx"))

    @ui_errors
    def annual_report(self, year, request: gr.Request):
        admin_user(self.auth, request)
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise XuefaError("请填写年份，例如 2026") from None
        if not 2000 <= year <= 2100:
            raise XuefaError("年份应在 2000–2100 之间")
        out = Path(tempfile.mkdtemp(prefix="xuefa-report-"))
        _d, path = self.dashboard.annual_report(year, out / f"{year}年度学法情况.docx")
        return str(path)

    # ---- layout --------------------------------------------------------------------------------
    def build(self) -> gr.Dropdown:
        """Returns the department filter (filled when an admin opens the app)."""
        with gr.Accordion("学习看板", open=False, elem_id="admin-dashboard"):
            with gr.Row():
                period = gr.Radio(list(PERIOD_CHOICES), value="本月", label="统计期间", elem_id="dash-period", scale=3)
                start = gr.Textbox(label="开始日期", placeholder="2026-01-01", max_length=MAX_DATE_CHARS,
                                   elem_id="dash-start", scale=1)
                end = gr.Textbox(label="结束日期", placeholder="2026-12-31", max_length=MAX_DATE_CHARS,
                                 elem_id="dash-end", scale=1)
                dept = gr.Dropdown(choices=[ALL], value=ALL, label="科室", elem_id="dash-dept", scale=1)
                show = gr.Button("查看", variant="primary", elem_id="dash-show", scale=0, min_width=90)
            summary = gr.HTML(elem_id="dash-summary")
            with gr.Row():
                minutes = gr.BarPlot(x="科室", y="人均分钟", title="各科室人均有效学习时长（分钟）", height=260,
                                     elem_id="dash-minutes-plot", sort=None, x_label_angle=0)
                completion = gr.BarPlot(x="科室", y="平均完成率", title="各科室学法清单平均完成率（%）", y_lim=[0, 100],
                                        height=260, elem_id="dash-completion-plot", sort=None, x_label_angle=0)
            weak = gr.BarPlot(x="法规", y="正确率", title="答题正确率最低的法规（%）", y_lim=[0, 100], height=260,
                              elem_id="dash-weak-plot", sort="y", x_label_angle=-20)
            tables = [gr.Dataframe(interactive=False, label=name, elem_id=elem, wrap=True, max_height=360)
                      for name, elem in TABLE_IDS.items()]
            with gr.Row():
                xlsx = gr.Button("导出 Excel", elem_id="dash-export-xlsx")
                year = gr.Number(value=dt.date.today().year, precision=0, minimum=2000, maximum=2100, label="年份",
                                 elem_id="dash-year", scale=0, min_width=120)
                report = gr.Button("生成年度报告", variant="primary", elem_id="dash-report")
            files = gr.File(label="下载", interactive=False, elem_id="dash-file")
        inputs = [period, start, end, dept]
        show.click(self.show, inputs, [summary, minutes, completion, weak, *tables], api_name="admin_dashboard")
        xlsx.click(self.export_xlsx, inputs, files, api_name="admin_dashboard_xlsx")
        report.click(self.annual_report, [year], files, api_name="admin_annual_report")
        return dept
