"""管理 › 关联问题（问题库）: list, add and delete the typical questions linked to articles
(bundled ones ship with xuefa; those added by admins or staff feedback can be deleted)."""
from __future__ import annotations

import re

import gradio as gr

from assistant.web.common import admin_user, ui_errors
from assistant.web.render import md_safe
from knowledge.limits import FIELD_CHARS, bounded

QUESTION_HEADERS = ["编号", "法律", "条", "问题", "来源"]
SOURCE_NAMES = {"bundled": "内置", "admin": "管理员添加", "feedback": "用户反馈"}
MAX_QUESTION_ROWS = 500


class QuestionBankSection:
    def __init__(self, questions, auth):
        self.questions = questions
        self.auth = auth

    @ui_errors
    def list_questions(self, law: str, source: str, request: gr.Request):
        admin_user(self.auth, request)
        source = source if source in SOURCE_NAMES else None
        rows = self.questions.list(law=bounded(law or "", FIELD_CHARS, "法律名称").strip() or None, source=source)
        shown = rows[-MAX_QUESTION_ROWS:][::-1]  # newest first: feedback is what admins review
        table = [[q.id if q.id is not None else "", q.law, q.article, q.question, SOURCE_NAMES[q.source]]
                 for q in shown]
        more = f"（显示最新 {len(shown)} 个）" if len(rows) > len(shown) else ""
        return table, f"共 {len(rows)} 个问题{more}。"

    @ui_errors
    def add_question(self, law: str, article: str, question: str, request: gr.Request):
        me = admin_user(self.auth, request)
        q = self.questions.add((law or "").strip(), (article or "").strip(), question or "", user=me.name)
        return f"已关联：《{md_safe(q.law)}》{md_safe(q.article)} ← {md_safe(q.question)}", ""

    @ui_errors
    def delete_questions(self, ids: str, request: gr.Request):
        admin_user(self.auth, request)
        try:
            wanted = [int(x) for x in re.split(r"[\s,，、]+", bounded(ids or "", FIELD_CHARS * 10, "编号")) if x]
        except ValueError:
            raise gr.Error("编号只能是数字，用空格或逗号分隔。") from None
        if not wanted:
            raise gr.Error("请填写要删除的问题编号。")
        return f"已删除 {self.questions.delete(wanted)} 个问题。"

    def build(self) -> None:
        with gr.Accordion("关联问题（问题库）", open=False):
            gr.Markdown("与库中问题相似的提问会优先找到所关联的条文。内置问题随软件发布；"
                        "管理员添加的和工作人员点「有用」反馈的可以删除。")
            with gr.Row():
                qlaw = gr.Textbox(label="法律（可选，简称可用）", scale=2)
                qsource = gr.Dropdown([("全部", "all"), *[(v, k) for k, v in SOURCE_NAMES.items()]],
                                      value="all", label="来源", scale=1)
                qlist_btn = gr.Button("列出", scale=1)
            qcount = gr.Markdown()
            qtable = gr.Dataframe(headers=QUESTION_HEADERS, interactive=False, wrap=True, max_height=380,
                                  label="问题", elem_id="admin-questions")
            with gr.Row():
                qarticle = gr.Textbox(label="条号（如 第四十六条 或 46）", scale=1)
                qtext = gr.Textbox(label="问题", scale=4)
                qadd_btn = gr.Button("添加到上面的法律", scale=1)
            with gr.Row():
                qids = gr.Textbox(label="要删除的编号（空格分隔）", scale=4)
                qdel_btn = gr.Button("删除", variant="stop", scale=1)
            qmsg = gr.Markdown()
        qlisting = dict(fn=self.list_questions, inputs=[qlaw, qsource], outputs=[qtable, qcount])
        qlist_btn.click(**qlisting, api_name="admin_questions")
        qadd_btn.click(self.add_question, [qlaw, qarticle, qtext], [qmsg, qtext],
                       api_name="admin_add_question").then(**qlisting, api_visibility="private")
        qdel_btn.click(self.delete_questions, qids, qmsg, api_name="admin_delete_questions").then(
            **qlisting, api_visibility="private")
