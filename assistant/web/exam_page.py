"""What the mock exam (练习 / 模拟考试) and the office exam (考试) pages share: the countdown,
a question and its answer widgets, reading the answer back, and the scored review."""
from __future__ import annotations

from typing import Callable

import gradio as gr

from assistant.web import render
from assistant.web.common import esc
from knowledge.errors import XuefaError

TRUE_FALSE = [("A. 正确", "正确"), ("B. 错误", "错误")]

# client-side countdown; the server enforces the deadline whatever the page shows
COUNTDOWN_JS = """
const tick = () => {
  const el = element.querySelector('[data-deadline]');
  if (!el) return;
  const left = Math.max(0, Math.floor((Date.parse(el.dataset.deadline) - Date.now()) / 1000));
  const m = Math.floor(left / 60), s = left % 60;
  el.textContent = `剩余时间 ${m} 分 ${String(s).padStart(2, '0')} 秒` + (left === 0 ? '（已到时，正在交卷）' : '');
};
setInterval(tick, 1000);
watch('value', tick); tick();
"""


def response_for(qtype: str, choice, choices, blank):
    if qtype in ("单选", "判断"):
        return choice or None
    if qtype == "多选":
        return list(choices or []) or None
    return (blank or "").strip() or None


def shown_response(q, response) -> str:
    if response in (None, "", []):
        return "（未作答）"
    if isinstance(response, list):
        return "、".join(map(str, response))
    return str(response)


def clock_html(deadline) -> str:
    """The countdown box; the page counts down to the server's deadline (UTC)."""
    import datetime as dt

    iso = deadline.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return f'<div class="xf-notice xf-info xf-clock" data-deadline="{iso}">剩余时间</div>'


def question_html(q, number: int, total: int) -> str:
    stem = esc(q.stem).replace("（　　）", '<span class="xf-blank">（　　）</span>')
    return (f'<div class="xf-question"><span class="xf-badge xf-info">{esc(q.qtype)}</span>'
            f'<b> 第 {number} 题 / 共 {total} 题</b><p>{stem}</p></div>')


def answer_widgets(q, response) -> tuple[gr.Radio, gr.CheckboxGroup, gr.Textbox]:
    """The radio (单选/判断), checkboxes (多选) and text box (填空) for ``q``, one visible."""
    opts = [(f"{L}. {o}", L) for L, o in zip(q.letters, q.options)]
    single = q.qtype in ("单选", "判断")
    if single and isinstance(response, list):  # a saved 单选 answer is kept as ["B"]; the radio wants "B"
        response = response[0] if response else None
    return (
        gr.Radio(choices=TRUE_FALSE if q.qtype == "判断" else opts, value=response if single else None,
                 visible=single, interactive=True, label="选择一个答案"),
        gr.CheckboxGroup(choices=opts, value=list(response or []) if q.qtype == "多选" else [],
                         visible=q.qtype == "多选", interactive=True, label="选择所有正确答案"),
        gr.Textbox(value=response if q.qtype == "填空" and response else "", visible=q.qtype == "填空",
                   interactive=True, label="填写括号中的内容"),
    )


def article_item(library, article_id: int, law: str, label: str, text: str) -> dict:
    """A card item for the article a question cites (as the question kept it if it left the library)."""
    try:
        art, doc = library.article_by_id(article_id)
        return {"law": doc.title, "article": art.label, "path": art.path, "text": art.text,
                "status": doc.status_on(), "effective_date": doc.effective_date, "article_id": art.id,
                "kind": "出处"}
    except XuefaError:
        return {"law": law, "article": label, "path": [], "text": text, "status": "已删除", "kind": "出处"}


def _review_item(it, article: Callable | None) -> str:
    q = it.question
    mark, cls = ("✓", "xf-feedback-ok") if it.correct else ("✗", "xf-feedback-bad")
    source = render.cards([article(q)]) if article else ""
    attrs = "" if article else f' data-index="{it.position}" data-article-id="{int(q.article_id)}"'
    opener = "" if article else '<span class="xf-open">查看条文 ›</span>'
    return (f'<div class="xf-feedback {cls}{"" if article else " xf-card"}"{attrs}>{opener}'
            f'<b>{mark} 第 {it.position + 1} 题（{esc(q.qtype)}）</b><p>{esc(q.stem)}</p>'
            + "".join(f"<div>{L}. {esc(o)}</div>" for L, o in zip(q.letters, q.options))
            + f'<p>正确答案：<b>{esc(q.answer_text)}</b>　你的答案：{esc(shown_response(q, it.response))}'
            f'　得分：{it.points:g}</p><p class="xf-meta">{esc(q.explanation)}</p>{source}</div>')


def result_html(result, *, wrong_book: bool = True, article: Callable | None = None) -> str:
    """Score, verdict and the per-question review. ``article(question)`` gives the card item of
    the cited article to show verbatim under each question; without it each review item is
    itself a card that opens the law."""
    used = int(result.time_used.total_seconds())
    verdict = ('<span class="xf-badge xf-ok">合格</span>' if result.passed
               else '<span class="xf-badge xf-bad">未合格</span>')
    by_type = "　".join(f"{t} {c}/{n}" for t, (c, n) in result.by_type.items())
    wrong = [it for it in result.items if not it.correct]
    note = (f"<p>答错和未作答的 {len(wrong)} 题已加入错题本，到期复习会出新的变式题。</p>"
            if wrong and wrong_book else "")
    return (f'<div class="xf-feedback"><div class="xf-score">{result.score:g} 分 {verdict}</div>'
            f'<p>满分 {result.total_points:g}，{result.pass_mark:g} 分及格；'
            f'答对 {result.correct} / {result.total} 题'
            f'（{by_type}）；用时 {used // 60} 分 {used % 60} 秒'
            + ("（到时自动交卷）" if result.auto_submitted else "") + "。</p>" + note
            + '</div><h4>逐题回顾</h4><div class="xf-cards">'
            + "".join(_review_item(it, article) for it in result.items) + "</div>")
