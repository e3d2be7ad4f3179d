"""管理 › 内置国家法律库: import or complete the bundled national laws (those already held
are not imported again)."""
from __future__ import annotations

import gradio as gr

from assistant.web.common import admin_user, ui_errors


class StatutesSection:
    def __init__(self, ingestion, auth, status):
        self.ingestion = ingestion
        self.auth = auth
        self.status = status  # IndexStatusSection: refreshed and embedding started after imports

    @ui_errors
    def import_statutes(self, include_history: bool, request: gr.Request, progress=gr.Progress()) -> str:
        admin = admin_user(self.auth, request)

        def on_law(i, total, title):
            progress((i, total), desc=f"导入 {title[-16:]}")

        report = self.ingestion.import_statutes(include_history=bool(include_history), on_law=on_law,
                                                actor=admin.name)
        self.status.start_embedding()
        return (f"导入 {report.laws} 部新法律、{report.articles} 条；{report.unchanged} 部已在库中未变；"
                f"用时 {report.seconds:.1f} 秒。语义向量在后台补齐，进度见上方。")

    def build(self) -> None:
        with gr.Accordion("内置国家法律库", open=False):
            gr.Markdown("从随软件附带的国家法律数据库导入或补全现行有效法律（已在库的不会重复导入）。")
            with_history = gr.Checkbox(label="同时导入历史版本")
            imp_btn = gr.Button("导入 / 更新内置法律", elem_id="admin-import")
            imp_msg = gr.Markdown()
        event = imp_btn.click(self.import_statutes, [with_history], imp_msg, api_name="admin_import_statutes")
        self.status.refresh_after(event)
