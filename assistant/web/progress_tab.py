"""错题本与进度: the wrong-answer book (redo, remove), due FSRS reviews with a start button,
and plots: accuracy over time, mastery per law and per chapter, mock-exam scores."""
from __future__ import annotations

import gradio as gr
import pandas as pd

from assistant.web.common import current_user, esc, ui_errors
from knowledge.errors import XuefaError
from knowledge.legal.law_names import short_name

WRONG_HEADERS = ["题目", "出处", "正确答案", "答错次数", "连续答对"]
REVIEW_BATCH = 10
REDO_BATCH = 20


def _short(text: str, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1] + "…"


class ProgressTab:
    def __init__(self, learning, auth):
        self.learning = learning
        self.auth = auth
        self.outputs: list = []

    # ---- data (plain functions of the stats; tested directly) ------------------------------------
    @staticmethod
    def daily_frame(stats) -> pd.DataFrame:
        rows = [{"日期": d.day.strftime("%m-%d"), "正确率": round(100 * d.accuracy, 1), "题数": d.answered}
                for d in stats.daily[-30:]]
        return pd.DataFrame(rows, columns=["日期", "正确率", "题数"])

    @staticmethod
    def law_frame(stats) -> pd.DataFrame:
        rows = [{"法规": short_name(m.law), "正确率": round(100 * m.accuracy, 1), "已答": m.answered,
                 "已掌握条文": m.articles_mastered} for m in stats.by_law if m.answered]
        return pd.DataFrame(rows, columns=["法规", "正确率", "已答", "已掌握条文"])

    @staticmethod
    def chapter_frame(stats, limit: int = 15) -> pd.DataFrame:
        rows = [{"章节": f"{short_name(m.law)[:8]}·{m.chapter or '（无章）'}", "正确率": round(100 * m.accuracy, 1),
                 "已答": m.answered} for m in stats.by_chapter if m.answered]
        rows.sort(key=lambda r: (-r["已答"], r["章节"]))
        return pd.DataFrame(rows[:limit], columns=["章节", "正确率", "已答"])

    @staticmethod
    def exam_frame(stats) -> pd.DataFrame:
        rows = [{"考试": f"第{i}次 {e.started_at.astimezone().strftime('%m-%d %H:%M')}", "分数": e.score}
                for i, e in enumerate((e for e in stats.exams if e.score is not None), start=1)]
        return pd.DataFrame(rows, columns=["考试", "分数"])

    @staticmethod
    def summary_html(stats) -> str:
        cells = [("已答题", stats.answered, ""), ("总正确率", f"{stats.accuracy:.0%}" if stats.answered else "-", ""),
                 ("错题本", stats.wrong_open, "道待巩固"), ("今日待复习", stats.due_today, "条"),
                 ("已学条文", stats.cards, "条")]
        html = "".join(f'<div class="xf-stat"><b>{esc(v)}</b>{esc(k)} <small>{esc(n)}</small></div>'
                       for k, v, n in cells)
        return f'<div id="xf-progress-summary">{html}</div>'

    # ---- handlers ---------------------------------------------------------------------------------
    @ui_errors
    def refresh(self, request: gr.Request):
        user = current_user(self.auth, request)
        stats = self.learning.stats.for_user(user)
        entries = self.learning.wrong_book.entries(user.id)
        rows = [[_short(e.question.stem, 48), e.question.citation, e.question.answer_text, e.wrong_count,
                 e.right_streak] for e in entries]
        return (self.summary_html(stats), rows, [e.question.id for e in entries],
                gr.Button(value=f"开始复习（今日到期 {stats.due_today} 条）", interactive=stats.due_today > 0),
                gr.Button(value=f"重做错题（{len(entries)} 道）", interactive=bool(entries)),
                self.daily_frame(stats), self.law_frame(stats), self.chapter_frame(stats), self.exam_frame(stats))

    @ui_errors
    def choose(self, ids: list[str], evt: gr.SelectData, request: gr.Request):
        current_user(self.auth, request)
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not ids or not 0 <= int(row) < len(ids):
            return "", "未选择"
        return ids[int(row)], f"已选第 {int(row) + 1} 题"

    @ui_errors
    def remove(self, question_id: str, request: gr.Request):
        user = current_user(self.auth, request)
        if not question_id:
            raise XuefaError("请先在错题列表中点击选择一道题。")
        if not self.learning.wrong_book.remove(user.id, question_id):
            raise XuefaError("这道题不在你的错题本中。")
        return self.refresh(request)

    @ui_errors
    def start_review(self, request: gr.Request):
        user = current_user(self.auth, request)
        questions = self.learning.review.due_questions(user.id, n=REVIEW_BATCH)
        if not questions:
            raise XuefaError("今天没有到期需要复习的条文。")
        return {**self.practice.begin_practice(user, questions, "review"), self.tabs: gr.Tabs(selected="practice")}

    @ui_errors
    def redo_wrong(self, request: gr.Request):
        user = current_user(self.auth, request)
        questions = self.learning.wrong_book.questions(user.id, n=REDO_BATCH)
        if not questions:
            raise XuefaError("错题本是空的。")
        return {**self.practice.begin_practice(user, questions, "wrong"), self.tabs: gr.Tabs(selected="practice")}

    # ---- layout ------------------------------------------------------------------------------
    def build(self, tabs: gr.Tabs, practice) -> None:
        self.tabs, self.practice = tabs, practice
        summary = gr.HTML(elem_id="progress-summary")
        with gr.Row():
            review = gr.Button("开始复习", variant="primary", elem_id="progress-review")
            redo = gr.Button("重做错题", elem_id="progress-redo")
            refresh = gr.Button("刷新", size="sm", elem_id="progress-refresh")
        with gr.Accordion("错题本", open=True):
            wrong = gr.Dataframe(headers=WRONG_HEADERS, interactive=False, wrap=True, max_height=360,
                                 column_widths=["42%", "30%", "12%", "8%", "8%"],
                                 label="答错的题（点击一行以选择）", elem_id="progress-wrong")
            wrong_ids = gr.State([])
            chosen = gr.State("")
            with gr.Row():
                chosen_label = gr.Markdown("未选择")
                remove = gr.Button("移出错题本", size="sm", elem_id="progress-remove")
        with gr.Row():
            daily = gr.BarPlot(x="日期", y="正确率", title="每日正确率（%，近 30 天）", y_lim=[0, 100], height=260,
                               elem_id="progress-daily", sort="x")
            exams = gr.BarPlot(x="考试", y="分数", title="模拟考试成绩", y_lim=[0, 100], height=260,
                               elem_id="progress-exams", sort=None)
        with gr.Row():
            by_law = gr.BarPlot(x="法规", y="正确率", title="各法规掌握情况（正确率 %）", y_lim=[0, 100], height=280,
                                elem_id="progress-laws", sort="-y")
            by_chapter = gr.BarPlot(x="章节", y="正确率", title="各章节掌握情况（正确率 %）", y_lim=[0, 100],
                                    height=280, elem_id="progress-chapters", sort="-y", x_label_angle=-30)
        self.outputs = [summary, wrong, wrong_ids, review, redo, daily, by_law, by_chapter, exams]
        refresh.click(self.refresh, None, self.outputs, api_name="progress")
        wrong.select(self.choose, [wrong_ids], [chosen, chosen_label], api_visibility="undocumented")
        remove.click(self.remove, [chosen], self.outputs, api_name="wrong_remove")
        practice_outputs = [*practice.view.outputs, tabs]
        review.click(self.start_review, None, practice_outputs, api_name="review_start")
        redo.click(self.redo_wrong, None, practice_outputs, api_name="wrong_redo")
