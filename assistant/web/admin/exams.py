"""管理 › 考试 (admins only): set an office exam for everyone, departments or named people, and
read its results (participation, pass rate, score bands, departments, questions, the articles
missed most), export them, turn the misses into a practice set, or end the exam now.

Times are typed and shown in the configured zone (XUEFA_TIMEZONE, default Asia/Shanghai)."""
from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.exams.types import DEFAULT_COUNTS, DEFAULT_POINTS, Blueprint, ExamSpec
from assistant.quiz.types import QTYPES, QuizScope
from assistant.web import render
from assistant.web.admin.audience import AudiencePicker
from assistant.web.common import admin_user, esc, ui_errors
from knowledge.errors import XuefaError
from knowledge.limits import FIELD_CHARS, bounded

ACTOR_NOTE = "（网页）"
TIME_FORMAT = "%Y-%m-%d %H:%M"
DEPT_HEADERS = ["科室", "应考", "已交卷", "合格", "参考率", "合格率", "平均分"]
QUESTION_HEADERS = ["题号", "题型", "题目", "出处", "作答", "答对", "正确率"]


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,，、;；\s]+", text or "") if p.strip()]


def _file_stem(title: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_")[:60] or "考试"


def _pct(x: float) -> str:
    return f"{x:.0%}"


class ExamsSection:
    def __init__(self, exams, depts, auth, tz):
        self.exams = exams
        self.depts = depts
        self.auth = auth
        self.tz = tz
        self.people = AudiencePicker(depts, auth)
        self.missed: gr.HTML | None = None

    # ---- creating --------------------------------------------------------------------------
    def _time(self, text: str, what: str) -> dt.datetime:
        try:
            return dt.datetime.strptime((text or "").strip(), TIME_FORMAT).replace(tzinfo=self.tz)
        except ValueError:
            raise XuefaError(f"{what}格式不对：{text}（例如 2026-12-10 09:00）") from None

    def _audience(self, who: str, dept_names: list[str], user_names: list[str]):
        return self.people.audience(who, dept_names, user_names)

    @staticmethod
    def _blueprint(laws, chapters: str, doc_types: str, numbers: list, shuffle: bool, since: str = "") -> Blueprint:
        counts = {t: int(n or 0) for t, n in zip(QTYPES, numbers[0::2]) if int(n or 0) > 0}
        points = {t: float(p or 0) for t, p in zip(QTYPES, numbers[1::2])}
        if not counts:
            raise XuefaError("请至少为一种题型设置题数。")
        scope = QuizScope(laws=list(laws or []), chapters=_split(bounded(chapters, FIELD_CHARS, "章节")),
                          doc_types=_split(bounded(doc_types, FIELD_CHARS, "文件类型")),
                          changes_since=(since or "")[:10])
        return Blueprint(scope=scope, counts=counts, points={t: points[t] for t in counts}, shuffle_options=shuffle)

    @ui_errors
    def create_exam(self, title, laws, chapters, doc_types, minutes, pass_mark, opens, closes, attempts, retake,
                    per_person, shuffle, after_close, who, dept_names, user_names, n1, p1, n2, p2, n3, p3, n4, p4,
                    since: str = "", request: gr.Request = None):
        # counts and points per type in QTYPES order: 单选, 多选, 判断, 填空
        numbers = [n1, p1, n2, p2, n3, p3, n4, p4]
        me = admin_user(self.auth, request)
        if not (title or "").strip():
            raise XuefaError("请填写考试名称。")
        blueprint = self._blueprint(laws, chapters, doc_types, numbers, shuffle, since)
        spec = ExamSpec(title=title.strip(), blueprint=blueprint,
                        audience=self._audience(who, dept_names, user_names), opens_at=self._time(opens, "开始时间"),
                        closes_at=self._time(closes, "截止时间"), minutes=float(minutes or 60),
                        pass_mark=float(pass_mark or 60), max_attempts=int(attempts or 1), retake=bool(retake),
                        per_person=bool(per_person), results_after_close=bool(after_close))
        exam = self.exams.create(spec, me.name)
        people = len(self.exams.audience_ids(spec.audience))
        msg = (f"已创建考试《{render.md_safe(exam.title)}》：{len(exam.paper)} 题，满分 {exam.total_points:g}，"
               f"{exam.pass_mark:g} 分合格；{self._local(exam.opens_at)} 至 {self._local(exam.closes_at)}；"
               f"应考 {people} 人。")
        return msg, self._picker(exam.id)

    # ---- choices ---------------------------------------------------------------------------
    def _local(self, when: dt.datetime) -> str:
        return when.astimezone(self.tz).strftime(TIME_FORMAT)

    def _picker(self, value=None) -> gr.Dropdown:
        rows = sorted(self.exams.list_exams(), key=lambda e: e.id, reverse=True)
        choices = [(f"{e.id} · {e.title}{'（练习）' if e.kind == 'practice' else ''}", e.id) for e in rows]
        return gr.Dropdown(choices=choices, value=value if value is not None else (choices[0][1] if choices else None))

    def choices(self) -> tuple:
        """Departments, users and exams for the pickers (when an admin opens the app)."""
        return (*self.people.choices(), self._picker())

    @ui_errors
    def refresh_choices(self, request: gr.Request):
        admin_user(self.auth, request)
        return self.choices()

    # ---- results ---------------------------------------------------------------------------
    def _summary_html(self, exam, report) -> str:
        state = "已截止" if self.exams.now() >= exam.closes_at else "进行中"
        stats = [("应考", report.assigned), ("已开始", report.started), ("已交卷", report.submitted),
                 ("参考率", f"{report.submitted}/{report.assigned}（{_pct(report.participation)}）"),
                 ("合格率", f"{report.passed}/{report.submitted}（{_pct(report.pass_rate)}）")]
        return (f'<div class="xf-exam-summary"><h3>{esc(report.title)}'
                f'<span class="xf-badge xf-info">{state}</span></h3>'
                f'<div class="xf-meta">{self._local(exam.opens_at)} 至 {self._local(exam.closes_at)}　'
                f'满分 {report.total_points:g}，{report.pass_mark:g} 分合格</div>'
                + "".join(f'<div class="xf-stat"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in stats) + "</div>")

    @staticmethod
    def _missed_html(report) -> str:
        if not report.missed_articles:
            return '<div class="xf-empty">还没有答错的条文。</div>'
        items = [f'<div class="xf-card" data-index="{i}" data-article-id="{int(m.article_id)}">'
                 f'<span class="xf-open">查看全文 ›</span>'
                 f'<div class="xf-card-head">《{esc(m.law)}》{esc(m.article)}</div>'
                 f'<div class="xf-meta">答错 {m.missed} / {m.asked} 次（{_pct(m.miss_rate)}）</div></div>'
                 for i, m in enumerate(report.missed_articles[:10])]
        return '<h4>答错最多的条文</h4><div class="xf-cards">' + "".join(items) + "</div>"

    @staticmethod
    def _tables(report) -> tuple[pd.DataFrame, list, list]:
        bands = pd.DataFrame(report.score_bands(), columns=["分数段", "人数"])
        depts = [[d.department, d.assigned, d.submitted, d.passed, _pct(d.participation), _pct(d.pass_rate),
                  "" if d.mean_score is None else f"{d.mean_score:.1f}"] for d in report.departments]
        questions = [[i + 1, q.qtype, q.stem[:60], f"《{q.law}》{q.article}", q.asked, q.correct, _pct(q.correct_rate)]
                     for i, q in enumerate(report.questions)]
        return bands, depts, questions

    @ui_errors
    def show_results(self, exam_id, request: gr.Request):
        admin_user(self.auth, request)
        if exam_id in (None, ""):
            raise XuefaError("请先选择一场考试。")
        exam, report = self.exams.get(int(exam_id)), self.exams.report(int(exam_id))
        bands, depts, questions = self._tables(report)
        order = list(bands["分数段"])  # low to high, not alphabetical
        return (self._summary_html(exam, report), gr.BarPlot(value=bands, sort=order), depts, questions,
                self._missed_html(report))

    def _out_dir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="xuefa-exam-"))

    @ui_errors
    def export_xlsx(self, exam_id, request: gr.Request):
        admin_user(self.auth, request)
        exam = self.exams.get(int(exam_id))
        return str(self.exams.export_results(exam.id, self._out_dir() / f"{_file_stem(exam.title)}_成绩.xlsx", self.tz))

    @ui_errors
    def export_docx(self, exam_id, request: gr.Request):
        admin_user(self.auth, request)
        exam = self.exams.get(int(exam_id))
        return str(self.exams.export_paper(exam.id, self._out_dir() / f"{_file_stem(exam.title)}_试卷.docx"))

    @ui_errors
    def practice(self, exam_id, request: gr.Request):
        me = admin_user(self.auth, request)
        created = self.exams.practice_from_misses(int(exam_id), me.name)
        return (f"已生成易错条文练习《{render.md_safe(created.title)}》：{len(created.paper)} 题，"
                f"参加这场考试的人员可在「考试」中练习。"), self._picker(int(exam_id))

    @ui_errors
    def close(self, exam_id, confirm: bool, request: gr.Request):
        me = admin_user(self.auth, request)
        if not confirm:
            raise XuefaError("请勾选「确认结束」后再结束考试。")
        exam = self.exams.close(int(exam_id), me.name)
        return f"已结束考试《{render.md_safe(exam.title)}》，进行中的答卷已按已答内容交卷。", False

    # ---- layout ----------------------------------------------------------------------------
    def build(self) -> list:
        """Returns the pickers to fill when an admin opens the app: laws, departments, users, exams."""
        with gr.Accordion("考试", open=False, elem_id="admin-exams"):
            pickers, create = self._build_form()
            results = self._build_results()
        pickers.append(results)
        self._pickers = pickers
        return pickers

    def _build_form(self) -> tuple[list, gr.Button]:
        now = dt.datetime.now(self.tz).replace(second=0, microsecond=0)
        gr.Markdown("#### 新建考试")
        with gr.Row():
            title = gr.Textbox(label="考试名称", elem_id="exam-title", scale=2)
            laws = gr.Dropdown(label="范围：法规（可多选，留空为全部）", multiselect=True, choices=[],
                               allow_custom_value=True, elem_id="exam-laws", scale=3)
        with gr.Row():
            chapters = gr.Textbox(label="章节（可选，逗号分隔）", elem_id="exam-chapters")
            doc_types = gr.Textbox(label="文件类型（可选，如 法律、内部制度）", elem_id="exam-doctypes")
            since = gr.Textbox(value="", max_length=10, elem_id="exam-since",
                               label="新修订（可选）：只考该日以来修改或新增的条文，如 2020-01-01")
        numbers = []
        with gr.Row(elem_classes=["xf-counts"]):
            for t in QTYPES:
                numbers.append(gr.Number(value=DEFAULT_COUNTS.get(t, 0), minimum=0, precision=0, label=f"{t} 题数",
                                         elem_id=f"exam-count-{QTYPES.index(t)}", min_width=90))
                numbers.append(gr.Number(value=DEFAULT_POINTS.get(t, 2.0), minimum=0, label=f"{t} 每题分",
                                         elem_id=f"exam-points-{QTYPES.index(t)}", min_width=90))
        with gr.Row():
            minutes = gr.Number(value=60, minimum=1, maximum=600, label="时长（分钟）", elem_id="exam-minutes")
            pass_mark = gr.Number(value=60, minimum=0, label="合格分", elem_id="exam-pass")
            opens = gr.Textbox(value=now.strftime(TIME_FORMAT), label="开始时间（YYYY-MM-DD HH:MM）",
                               elem_id="exam-opens")
            closes = gr.Textbox(value=(now + dt.timedelta(days=7)).strftime(TIME_FORMAT),
                                label="截止时间（YYYY-MM-DD HH:MM）", elem_id="exam-closes")
            attempts = gr.Number(value=1, minimum=1, maximum=10, precision=0, label="作答次数", elem_id="exam-attempts")
        with gr.Row():
            retake = gr.Checkbox(label="补考（未合格者可再考一次）", elem_id="exam-retake")
            per_person = gr.Checkbox(label="每人一卷", elem_id="exam-per-person")
            shuffle = gr.Checkbox(value=True, label="打乱选项", elem_id="exam-shuffle")
            after_close = gr.Checkbox(label="截止后公布成绩", elem_id="exam-after-close")
        who, depts, users = self.people.build("exam")
        create = gr.Button("创建考试", variant="primary", elem_id="exam-create")
        msg = gr.Markdown(elem_id="exam-create-msg")
        self._form = ([title, laws, chapters, doc_types, minutes, pass_mark, opens, closes, attempts, retake,
                       per_person, shuffle, after_close, who, depts, users, *numbers, since], msg)
        self._create = create
        return [laws, depts, users], create

    def _build_results(self) -> gr.Dropdown:
        gr.Markdown("#### 考试结果")
        with gr.Row():
            pick = gr.Dropdown(label="选择考试", choices=[], allow_custom_value=True, elem_id="exam-pick", scale=4)
            show = gr.Button("查看结果", variant="primary", elem_id="exam-show", scale=1)
            refresh = gr.Button("刷新列表", size="sm", elem_id="exam-refresh", scale=0, min_width=90)
        summary = gr.HTML(elem_id="exam-summary")
        with gr.Row():
            bands = gr.BarPlot(x="分数段", y="人数", title="分数分布", elem_id="exam-bands", sort="x",
                               x_label_angle=0, height=260)
            depts = gr.Dataframe(headers=DEPT_HEADERS, interactive=False, label="各科室", elem_id="exam-depts-table")
        questions = gr.Dataframe(headers=QUESTION_HEADERS, interactive=False, label="各题正确率",
                                 elem_id="exam-questions", max_height=320, wrap=True,
                                 column_widths=["6%", "7%", "42%", "21%", "8%", "8%", "8%"])
        missed = gr.HTML(elem_id="exam-missed", js_on_load=render.CARD_CLICK_JS)
        with gr.Row():
            xlsx = gr.Button("导出成绩（.xlsx）", elem_id="exam-export-xlsx")
            docx = gr.Button("导出试卷（.docx）", elem_id="exam-export-docx")
            practice = gr.Button("生成易错条文练习", elem_id="exam-practice")
        with gr.Row():
            confirm = gr.Checkbox(label="确认结束（进行中的答卷按已答内容交卷）", elem_id="exam-close-confirm")
            close = gr.Button("结束考试", variant="stop", elem_id="exam-close")
        files = gr.File(label="下载", interactive=False, elem_id="exam-file")
        msg = gr.Markdown(elem_id="exam-msg")
        self.missed = missed
        self._wire(pick, show, refresh, [summary, bands, depts, questions, missed], xlsx, docx, practice,
                   (confirm, close), files, msg)
        return pick

    def _wire(self, pick, show, refresh, result_outs, xlsx, docx, practice, closing, files, msg) -> None:
        inputs, create_msg = self._form
        self._create.click(self.create_exam, inputs, [create_msg, pick], api_name="admin_exam_create")
        refresh.click(self.refresh_choices, None, self._pickers_of(pick), api_name="admin_exam_choices")
        show.click(self.show_results, [pick], result_outs, api_name="admin_exam_results")
        pick.input(self.show_results, [pick], result_outs, api_name=False)
        xlsx.click(self.export_xlsx, [pick], files, api_name="admin_exam_export_results")
        docx.click(self.export_docx, [pick], files, api_name="admin_exam_export_paper")
        practice.click(self.practice, [pick], [msg, pick], api_name="admin_exam_practice")
        confirm, close = closing
        close.click(self.close, [pick, confirm], [msg, confirm], api_name="admin_exam_close").then(
            self.show_results, [pick], result_outs, api_visibility="private")

    def _pickers_of(self, pick) -> list:
        inputs, _msg = self._form
        return [inputs[14], inputs[15], pick]
