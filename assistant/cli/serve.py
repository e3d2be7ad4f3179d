"""`xuefa serve`: the web app's command-line edge.

`serve` never leaves an app open without users: with no account in the database it creates
the first admin from XUEFA_ADMIN_PASSWORD (name ``admin``, or XUEFA_ADMIN_NAME), or with a
generated password shown once. Gradio is imported only when serving (the CLI stays fast).
"""
from __future__ import annotations

import logging
import os
import secrets
import threading
import time

import click

from assistant.cli._common import container, user_errors

log = logging.getLogger(__name__)


def ensure_first_admin(c) -> tuple[str, str | None] | None:
    """Create the initial admin when no user exists, so a first `xuefa serve` just works.

    The password comes from XUEFA_ADMIN_PASSWORD; without it a random one is generated, and
    returned so the caller can show it once (it is also written, owner-readable only, to
    XUEFA_HOME/initial_admin_password.txt). Returns (name, generated password or None), or
    None when users already exist.
    """
    if c.auth.count_users() > 0:
        return None
    password = os.environ.get("XUEFA_ADMIN_PASSWORD", "")
    name = os.environ.get("XUEFA_ADMIN_NAME", "admin").strip() or "admin"
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    c.auth.create_user(name, password, role="admin")
    if generated:
        path = c.settings.home / "initial_admin_password.txt"
        path.write_text(f"{name}\n{generated}\n", encoding="utf-8")
        path.chmod(0o600)
    return name, generated


def import_bundled_if_empty(c, echo=click.echo) -> bool:
    """Import the bundled statutes (text + lexical only, ~seconds) into an empty store."""
    if c.store.count_articles() > 0:
        return False
    from tqdm import tqdm

    echo("知识库为空：先导入内置国家法律库（仅文本与关键词检索，语义向量稍后在后台补齐）……")
    bar = tqdm(desc="导入法律", unit="部", leave=True)

    def on_law(i, total, title):
        bar.total = total
        bar.update(1)
        bar.set_postfix_str(title[-14:])

    report = c.ingestion.import_statutes(on_law=on_law)
    bar.close()
    echo(f"已导入 {report.laws} 部、{report.articles} 条，用时 {report.seconds:.1f} 秒。")
    return True


def warm_up(c) -> None:
    """Load the lexical index and answer statistics before the first user asks (background)."""
    started = time.monotonic()
    try:
        c.search.warm_up()
        answerer = getattr(c, "answerer", None)
        if answerer is not None and hasattr(answerer, "stats"):
            answerer.stats  # noqa: B018 - builds and caches term statistics
        log.info("search ready in %.1f s", time.monotonic() - started)
    except Exception:  # the app still works; the first request pays the cost instead
        log.exception("warm-up failed")


@click.command()
@click.option("--host", help="监听地址（默认 127.0.0.1；对局域网开放用 0.0.0.0）")
@click.option("--port", type=click.IntRange(1, 65535), help="端口（默认 7860）")
@click.option("--root-path", help="反向代理下的路径前缀，如 /xuefa")
@click.option("--no-embed", is_flag=True, help="不在后台补齐语义向量")
@click.pass_context
@user_errors
def serve(ctx, host, port, root_path, no_embed):
    """启动浏览器应用（问答、练习、考试、法规库、管理）。"""
    c = container(ctx)
    created = ensure_first_admin(c)
    if created:
        name, generated = created
        if generated:
            click.echo(f"已创建初始管理员：用户名 {name}，密码 {generated}\n"
                       f"（同时保存在 {c.settings.home / 'initial_admin_password.txt'}；"
                       f"登录后请用 xuefa users passwd {name} 修改）")
        else:
            click.echo(f"已创建初始管理员 {name}（密码取自 XUEFA_ADMIN_PASSWORD）。")
    import_bundled_if_empty(c)
    if c.settings.embed_in_background and not no_embed:
        pending = c.dense_indexer.pending_count()
        if pending:
            click.echo(f"后台向量化 {pending} 条（可随时停止，下次启动继续）；进度见「管理」页。")
        c.background_embedding.start()
    threading.Thread(target=warm_up, args=(c,), name="xuefa-warmup", daemon=True).start()

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline / intranet: no phoning home
    from assistant.web import build_app, launch

    s = c.settings
    host, port = host or s.host, port or s.port
    root = s.root_path if root_path is None else root_path
    click.echo(f"学法已启动：http://{host}:{port}{root or '/'}（Ctrl-C 停止）")
    try:
        launch(build_app(c), c, host=host, port=port, root_path=root, block=True, quiet=True)
    finally:
        c.background_embedding.stop(timeout=5)
