"""`xuefa plan …`: study lists (学法清单) — create, list, show (with each person's progress),
assign, delete. The actor of every change, in the admin log, is "cli".

Items are typed as law:网络安全法, chapter:网络安全法:第三章 网络运行安全 or
article:网络安全法:第二十一条 (short names and aliases work); deadlines as YYYY-MM-DD.
"""
from __future__ import annotations

import datetime as dt
import json

import click

from assistant.accounts.audience import Audience
from assistant.cli._common import CLI_ACTOR, container, user_errors
from assistant.cli.exam import _audience
from assistant.study.types import PlanItem, PlanSpec
from knowledge.errors import XuefaError


@click.group()
def plan():
    """学法清单：创建、查看（含每人进度）、指派、删除（管理员）。"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise XuefaError(f"日期格式不对：{text}（例如 2026-12-31）") from None


def audience_options(fn):
    for option in reversed([
        click.option("--everyone", is_flag=True, help="面向全体人员"),
        click.option("--dept", "depts", multiple=True, help="面向的科室（可重复）"),
        click.option("--user", "names", multiple=True, help="面向的人员（可重复）"),
    ]):
        fn = option(fn)
    return fn


def _plan_dict(p) -> dict:
    return {"id": p.id, "title": p.title, "deadline": p.deadline.isoformat(), "note": p.note,
            "audience": p.audience.to_dict(), "created_by": p.created_by, "articles": p.total,
            "items": [{**i.to_dict(), "spec": i.spec, "articles": len(p.article_ids.get(i, []))} for i in p.items],
            "missing": [i.spec for i in p.missing]}


def _spec(c, title, items, starter, year, deadline, note, audience: Audience) -> PlanSpec:
    extra = [PlanItem.parse(t) for t in items]
    if starter:
        base = c.study.starter_spec(year)
        return PlanSpec(title=title or base.title, items=[*base.items, *extra],
                        deadline=_date(deadline) if deadline else base.deadline,
                        audience=base.audience if audience.empty else audience, note=note or "")
    if not title or not deadline:
        raise XuefaError("请给出 --title 和 --deadline（或用 --starter 从年度清单开始）")
    return PlanSpec(title=title, items=extra, deadline=_date(deadline), audience=audience, note=note or "")


@plan.command("create")
@click.option("--title", help="清单名称（--starter 时默认「YYYY 年度学法清单」）")
@click.option("--item", "items", multiple=True, metavar="ITEM",
              help="条目（可重复）：law:法规 / chapter:法规:章 / article:法规:条")
@click.option("--starter", is_flag=True,
              help="从年度清单开始（宪法、国家安全法、网络安全法、保守国家秘密法与内部制度中知识库已有的）")
@click.option("--year", type=int, help="--starter 的年度（默认今年；期限为该年 12 月 31 日）")
@click.option("--deadline", help="完成期限，如 2026-12-31")
@audience_options
@click.option("--note", help="说明")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def plan_create(ctx, title, items, starter, year, deadline, everyone, depts, names, note, as_json):
    """创建学法清单并指定面向的人员（--starter 不指定时面向全体）。"""
    c = container(ctx)
    spec = _spec(c, title, items, starter, year, deadline, note, _audience(c, everyone, depts, names))
    created = c.study.create_plan(spec, CLI_ACTOR)
    if as_json:
        click.echo(json.dumps(_plan_dict(created), ensure_ascii=False, indent=2))
        return
    click.echo(f"已创建清单 {created.id}：《{created.title}》，{len(created.items)} 项，{created.total} 条条文，"
               f"完成期限 {created.deadline}；面向 {len(c.study.audience_ids(created.audience))} 人。")


@plan.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def plan_list(ctx, as_json):
    """列出学法清单。"""
    c = container(ctx)
    plans = c.study.plans()
    if as_json:
        click.echo(json.dumps([_plan_dict(p) for p in plans], ensure_ascii=False, indent=2))
        return
    for p in plans:
        warn = f"\t缺 {len(p.missing)} 项" if p.missing else ""
        click.echo(f"{p.id}\t{p.title}\t{len(p.items)} 项\t{p.total} 条\t期限 {p.deadline}"
                   f"\t{len(c.study.audience_ids(p.audience))} 人{warn}")
    click.echo(f"共 {len(plans)} 个清单。")


def _people(c, p) -> list[dict]:
    """Each assigned person's completion of the list."""
    users = {u.id: u for u in c.auth.list_users()}
    out = []
    for uid in sorted(c.study.audience_ids(p.audience), key=lambda i: users[i].name if i in users else ""):
        mine = next((g for g in c.study.progress(uid) if g.plan_id == p.id), None)
        if mine is None or uid not in users:
            continue
        out.append({"name": users[uid].name, "department": users[uid].department_label, "studied": mine.studied,
                    "total": mine.total, "mastered": mine.mastered,
                    "finish_by": mine.finish_by.isoformat() if mine.finish_by else None, "on_track": mine.on_track})
    return out


@plan.command("show")
@click.argument("plan_id", type=int)
@click.option("--progress", is_flag=True, help="列出每位面向人员的完成情况")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def plan_show(ctx, plan_id, progress, as_json):
    """一个清单的条目（含条文数）；--progress 时列出每人已学、已掌握与预计完成日期。"""
    c = container(ctx)
    p = c.study.plan(plan_id)
    people = _people(c, p) if progress else None
    if as_json:
        click.echo(json.dumps({**_plan_dict(p), **({"progress": people} if progress else {})},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"《{p.title}》（{p.id}）完成期限 {p.deadline}，{p.total} 条条文，"
               f"面向 {len(c.study.audience_ids(p.audience))} 人" + (f"\n说明：{p.note}" if p.note else ""))
    for item in p.items:
        click.echo(f"  {item.name}\t{len(p.article_ids.get(item, []))} 条")
    for item in p.missing:
        click.echo(f"  ⚠ 知识库中已没有：{item.name}")
    for row in people or []:
        pace = "最近两周没有学习"
        if row["finish_by"]:
            pace = f"预计 {row['finish_by']} 完成" + ("" if row["on_track"] else "（无法按期完成）")
        click.echo(f"  {row['name']}\t{row['department']}\t已学 {row['studied']}/{row['total']}"
                   f"\t已掌握 {row['mastered']}\t{pace}")


@plan.command("assign")
@click.argument("plan_id", type=int)
@audience_options
@click.pass_context
@user_errors
def plan_assign(ctx, plan_id, everyone, depts, names):
    """重新指定清单面向的人员。"""
    c = container(ctx)
    p = c.study.assign(plan_id, _audience(c, everyone, depts, names), CLI_ACTOR)
    click.echo(f"《{p.title}》现在面向 {len(c.study.audience_ids(p.audience))} 人。")


@plan.command("delete")
@click.argument("plan_id", type=int)
@click.option("--yes", is_flag=True, help="不再确认")
@click.pass_context
@user_errors
def plan_delete(ctx, plan_id, yes):
    """删除清单（已有的学习记录保留）。"""
    c = container(ctx)
    p = c.study.plan(plan_id)
    if not yes:
        click.confirm(f"删除清单《{p.title}》？", abort=True)
    c.study.delete_plan(plan_id, CLI_ACTOR)
    click.echo(f"已删除清单《{p.title}》。")
