"""HTML renderers shared by the tabs: citation cards and a law's text. Pure functions of
plain data (easy to test); every piece of text is escaped."""
from __future__ import annotations

from assistant.web.common import esc, paragraphs_html, status_badge
from knowledge.legal.documents import Article, Document

# One delegated listener: a click on a card triggers the component's `select` event with the
# card's index and article id (gr.SelectData.index / .value on the server).
CARD_CLICK_JS = """
element.addEventListener('click', (e) => {
  const card = e.target.closest('[data-article-id]');
  if (!card) return;
  trigger('select', {index: Number(card.dataset.index), value: Number(card.dataset.articleId)});
});
"""

# Scroll the highlighted article into view whenever the reader's text changes.
SCROLL_TO_TARGET_JS = """
const go = () => {
  const t = element.querySelector('.xf-target');
  if (!t) return;
  let box = t.parentElement;
  while (box && box !== document.body) {
    const style = getComputedStyle(box);
    if (/(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight) break;
    box = box.parentElement;
  }
  if (box && box !== document.body) {
    box.scrollTop += t.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 4;
  } else {
    t.scrollIntoView({block: 'center'});
  }
};
watch('value', () => setTimeout(go, 30));
setTimeout(go, 30);
"""

FLAG_NAMES = {
    "nonexistent": "引用的条文不存在", "misquote": "引文与原文不一致", "not_in_force": "非现行有效",
    "bad_source": "来源编号无效", "unattributed_quote": "引文出处不明", "uncited": "回答未注明依据",
}


def card(item: dict, index: int) -> str:
    """One citation card. ``item`` has law, article, path, text, status, effective_date and
    optionally number ([n]), flags, verified, article_id, kind (依据 / 相关 / 参考)."""
    number = item.get("number")
    head = (f'<span class="xf-num">[{esc(number)}]</span>' if number else "") + \
        f'《{esc(item["law"])}》{esc(item["article"])}'
    kind = item.get("kind")
    kind_html = f'<span class="xf-badge xf-info">{esc(kind)}</span>' if kind else ""
    path = " / ".join(item.get("path") or []) or "无章节"
    meta = []
    if item.get("effective_date"):
        meta.append(f"施行日期 {esc(item['effective_date'])}")
    if item.get("doc_type"):
        meta.append(esc(item["doc_type"]))
    if item.get("verified") is True:
        meta.append("✓ 已与原文核对")
    flags = "".join(f'<div class="xf-flag">⚠ {esc(f)}</div>' for f in item.get("flags") or [])
    if item.get("revision"):  # when and how the article last changed (修订对照)
        flags += f'<div class="xf-revnote">{esc(item["revision"])}</div>'
    article_id = item.get("article_id")
    attrs = f' data-index="{index}" data-article-id="{int(article_id)}"' if article_id is not None else ""
    opener = '<span class="xf-open">查看全文 ›</span>' if article_id is not None else ""
    return (f'<div class="xf-card"{attrs}>{opener}<div class="xf-card-head">{head}'
            f'{status_badge(item.get("status") or "")}{kind_html}</div>'
            f'<div class="xf-path">{esc(path)}</div>'
            f'<div class="xf-text">{paragraphs_html(item.get("text") or "")}</div>'
            f'<div class="xf-meta">{" · ".join(meta)}</div>{flags}</div>')


def cards(items: list[dict], empty: str = "") -> str:
    if not items:
        return f'<div class="xf-empty">{esc(empty)}</div>' if empty else ""
    return '<div class="xf-cards">' + "".join(card(it, i) for i, it in enumerate(items)) + "</div>"


def hit_item(hit, kind: str = "") -> dict:
    """A search Hit as a card item."""
    return {"law": hit.document.title, "article": hit.article.label, "path": list(hit.article.path),
            "text": hit.article.text, "status": hit.document.status_on(),
            "effective_date": hit.document.effective_date, "doc_type": hit.document.doc_type,
            "article_id": hit.article.id, "kind": kind}


def citation_item(c, kind: str = "") -> dict:
    """An answer Citation (assistant.answer.types) as a card item."""
    flags = [FLAG_NAMES.get(f, f) for f in (c.flags or [])]
    return {"law": c.law, "article": c.article, "path": list(c.path), "text": c.text,
            "status": c.status, "effective_date": c.effective_date, "doc_type": c.doc_type,
            "article_id": c.article_id, "verified": c.verified, "flags": flags,
            "number": c.source_index, "kind": kind}


def document_header(doc: Document) -> str:
    bits = [esc(doc.doc_type)]
    if doc.issuer:
        bits.append(f"发布机关：{esc(doc.issuer)}")
    if doc.publish_date:
        bits.append(f"发布：{esc(doc.publish_date)}")
    if doc.effective_date:
        bits.append(f"施行：{esc(doc.effective_date)}")
    bits.append(f"{doc.article_count} 条")
    if not doc.is_current:
        bits.append("历史版本")
    notes = "".join(f'<div class="xf-notice xf-warn">注：{esc(n)}</div>' for n in doc.notes)
    return (f'<div class="xf-law"><h2>{esc(doc.title)}{status_badge(doc.status_on())}</h2>'
            f'<div class="xf-meta">{" · ".join(bits)}</div>{notes}</div>')


def law_text(doc: Document, articles: list[Article], *, target_id: int | None = None,
             chapter: str | None = None) -> str:
    """The text (whole, or one top-level chapter) with headings where the path changes;
    the target article is highlighted and scrolled to by SCROLL_TO_TARGET_JS."""
    out = ['<div class="xf-law">']
    if doc.preamble and not chapter:
        out.append(f'<div class="xf-art">{paragraphs_html(doc.preamble)}</div>')
    path: list[str] = []
    shown = 0
    for art in articles:
        if chapter and (not art.path or art.path[0] != chapter):
            continue
        for depth, heading in enumerate(art.path):
            if depth >= len(path) or path[depth] != heading:
                out.append(f"<h3>{esc(heading)}</h3>")
        path = art.path
        cls = "xf-art xf-target" if art.id == target_id else "xf-art"
        paras = [p for p in art.text.split("\n") if p.strip()] or [""]
        first = f"<p><b>{esc(art.label)}</b>{esc(paras[0])}</p>"
        out.append(f'<div class="{cls}" id="xf-art-{art.id}">{first}'
                   + "".join(f"<p>{esc(p)}</p>" for p in paras[1:]) + "</div>")
        shown += 1
    if not shown:
        out.append('<div class="xf-empty">没有条文。</div>')
    out.append("</div>")
    return "".join(out)
