"""Study lists and 每日一学 end to end in headless Chromium: an admin builds a list for one
department in 管理 › 学法清单 (from the annual starter, plus an article); a staff member of that
department opens 今日学习, reads and answers (clicking the keys, read through the service),
stops half way, reloads and resumes at the same question, finishes a few items and sees the
list's progress. Active minutes grow only while the person works in the tab: activity in
another tab, or none at all, adds nothing (the harness beats every 5 seconds).

The admin's 学习看板 then shows the learner's studied articles and active minutes as the service
counted them. Screenshots: test-output/study_today.png (1280 wide), study_today_phone.png (390
wide), study_admin_plans.png and study_dashboard.png.
"""
from __future__ import annotations

import time

import pytest
from test_exam_browser import choose, key_labels, open_accordion, set_text
from test_web_browser import OUT, browser, click, login, shot, tab, visible, wait, wait_visible  # noqa: F401

from web_harness import ADMIN, running_app

By = pytest.importorskip("selenium.webdriver.common.by").By

DEPT, TITLE, PASSWORD = "学法科", "学法清单（浏览器）", "study-pass-123"
LEARNER, OUTSIDER = "study-staff", "study-outside"
ACTIVITY_JS = """
document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}));
window.dispatchEvent(new Event('scroll'));
"""


@pytest.fixture(scope="module")
def app():
    app = running_app()
    c = app.container
    c.depts.add(DEPT, actor="admin")
    for name in (LEARNER, OUTSIDER):
        c.auth.create_user(name, PASSWORD)
    c.depts.set_department(LEARNER, DEPT, actor="admin")
    return app


# ---- helpers ----------------------------------------------------------------------------------
def text_of(d, elem_id) -> str:
    return d.find_element(By.ID, elem_id).text


def current(c, user):
    item = c.study.today(user).current
    return item, item.questions[item.answered] if item and item.answered < len(item.questions) else None


def wait_for_item(d, item, number):
    wait(d, lambda d: item.citation in text_of(d, "study-item")
         and f"第 {number} 题" in text_of(d, "study-question"), what=f"{item.citation}, question {number}")


def answer_current(d, c, user):
    """Answer the question the service says is next, with its key; returns the item."""
    item, q = current(c, user)
    wait_for_item(d, item, item.answered + 1)
    if q.qtype == "填空":
        set_text(d, "#study-blank", q.answer)
    else:
        area = "#study-choices" if q.qtype == "多选" else "#study-choice"
        for prefix in key_labels(q, right=True):
            label = wait(d, lambda d: next((lb for lb in visible(d, f"{area} label") if lb.text.startswith(prefix)),
                                           None), what=f"option {prefix}")
            label.click()
            time.sleep(0.2)
    click(d, "#study-submit")
    wait(d, lambda d: "回答正确" in text_of(d, "study-feedback"), what="the feedback")
    return item


def finish_item(d, c, user):
    item = answer_current(d, c, user)
    while c.study.today(user).position == item.position:
        click(d, "#study-next")
        answer_current(d, c, user)
    click(d, "#study-next")
    return item


def seconds(c, user) -> int:
    day = c.study.today_date()
    return c.study.seconds_by_day(user.id, since=day).get(day, 0)


def work_for(d, secs: float):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        d.execute_script(ACTIVITY_JS)
        time.sleep(0.5)


# ---- the journey ------------------------------------------------------------------------------
def test_study_list_and_daily_session_in_the_browser(app, browser):  # noqa: F811 - the fixture imported above
    d, c = browser, app.container
    admin_creates_the_list(d, app)
    plan = next(p for p in c.study.plans() if p.title == TITLE)
    assert c.study.audience_ids(plan.audience) == {c.auth.get_user(LEARNER).id}
    learner = c.auth.get_user(LEARNER)
    staff_studies(d, app, learner)
    active_time_counts_only_work(d, app, learner)
    outsider_has_no_list(d, app)
    admin_reads_the_dashboard(d, app, learner)


def admin_creates_the_list(d, app):
    login(d, app.url, *ADMIN)
    tab(d, "管理")
    open_accordion(d, "学法清单")
    click(d, "#plan-starter")
    wait(d, lambda d: "网络安全法" in text_of(d, "plan-items"), what="the starter items")
    set_text(d, "#plan-title", TITLE)
    set_text(d, "#plan-deadline", "2099-06-30")
    choose(d, "#plan-law", "劳动合同法")
    set_text(d, "#plan-article", "第十条")
    click(d, "#plan-add-item")
    wait(d, lambda d: "劳动合同法》第十条" in text_of(d, "plan-items"), what="the added article")
    wait(d, lambda d: next((lb for lb in visible(d, "#plan-who label") if "指定科室和人员" in lb.text), None),
         what="the audience radio").click()  # the starter list is for everyone; this one for one department
    choose(d, "#plan-depts", DEPT)
    click(d, "#plan-create")
    wait(d, lambda d: "已创建清单" in text_of(d, "plan-msg"), what="the list created")
    msg = text_of(d, "plan-msg")
    items = len(app.container.study.starter_spec().items) + 1  # the starter list (shared app: other tests add rules) + one
    assert f"{items} 项" in msg and "面向 1 人" in msg
    wait(d, lambda d: TITLE in text_of(d, "plan-list"), what="the list in the table")
    d.execute_script("arguments[0].scrollIntoView({block: 'start'});", d.find_element(By.ID, "admin-plans"))
    shot(d, "study_admin_plans")


