"""`xuefa dashboard` (the office's study and exam figures for a period) and `xuefa report`
(the annual summary 年度学法情况 as .docx). Days are the office's local days (XUEFA_TIMEZONE)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import click

from assistant.cli._common import container, user_errors
from knowledge.errors import XuefaError


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise XuefaError(f"日期格式应为 2026-01-31：{text}") from None


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@click.command("dashboard")
@click.option("--period", type=click.Choice(["week", "month", "year"]), default="month", show_default=True,
              help="本周、本月或本年（截至今天）")
@click.option("--from", "start", help="开始日期，如 2026-01-01（与 --to 一起代替 --period）")
@click.option("--to", "end", help="结束日期（默认今天）")
@click.option("--dept", help="只看一个科室（未分组：没有科室的人）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（全部数字）")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), help="导出每张表到一个 .xlsx（每表一页）")
@click.pass_context
@user_errors
def dashboard(ctx, period, start, end, dept, as_json, xlsx):
    """学习看板：各人、各科室的清单完成率、有效学习时长、考试成绩，薄弱法规与章节，两周未学习的人。"""
    board = container(ctx).dashboard
    chosen = board.period(None, _date(start), _date(end)) if start or end else board.period(period)
    d = board.build(chosen, department=dept)
    if xlsx:
        click.echo(f"已导出：{board.export_xlsx(d, xlsx)}")
    if as_json:
        click.echo(json.dumps(_plain(dataclasses.asdict(d)), ensure_ascii=False, indent=1))
        return
    for name, header, rows in board.tables(d):
        if name in ("人员",):
            header, rows = header[:14], [r[:14] for r in rows]
        click.echo(f"\n【{name}】")
        click.echo("\t".join(header))
        for row in rows:
            click.echo("\t".join("" if v is None else str(v) for v in row))


@click.command("report")
@click.option("--year", type=int, default=None, help="年份（默认今年）")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="输出 .docx，如 学法情况.docx")
@click.pass_context
@user_errors
def report(ctx, year, out):
    """年度学法情况（.docx）：人数、学习参与、人均有效学习时长、清单完成率、考试参考率与合格率、所学法律和薄弱环节。"""
    board = container(ctx).dashboard
    year = year or board.today().year
    if not out.lower().endswith(".docx"):
        raise XuefaError("年度报告只能导出为 .docx")
    d, path = board.annual_report(year, out)
    o = d.office
    click.echo(f"已生成 {path}：{d.period.start} 至 {d.period.end}，{o.staff} 人，参与学习 {o.active} 人，"
               f"人均 {o.mean_hours:.1f} 小时。")
