"""`xuefa users …`: accounts, roles (staff / admin) and departments from the command line."""
from __future__ import annotations

import click

from assistant.accounts.auth_service import UNGROUPED
from assistant.accounts.departments import check_department_name
from assistant.cli._common import CLI_ACTOR, container, user_errors

ROLE_CHOICE = click.Choice(["admin", "staff"])


@click.group()
def users():
    """用户与角色（工作人员 staff / 管理员 admin）。"""


def _password_option(fn):
    return click.option("--password", prompt="密码", hide_input=True, confirmation_prompt="再次输入密码",
                        help="密码（省略则交互输入；脚本中可直接给出）")(fn)


@users.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, default="staff", show_default=True)
@click.option("--dept", help="所属科室（不存在则新建）；省略则为未分组")
@_password_option
@click.pass_context
@user_errors
def users_add(ctx, name, role, dept, password):
    """新建用户。"""
    if dept is not None:
        check_department_name(dept)  # before the user exists, so a bad name leaves nothing behind
    c = container(ctx)
    user = c.auth.create_user(name, password, role=role, actor=CLI_ACTOR)
    click.echo(f"已创建用户 {user.name}（{role}）。")
    if dept is not None:
        change = c.depts.set_department(user.name, dept, actor=CLI_ACTOR, create_missing=True)
        if change.created_department:
            click.echo(f"已新建科室 {change.department}。")
        click.echo(f"{user.name} 的科室：{change.department}。")


@users.command("passwd")
@click.argument("name")
@_password_option
@click.pass_context
@user_errors
def users_passwd(ctx, name, password):
    """修改用户密码。"""
    user = container(ctx).auth.set_password(name, password, actor=CLI_ACTOR)
    click.echo(f"已修改 {user.name} 的密码（其已登录的页面需重新登录）。")


@users.command("role")
@click.argument("name")
@click.argument("role", type=ROLE_CHOICE)
@click.pass_context
@user_errors
def users_role(ctx, name, role):
    """修改用户角色（至少保留一名管理员）。"""
    user = container(ctx).auth.set_role(name, role, actor=CLI_ACTOR)
    click.echo(f"{user.name} 的角色已改为 {user.role}。")


@users.command("disable")
@click.argument("name")
@click.pass_context
@user_errors
def users_disable(ctx, name):
    """停用账号：不能再登录，已登录的页面随即失效（至少保留一名可登录的管理员）。"""
    user = container(ctx).auth.disable(name, actor=CLI_ACTOR)
    click.echo(f"已停用 {user.name}。")


@users.command("enable")
@click.argument("name")
@click.pass_context
@user_errors
def users_enable(ctx, name):
    """重新启用被停用的账号。"""
    user = container(ctx).auth.enable(name, actor=CLI_ACTOR)
    click.echo(f"已启用 {user.name}。")


@users.command("dept")
@click.argument("name")
@click.argument("department", required=False)
@click.option("--none", "ungrouped", is_flag=True, help=f"移出科室（归入{UNGROUPED}）")
@click.pass_context
@user_errors
def users_dept(ctx, name, department, ungrouped):
    """设置用户所属科室（科室须已存在：xuefa depts add）。"""
    if bool(department) == ungrouped:
        raise click.UsageError("请给出科室名称，或用 --none 移出科室（二者选一）。")
    change = container(ctx).depts.set_department(name, None if ungrouped else department, actor=CLI_ACTOR)
    shown = change.department or UNGROUPED
    click.echo(f"{change.user} 的科室已改为 {shown}。" if change.changed else f"{change.user} 已在 {shown}，未改动。")


@users.command("list")
@click.pass_context
@user_errors
def users_list(ctx):
    """列出用户、角色与科室。"""
    listed = container(ctx).auth.list_users()
    for u in listed:
        click.echo(f"{u.name}\t{u.role}{'（已停用）' if u.disabled else ''}\t{u.department_label}")
    click.echo(f"共 {len(listed)} 个用户。")
