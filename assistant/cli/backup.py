"""`xuefa backup` / `xuefa restore`: one file holding a deployment's data, and its restore
into an empty home (see assistant/operations/backup.py for what the file holds)."""
from __future__ import annotations

import click

from assistant.cli._common import container, user_errors


@click.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="备份文件（.zip）")
@click.pass_context
@user_errors
def backup(ctx, out):
    """备份条文库、学习记录、嵌入缓存与（嵌入式）向量索引到一个文件。"""
    report = container(ctx).backups.backup(out)
    rows = "，".join(f"{k} {v} 行" for k, v in report.rows.items())
    click.echo(f"已备份到 {report.path}（{len(report.files)} 个文件；{rows}）。")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@user_errors
def restore(ctx, file):
    """从备份文件恢复到空的 XUEFA_HOME / 空数据库。"""
    c = container(ctx)
    manifest = c.backups.restore(file)
    click.echo(f"已恢复 {manifest['created']} 的备份（嵌入模型 {manifest['embedder']}）；"
               f"待向量化 {c.library.pending_embeddings()} 条。")
