"""管理 › 学习看板 through the running app (gradio_client, logged in): staff are refused every
dashboard endpoint on the server; an admin gets the figures, the workbook and the annual report
(with some real activity: a daily study session answered through the study service)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gradio_client.exceptions import AppError

from web_harness import ADMIN, STAFF, running_app

DENIED = "仅管理员"


@pytest.fixture(scope="module")
def app():
    return running_app()


@pytest.fixture(scope="module")
def staff(app):
    return app.client(STAFF)


@pytest.fixture(scope="module")
def admin(app):
    return app.client(ADMIN)


def test_staff_are_refused_every_dashboard_endpoint(staff, tmp_path):
    calls = {"/admin_dashboard": ("本月", "", "", "全部科室"), "/admin_dashboard_xlsx": ("本年", "", "", "全部科室"),
             "/admin_annual_report": (2026,)}
    for api, args in calls.items():
        with pytest.raises(AppError, match=DENIED):
            staff.predict(*args, api_name=api)


def test_an_admin_sees_the_office_and_downloads_the_files(app, admin):
    c = app.container
    zhang = c.auth.get_user(STAFF[0])
    c.study.create_plan(c.study.starter_spec(), actor="admin")
    today = c.study.today(zhang)
    if today.current is None:  # the shared app: another test finished today's session already
        today = c.study.more(zhang)
    item = today.current
    c.study.open_item(zhang, today.session_id, item.position)
    for q in item.questions:
        c.study.answer(zhang, today.session_id, q.answer)

    out = admin.predict("本年", "", "", "全部科室", api_name="/admin_dashboard")
    summary, people = out[0], out[4]
    assert "xf-dashboard-summary" in summary and "统计期间" in summary
    rows = {r[0]: r for r in people["data"]}
    assert set(rows) >= {STAFF[0]} and ADMIN[0] not in rows  # the admin account without a department is not staff
    year_start = dt.datetime(c.study.today_date().year, 1, 1, tzinfo=c.settings.tz)
    answered = len(c.records.answers_of_user(zhang.id, since=year_start))  # other tests share this app
    assert rows[STAFF[0]][10] == answered >= len(item.questions)  # answers in the period

    xlsx = admin.predict("本年", "", "", "全部科室", api_name="/admin_dashboard_xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames[:3] == ["概况", "人员", "科室"]
    assert [r[0].value for r in wb["人员"].iter_rows(min_row=2)] == [r[0] for r in people["data"]]

    report = admin.predict(c.dashboard.today().year, api_name="/admin_annual_report")
    import docx

    doc = docx.Document(report)
    assert doc.paragraphs[0].text == f"{c.dashboard.today().year} 年度学法情况"
    assert Path(report).suffix == ".docx" and len(doc.inline_shapes) == 1


def test_a_bad_date_is_refused_with_the_reason(admin):
    with pytest.raises(AppError, match="格式应为"):
        admin.predict("指定日期", "2026-13-01", "", "全部科室", api_name="/admin_dashboard")
