"""管理 › 上位法修订复核 in a real headless Chromium: an admin checks the rules and sees the one
citing 网络安全法第二十一条 with its new number and the article's text; screenshots at laptop and
phone width go to test-output/."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.test_web_browser import OUT, browser, click, login, tab, wait, wait_visible  # noqa: F401
from web_harness import free_port

ADMIN = ("citeboss", "citeboss-pass-1")
RULE = ("第一条　为了加强本局网络安全管理，根据《中华人民共和国网络安全法》，制定本办法。\n"
        "第二条　本局按照《网络安全法》第二十一条的规定，实行网络安全等级保护制度。\n"
        "第三条　本局网络的建设和使用，依照《网络安全法》第二条执行。\n")


@pytest.fixture(scope="module")
def app():
    from assistant.container import Container
    from assistant.library.ingestion_service import IngestOptions
    from assistant.settings import Settings
    from assistant.web import build_app, launch

    home = Path(tempfile.mkdtemp(prefix="xuefa-cite-web-"))
    c = Container(Settings(home=home, embedder="fake", _env_file=None))
    c.ingestion.import_statutes(names=["网络安全法", "关于修改《中华人民共和国网络安全法》的决定"])
    rule = home / "网络安全等级保护实施办法.txt"
    rule.write_text("网络安全等级保护实施办法\n" + RULE, encoding="utf-8")
    assert c.ingestion.ingest_file(rule, IngestOptions(doc_type="内部制度", publish_date="2019-06-01")).ok
    c.auth.create_user(*ADMIN, role="admin")
    port = free_port()
    demo = build_app(c.services)
    launch(demo, c.auth, c.settings, host="127.0.0.1", port=port, root_path="", block=False, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()
    shutil.rmtree(home, ignore_errors=True)


def test_admin_checks_the_rules_citing_revised_laws(browser, app):  # noqa: F811
    from selenium.webdriver.common.by import By

    d = browser
    login(d, app, *ADMIN)
    tab(d, "管理")
    header = wait(d, lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, "button, span, div.label-wrap")
                                     if b.text.strip() == "上位法修订复核" and b.is_displayed()), None),
                  what="the 上位法修订复核 accordion")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", header)
    header.click()
    click(d, "#cite-check")
    wait(d, lambda d: "需要复核" in d.find_element(By.ID, "cite-list").text, what="the review list")
    text = d.find_element(By.ID, "cite-list").text
    assert "《网络安全等级保护实施办法》（2019-06-01）" in text
    assert "第二十一条现为第二十三条（内容未变）" in text and "国家实行网络安全等级保护制度" in text
    listing = wait_visible(d, "#cite-list")
    d.execute_script("arguments[0].scrollIntoView({block: 'start'});", listing)
    time.sleep(0.4)
    d.save_screenshot(str(OUT / "cite-01-admin-review.png"))
    d.set_window_size(390, 900)
    try:
        time.sleep(0.6)
        d.execute_script("arguments[0].scrollIntoView({block: 'start'});", d.find_element(By.ID, "cite-list"))
        time.sleep(0.4)
        d.save_screenshot(str(OUT / "cite-02-admin-review-phone.png"))
    finally:
        d.set_window_size(1366, 1000)
