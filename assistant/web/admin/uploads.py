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
from assistant.web.common import admin_user, esc, ui_errors
from knowledge.errors import XuefaError
from knowledge.legal.documents import DOC_TYPES, STATUSES

AUTO = "自动识别"
RESULT_HEADERS = ["文件", "结果", "标题", "条数", "说明"]
RESULT_NAMES = {"added": "成功导入", "unchanged": "已存在（未变）", "failed": "失败",
                "needs_confirmation": "待确认（未导入）"}
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


def _conflict_html(conflicts) -> str:
    """Both sides of each replacement waiting for confirmation, escaped (titles and file
    names are uploaded text)."""
    if not conflicts:
        return ""
    parts = ["<div id='admin-replace-conflicts'><p><b>以下文件与知识库中来源不同的同名现行文本冲突，尚未导入。"
             "确认后，新文件将成为现行文本，原文本保留为历史版本：</b></p>"]
    for conflict in conflicts:
        new = conflict.incoming
        rows = "".join(f"<tr><td>现有</td><td>{esc(o.source_label)}</td><td>{o.article_count}</td>"
                       f"<td>{esc(o.dates_label)}</td></tr>" for o in conflict.existing)
        parts.append(f"<p>《{esc(new.title)}》</p><table><tr><th></th><th>来源</th><th>条数</th><th>日期</th></tr>"
                     f"{rows}<tr><td>新文件</td><td>{esc(new.source_label)}</td><td>{new.article_count}</td>"
                     f"<td>{esc(new.dates_label)}</td></tr></table>")
    return "".join(parts) + "</div>"


def _summary(rows, done: bool) -> str:
    failed = sum(r[1] in (RESULT_NAMES["failed"], RESULT_NAMES["needs_confirmation"]) for r in rows)
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
        """Ingest uploaded files one by one; yields the per-file result table as it grows, and
        the replacements that wait for the admin's confirmation (kept files, shown side by side)."""
        admin = admin_user(self.auth, request)
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            raise XuefaError("请先选择要导入的文件。")
        options = self._options(len(paths), title, doc_type, issuer, publish_date, effective_date, status)
        rows: list[list] = []
        pending: list[dict] = []
        conflicts = []
        keep_dir = self.uploads_dir
        keep_dir.mkdir(parents=True, exist_ok=True)
        for i, src in enumerate(paths):
            progress((i, len(paths)), desc=f"正在导入 {src.name}")
            row, out, kept = self._ingest_one(src, keep_dir, options, admin.name)
            rows.append(row)
            if out.result == "needs_confirmation":
                pending.append({"path": str(kept), "name": src.name})
                conflicts.append(out.conflict)
            yield rows, _summary(rows, done=False), _conflict_html(conflicts), gr.update(visible=False), pending
        if any(r[1] == RESULT_NAMES["added"] for r in rows):
            self.status.start_embedding()
        yield (rows, _summary(rows, done=True), _conflict_html(conflicts), gr.update(visible=bool(pending)),
               pending)

    @ui_errors
    def confirm_replace(self, pending, title, doc_type, issuer, publish_date, effective_date, status,
                        request: gr.Request):
        """Ingest the files that waited for confirmation, now allowed to replace."""
        admin = admin_user(self.auth, request)
        root = self.uploads_dir.resolve()
        kept = [Path(p["path"]) for p in (pending or [])]
        if not kept or any(root not in k.resolve().parents for k in kept):
            raise XuefaError("没有待确认的文件。")
        options = self._options(len(kept), title, doc_type, issuer, publish_date, effective_date, status)
        options.replace = True
        rows = []
        for path, item in zip(kept, pending):
            out = self.ingestion.ingest_file(path, options, actor=admin.name)
            rows.append(self._row(item["name"], out))
        if any(r[1] == RESULT_NAMES["added"] for r in rows):
            self.status.start_embedding()
        return rows, _summary(rows, done=True), "", gr.update(visible=False), []

    @staticmethod
    def _options(count, title, doc_type, issuer, publish_date, effective_date, status) -> IngestOptions:
        if _opt(title) and count > 1:
            raise XuefaError("一次导入多个文件时不能统一指定标题（标题默认取文件中的标题行）。")
        return IngestOptions(title=_opt(title), doc_type=_opt(doc_type), issuer=_opt(issuer),
                             publish_date=_opt(publish_date), effective_date=_opt(effective_date),
                             status=_opt(status))

    def _ingest_one(self, src: Path, keep_dir: Path, options: IngestOptions, actor: str):
        kept = keep_dir / f"{_digest(src)}-{_safe_name(src.name)}"
        new_copy = not kept.exists()
        if new_copy:  # the store cites a stable copy, not gradio's temp file
            shutil.copyfile(src, kept)
        out = self.ingestion.ingest_file(kept, options, actor=actor)
        if new_copy and out.result in ("failed", "unchanged"):
            kept.unlink(missing_ok=True)
        return self._row(src.name, out), out, kept

    @staticmethod
    def _row(name: str, out) -> list:
        if out.result == "needs_confirmation":
            note = "与来源不同的同名现行文本冲突，见下方说明"
        else:
            note = out.error if not out.ok else (f"取代旧版本 {len(out.superseded)} 个" if out.superseded else "")
        return [name, RESULT_NAMES.get(out.result, out.result), out.title, out.articles, note]

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
            conflicts = gr.HTML(elem_id="admin-ingest-conflicts")
            confirm = gr.Button("确认取代（新文件成为现行文本）", variant="stop", visible=False,
                                elem_id="admin-ingest-confirm")
            pending = gr.State([])
        meta = [title, doc_type, issuer, publish, effective, status_in]
        outputs = [results, summary, conflicts, confirm, pending]
        event = go.click(self.ingest, [files, *meta], outputs, api_name="admin_ingest")
        self.status.refresh_after(event)
        confirmed = confirm.click(self.confirm_replace, [pending, *meta], outputs, api_name="admin_ingest_replace")
        self.status.refresh_after(confirmed)
