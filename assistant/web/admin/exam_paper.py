"""管理 › 生成与导出试卷 (admins only): a paper drawn from a scope, with its answer key,
exported to .docx (printing) and .xlsx (exam systems) for offline exams."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import gradio as gr

from assistant.quiz.types import QTYPES, QuizScope
from assistant.web.common import admin_user, ui_errors
from assistant.web.render import md_safe
from knowledge.errors import XuefaError
from knowledge.limits import FIELD_CHARS, bounded


def _file_stem(title: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_")[:60] or "试卷"


class ExamPaperSection:
    def __init__(self, quiz, library, auth):
        self.quiz = quiz
        self.library = library
        self.auth = auth
        self.laws: gr.Dropdown | None = None

    @ui_errors
    def generate_paper(self, title_: str, laws_: list[str], types_: list[str], n_: float, seed_: float | None,
                       request: gr.Request):
        # A paper and both its files: (summary, [docx, xlsx]). No docstring, and these parameter
        # names: gradio publishes both as this endpoint's API (description, keyword arguments).
        admin_user(self.auth, request)
        n = int(n_ or 50)
        if not 1 <= n <= 200:
            raise XuefaError("题量应在 1–200 之间。")
        title = bounded(title_ or "", FIELD_CHARS, "试卷标题").strip() or "学法考试试卷"
        seed = int(seed_) if seed_ not in (None, "") else None
        report = self.quiz.generate_report(QuizScope(laws=list(laws_ or [])), n, list(types_ or []) or None, seed,
                                           exam=True)
        questions = report.questions
        if not questions:
            raise XuefaError("所选范围内没有生成出题目，请换一部法规或放宽题型。")
        out_dir = Path(tempfile.mkdtemp(prefix="xuefa-paper-"))
        stem = _file_stem(title)
        files = [str(self.quiz.export_paper(questions, out_dir / f"{stem}{ext}", title=title, with_key=True))
                 for ext in (".docx", ".xlsx")]
        counts = "、".join(f"{t} {sum(q.qtype == t for q in questions)} 道" for t in QTYPES
                          if any(q.qtype == t for q in questions))
        note = f"（所选范围只生成了 {len(questions)} 道合格题目）" if len(questions) < n else ""
        summary = (f"已生成《{md_safe(title)}》：共 {len(questions)} 题（{counts}），随机种子 {report.seed}"
                   f"（同一知识库用同一种子可重现同一份试卷）{note}。下载后即可打印或导入考试系统。")
        return summary, files

    def law_choices(self) -> gr.Dropdown:
        """The scope picker's laws, filled when an admin opens the app."""
        return gr.Dropdown(choices=[d.title for d in self.library.documents()])

    def build(self) -> gr.Dropdown:
        with gr.Accordion("生成与导出试卷", open=False):
            with gr.Row():
                title = gr.Textbox(label="试卷标题", value="学法考试试卷", elem_id="paper-title")
                laws = gr.Dropdown(label="范围：法规（可多选，留空为全部）", multiselect=True, choices=[],
                                   allow_custom_value=True, elem_id="paper-laws")
            with gr.Row():
                types = gr.CheckboxGroup(list(QTYPES), value=["单选", "多选", "判断"], label="题型")
                n = gr.Number(value=50, minimum=1, maximum=200, precision=0, label="题量")
                seed = gr.Number(value=None, precision=0, label="随机种子（可选）")
            go = gr.Button("生成并导出（.docx + .xlsx，含答案）", elem_id="paper-go")
            msg = gr.Markdown()
            files = gr.File(label="下载", file_count="multiple", interactive=False, elem_id="paper-files")
        go.click(self.generate_paper, [title, laws, types, n, seed], [msg, files], api_name="admin_export_paper")
        self.laws = laws
        return laws
