"""`xuefa exam …`: exams the office sets for its staff — create, list, show, results, paper, close.

Times are read and shown in the configured zone (XUEFA_TIMEZONE, default Asia/Shanghai).
The actor of every change, in the admin log, is "cli".
"""
from __future__ import annotations

import datetime as dt
import json

import click

from assistant.accounts.audience import Audience
from assistant.cli._common import container, user_errors
from assistant.cli.quiz import scope_options
from assistant.exams.types import DEFAULT_COUNTS, DEFAULT_POINTS, Blueprint, ExamSpec
from assistant.quiz.types import QTYPES, QuizScope
from knowledge.errors import NotFoundError, XuefaError

ACTOR = "cli"
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@click.group()
def exam():
    """单位组织的学法考试：创建、查看、成绩、试卷（管理员）。"""


def parse_time(text: str, tz: dt.tzinfo) -> dt.datetime:
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    raise XuefaError(f"时间格式不对：{text}（例如 2026-12-10 09:00）")


def parse_pairs(values: tuple[str, ...], cast, what: str) -> dict:
    """('单选=20', '判断=15') -> {'单选': 20, '判断': 15}."""
    out = {}
    for value in values:
        qtype, _, number = value.replace("＝", "=").partition("=")
        if qtype.strip() not in QTYPES or not number.strip():
            raise XuefaError(f"{what}格式应为 题型=数值（题型：{'、'.join(QTYPES)}）：{value}")
        try:
            out[qtype.strip()] = cast(number)
        except ValueError:
            raise XuefaError(f"{what}不是数字：{value}") from None
    return out


def _audience(c, everyone: bool, depts: tuple[str, ...], names: tuple[str, ...]) -> Audience:
    dept_ids = []
    for name in depts:
        found = c.departments.find(name)
        if found is None:
            raise NotFoundError(f"没有这个科室：{name}")
        dept_ids.append(found.id)
    return Audience(everyone=everyone, department_ids=dept_ids, user_ids=[c.auth.get_user(n).id for n in names])


