"""DepartmentService: name rules (未分组 reserved), every change in the admin action log with the
acting admin, users' departments on UserInfo, and AuthService without departments as before."""
from __future__ import annotations

import pytest

from assistant.accounts.auth_service import UNGROUPED, AuthService
from assistant.accounts.departments import DepartmentService, check_department_name
from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.audit import AuditLog
from knowledge.store.departments import Departments
from knowledge.store.records import Records


@pytest.fixture
def records(tmp_path):
    r = Records(f"sqlite:///{tmp_path / 'records.db'}")
    yield r
    r.close()


@pytest.fixture
def audit(records):
    return AuditLog(records)


@pytest.fixture
def departments(records):
    return Departments(records)


@pytest.fixture
def service(departments, records, audit):
    return DepartmentService(departments, records, audit)


@pytest.fixture
def auth(records, departments):
    return AuthService(records, departments=departments)


def _log(audit):
    return [(a.actor, a.action, a.target, a.detail) for a in reversed(audit.recent())]


@pytest.mark.parametrize("name", ["综合科", "Office-2", "法规科_a.b@x", "科" * 64])
def test_good_names(name):
    assert check_department_name(f" {name} ") == name


@pytest.mark.parametrize("name", ["", "   ", "科" * 65, "办公室（党办）", "综合科，法规科", "人事科。", "综合 科", "<b>科</b>",
                                  "a/b"])
def test_bad_names(name):
    with pytest.raises(XuefaError, match="科室名称"):
        check_department_name(name)


def test_ungrouped_is_reserved(service):
    with pytest.raises(XuefaError, match="保留"):
        service.add(UNGROUPED, actor="admin")
    service.add("综合科", actor="admin")
    with pytest.raises(XuefaError, match="保留"):
        service.rename("综合科", UNGROUPED, actor="admin")


def test_every_change_is_logged_with_the_actor(service, auth, audit):
    auth.create_user("zhang", "zhang-pass-1")
    service.add("综合科", actor="boss")
    service.rename("综合科", "办公室", actor="boss")
    service.rename("办公室", "办公室", actor="boss")  # no change: nothing logged
    service.set_department("zhang", "办公室", actor="boss")
    service.set_department("zhang", "办公室", actor="boss")  # no change: nothing logged
    assert service.delete("办公室", actor="chief") == 1
    assert _log(audit) == [
        ("boss", "dept.add", "综合科", {}),
        ("boss", "dept.rename", "综合科", {"new": "办公室"}),
        ("boss", "user.dept", "zhang", {"from": None, "to": "办公室"}),
        ("chief", "dept.delete", "办公室", {"members": 1}),
    ]


def test_failed_changes_are_not_logged(service, auth, audit):
    auth.create_user("zhang", "zhang-pass-1")
    service.add("综合科", actor="boss")
    with pytest.raises(XuefaError, match="已存在"):
        service.add("综合科", actor="boss")
    with pytest.raises(NotFoundError, match="没有这个科室"):
        service.rename("人事科", "法规科", actor="boss")
    with pytest.raises(NotFoundError, match="没有这个科室"):
        service.delete("人事科", actor="boss")
    with pytest.raises(NotFoundError, match="没有这个科室"):
        service.set_department("zhang", "人事科", actor="boss")
    with pytest.raises(NotFoundError, match="没有这个用户"):
        service.set_department("ghost", "综合科", actor="boss")
    assert [a.action for a in audit.recent()] == ["dept.add"]


def test_users_carry_their_department(service, auth):
    auth.create_user("zhang", "zhang-pass-1")
    auth.create_user("li", "li-pass-123")
    change = service.set_department("zhang", "综合科", actor="boss", create_missing=True)
    assert change.created_department and change.changed and (change.previous, change.department) == ("", "综合科")
    assert auth.get_user("zhang").department == "综合科"
    listed = {u.name: (u.department, u.department_label) for u in auth.list_users()}
    assert listed == {"zhang": ("综合科", "综合科"), "li": ("", UNGROUPED)}
    for none in (None, "", UNGROUPED):
        service.set_department("zhang", "综合科", actor="boss")
        assert service.set_department("zhang", none, actor="boss").department == ""
        assert auth.get_user("zhang").department == ""
    assert (service.get("综合科").members, service.ungrouped_count()) == (0, 2)


def test_create_missing_uses_an_existing_department(service, audit, auth):
    auth.create_user("zhang", "zhang-pass-1")
    service.add("综合科", actor="boss")
    change = service.set_department("zhang", "综合科", actor="cli", create_missing=True)
    assert not change.created_department and [d.name for d in service.list()] == ["综合科"]
    assert [a.action for a in audit.recent()] == ["user.dept", "dept.add"]


def test_deleted_department_members_read_as_ungrouped(service, auth):
    for name in ("zhang", "li"):
        auth.create_user(name, f"{name}-pass-123")
        service.set_department(name, "综合科", actor="boss", create_missing=True)
    assert service.delete("综合科", actor="boss") == 2
    assert {u.department_label for u in auth.list_users()} == {UNGROUPED}
    assert service.ungrouped_count() == 2


def test_auth_without_departments_reads_no_department(records, departments, service):
    AuthService(records).create_user("zhang", "zhang-pass-1")
    service.set_department("zhang", "综合科", actor="boss", create_missing=True)
    plain = AuthService(records)  # the constructor callers used before departments
    assert plain.get_user("zhang").department == "" and plain.list_users()[0].department_label == UNGROUPED
