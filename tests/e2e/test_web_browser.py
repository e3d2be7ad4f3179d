"""End to end in a real headless Chromium (Debian `chromium` + `chromium-driver`, driven by
selenium with the system chromedriver; selenium-manager never downloads anything).

Staff: log in, ask a question and see a citation card with the article's verbatim text, open
the law from the card, take a 5-question practice to the end, find the missed question in
错题本. Admin: ingest a small .docx, then find its article by search. A PNG of each tab goes
to test-output/ (also one at phone width).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from web_harness import ADMIN, RULES_DOCX_LINES, STAFF, running_app, write_docx

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
OUT = Path(__file__).resolve().parents[2] / "test-output"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--lang=zh-CN", "--window-size=1366,1000"]

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip("chromium/chromedriver not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install selenium)")

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WAIT = 30


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="xuefa-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages (CSP violations)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(WAIT)
    OUT.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# ---- helpers ----------------------------------------------------------------------------------
def wait(driver, cond, timeout=WAIT, what=""):
    try:
        return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(cond)
    except TimeoutException:
        driver.save_screenshot(str(OUT / "failure.png"))
        raise AssertionError(f"timed out waiting for {what}; page text:\n"
                             + driver.find_element(By.TAG_NAME, "body").text[:3000]) from None


def visible(driver, css):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def wait_visible(driver, css, timeout=WAIT):
    return wait(driver, lambda d: (visible(d, css) or [None])[0], timeout, css)


def click(driver, css):
    el = wait_visible(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()
    return el


def tab(driver, name):
    def find(d):
        return next((b for b in d.find_elements(By.CSS_SELECTOR, "button[role=tab]")
                     if b.text.strip() == name and b.is_displayed()), None)
    wait(driver, find, what=f"tab {name}").click()
    time.sleep(0.4)


def tab_names(driver):
    return [b.text.strip() for b in driver.find_elements(By.CSS_SELECTOR, "button[role=tab]") if b.is_displayed()]


def shot(driver, name):
    time.sleep(0.4)
    driver.save_screenshot(str(OUT / f"{name}.png"))


def login(driver, url, name, password):
    driver.delete_all_cookies()
    driver.get(url)
    wait_visible(driver, "input[type=password]")
    user_box = [e for e in visible(driver, "input") if e.get_attribute("type") in ("text", None, "")][0]
    user_box.send_keys(name)
    visible(driver, "input[type=password]")[0].send_keys(password + Keys.ENTER)
    wait_visible(driver, "#chat-input textarea")
    wait(driver, lambda d: name in d.find_element(By.ID, "xf-whoami").text, what="user name in header")


def norm(text):
    return "".join(text.split())


# ---- the journey ------------------------------------------------------------------------------
def test_staff_and_admin_journey(browser):
    app = running_app()
    d = browser
    lib = app.container.library

    # login page, then staff
    d.get(app.url)
    wait_visible(d, "input[type=password]")
    shot(d, "00-login")
    login(d, app.url, *STAFF)
    assert "管理" not in tab_names(d), "the admin tab must be hidden from staff"

    # 问答: a streamed answer with citation cards quoting the article verbatim
    box = wait_visible(d, "#chat-input textarea")
    box.send_keys("网络运营者收集个人信息要遵守什么规定？")
    click(d, "#chat-send")
    card = wait_visible(d, "#chat-cards [data-article-id]")
    wait(d, lambda d: "[1]" in d.find_element(By.ID, "chat-bot").text, what="inline [1] in the answer")
    article_id = int(card.get_attribute("data-article-id"))
    art, doc = lib.article_by_id(article_id)
    card_text = card.find_element(By.CSS_SELECTOR, ".xf-text").text
    assert norm(card_text) == norm(art.text), "the card must show the article verbatim"
    assert art.label in card.text and "现行有效" in card.text
    assert "网络运营者" in d.find_element(By.ID, "chat-bot").text
    wait(d, lambda d: visible(d, "#chat-history label"), what="the conversation in 我的对话")
    shot(d, "01-chat")

    # clicking the card opens the whole law at that article (法规库)
    card.click()
    target = wait_visible(d, "#lib-reader .xf-target")
    assert norm(art.text)[:30] in norm(target.text)
    assert doc.title in d.find_element(By.ID, "lib-header").text
    shot(d, "02-library-from-card")

    # phone width: the same page must still be usable
    d.set_window_size(390, 844)
    tab(d, "问答")
    d.execute_script("window.scrollTo(0, 0);")
    shot(d, "03-chat-phone")
    d.set_window_size(1366, 1000)

    # 练习: a 5-question practice to the end; the first one is given up (a sure miss)
    tab(d, "练习 / 模拟考试")
    count = wait_visible(d, "#practice-count input[type=number]")
    count.send_keys(Keys.CONTROL, "a")
    count.send_keys("5", Keys.TAB)
    click(d, "#practice-start")
    wait_visible(d, "#practice-question .xf-question")
    first_stem = d.find_element(By.CSS_SELECTOR, "#practice-question p").text
    for i in range(5):
        wait(d, lambda d: f"第 {i + 1} 题 / 共 5 题" in d.find_element(By.ID, "practice-question").text,
             what=f"question {i + 1}")
        if i == 0:
            click(d, "#practice-skip")
        else:
            options = (visible(d, "#practice-choice input[type=radio]")
                       or visible(d, "#practice-choices input[type=checkbox]"))
            if options:
                options[0].click()
            else:
                wait_visible(d, "#practice-blank textarea, #practice-blank input").send_keys("三十日")
            click(d, "#practice-submit")
        fb = wait_visible(d, "#practice-feedback .xf-feedback")
        assert "正确答案" in fb.text
        assert visible(d, "#practice-feedback [data-article-id]"), "feedback shows the article"
        if i == 0:
            assert "回答错误" in fb.text
            shot(d, "04-practice-feedback")
        click(d, "#practice-next")
    result = wait_visible(d, "#practice-result .xf-score")
    assert "/ 5" in result.text
    shot(d, "05-practice-result")

    # 错题本与进度: the given-up question is in the wrong-answer book; plots render
    tab(d, "错题本与进度")
    wait(d, lambda d: norm(first_stem)[:20] in norm(d.find_element(By.ID, "progress-wrong").text),
         what="the missed question in 错题本")
    assert "错题本" in d.find_element(By.ID, "progress-summary").text
    shot(d, "06-progress")
    plot = wait_visible(d, "#progress-daily canvas, #progress-daily svg")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", plot)
    shot(d, "06b-progress-plots")

    # 模拟考试: countdown in the page, hand in, score and review
    tab(d, "练习 / 模拟考试")
    wait(d, lambda d: next((lb for lb in visible(d, "#practice-mode label") if "模拟考试" in lb.text), None),
         what="exam mode").click()
    count = wait_visible(d, "#practice-count input[type=number]")
    count.send_keys(Keys.CONTROL, "a")
    count.send_keys("3", Keys.TAB)
    click(d, "#practice-start")
    wait(d, lambda d: re.search(r"剩余时间 \d+ 分 \d\d 秒", d.find_element(By.ID, "practice-clock").text),
         what="the exam countdown")
    assert not visible(d, "#practice-feedback .xf-feedback"), "no feedback before handing in"
    shot(d, "09-exam")
    click(d, "#practice-hand-in")
    score = wait_visible(d, "#practice-result .xf-score")
    assert "分" in score.text and "逐题回顾" in d.find_element(By.ID, "practice-result").text
    shot(d, "10-exam-result")

    # admin: ingest a small .docx, then find its article by search
    login(d, app.url, *ADMIN)
    assert "管理" in tab_names(d)
    tab(d, "管理")
    wait(d, lambda d: "已向量化" in d.find_element(By.ID, "admin-status").text, what="index status")
    docx_path = write_docx(Path(tempfile.mkdtemp()) / "公文流转管理办法.docx", RULES_DOCX_LINES)
    upload = d.find_element(By.CSS_SELECTOR, "#admin-files input[type=file]")
    upload.send_keys(str(docx_path))
    wait(d, lambda d: "公文流转管理办法.docx" in norm(d.find_element(By.ID, "admin-files").text), what="upload")
    click(d, "#admin-ingest")
    wait(d, lambda d: "成功导入" in d.find_element(By.ID, "admin-ingest-results").text, what="ingest result")
    assert "某局公文流转管理办法" in d.find_element(By.ID, "admin-ingest-results").text
    shot(d, "07-admin")

    tab(d, "法规库")
    q = wait_visible(d, "#lib-search-query textarea, #lib-search-query input")
    q.send_keys("涉密公文流转 保密员 互联网邮箱")
    click(d, "#lib-search-btn")
    found = wait(d, lambda d: next((c for c in visible(d, "#lib-search-results .xf-card")
                                    if "某局公文流转管理办法" in c.text), None), what="the ingested article")
    assert "第四条" in found.text and "严禁通过互联网邮箱传递" in found.text
    wait(d, lambda d: "公文流转管理办法" in d.find_element(By.ID, "lib-docs").text, what="the new document listed")
    found.click()  # read it in the reader, at that article
    wait(d, lambda d: "严禁通过互联网邮箱传递" in d.find_element(By.CSS_SELECTOR, "#lib-reader .xf-target").text,
         what="the ingested rule opened at its article")
    d.execute_script("window.scrollTo(0, 0);")
    shot(d, "08-library-search")