def _local(value: dt.datetime, tz: dt.tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


@exam.command("create")
@click.option("--title", required=True, help="考试名称")
@scope_options
@click.option("--count", "counts", multiple=True, metavar="题型=题数",
              help=f"各题型题数（可重复；默认 {'，'.join(f'{t}={n}' for t, n in DEFAULT_COUNTS.items())}）")
@click.option("--points", "points", multiple=True, metavar="题型=分值",
              help=f"各题型每题分值（默认 {'，'.join(f'{t}={p:g}' for t, p in DEFAULT_POINTS.items())}，共 100 分）")
@click.option("--minutes", type=float, default=60, show_default=True, help="考试时长（分钟）")
@click.option("--pass-mark", type=float, default=60, show_default=True, help="及格分")
@click.option("--opens", help="开始时间，如 2026-12-10 09:00（默认现在）")
@click.option("--closes", required=True, help="截止时间，如 2026-12-20 18:00")
@click.option("--attempts", type=int, default=1, show_default=True, help="每人可作答次数")
@click.option("--retake", is_flag=True, help="补考：未合格者可再考一次")
@click.option("--per-person", is_flag=True, help="每人一卷（按组卷规则为每人抽题，种子记录在案）")
@click.option("--no-shuffle", is_flag=True, help="不打乱选项顺序（默认每人打乱）")
@click.option("--results-after-close", is_flag=True, help="截止后才公布成绩（默认交卷即出成绩）")
@click.option("--everyone", is_flag=True, help="全体人员参加")
@click.option("--dept", "depts", multiple=True, help="参加的科室（可重复）")
@click.option("--user", "names", multiple=True, help="参加的人员（可重复）")
@click.option("--seed", type=int, help="随机种子（同一知识库同一种子得到同一份试卷）")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def exam_create(ctx, title, laws, chapters, doc_types, changes_since, counts, points, minutes, pass_mark, opens, closes,
                attempts, retake, per_person, no_shuffle, results_after_close, everyone, depts, names, seed, as_json):
    """创建一场考试并指定参加人员。范围内合格题目不够时拒绝，并说明差多少。"""
    c = container(ctx)
    tz = c.settings.tz
    scope = QuizScope(laws=list(laws), chapters=list(chapters), doc_types=list(doc_types),
                      changes_since=changes_since or "")
    blueprint = Blueprint(scope=scope,
                          counts={**({} if counts else DEFAULT_COUNTS), **parse_pairs(counts, int, "题数")},
                          points={**DEFAULT_POINTS, **parse_pairs(points, float, "分值")},
                          shuffle_options=not no_shuffle)
    spec = ExamSpec(title=title, blueprint=blueprint, audience=_audience(c, everyone, depts, names),
                    opens_at=parse_time(opens, tz) if opens else dt.datetime.now(tz), closes_at=parse_time(closes, tz),
                    minutes=minutes, pass_mark=pass_mark, max_attempts=attempts, retake=retake, per_person=per_person,
                    results_after_close=results_after_close, seed=seed)
    created = c.exams.create(spec, ACTOR)
    if as_json:
        click.echo(json.dumps(_exam_dict(c, created), ensure_ascii=False, indent=2))
        return
    click.echo(f"已创建考试 {created.id}：《{created.title}》，{len(created.paper)} 题，满分 {created.total_points:g}，"
               f"{created.pass_mark:g} 分合格；{_local(created.opens_at, tz)} 至 {_local(created.closes_at, tz)}；"
               f"应考 {len(c.exams.audience_ids(spec.audience))} 人。")


def _exam_dict(c, e) -> dict:
    tz = c.settings.tz
    return {"id": e.id, "title": e.title, "kind": e.kind, "opens_at": _local(e.opens_at, tz),
            "closes_at": _local(e.closes_at, tz), "minutes": e.time_limit_s / 60, "questions": len(e.paper),
            "total_points": e.total_points, "pass_mark": e.pass_mark, "attempts": e.max_attempts, "retake": e.retake,
            "per_person": e.per_person, "results_after_close": e.results_after_close, "seed": e.seed,
            "blueprint": e.blueprint, "audience": e.audience, "created_by": e.created_by}


@exam.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def exam_list(ctx, as_json):
    """列出考试。"""
    c = container(ctx)
    exams = c.exams.list_exams()
    if as_json:
        click.echo(json.dumps([_exam_dict(c, e) for e in exams], ensure_ascii=False, indent=2))
        return
    for e in exams:
        click.echo(f"{e.id}\t{e.title}\t{_local(e.opens_at, c.settings.tz)} 至 {_local(e.closes_at, c.settings.tz)}"
                   f"\t{len(e.paper)} 题\t{'练习' if e.kind == 'practice' else '考试'}")
    click.echo(f"共 {len(exams)} 场。")


@exam.command("show")
@click.argument("exam_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def exam_show(ctx, exam_id, as_json):
    """一场考试的设置与参考情况。"""
    c = container(ctx)
    e = c.exams.get(exam_id)
    report = c.exams.report(exam_id)
    figures = {"assigned": report.assigned, "started": report.started, "submitted": report.submitted,
               "passed": report.passed, "participation": round(report.participation, 4),
               "pass_rate": round(report.pass_rate, 4)}
    if as_json:
        click.echo(json.dumps({**_exam_dict(c, e), **figures}, ensure_ascii=False, indent=2))
        return
    bp = Blueprint.from_dict(e.blueprint)
    click.echo(f"《{e.title}》（{e.id}）{_local(e.opens_at, c.settings.tz)} 至 {_local(e.closes_at, c.settings.tz)}，"
               f"时长 {e.time_limit_s / 60:g} 分钟")
    click.echo("题型：" + "，".join(f"{t} {bp.counts[t]} 题 × {bp.points[t]:g} 分" for t in bp.types())
               + f"；满分 {e.total_points:g}，{e.pass_mark:g} 分合格")
    click.echo(f"应考 {report.assigned} 人，已开始 {report.started}，已交卷 {report.submitted}，合格 {report.passed}；"
               f"参考率 {report.participation:.0%}，合格率 {report.pass_rate:.0%}")


@exam.command("results")
@click.argument("exam_id", type=int)
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), help="导出成绩表（.xlsx）")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def exam_results(ctx, exam_id, xlsx, as_json):
    """成绩：每人一行（姓名、科室、得分、是否合格、开始、交卷、用时、第几次）。"""
    c = container(ctx)
    tz = c.settings.tz
    report = c.exams.report(exam_id)
    rows = c.exams.result_rows(report, tz)
    if xlsx:
        click.echo(f"已导出：{c.exams.export_results(exam_id, xlsx, tz)}", err=as_json)
    if as_json:
        header = ["name", "department", "score", "passed", "started_at", "submitted_at", "minutes", "attempt",
                  "status"]
        click.echo(json.dumps([dict(zip(header, r)) for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo("\t".join(str(v) for v in r))
    click.echo(f"应考 {report.assigned} 人，交卷 {report.submitted}，合格 {report.passed}；"
               f"参考率 {report.participation:.0%}，合格率 {report.pass_rate:.0%}")


@exam.command("paper")
@click.argument("exam_id", type=int)
@click.option("--docx", "docx", type=click.Path(dir_okay=False), required=True, help="输出文件（.docx）")
@click.pass_context
@user_errors
def exam_paper(ctx, exam_id, docx):
    """导出试卷（含答案与解析；每人一卷时含组卷规则和每人的试卷）。"""
    click.echo(f"已导出：{container(ctx).exams.export_paper(exam_id, docx)}")


@exam.command("close")
@click.argument("exam_id", type=int)
@click.pass_context
@user_errors
def exam_close(ctx, exam_id):
    """立即结束考试（作答中的按已答内容交卷）。"""
    e = container(ctx).exams.close(exam_id, ACTOR)
    click.echo(f"《{e.title}》已结束。")
