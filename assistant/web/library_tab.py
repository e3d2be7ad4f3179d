"""法规库: list and search documents, read a law whole or by chapter, see its status and
versions, search articles. Every handler requires a logged-in user (read-only for all)."""
from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr

from assistant.search.types import SearchFilters
from assistant.web import render, revision_view
from assistant.web.common import current_user, esc, ui_errors
from knowledge.legal.documents import DOC_TYPES
from knowledge.legal.law_names import short_name

ALL = "全部"
ALL_CHAPTERS = "全部章节"
DOC_HEADERS = ["名称", "类型", "状态", "条数"]
SCOPES = {"全部": "all", "法律法规": "statutes", "内部制度": "internal"}


@dataclass
class LibraryView:
    """The reader's outputs (also what opening a citation from 问答 produces)."""

    header: gr.HTML
    versions: gr.Radio
    chapter: gr.Dropdown
    reader: gr.HTML
    doc_state: gr.State
    revision: list = field(default_factory=list)  # 修订对照: its box, version pickers and view

    @property
    def outputs(self) -> list:
        return [self.header, self.versions, self.chapter, self.reader, self.doc_state, *self.revision]


class LibraryTab:
    def __init__(self, library, search, auth, revisions=None):
        self.library = library
        self.search = search
        self.auth = auth
        self.revisions = revisions
        self.view: LibraryView | None = None

    # ---- handlers (plain methods: tested directly and through gradio_client) ----------------
    @ui_errors
    def list_documents(self, query: str, doc_type: str, include_history: bool,
                       request: gr.Request):
        current_user(self.auth, request)
        docs = self.library.documents(query=query or "", doc_type=None if doc_type in (None, "", ALL) else doc_type,
                                      include_history=bool(include_history))
        rows = [[short_name(d.title) + ("" if d.is_current else f"（{d.version or '历史'}版）"), d.doc_type,
                 d.status_on(), d.article_count] for d in docs]
        return rows, [d.id for d in docs]

    @ui_errors
    def select_document(self, doc_ids: list[str], evt: gr.SelectData, request: gr.Request):
        current_user(self.auth, request)
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not doc_ids or row is None or not 0 <= int(row) < len(doc_ids):
            raise gr.Error("请先检索并选择一部法规。")
        return self._open(doc_ids[int(row)], None, None)

    @ui_errors
    def open_document(self, doc_id: str, chapter: str | None, request: gr.Request):
        current_user(self.auth, request)
        if not doc_id:
            raise gr.Error("请选择一部法规。")
        return self._open(doc_id, None if chapter in (None, "", ALL_CHAPTERS) else chapter, None)

    @ui_errors
    def open_article(self, article_id: int, request: gr.Request):
        """The whole law, scrolled to (and highlighting) one article."""
        current_user(self.auth, request)
        article, doc = self.library.article_by_id(int(article_id))
        return self._open(doc.id, None, article.id)

    @ui_errors
    def open_version(self, doc_id: str, request: gr.Request):
        return self.open_document(doc_id, None, request)

    @ui_errors
    def open_card(self, evt: gr.SelectData, request: gr.Request):
        """A click on a citation card (its article id comes as the event's value)."""
        return self.open_article(int(evt.value), request)

    @ui_errors
    def search_articles(self, query: str, scope: str, request: gr.Request) -> str:
        current_user(self.auth, request)
        query = (query or "").strip()
        if not query:
            return render.cards([], "请输入要检索的内容，例如：涉密载体 / 个人信息 / 第二十一条。")
        filters = SearchFilters(scope=SCOPES.get(scope, "all"))
        result = self.search.search(query, top_k=10, filters=filters)
        notes = "".join(f'<div class="xf-notice xf-warn">{esc(m)}</div>' for m in result.missing)
        notes += "".join(f'<div class="xf-notice xf-info">{esc(m)}</div>' for m in result.notes)
        return notes + render.cards([self._with_revision(render.hit_item(h)) for h in result.hits],
                                    "没有找到相关条文，换个说法试试。")

    @ui_errors
    def compare_versions(self, from_id: str, to_id: str, only_changes: bool, request: gr.Request) -> str:
        """修订对照 of two versions of the open law (any logged-in user may read it)."""
        current_user(self.auth, request)
        if self.revisions is None:
            raise gr.Error("修订对照不可用。")
        if not from_id or not to_id or len(from_id) > 64 or len(to_id) > 64:
            raise gr.Error("请选择要对照的两个版本。")
        if from_id == to_id:
            raise gr.Error("请选择两个不同的版本。")
        old, new = self.library.document(from_id), self.library.document(to_id)
        if old.title != new.title:
            raise gr.Error("只能对照同一部法规的不同版本。")
        comparison = self.revisions.compare_documents(old, new)
        return revision_view.comparison_html(comparison, only_changes=bool(only_changes),
                                             in_force_note=_in_force_note(new))

    def _with_revision(self, item: dict) -> dict:
        if self.revisions is not None and item.get("article_id") is not None:
            item["revision"] = self.revisions.article_note(int(item["article_id"])) or ""
        return item

    def _open(self, doc_id: str, chapter: str | None, target_id: int | None):
        doc = self.library.document(doc_id)
        versions = self.library.versions(doc)
        choices = [(f"{v.version or v.publish_date or v.created_at[:10]} · {v.status_on()}"
                    + ("（当前）" if v.is_current else ""), v.id) for v in versions]
        chapters = self.library.chapters(doc.id)
        text = render.law_text(doc, self.library.articles(doc.id), target_id=target_id, chapter=chapter)
        return (render.document_header(doc) + self._pending_notice(doc),
                gr.Radio(choices=choices, value=doc.id, visible=len(versions) > 1),
                gr.Dropdown(choices=[ALL_CHAPTERS, *chapters], value=chapter or ALL_CHAPTERS,
                            visible=bool(chapters)),
                text, doc.id, *self._revision_controls(doc, versions, choices))

    def _revision_controls(self, doc, versions, choices) -> tuple:
        """The 修订对照 box: shown for a law held in more than one version; the chosen pair is
        the open version against the one before it (or the current one against its predecessor)."""
        if self.view is None or not self.view.revision:
            return ()
        if self.revisions is None or len(versions) < 2:
            return gr.Accordion(visible=False), gr.skip(), gr.skip(), ""
        ids = [v.id for v in versions]  # newest first
        newer = doc.id if ids.index(doc.id) < len(ids) - 1 else ids[-2]
        older = ids[ids.index(newer) + 1]
        pending = self.revisions.pending(doc)
        if pending is not None and doc.is_current:
            older, newer = pending.in_force.id, pending.upcoming.id
        return (gr.Accordion(visible=True), gr.Dropdown(choices=choices, value=older),
                gr.Dropdown(choices=choices, value=newer), "")

    def _pending_notice(self, doc) -> str:
        """For a current text not in force yet: which text applies today."""
        if self.revisions is None or not doc.is_current or doc.status_on() != "尚未生效":
            return ""
        pending = self.revisions.pending(doc)
        if pending is None:
            return ""
        from assistant.revisions.types import version_name

        return (f'<div class="xf-notice xf-info">本文本 {esc(doc.effective_date)} 起施行；在此之前适用 '
                f'{esc(version_name(pending.in_force))} 版本（可在"版本"中切换）。修订对照列出施行后的变化。</div>')

    # ---- layout ------------------------------------------------------------------------------
    def build(self) -> LibraryView:
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=300):
                with gr.Accordion("检索条文", open=True):
                    squery = gr.Textbox(label="条文检索", placeholder="关键词或问题，例如：涉密载体的管理",
                                        elem_id="lib-search-query")
                    scope = gr.Radio(list(SCOPES), value="全部", label="范围")
                    sbtn = gr.Button("检索", elem_id="lib-search-btn")
                    results = gr.HTML(elem_id="lib-search-results", js_on_load=render.CARD_CLICK_JS,
                                      max_height=520)
                with gr.Accordion("查找法规", open=True):
                    query = gr.Textbox(label="名称", placeholder="名称关键词，如：保密、网络安全、公文",
                                       elem_id="lib-query")
                    with gr.Row():
                        doc_type = gr.Dropdown([ALL, *DOC_TYPES], value=ALL, label="类型", min_width=120)
                        history = gr.Checkbox(label="含历史版本", value=False, min_width=120)
                    find = gr.Button("查找", variant="secondary", elem_id="lib-find")
                    doc_list = gr.Dataframe(headers=DOC_HEADERS, datatype=["str", "str", "str", "number"],
                                            interactive=False, wrap=True, max_height=420, label="文档（点击打开）",
                                            elem_id="lib-docs", column_widths=["52%", "18%", "18%", "12%"])
                doc_ids = gr.State([])
            with gr.Column(scale=3, min_width=320):
                header = gr.HTML('<div class="xf-empty">在左侧检索条文，或查找并点击一部法规，即可在此阅读全文。</div>',
                                 elem_id="lib-header")
                with gr.Row():
                    versions = gr.Radio(label="版本", visible=False, elem_id="lib-versions")
                    chapter = gr.Dropdown(label="按章阅读", visible=False, elem_id="lib-chapter")
                revision = self._build_revision()
                reader = gr.HTML(elem_id="lib-reader", max_height=760, js_on_load=render.SCROLL_TO_TARGET_JS)
                doc_state = gr.State("")

        self.view = view = LibraryView(header, versions, chapter, reader, doc_state, revision)
        listing = dict(fn=self.list_documents, inputs=[query, doc_type, history], outputs=[doc_list, doc_ids])
        find.click(**listing, api_name="library_documents")
        query.submit(**listing, api_visibility="undocumented")
        doc_list.select(self.select_document, [doc_ids], view.outputs, api_visibility="undocumented")
        chapter.input(self.open_document, [doc_state, chapter], view.outputs, api_name="library_open")
        versions.input(self.open_version, [versions], view.outputs, api_visibility="undocumented")
        sbtn.click(self.search_articles, [squery, scope], results, api_name="library_search")
        squery.submit(self.search_articles, [squery, scope], results, api_visibility="undocumented")
        results.select(self.open_card, None, view.outputs, api_visibility="undocumented")
        self._load_inputs = listing
        return view

    def _build_revision(self) -> list:
        """修订对照: pick two versions, side by side, "只看变化" (shown for laws with history)."""
        if self.revisions is None:
            return []
        with gr.Accordion("修订对照", open=False, visible=False, elem_id="lib-revdiff") as box:
            with gr.Row():
                older = gr.Dropdown(label="旧版本", elem_id="lib-rev-from", min_width=150)
                newer = gr.Dropdown(label="新版本", elem_id="lib-rev-to", min_width=150)
                only = gr.Checkbox(label="只看变化", value=True, elem_id="lib-rev-only", min_width=110)
            show = gr.Button("对照", variant="primary", elem_id="lib-rev-btn")
            view = gr.HTML(elem_id="lib-rev-view", max_height=760)
        compare = dict(fn=self.compare_versions, inputs=[older, newer, only], outputs=view)
        show.click(**compare, api_name="library_compare")
        only.input(**compare, api_visibility="undocumented")
        return [box, older, newer, view]

    def refresh_on(self, tab: gr.Tab) -> None:
        """Re-list documents when the tab is opened (an admin may have added some)."""
        tab.select(**self._load_inputs, api_visibility="private")

    def on_load(self, demo: gr.Blocks) -> None:
        demo.load(**self._load_inputs, api_visibility="undocumented")


def _in_force_note(new) -> str:
    if new.is_current and new.status_on() == "尚未生效":
        return f"新文本 {new.effective_date} 起施行，在此之前适用旧文本。"
    return ""
