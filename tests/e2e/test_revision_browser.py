"""修订对照 in a real headless Chromium: a staff user finds an article of a law held in two
versions, sees on its card when it changed, opens the law, compares the versions side by side
(summary, word-level <del>/<ins>), narrows to 只看变化 and back. Screenshots at laptop and phone
width: test-output/revision_diff.png, test-output/revision_diff_phone.png.

The app here is its own (laws with history: 注册会计师法, 仲裁法, 海商法, and 网络安全法 with the
test's earlier text, see tests/revision_fixtures.py), not the shared web harness."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from revision_fixtures import copy_store

# skips this module too when Chromium or selenium is missing
from tests.e2e.test_web_browser import browser, click, login, shot, tab, visible, wait, wait_visible  # noqa: F401
from web_harness import free_port

By = pytest.importorskip("selenium.webdriver.common.by").By

USER = ("wang", "staff-pass-789")


@pytest.fixture(scope="module")
def app():
    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web import build_app, launch

    home = Path(tempfile.mkdtemp(prefix="xuefa-revweb-"))
    copy_store(home)
    c = Container(Settings(home=home, embedder="fake", search_dense=False, _env_file=None))
    c.auth.create_user(*USER)
    port = free_port()
    demo = build_app(c.services)
    launch(demo, c.auth, c.settings, host="127.0.0.1", port=port, root_path="", block=False, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/", c
    finally:
        demo.close()
        shutil.rmtree(home, ignore_errors=True)


def test_revision_compare_view(browser, app):  # noqa: F811
    url, c = app
    d = browser
    d.set_window_size(1366, 1000)
    login(d, url, *USER)
    tab(d, "法规库")
    q = wait_visible(d, "#lib-search-query textarea, #lib-search-query input")
    q.send_keys("注册会计师法第二十条")
    click(d, "#lib-search-btn")
    card = wait(d, lambda d: next((x for x in visible(d, "#lib-search-results .xf-card") if "第二十条" in x.text), None),
                what="the card of 第二十条")
    assert "本条 2026-06-26 修改；原第十八条" in card.find_element(By.CSS_SELECTOR, ".xf-revnote").text
    card.click()
    wait(d, lambda d: "注册会计师法" in d.find_element(By.ID, "lib-header").text, what="the law opened")
    box = wait_visible(d, "#lib-revdiff")
    box.find_element(By.CSS_SELECTOR, "button").click()  # open the 修订对照 accordion
    click(d, "#lib-rev-btn")
    summary = wait_visible(d, "#xf-rev-summary")
    counts = c.revisions.compare("注册会计师法").counts
    text = "".join(summary.text.split())
    assert f"{counts['changed']}处修改" in text and f"{counts['added']}条新增" in text
    assert f"{counts['deleted']}条删除" in text and f"{counts['renumbered']}条重新编号" in text
    view = d.find_element(By.ID, "lib-rev-view")
    assert view.find_elements(By.CSS_SELECTOR, "ins") and view.find_elements(By.CSS_SELECTOR, "del")
    row = next(x for x in view.find_elements(By.CSS_SELECTOR, ".xf-rev-new") if x.text.startswith("第二十条"))
    assert "或者被审计单位" in row.find_element(By.CSS_SELECTOR, "ins").text
    only_changes = len(view.find_elements(By.CSS_SELECTOR, ".xf-rev-old"))
    d.execute_script("document.getElementById('lib-rev-view').scrollIntoView({block: 'start'});")
    shot(d, "revision_diff")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", row)
    shot(d, "revision_diff_changes")

    # 只看变化 off: every article, the unchanged ones too
    d.find_element(By.CSS_SELECTOR, "#lib-rev-only input[type=checkbox]").click()
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#lib-rev-view .xf-rev-old")) > only_changes,
         what="the unchanged articles listed")
    assert len(d.find_elements(By.CSS_SELECTOR, "#lib-rev-view .xf-rev-old")) == len(
        c.revisions.compare("注册会计师法").changes)

    # phone width: one column, still readable
    d.find_element(By.CSS_SELECTOR, "#lib-rev-only input[type=checkbox]").click()
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#lib-rev-view .xf-rev-old")) == only_changes,
         what="only the changes again")
    d.set_window_size(390, 844)
    d.execute_script("document.getElementById('xf-rev-summary').scrollIntoView({block: 'start'});")
    shot(d, "revision_diff_phone")
    row = next(x for x in d.find_elements(By.CSS_SELECTOR, "#lib-rev-view .xf-rev-new") if x.text.startswith("新第二十条")
               or x.text.startswith("第二十条"))
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", row)
    shot(d, "revision_diff_phone_changes")
    d.set_window_size(1366, 1000)
