"""The office exam end to end in headless Chromium: an admin sets an exam for one department
through the form; of its three members one passes (clicking the keys, read through the service),
one fails, one never starts; someone outside it does not see it. A reload mid-exam resumes the
same attempt (same answers, same deadline, so less time). The admin's results show 2/3 taking
part and 1/2 passing, and the exported .xlsx holds the service's result rows.

Screenshots: test-output/exam_staff.png (mid-exam), exam_staff_phone.png (390px wide) and
exam_admin_results.png.
"""
from __future__ import annotations

import re
import time
from urllib.parse import unquote

import pytest
from test_web_browser import OUT, browser, click, login, shot, tab, visible, wait, wait_visible  # noqa: F401

from web_harness import ADMIN, running_app

By = pytest.importorskip("selenium.webdriver.common.by").By
Keys = pytest.importorskip("selenium.webdriver.common.keys").Keys

DEPT, TITLE, PASSWORD = "考务科", "网安法知识测验（浏览器）", "exam-pass-123"
PASSER, FAILER, ABSENT, OUTSIDER = "exam-pass", "exam-fail", "exam-absent", "exam-outside"
COUNTS = {0: 3, 1: 1, 2: 2, 3: 0}  # 单选, 多选, 判断, 填空: 3×2 + 1×3 + 2×2 = 13 points


@pytest.fixture(scope="module")
def app():
    app = running_app()
    c = app.container
    c.depts.add(DEPT, actor="admin")
    for name in (PASSER, FAILER, ABSENT, OUTSIDER):
        c.auth.create_user(name, PASSWORD)
    for name in (PASSER, FAILER, ABSENT):
        c.depts.set_department(name, DEPT, actor="admin")
    return app


# ---- helpers ----------------------------------------------------------------------------------
def set_number(d, css, value):
    box = wait_visible(d, f"{css} input[type=number]")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)


def set_text(d, css, value):
    box = wait_visible(d, f"{css} input, {css} textarea")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(value, Keys.TAB)


