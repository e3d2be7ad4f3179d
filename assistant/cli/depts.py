"""`xuefa depts …`: departments (科室/单位) from the command line; users are put in them with
`xuefa users dept`. Changes are logged with the actor "cli"."""
from __future__ import annotations

import click

from assistant.accounts.auth_service import UNGROUPED
from assistant.cli._common import CLI_ACTOR, container, user_errors


@click.group()
def depts():
    """科室/单位：列出、新建、改名、删除（用户归属用 xuefa users dept 设置）。"""


@depts.command("list")
@click.pass_context
@user_errors
def depts_list(ctx):
    """列出科室及人数（最后一行是未分组的用户数）。"""
    service = container(ctx).depts
    listed = service.list()
    for d in listed:
        click.echo(f"{d.name}\t{d.members} 人")
    click.echo(f"{UNGROUPED}\t{service.ungrouped_count()} 人")
    click.echo(f"共 {len(listed)} 个科室。")


@depts.command("add")
@click.argument("name")
@click.pass_context
@user_errors
def depts_add(ctx, name):
    """新建科室。"""
    dept = container(ctx).depts.add(name, actor=CLI_ACTOR)
    click.echo(f"已新建科室 {dept.name}。")


@depts.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
@user_errors
def depts_rename(ctx, old, new):
    """科室改名（成员不变）。"""
    dept = container(ctx).depts.rename(old, new, actor=CLI_ACTOR)
    click.echo(f"科室 {old.strip()} 已改名为 {dept.name}（{dept.members} 人）。")


@depts.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="不再确认")
@click.pass_context
@user_errors
def depts_delete(ctx, name, yes):
    """删除科室；其成员归入未分组。"""
    service = container(ctx).depts
    dept = service.get(name)
    if not yes:
        click.confirm(f"删除科室 {dept.name}？其 {dept.members} 名成员将归入{UNGROUPED}。", abort=True)
    moved = service.delete(dept.name, actor=CLI_ACTOR)
    click.echo(f"已删除科室 {dept.name}，{moved} 名用户归入{UNGROUPED}。")
