"""`xuefa users …`: accounts and roles (staff / admin) from the command line."""
from __future__ import annotations

import click

from assistant.cli._common import container, user_errors

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
@_password_option
@click.pass_context
@user_errors
def users_add(ctx, name, role, password):
    """新建用户。"""
    user = container(ctx).auth.create_user(name, password, role=role)
    click.echo(f"已创建用户 {user.name}（{role}）。")


@users.command("passwd")
@click.argument("name")
@_password_option
@click.pass_context
@user_errors
def users_passwd(ctx, name, password):
    """修改用户密码。"""
    user = container(ctx).auth.set_password(name, password)
    click.echo(f"已修改 {user.name} 的密码。")


@users.command("role")
@click.argument("name")
@click.argument("role", type=ROLE_CHOICE)
@click.pass_context
@user_errors
def users_role(ctx, name, role):
    """修改用户角色（至少保留一名管理员）。"""
    user = container(ctx).auth.set_role(name, role)
    click.echo(f"{user.name} 的角色已改为 {user.role}。")


@users.command("list")
@click.pass_context
@user_errors
def users_list(ctx):
    """列出用户与角色。"""
    listed = container(ctx).auth.list_users()
    for u in listed:
        click.echo(f"{u.name}\t{u.role}")
    click.echo(f"共 {len(listed)} 个用户。")
