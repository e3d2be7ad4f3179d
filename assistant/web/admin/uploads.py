"""管理 › 导入文件: upload laws or internal rules; each file is kept under XUEFA_HOME/uploads
(the store cites a stable copy) and ingested on its own, with a per-file result table.

Copies are named by content hash, so uploading the same file again adds no copy; a copy that
was not needed (the file failed, or was already in the store) is removed at once. gradio's
own temporary copies are deleted on a schedule (``app.UPLOAD_CACHE``)."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import gradio as gr

from assistant.library.ingestion_service import IngestOptions
from assistant.web.common import admin_user, ui_errors
from knowledge.errors import XuefaError
from knowledge.legal.documents import DOC_TYPES, STATUSES

AUTO = "自动识别"
RESULT_HEADERS = ["文件", "结果", "标题", "条数", "说明"]
RESULT_NAMES = {"added": "成功导入", "unchanged": "已存在（未变）", "failed": "失败"}
FILE_TYPES = [".txt", ".md", ".docx", ".pdf", ".html", ".htm"]


def _opt(value):
    value = (value or "").strip() if isinstance(value, str) else value
    return None if value in (None, "", AUTO) else value


def _safe_name(name: str) -> str:
    name = Path(name).name
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name) or "upload"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _summary(rows, done: bool) -> str:
    failed = sum(r[1] == RESULT_NAMES["failed"] for r in rows)
    head = "导入完成" if done else "正在导入……"
    return (f"**{head}**：共 {len(rows)} 个文件，成功 {len(rows) - failed}，失败 {failed}。"
            + ("新条文已可检索，语义向量在后台补齐。" if done and len(rows) > failed else ""))


class UploadSection:
    def __init__(self, ingestion, auth, status, *, uploads_dir: Path):
        self.ingestion = ingestion
        self.auth = auth
        self.status = status  # IndexStatusSection: refreshed and embedding started after imports
        self.uploads_dir = uploads_dir

    @ui_errors
    def ingest(self, files, title, doc_type, issuer, publish_date, effective_date, status,
               request: gr.Request, progress=gr.Progress()):
        """Ingest uploaded files one by one; yields the per-file result table as it grows."""
        admin_user(self.auth, request)
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            raise XuefaError("请先选择要导入的文件。")
        if _opt(title) and len(paths) > 1:
            raise XuefaError("一次导入多个文件时不能统一指定标题（标题默认取文件中的标题行）。")
        options = IngestOptions(title=_opt(title), doc_type=_opt(doc_type), issuer=_opt(issuer),
                                publish_date=_opt(publish_date), effective_date=_opt(effective_date),
                                status=_opt(status))
        rows: list[list] = []
        keep_dir = self.uploads_dir
        keep_dir.mkdir(parents=True, exist_ok=True)
        for i, src in enumerate(paths):
            progress((i, len(paths)), desc=f"正在导入 {src.name}")
            rows.append(self._ingest_one(src, keep_dir, options))
            yield rows, _summary(rows, done=False)
        if any(r[1] == RESULT_NAMES["added"] for r in rows):
            self.status.start_embedding()
        yield rows, _summary(rows, done=True)

    def _ingest_one(self, src: Path, keep_dir: Path, options: IngestOptions) -> list:
        kept = keep_dir / f"{_digest(src)}-{_safe_name(src.name)}"
        new_copy = not kept.exists()
        if new_copy:  # the store cites a stable copy, not gradio's temp file
            shutil.copyfile(src, kept)
        out = self.ingestion.ingest_file(kept, options)
        note = out.error if not out.ok else (f"取代旧版本 {len(out.superseded)} 个" if out.superseded else "")
        if new_copy and (not out.ok or out.result == "unchanged"):
            kept.unlink(missing_ok=True)
        return [src.name, RESULT_NAMES.get(out.result, out.result), out.title, out.articles, note]

    def build(self) -> None:
        with gr.Accordion("导入文件（法规或内部制度）", open=True):
            files = gr.File(label="选择文件（可多选：.txt .md .docx .pdf .html）", file_count="multiple", height=150,
                            file_types=FILE_TYPES, elem_id="admin-files")
            with gr.Row():
                title = gr.Textbox(label="标题（可选，仅单个文件）", placeholder="默认取文件中的标题行")
                doc_type = gr.Dropdown([AUTO, *DOC_TYPES], value=AUTO, label="类型")
                issuer = gr.Textbox(label="发布机关（可选）")
            with gr.Row():
                publish = gr.Textbox(label="发布日期（可选）", placeholder="YYYY-MM-DD")
                effective = gr.Textbox(label="施行日期（可选）", placeholder="YYYY-MM-DD")
                status_in = gr.Dropdown([AUTO, *STATUSES], value=AUTO, label="状态")
            go = gr.Button("开始导入", variant="primary", elem_id="admin-ingest")
            summary = gr.Markdown(elem_id="admin-ingest-summary")
            results = gr.Dataframe(headers=RESULT_HEADERS, interactive=False, wrap=True, label="逐个文件结果",
                                   elem_id="admin-ingest-results")
        event = go.click(self.ingest, [files, title, doc_type, issuer, publish, effective, status_in],
                         [results, summary], api_name="admin_ingest")
        self.status.refresh_after(event)
