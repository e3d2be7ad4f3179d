"""`xuefa questions …`: the question bank (关联问题) from the command line."""
from __future__ import annotations

import json

import click

from assistant.cli._common import container, user_errors


@click.group("questions")
def questions():
    """关联问题：把典型提问关联到条文，检索时相似的提问会提升该条文。"""


@questions.command("add")
@click.option("--law", required=True, help="法律名称（全称、简称或别名，如 劳动合同法）")
@click.option("--article", required=True, help="条号（第四十六条、46、第十条之一）")
@click.argument("question")
@click.pass_context
@user_errors
def add(ctx, law, article, question):
    """关联一个问题到一条条文。"""
    q = container(ctx).questions.add(law, article, question)
    click.echo(f"已关联：《{q.law}》{q.article} ← {q.question}")


@questions.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@user_errors
def import_(ctx, path):
    """导入 JSON Lines 文件，每行 {"law","article","question"}；有一行不对则整批不导入。"""
    report = container(ctx).questions.import_file(path)
    click.echo(f"新增 {report.added} 个问题，{report.existing} 个已存在。")


@questions.command("list")
@click.option("--law", default=None, help="只列这部法律的问题")
@click.option("--source", type=click.Choice(["bundled", "admin", "feedback"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def list_(ctx, law, source, as_json):
    """列出关联问题（内置的、管理员添加的、用户反馈的）。"""
    rows = container(ctx).questions.list(law=law, source=source)
    for q in rows:
        if as_json:
            click.echo(json.dumps({"id": q.id, "law": q.law, "article": q.article, "question": q.question,
                                   "source": q.source}, ensure_ascii=False))
        else:
            ident = f"#{q.id}" if q.id is not None else "内置"
            click.echo(f"{ident}\t《{q.law}》{q.article}\t{q.question}")
    if not as_json:
        click.echo(f"共 {len(rows)} 个问题。", err=True)


@questions.command("delete")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.pass_context
@user_errors
def delete(ctx, ids):
    """按编号删除管理员添加或用户反馈的问题（内置问题随软件发布，不能删除）。"""
    n = container(ctx).questions.delete(list(ids))
    click.echo(f"已删除 {n} 个问题。")
