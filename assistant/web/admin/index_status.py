"""管理 › 索引状态: documents, articles and embedding progress (refreshed by a timer while an
admin has the app open), and the background embedding that follows every import."""
from __future__ import annotations

import gradio as gr

from assistant.web.common import admin_user, current_user, esc, ui_errors


class IndexStatusSection:
    def __init__(self, library, auth, *, llm_model: str | None, embed_in_background: bool):
        self.library = library
        self.auth = auth
        self.llm_model = llm_model  # None: no LLM configured
        self.embed_in_background = embed_in_background
        self.view: gr.HTML | None = None

    @ui_errors
    def index_status(self, request: gr.Request) -> str:
        admin_user(self.auth, request)
        return self.status_html()

    @ui_errors
    def tick(self, request: gr.Request):
        """The timer: the status for admins; nothing for anyone else (no data, no error toast)."""
        user = current_user(self.auth, request)
        if user.role != "admin":
            return gr.skip()
        return self.status_html()

    def start_embedding(self) -> None:
        """After an import: the new articles get their vectors in the background."""
        if self.embed_in_background:
            self.library.start_background_embedding()

    def status_html(self) -> str:
        s = self.library.index_status()
        total = max(s["articles"], 1)
        done = s["embedded"]
        pct = 100.0 * done / total
        state = _embedding_state(s)
        llm = (f"已配置（{esc(self.llm_model)}）" if self.llm_model is not None
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

    def build(self, timer: gr.Timer) -> gr.HTML:
        self.view = status = gr.HTML(elem_id="admin-status")
        refresh = gr.Button("刷新状态", size="sm", elem_id="admin-refresh")
        refresh.click(self.index_status, None, status, api_name="admin_index_status")
        timer.tick(self.tick, None, status, api_visibility="private", show_progress="hidden")
        return status

    def refresh_after(self, event) -> None:
        """Show the new counts once ``event`` (an import) is done."""
        event.then(self.index_status, None, self.view, api_visibility="private")


def _embedding_state(s: dict) -> str:
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
    return state
