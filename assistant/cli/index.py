"""`xuefa index …`: the state of the search indexes and resumable embedding."""
from __future__ import annotations

import json
from collections import Counter

import click

from assistant.cli._common import container, embed_pending, user_errors


@click.group()
def index():
    """检索索引：状态与向量化。"""


@index.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def index_status(ctx, as_json):
    """各索引的条数、嵌入模型与待向量化条数。"""
    c = container(ctx)
    status = c.library.index_status()
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
    c = container(ctx)
    if not yes:
        click.confirm("清空向量索引并重新向量化全部条文？", abort=True)
    c.library.reset_vectors()
    embed_pending(c.library, None)


@index.command("embed")
@click.option("--limit", type=int, help="最多向量化这么多条")
@click.pass_context
@user_errors
def indexembed_pending(ctx, limit):
    """向量化尚未进入向量索引的条文（可中断、可续跑）。"""
    library = container(ctx).library
    library.reconcile_vectors()
    embed_pending(library, limit)