def choose(d, css, option):
    """Pick ``option`` in a gradio dropdown."""
    box = click(d, f"{css} input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(option)
    item = wait(d, lambda d: next((li for li in visible(d, "[role=option]") if option in li.text), None),
                what=f"option {option}")
    item.click()
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def open_accordion(d, label):
    button = wait(d, lambda d: next((b for b in visible(d, "button.label-wrap, .label-wrap")
                                     if label == b.text.strip().split("\n")[0].strip("▼▶ ")), None),
                  what=f"accordion {label}")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    time.sleep(0.5)


def key_labels(q, right: bool) -> list[str]:
    """The option labels to click: the key, or one wrong option."""
    if q.qtype == "判断":
        answer = q.answer if right else ("错误" if q.answer == "正确" else "正确")
        return ["A." if answer == "正确" else "B."]
    letters = list(q.answer) if right else [next(L for L in q.letters if L not in q.answer)]
    return [f"{L}." for L in letters]


def answer_question(d, c, user, exam_id, pos, right=True):
    q = c.exams.current(user, exam_id).questions[pos]
    wait(d, lambda d: f"第 {pos + 1} 题" in d.find_element(By.ID, "exam-question").text, what=f"question {pos + 1}")
    area = "#exam-choices" if q.qtype == "多选" else "#exam-choice"
    for prefix in key_labels(q, right):
        label = wait(d, lambda d: next((lb for lb in visible(d, f"{area} label") if lb.text.startswith(prefix)), None),
                     what=f"option {prefix}")
        label.click()
        letter = prefix.rstrip(".")
        wait(d, lambda d: _saved(c, user, exam_id, pos, q, letter), what=f"answer {prefix} saved on the server")
    time.sleep(0.3)  # let the page take the server's update before the next click


def _saved(c, user, exam_id, pos, q, letter) -> bool:
    given = c.exams.current(user, exam_id).responses.get(pos)
    if q.qtype == "判断":
        return given == {"A": "正确", "B": "错误"}[letter]
    return given is not None and letter in given


def seconds_left(d) -> int:
    m = re.search(r"剩余时间 (\d+) 分 (\d+) 秒", d.find_element(By.ID, "exam-clock").text)
    return int(m.group(1)) * 60 + int(m.group(2))


def next_question(d, pos):
    click(d, "#exam-next")
    wait(d, lambda d: f"第 {pos + 2} 题" in d.find_element(By.ID, "exam-question").text, what=f"question {pos + 2}")


def hand_in(d):
    click(d, "#exam-submit")
    wait(d, lambda d: _alert(d), what="the confirm dialog").accept()
    return wait_visible(d, "#exam-result")


def _alert(d):
    try:
        return d.switch_to.alert
    except Exception:  # noqa: BLE001 - not open yet
        return None


def start_my_exam(d, url, name):
    login(d, url, name, PASSWORD)
    tab(d, "考试")
    wait(d, lambda d: TITLE in d.find_element(By.ID, "myexam-list").text, what="the exam in my list")
    click(d, "#myexam-start")
    wait_visible(d, "#exam-question .xf-question")
    wait(d, lambda d: re.search(r"剩余时间 \d+ 分 \d\d 秒", d.find_element(By.ID, "exam-clock").text),
         what="the countdown")


# ---- the journey ------------------------------------------------------------------------------
def test_office_exam_in_the_browser(app, browser):  # noqa: F811 - the fixture imported above
    d, c = browser, app.container
    create_exam(d, app)
    exam = next(e for e in c.exams.list_exams() if e.title == TITLE)
    assert len(exam.paper) == 6
    passer = c.auth.get_user(PASSER)

    take_and_pass(d, app, exam.id, passer)
    take_and_fail(d, app, exam.id)
    outsider_does_not_see_it(d, app)
    admin_reads_results(d, app, exam.id)


def create_exam(d, app):
    login(d, app.url, *ADMIN)
    tab(d, "管理")
    open_accordion(d, "考试")
    set_text(d, "#exam-title", TITLE)
    choose(d, "#exam-laws", "网络安全法")
    for i, n in COUNTS.items():
        set_number(d, f"#exam-count-{i}", n)
    set_number(d, "#exam-pass", 8)
    set_number(d, "#exam-minutes", 30)
    choose(d, "#exam-depts", DEPT)
    click(d, "#exam-create")
    wait(d, lambda d: "已创建考试" in d.find_element(By.ID, "exam-create-msg").text, what="the exam created")
    assert "应考 3 人" in d.find_element(By.ID, "exam-create-msg").text


def take_and_pass(d, app, exam_id, user):
    c = app.container
    start_my_exam(d, app.url, PASSER)
    for pos in range(3):
        answer_question(d, c, user, exam_id, pos)
        next_question(d, pos)
    shot(d, "exam_staff")
    d.set_window_size(390, 844)
    d.execute_script("window.scrollTo(0, 0);")
    shot(d, "exam_staff_phone")
    d.set_window_size(1366, 1000)

    # a reload resumes the same attempt: same answers, same deadline (so less time left)
    before = c.exams.current(user, exam_id)
    deadline = d.find_element(By.CSS_SELECTOR, "#exam-clock [data-deadline]").get_attribute("data-deadline")
    left_before = seconds_left(d)
    time.sleep(1.5)
    d.refresh()
    wait_visible(d, "#exam-question .xf-question")  # the app opens on the running attempt by itself
    assert d.find_element(By.CSS_SELECTOR, "#exam-clock [data-deadline]").get_attribute("data-deadline") == deadline
    after = c.exams.current(user, exam_id)
    assert after.exam_id == before.exam_id and after.responses == before.responses
    wait(d, lambda d: re.search(r"剩余时间 \d+ 分", d.find_element(By.ID, "exam-clock").text), what="the countdown")
    assert seconds_left(d) < left_before, "the time left goes on running across the reload"
    marks = [lb.text for lb in visible(d, "#exam-nav label")]
    assert marks == ["1 ✓", "2 ✓", "3 ✓", "4", "5", "6"], "the navigator marks the saved answers"

    click(d, "#exam-nav label:nth-of-type(4)")
    for pos in range(3, 6):
        answer_question(d, c, user, exam_id, pos)
        if pos < 5:
            next_question(d, pos)
    result = hand_in(d)
    wait(d, lambda d: "合格" in result.text and "逐题回顾" in result.text, what="the passing result")
    assert "13 分" in result.text and "未合格" not in d.find_element(By.CSS_SELECTOR, "#exam-result .xf-score").text
    assert visible(d, "#exam-result .xf-card[data-article-id]"), "each question shows its article"


def take_and_fail(d, app, exam_id):
    c = app.container
    start_my_exam(d, app.url, FAILER)
    answer_question(d, c, c.auth.get_user(FAILER), exam_id, 0, right=False)
    hand_in(d)
    wait(d, lambda d: "未合格" in d.find_element(By.ID, "exam-result").text, what="the failing result")
    wait(d, lambda d: "已完成" in d.find_element(By.ID, "myexam-list").text, what="the exam under 已完成")


def outsider_does_not_see_it(d, app):
    login(d, app.url, OUTSIDER, PASSWORD)
    tab(d, "考试")
    wait(d, lambda d: "待参加" in d.find_element(By.ID, "myexam-list").text, what="my exam list")
    assert TITLE not in d.find_element(By.ID, "myexam-list").text


def admin_reads_results(d, app, exam_id):
    import openpyxl

    c = app.container
    login(d, app.url, *ADMIN)
    tab(d, "管理")
    open_accordion(d, "考试")
    choose(d, "#exam-pick", TITLE)
    click(d, "#exam-show")
    summary = wait(d, lambda d: (lambda t: t if "2/3" in t else None)(d.find_element(By.ID, "exam-summary").text),
                   what="the results summary")
    assert "1/2" in summary and TITLE in summary
    wait_visible(d, "#exam-bands canvas, #exam-bands svg")
    assert DEPT in d.find_element(By.ID, "exam-depts-table").text
    d.execute_script("arguments[0].scrollIntoView({block: 'start'});", d.find_element(By.ID, "exam-summary"))
    shot(d, "exam_admin_results")

    click(d, "#exam-export-xlsx")
    link = wait(d, lambda d: next((a for a in d.find_elements(By.CSS_SELECTOR, "#exam-file a")
                                   if ".xlsx" in (a.get_attribute("href") or "")), None), what="the .xlsx")
    path = unquote(link.get_attribute("href").split("file=", 1)[1])
    sheet = openpyxl.load_workbook(path)["成绩"]
    rows = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == c.exams.result_rows(c.exams.report(exam_id), c.settings.tz)
