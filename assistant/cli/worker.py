"""`xuefa worker`: the deployment's one embedding process (app instances set
XUEFA_EMBED_IN_BACKGROUND=false and leave embedding to it)."""
from __future__ import annotations

import os
import signal
import socket
import threading

import click

from assistant.cli._common import container, user_errors


@click.command()
@click.option("--once", is_flag=True, help="待向量化的条文处理完即退出（不常驻）")
@click.option("--name", help="本进程在租约中的名字（默认 主机名:进程号）")
@click.pass_context
@user_errors
def worker(ctx, once, name):
    """常驻向量化进程：持续把新导入的条文写入向量索引（全单位只需一个）。"""
    c = container(ctx)
    s = c.settings
    holder = name or f"{socket.gethostname()}:{os.getpid()}"
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"向量化进程 {holder} 已启动（嵌入模型 {c.library.embedder_id}，待向量化 "
               f"{c.library.pending_embeddings()} 条）；另有进程持有租约时本进程等待接替。")

    def on_batch(p):
        click.echo(f"已向量化 {p.done}/{p.total} 条（{p.chunks} 段）", err=True)

    report = c.library.run_worker(stop, holder=holder, lease_seconds=s.worker_lease_seconds,
                                  poll_seconds=s.worker_poll_seconds, once=once, on_batch=on_batch)
    click.echo(f"向量化进程退出：本次向量化 {report.embedded} 条（{report.chunks} 段）。")
