"""The one rendering boundary (assistant/web/render.py): hostile data becomes text in
markdown, in HTML and in gradio messages; chat messages and admin messages go through it."""
from __future__ import annotations

import re

import markdown_it
import pytest

from assistant.answer.types import Answer, Citation, Flag, RetrievalTrace
from assistant.web import render
from assistant.web.chat_tab import final_text, shown
from assistant.web.common import _to_gr_error
from knowledge.errors import NotFoundError

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<form action="http://evil.example/s"><input type="password" name="pw"></form>',
    '<iframe src="http://evil.example/"></iframe>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">系统维护</div>',
    "[点此](http://evil.example/phish)",
    "![x](http://evil.example/x.png)",
    "<http://evil.example/auto>",
    "访问 http://evil.example/x 或 www.evil.example",
    "    缩进的代码块 <b>粗</b>",
    "**粗体** _斜体_ `代码` # 标题\n- 列表\n1. 编号\n> 引用\n| a | b |",
]


def md_to_html(text: str) -> str:
    """CommonMark with raw HTML allowed, as a markdown renderer in the browser would render it
    (GFM's bare-URL autolinks are checked below and in the browser test)."""
    return markdown_it.MarkdownIt("commonmark", {"html": True}).render(text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_safe_renders_to_the_same_characters_and_no_element(payload):
    html = md_to_html(render.md_safe(payload))
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags <= {"p", "br"}, (payload, html)  # no a, img, form, iframe, div, script, code, h1...
    import html as h

    visible = h.unescape(re.sub(r"<[^>]+>", "", html)).replace("\u00a0", " ")
    assert "".join(visible.split()) == "".join(payload.split())
    safe = render.md_safe(payload)
    assert not re.search(r"(?i)https?:|www\.", safe)  # nothing a GFM autolinker would link


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_and_cards_escape_everything(payload):
    assert "<" not in render.text(payload) and ">" not in render.text(payload)
    card = render.card({"law": payload, "article": "第一条", "path": [payload], "text": payload,
                        "status": "现行有效", "doc_type": "内部制度", "flags": [payload], "verified": False}, 0)
    for tag in ("<script", "<img", "<form", "<iframe", "<input", 'style="position'):
        assert tag not in card
    assert "xf-internal" in card and "已与原文核对" not in card


def test_messages_escape_fields_not_the_template():
    msg = render.md_message("已选：《{title}》（{n} 条）", title="[点此](http://evil)<img src=x>", n=3)
    assert "<img" not in md_to_html(msg) and "<a " not in md_to_html(msg) and "已选：《" in msg
    assert render.html_message("<b>{x}</b>", x="<i>") == "<b>&lt;i&gt;</b>"


def test_gradio_errors_are_escaped():
    err = _to_gr_error(NotFoundError('知识库中没有：<img src=x onerror="alert(1)">'))
    assert "<img" not in err.message and "&lt;img" in err.message


def _answer(text, flags=()):
    return Answer(text=text, found=True, citations=[], flags=list(flags), trace=RetrievalTrace(query="q", rewritten_query="q"),
                  mode="llm")


def test_chat_messages_are_plain_text_rendered_as_text():
    flag = Flag("misquote", "引文与《某办法》第二条原文不符", real_text='<form action="http://evil"><input type=password>')
    plain = final_text(_answer("结论：见[点此](http://evil.example)。", [flag]), [])
    assert "原文：<form" in plain  # stored as what it says
    html = md_to_html(shown("assistant", plain)["content"])
    assert "<form" not in html and "<a " not in html and "&lt;form" in html
    user = md_to_html(shown("user", "<iframe src=x></iframe>问题")["content"])
    assert "<iframe" not in user


def test_verified_only_when_something_was_checked():
    c = Citation(law="某办法", article="第二条", article_id=1, path=[], text="t", status="现行有效",
                 effective_date="", source="x", verified=False, doc_type="内部制度")
    item = render.citation_item(c)
    assert render.VERIFIED_NOTE not in render.card(item, 0)
    item["verified"] = True
    assert render.VERIFIED_NOTE in render.card(item, 0)
    assert render.FLAG_NAMES["unsupported"] == "未能在所引条文中核实"
