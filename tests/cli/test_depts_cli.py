"""`xuefa depts …` and the department options of `xuefa users …`: departments created on
`users add --dept`, moving users in and out, delete with confirmation, and the audit log
naming the CLI."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from assistant.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("XUEFA_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XUEFA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path / "home"


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def _container():
    from assistant.container import Container
    from assistant.settings import Settings

    return Container(Settings())


def test_users_add_with_a_department_creates_it_once(env):
    r = run("users", "add", "zhang", "--password", "zhang-pass-1", "--dept", "综合科")
    assert r.exit_code == 0, r.output
    assert "已创建用户 zhang" in r.output and "已新建科室 综合科" in r.output
    r = run("users", "add", "li", "--password", "li-pass-123", "--dept", "综合科")
    assert r.exit_code == 0 and "已新建科室" not in r.output and "li 的科室：综合科" in r.output
    run("users", "add", "wang", "--password", "wang-pass-1")
    r = run("users", "list")
    assert r.output.splitlines() == ["li\tstaff\t综合科", "wang\tstaff\t未分组", "zhang\tstaff\t综合科", "共 3 个用户。"]


def test_a_bad_department_name_creates_no_user(env):
    r = run("users", "add", "zhang", "--password", "zhang-pass-1", "--dept", "综合科（一）")
    assert r.exit_code == 1 and "科室名称" in r.output
    r = run("users", "add", "li", "--password", "li-pass-123", "--dept", "未分组")
    assert r.exit_code == 1 and "保留" in r.output
    assert "共 0 个用户" in run("users", "list").output


def test_users_dept_moves_a_user_and_back(env):
    run("users", "add", "zhang", "--password", "zhang-pass-1")
    r = run("users", "dept", "zhang", "法规科")
    assert r.exit_code == 1 and "没有这个科室：法规科" in r.output  # only `users add` creates one
    assert run("depts", "add", "法规科").exit_code == 0
    r = run("users", "dept", "zhang", "法规科")
    assert r.exit_code == 0 and "zhang 的科室已改为 法规科" in r.output
    assert "未改动" in run("users", "dept", "zhang", "法规科").output
    r = run("users", "dept", "zhang", "--none")
    assert r.exit_code == 0 and "zhang 的科室已改为 未分组" in r.output
    assert "zhang\tstaff\t未分组" in run("users", "list").output
    assert run("users", "dept", "zhang").exit_code == 2  # neither a department nor --none
    assert run("users", "dept", "zhang", "法规科", "--none").exit_code == 2
    r = run("users", "dept", "ghost", "法规科")
    assert r.exit_code == 1 and "没有这个用户" in r.output


def test_depts_list_add_rename(env):
    for name in ("zhang", "li"):
        run("users", "add", name, "--password", f"{name}-pass-123", "--dept", "综合科")
    run("users", "add", "wang", "--password", "wang-pass-1")
    assert run("depts", "add", "法规科").output.strip() == "已新建科室 法规科。"
    r = run("depts", "add", "法规科")
    assert r.exit_code == 1 and "已存在" in r.output
    r = run("depts", "list")
    assert r.output.splitlines() == ["法规科\t0 人", "综合科\t2 人", "未分组\t1 人", "共 2 个科室。"]
    r = run("depts", "rename", "综合科", "办公室")
    assert r.exit_code == 0 and "已改名为 办公室（2 人）" in r.output
    assert run("depts", "rename", "办公室", "法规科").exit_code == 1
    assert "zhang\tstaff\t办公室" in run("users", "list").output


def test_depts_delete_asks_unless_yes(env):
    for name in ("zhang", "li"):
        run("users", "add", name, "--password", f"{name}-pass-123", "--dept", "综合科")
    r = run("depts", "delete", "综合科", input="n\n")
    assert r.exit_code == 1 and "2 名成员将归入未分组" in r.output  # declined: aborted
    assert "综合科\t2 人" in run("depts", "list").output
    r = run("depts", "delete", "综合科", input="y\n")
    assert r.exit_code == 0 and "已删除科室 综合科，2 名用户归入未分组" in r.output
    assert "zhang\tstaff\t未分组" in run("users", "list").output
    run("depts", "add", "法规科")
    r = run("depts", "delete", "法规科", "--yes")
    assert r.exit_code == 0 and "0 名用户" in r.output and "？" not in r.output
    r = run("depts", "delete", "人事科", "--yes")
    assert r.exit_code == 1 and "没有这个科室" in r.output


def test_cli_changes_are_logged_as_cli(env):
    run("users", "add", "zhang", "--password", "zhang-pass-1", "--dept", "综合科")
    run("depts", "rename", "综合科", "办公室")
    run("depts", "delete", "办公室", "--yes")
    actions = [(a.actor, a.action) for a in reversed(_container().audit.recent())]
    assert actions == [("cli", "user.add"), ("cli", "dept.add"), ("cli", "user.dept"), ("cli", "dept.rename"),
                       ("cli", "dept.delete")]