def staff_studies(d, app, learner):
    c = app.container
    login(d, app.url, LEARNER, PASSWORD)
    tab(d, "今日学习")
    wait(d, lambda d: TITLE in text_of(d, "study-plans"), what="my study list")
    assert "连续学习" in text_of(d, "study-header") and "今日学习时长" in text_of(d, "study-header")
    first = finish_item(d, c, learner)
    assert c.study.studied(learner.id).keys() == {first.article_id}

    # half way through the second item (or at its question): stop, then reload and come back
    item, q = current(c, learner)
    wait_for_item(d, item, item.answered + 1)
    d.set_window_size(1280, 1000)
    d.execute_script("window.scrollTo(0, 0);")
    shot(d, "study_today")
    d.set_window_size(390, 844)
    d.execute_script("window.scrollTo(0, 0);")
    shot(d, "study_today_phone")
    d.set_window_size(1366, 1000)
    click(d, "#study-stop")
    wait(d, lambda d: "先学到这里" in text_of(d, "study-item"), what="the stop notice")
    d.refresh()
    wait_visible(d, "#chat-input textarea")
    tab(d, "今日学习")
    wait_for_item(d, item, item.answered + 1)  # the same article, the same question
    assert current(c, learner) == (item, q)

    for _ in range(2):
        finish_item(d, c, learner)
    wait(d, lambda d: "已学 3 / " in text_of(d, "study-plans"), what="three articles studied on the list")
    assert len(c.study.studied(learner.id)) == 3
    assert "3 / 8 条" in text_of(d, "study-header")


def active_time_counts_only_work(d, app, learner):
    c = app.container
    work_for(d, 12)  # two or more beats while working in the tab
    worked = seconds(c, learner)
    assert worked >= 5
    wait(d, lambda d: int(d.find_element(By.CSS_SELECTOR, "#study-header [data-seconds]")
                       .get_attribute("data-seconds")) >= worked, what="the minutes in the header")
    time.sleep(6)  # a beat may still follow the last input; after that, idle
    idle_from = seconds(c, learner)
    time.sleep(12)
    assert seconds(c, learner) == idle_from, "an idle page adds no time"
    tab(d, "问答")
    time.sleep(6)
    elsewhere = seconds(c, learner)
    work_for(d, 12)  # busy, but in another tab
    assert seconds(c, learner) == elsewhere, "work in another tab is not study time"


def outsider_has_no_list(d, app):
    login(d, app.url, OUTSIDER, PASSWORD)
    tab(d, "今日学习")
    wait(d, lambda d: "我的学法清单" in text_of(d, "study-plans"), what="the lists section")
    shown = text_of(d, "study-plans")
    assert TITLE not in shown
    others = app.container.study.plans_for(app.container.auth.get_user(OUTSIDER).id)  # the app is shared
    assert ("没有分配给你的学法清单" in shown) == (not others) and all(p.title in shown for p in others)


def row_cells(d, name):
    """The cells of the people table's row for ``name`` (each cell is a line of the table's text)."""
    lines = [x.strip() for x in text_of(d, "dash-people").split("\n")]
    return lines[lines.index(name):lines.index(name) + 17] if name in lines else None


def admin_reads_the_dashboard(d, app, learner):
    c = app.container
    minutes = round(seconds(c, learner) / 60, 1)
    # every list the learner has (the app is shared: other tests may add lists for everyone)
    progress = c.study.progress(learner.id)
    assert any(p.title == TITLE and p.studied == 3 for p in progress)
    studied, total = sum(p.studied for p in progress), sum(p.total for p in progress)
    login(d, app.url, *ADMIN)
    tab(d, "管理")
    open_accordion(d, "学习看板")
    click(d, "#dash-show")
    cells = wait(d, lambda d: row_cells(d, LEARNER), what="the learner's row on the dashboard")
    assert cells[1] == DEPT and cells[3] == f"{studied}/{total}", cells
    assert float(cells[5]) == minutes > 0, (cells, minutes)  # 本期分钟: the active time, and only it
    d.execute_script("arguments[0].scrollIntoView({block: 'start'});", d.find_element(By.ID, "dash-people"))
    shot(d, "study_dashboard")
