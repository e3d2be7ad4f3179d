"""管理 › 科室 and the department column of 用户与角色: handlers called directly with a request
naming a user (as gradio passes the session), and the endpoints through gradio_client as a
logged-in admin. Staff are refused on the server (see also test_web_api's list of every admin
endpoint)."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest
from gradio_client.exceptions import AppError

from web_harness import ADMIN, STAFF, running_app

BOSS, CLERK = SimpleNamespace(username="boss"), SimpleNamespace(username="clerk")


@pytest.fixture
def sections(tmp_path):
    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web.admin.departments import DepartmentsSection
    from assistant.web.admin.users import UsersSection

    c = Container(Settings(home=tmp_path / "home", embedder="fake", _env_file=None))
    c.auth.create_user("boss", "boss-pass-123", role="admin")
    c.auth.create_user("clerk", "clerk-pass-123")
    return c, DepartmentsSection(c.depts, c.auth), UsersSection(c.auth, c.depts)


def _choices(dropdown: gr.Dropdown) -> list[str]:
    return [value for _label, value in dropdown.choices]


def test_admin_adds_renames_and_deletes_departments(sections):
    c, depts, users = sections
    msg, table, box = depts.add_department(" 综合科 ", BOSS)
    assert msg == "已新建科室 综合科。" and box == "" and table == [["综合科", 0], ["未分组", 2]]
    assert _choices(users.department_choices(BOSS)) == ["未分组", "综合科"]
    msg, table = users.set_department("clerk", "综合科", BOSS)
    assert "clerk 的科室已改为 综合科" in msg and ["clerk", "工作人员", "综合科"] in table
    msg, table, name, new_box = depts.rename_department("综合科", "办公室", BOSS)
    assert "已改名为 办公室（1 人）" in msg and (name, new_box) == ("办公室", "")
    table, choices = users.refresh(BOSS)
    assert ["clerk", "工作人员", "办公室"] in table and _choices(choices) == ["未分组", "办公室"]
    with pytest.raises(gr.Error, match="确认删除"):
        depts.delete_department("办公室", False, BOSS)
    msg, table, confirm = depts.delete_department("办公室", True, BOSS)
    assert "1 名用户归入未分组" in msg and table == [["未分组", 2]] and confirm is False
    assert ["clerk", "工作人员", "未分组"] in users.list_users(BOSS)
    assert [(a.actor, a.action) for a in c.audit.recent()][::-1] == [
        ("boss", "dept.add"), ("boss", "user.dept"), ("boss", "dept.rename"), ("boss", "dept.delete")]


def test_service_errors_reach_the_admin_as_messages(sections):
    _c, depts, users = sections
    depts.add_department("综合科", BOSS)
    for call, match in ((lambda: depts.add_department("综合科", BOSS), "已存在"),
                        (lambda: depts.add_department("未分组", BOSS), "保留"),
                        (lambda: depts.add_department("综合科（一）", BOSS), "科室名称"),
                        (lambda: depts.rename_department("人事科", "法规科", BOSS), "没有这个科室"),
                        (lambda: users.set_department("clerk", "人事科", BOSS), "没有这个科室")):
        with pytest.raises(gr.Error, match=match):
            call()


def test_staff_and_strangers_are_refused(sections):
    c, depts, users = sections
    depts.add_department("综合科", BOSS)
    nobody, ghost = SimpleNamespace(username=None), SimpleNamespace(username="ghost")
    for who in (CLERK, nobody, ghost, None):
        for call in (lambda: depts.list_departments(who), lambda: depts.add_department("越权科", who),
                     lambda: depts.rename_department("综合科", "越权科", who),
                     lambda: depts.delete_department("综合科", True, who),
                     lambda: users.set_department("clerk", "综合科", who), lambda: users.refresh(who)):
            with pytest.raises(gr.Error):
                call()
    assert [(d.name, d.members) for d in c.depts.list()] == [("综合科", 0)]
    assert c.auth.get_user("clerk").department == ""


def test_user_names_are_escaped_in_messages(sections):
    c, depts, users = sections
    c.records.ensure_user("<b>x</b>")  # a record made outside the app's name rules
    depts.add_department("综合科", BOSS)
    msg, _table = users.set_department("<b>x</b>", "综合科", BOSS)
    assert "\\<b\\>x" in msg and "<b>" not in msg  # markdown-escaped: shown as the characters


def test_departments_through_the_api():
    app = running_app()
    admin, staff = app.client(ADMIN), app.client(STAFF)
    msg, table, _box = admin.predict("接口测试科", api_name="/admin_add_department")
    assert "接口测试科" in msg and ["接口测试科", 0] in table["data"]
    msg, users = admin.predict(STAFF[0], "接口测试科", api_name="/admin_set_user_dept")
    assert [STAFF[0], "工作人员", "接口测试科"] in users["data"]
    assert ["接口测试科", 1] in admin.predict(api_name="/admin_departments")["data"]
    with pytest.raises(AppError, match="仅管理员"):
        staff.predict(STAFF[0], "未分组", api_name="/admin_set_user_dept")
    msg, table, _confirm = admin.predict("接口测试科", True, api_name="/admin_delete_department")
    assert "1 名用户归入未分组" in msg and all(r[0] != "接口测试科" for r in table["data"])
    assert app.container.auth.get_user(STAFF[0]).department == ""
