"""管理 › 上位法修订复核: internal rules whose cited national laws changed since the rule was
written, each cited article with what became of it and its word diff (<del>/<ins>). The check
re-extracts every rule's citations first (a backfill for rules ingested before links existed)."""
from __future__ import annotations

import gradio as gr

from assistant.web.common import admin_user, esc, notice, ui_errors

MAX_RULES = 200  # shown at once; the CLI (xuefa laws check-citations --json) lists them all

CITATION_CSS = """
.xf-cite { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .8em; margin: .6em 0; }
.xf-cite h4 { margin: 0 0 .3em; font-size: 1rem; }
.xf-cite ul { margin: .2em 0 .4em 1.2em; padding: 0; }
.xf-cite-note { color: var(--body-text-color-subdued); font-size: .85rem; margin: .2em 0; }
.xf-cite-art { border-top: 1px dashed var(--border-color-primary); padding-top: .4em; margin-top: .4em; }
.xf-cite-diff { line-height: 1.75; font-size: .92rem; overflow-wrap: anywhere; margin-top: .2em; }
.xf-cite-diff del { background: #fde2e2; color: #8f1d1d; text-decoration: line-through; }
.xf-cite-diff ins { background: #dcf3e3; color: #135c2e; text-decoration: none; }
"""


def diff_html(runs: list[tuple[str, str]]) -> str:
    """A word diff inline: deletions in <del>, insertions in <ins>, every piece escaped."""
    out = []
    for kind, text in runs:
        piece = esc(text).replace("\n", "<br>")
        out.append(f"<del>{piece}</del>" if kind == "delete" else f"<ins>{piece}</ins>" if kind == "insert"
                   else piece)
    return f'<div class="xf-cite-diff">{"".join(out)}</div>'


def review_html(review) -> str:
    head = ('<span class="xf-badge xf-warn">需复核</span>' if review.needs_review
            else '<span class="xf-badge xf-ok">无需复核</span>')
    parts = [f'<div class="xf-cite"><h4>《{esc(review.title)}》（{esc(review.rule_date or "无日期")}） {head}</h4>']
    if review.reasons:
        parts.append("<ul>" + "".join(f"<li>{esc(r)}</li>" for r in review.reasons) + "</ul>")
    for law in review.laws:
        if law.note:
            parts.append(f'<p class="xf-cite-note">《{esc(law.law)}》：{esc(law.note)}</p>')
        parts += [_article_html(a) for a in law.articles if a.needs_review]
    return "".join(parts) + "</div>"


def _article_html(a) -> str:
    now = "、".join(a.now) or "—"
    where = f"（本制度{a.rule_article}引用）" if a.rule_article else ""
    body = [f'<div class="xf-cite-art"><b>{esc(a.cited)} → {esc(now)}</b> {esc(a.status_name)}{esc(where)}']
    if a.note:
        body.append(f'<p class="xf-cite-note">{esc(a.note)}</p>')
    if a.diff:
        body.append(diff_html(a.diff))
    return "".join(body) + "</div>"


class CitationsSection:
    def __init__(self, citations, auth):
        self.citations = citations
        self.auth = auth

    @ui_errors
    def check(self, show_all: bool, request: gr.Request) -> str:
        admin_user(self.auth, request)
        linked = self.citations.refresh()
        reviews = self.citations.review(flagged_only=not show_all)
        flagged = sum(r.needs_review for r in reviews)
        head = notice(f"共 {linked} 份内部制度引用了国家法律；{flagged} 份需要复核。",
                      "warn" if flagged else "ok")
        more = notice(f"只显示前 {MAX_RULES} 份；全部见 xuefa laws check-citations --json。") \
            if len(reviews) > MAX_RULES else ""
        return head + more + "".join(review_html(r) for r in reviews[:MAX_RULES])

    def build(self) -> gr.HTML:
        with gr.Accordion("上位法修订复核", open=False):
            gr.Markdown("内部制度引用的国家法律在制度发布后被修订：所引条文内容修改、条号变动或被删除的制度列在这里，"
                        "附所引条文的逐词对照（<del>删除</del> / <ins>新增</ins>）。检查时会重新提取每份制度的引用。")
            with gr.Row():
                show_all = gr.Checkbox(label="也列出无需复核的制度", elem_id="cite-all")
                run = gr.Button("检查", variant="primary", elem_id="cite-check")
            out = gr.HTML(elem_id="cite-list")
        run.click(self.check, [show_all], out, api_name="admin_check_citations")
        return out
