"""What every command module shares: the container for this invocation, turning service
errors into one-line Chinese messages and exit codes, and the progress bars of long jobs.
Command modules import this, never the root group."""
from __future__ import annotations

import sys
import time
from functools import wraps

import click

from assistant.container import Container
from assistant.settings import Settings
from knowledge.errors import XuefaError

# who the admin action log names for changes made from the command line
CLI_ACTOR = "cli"


def container(ctx: click.Context):
    obj = ctx.ensure_object(dict)
    if "container" not in obj:
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


def sync_lexical(library) -> None:
    """Bring the lexical index up to date now, so the first search is not the one that waits."""
    stats = library.sync_lexical()
    if stats.get("added_documents") or stats.get("removed_documents"):
        click.echo(f"关键词索引已更新：{stats['rows']} 条（{stats['seconds']:.1f} 秒）。")


def embed_pending(library, limit) -> None:
    """Embed pending articles now, with a progress bar (Ctrl-C keeps what is done)."""
    from tqdm import tqdm

    pending = library.pending_embeddings()
    if pending <= 0:
        click.echo("向量索引已是最新。")
        return
    click.echo(f"向量化 {pending if limit is None else min(pending, limit)} 条（嵌入模型 {library.embedder_id}；"
               "可随时 Ctrl-C，之后 xuefa index embed 继续）")
    bar = tqdm(total=pending if limit is None else min(pending, limit), desc="向量化", unit="条")
    last = [0]

    def on_batch(p):
        bar.update(p.done - last[0])
        last[0] = p.done

    started = time.monotonic()
    progress = library.embed(limit=limit, on_batch=on_batch)
    bar.close()
    secs = time.monotonic() - started
    click.echo(f"向量化完成 {progress.done} 条（{progress.chunks} 段），{progress.done / max(secs, 1e-9):.1f} 条/秒。")


class LawProgress:
    """The progress bar of a bundled-statutes import (``on_law`` of ``import_statutes``).

    The bar, and the ``announce`` line before it, appear with the first law, so a caller need
    not know beforehand whether the service will import anything."""

    def __init__(self, announce: str = "", echo=click.echo):
        self.announce, self.echo = announce, echo
        self.bar = None

    def __call__(self, i: int, total: int, title: str) -> None:
        if self.bar is None:
            from tqdm import tqdm

            if self.announce:
                self.echo(self.announce)
            self.bar = tqdm(desc="导入法律", unit="部", leave=True)
        self.bar.total = total
        self.bar.update(1)
        self.bar.set_postfix_str(title[-14:])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
