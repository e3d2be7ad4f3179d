"""The one rendering boundary of the web app: data (document text and titles, user input,
model output) becomes HTML or markdown only through the functions here.

- ``text(value)``: for HTML (gr.HTML, gr.Error/gr.Info messages, which gradio renders as HTML).
- ``md_safe(value)``: for markdown (gr.Markdown, gr.Chatbot): every markdown and HTML special
  character is backslash-escaped, so raw HTML, links, images and emphasis in the data show as
  the characters they are; bare URLs are defused so the markdown renderer does not link them.
- ``md_message(template, **fields)``: a Chinese UI message in markdown with data fields made safe.

Plus citation cards and a law's text: pure functions of plain data (easy to test).
"""
from __future__ import annotations

import re
from typing import Any

from assistant.quiz.types import ELLIPSIS
from assistant.web.common import esc, paragraphs_html, status_badge
from knowledge.legal.documents import INTERNAL_TYPES, Article, Document

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it leaves no
# markdown or HTML construct in the data (tags, links, images, emphasis, code, tables, lists).
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
# GFM autolinks bare URLs and www. names without any markup: break the scheme and www.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|file|mailto|javascript|data|vbscript)\\:|\b(www)\\\.")


def text(value: Any) -> str:
    """``value`` as HTML text (escaped), for gr.HTML and for gr.Error / gr.Info messages."""
    return esc(value)


def md_safe(value: Any) -> str:
    """``value`` as markdown that renders to exactly its characters (line breaks kept)."""
    out = []
    for line in ("" if value is None else str(value)).split("\n"):
        # leading spaces would make an indented code block; keep the indent visible instead
        stripped = line.lstrip(" \t")
        indent = "\u00a0" * (len(line) - len(stripped))
        escaped = _MD_PUNCT.sub(r"\\\1", stripped)
        # &#58; / &#46; render as ':' '.' but are not seen as a URL by the autolinker
        escaped = _AUTOLINK.sub(lambda m: f"{m.group(1)}&#58;" if m.group(1) else f"{m.group(2)}&#46;", escaped)
        out.append(indent + escaped)
    return "\n".join(out)


def md_message(template: str, **fields: Any) -> str:
    """A markdown UI message: ``template`` is our own text, every field is data (made safe)."""
    return template.format(**{k: md_safe(v) for k, v in fields.items()})


def html_message(template: str, **fields: Any) -> str:
    """An HTML UI message (gr.Error, gr.Info, gr.HTML) with every field escaped."""
    return template.format(**{k: esc(v) for k, v in fields.items()})

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

VERIFIED_NOTE = "✓ 已与原文核对"  # only on citations whose quotes matched verbatim / claims were supported

FLAG_NAMES = {
    "nonexistent": "引用的条文不存在", "misquote": "引文与原文不一致", "not_in_force": "非现行有效",
    "bad_source": "来源编号无效", "unattributed_quote": "引文出处不明", "uncited": "回答未注明依据",
    "unsupported": "未能在所引条文中核实",
}


def internal_badge(doc_type: str) -> str:
    return f'<span class="xf-badge xf-warn xf-internal">{esc(doc_type)}</span>'


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
        meta.append(VERIFIED_NOTE)
    if item.get("doc_type") in INTERNAL_TYPES:  # an organisation's own rule, not a national law
        kind_html += internal_badge(item["doc_type"])
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
        out.append(f'<div class="{cls}" id="xf-art-{art.id}">{article_paragraphs(art.label, art.text)}</div>')
        shown += 1
    if not shown:
        out.append('<div class="xf-empty">没有条文。</div>')
    out.append("</div>")
    return "".join(out)


# ---- one article's text, with its key point marked --------------------------------------------
def article_paragraphs(label: str, text: str, *, key_point: str = "", highlights: tuple[str, ...] = ()) -> str:
    """An article's paragraphs, the label bold before the first. ``key_point`` (verbatim
    segments joined by ……) is marked where it occurs in the text, and ``highlights`` inside it."""
    levels = _mark_levels(text, key_point, highlights)
    out, offset = [], 0
    for para in text.split("\n"):
        start, offset = offset, offset + len(para) + 1
        if para.strip():
            out.append(_marked(para, levels[start:start + len(para)]))
    out = out or [""]
    out[0] = f"<b>{esc(label)}</b>{out[0]}" if label else out[0]
    return "".join(f"<p>{p}</p>" for p in out)


def marked_text(text: str, highlights: tuple[str, ...]) -> str:
    """``text`` escaped, with each highlight marked (the key point box)."""
    levels = [0] * len(text)
    _raise(levels, text, highlights, 2, 0, len(text))
    return _marked(text, levels)


def _mark_levels(text: str, key_point: str, highlights: tuple[str, ...]) -> list[int]:
    """Per character: 0 plain, 1 in the key point, 2 a highlight inside the key point."""
    levels = [0] * len(text)
    at = 0
    for segment in [s for s in (key_point or "").split(ELLIPSIS) if s.strip()]:
        found = text.find(segment, at)
        if found < 0:
            continue
        end = found + len(segment)
        levels[found:end] = [1] * len(segment)
        _raise(levels, text, highlights, 2, found, end)
        at = end
    return levels


def _raise(levels: list[int], text: str, needles, level: int, start: int, end: int) -> None:
    for needle in (n for n in needles if n):
        found = text.find(needle, start, end)
        while found >= 0:
            levels[found:found + len(needle)] = [level] * len(needle)
            found = text.find(needle, found + len(needle), end)


MARK_CLASSES = {1: "xf-key", 2: "xf-key xf-hl"}


def _marked(text: str, levels: list[int]) -> str:
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and levels[j] == levels[i]:
            j += 1
        piece = esc(text[i:j])
        out.append(f'<mark class="{MARK_CLASSES[levels[i]]}">{piece}</mark>' if levels[i] else piece)
        i = j
    return "".join(out)
