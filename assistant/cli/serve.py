"""`xuefa serve`: the web app's command-line edge.

`serve` never leaves an app open without users: with no account in the database it creates
the first admin from XUEFA_ADMIN_PASSWORD (name ``admin``, or XUEFA_ADMIN_NAME), or with a
generated password shown once. Gradio is imported only when serving (the CLI stays fast).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import click

from assistant.cli._common import LawProgress, container, user_errors

log = logging.getLogger(__name__)



def ensure_first_admin(c) -> tuple[str, str | None] | None:
    """The initial admin (see AuthService.ensure_first_admin), named and given a password by
    XUEFA_ADMIN_NAME / XUEFA_ADMIN_PASSWORD as they are when `serve` runs."""
    return c.auth.ensure_first_admin(os.environ.get("XUEFA_ADMIN_NAME", "admin"),
                                     os.environ.get("XUEFA_ADMIN_PASSWORD", ""),
                                     password_file=c.settings.initial_password_path)


def import_bundled_if_empty(ingestion, echo=click.echo) -> bool:
    """Import the bundled statutes (text + lexical only, ~seconds) into an empty store."""
    progress = LawProgress("知识库为空：先导入内置国家法律库（仅文本与关键词检索，语义向量稍后在后台补齐）……", echo)
    report = ingestion.import_bundled_if_empty(on_law=progress)
    progress.close()
    if report is None:
        return False
    echo(f"已导入 {report.laws} 部、{report.articles} 条，用时 {report.seconds:.1f} 秒。")
    return True


def warm_up(search, answerer) -> None:
    """Load the lexical index and answer statistics before the first user asks (background)."""
    started = time.monotonic()
    try:
        search.warm_up()
        answerer.stats  # noqa: B018 - builds and caches term statistics
        log.info("search ready in %.1f s", time.monotonic() - started)
    except Exception:  # the app still works; the first request pays the cost instead
        log.exception("warm-up failed")


def _announce_first_admin(created, path) -> None:
    if not created:
        return
    name, generated = created
    if generated:
        click.echo(f"已创建初始管理员：用户名 {name}，密码 {generated}\n"
                   f"（同时保存在 {path}，仅本人可读；"
                   f"请登录后用 xuefa users passwd {name} 修改，修改后该文件自动删除）")
    else:
        click.echo(f"已创建初始管理员 {name}（密码取自 XUEFA_ADMIN_PASSWORD）。")


def with_tls(settings, certfile: str | None, keyfile: str | None):
    """The settings with the command line's certificate and key (both or neither)."""
    if bool(certfile) != bool(keyfile):
        raise click.UsageError("--ssl-certfile 与 --ssl-keyfile 须同时给出。")
    if not certfile:
        if bool(settings.ssl_certfile) != bool(settings.ssl_keyfile):
            raise click.UsageError("XUEFA_SSL_CERTFILE 与 XUEFA_SSL_KEYFILE 须同时设置。")
        return settings
    return settings.model_copy(update={"ssl_certfile": Path(certfile), "ssl_keyfile": Path(keyfile)})


def warn_plain_http(host: str, settings) -> None:
    """Passwords and session cookies cross the network in clear text without TLS."""
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.tls and not settings.trusted_proxies:
        click.echo(f"警告：在 {host} 上以 HTTP 明文提供服务，密码和登录凭据可被同一网络中的人截获。"
                   "请用 --ssl-certfile/--ssl-keyfile 启用 HTTPS，或置于 HTTPS 反向代理之后"
                   "（并设置 XUEFA_TRUSTED_PROXIES）。", err=True)


@click.command()
@click.option("--host", help="监听地址（默认 127.0.0.1；对局域网开放用 0.0.0.0）")
@click.option("--port", type=click.IntRange(1, 65535), help="端口（默认 7860）")
@click.option("--root-path", help="反向代理下的路径前缀，如 /xuefa")
@click.option("--no-embed", is_flag=True, help="不在后台补齐语义向量")
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), help="HTTPS 证书（PEM）")
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), help="HTTPS 私钥（PEM）")
@click.pass_context
@user_errors
def serve(ctx, host, port, root_path, no_embed, ssl_certfile, ssl_keyfile):
    """启动浏览器应用（问答、练习、考试、法规库、管理）。"""
    c = container(ctx)
    s = with_tls(c.settings, ssl_certfile, ssl_keyfile)
    _announce_first_admin(ensure_first_admin(c), s.initial_password_path)
    import_bundled_if_empty(c.ingestion)
    if s.embed_in_background and not no_embed:
        pending = c.library.pending_embeddings()
        if pending:
            click.echo(f"后台向量化 {pending} 条（可随时停止，下次启动继续）；进度见「管理」页。")
        c.library.start_background_embedding()
    threading.Thread(target=warm_up, args=(c.search, c.answerer), name="xuefa-warmup", daemon=True).start()
    stop_sweeping = threading.Event()
    threading.Thread(target=c.exams.sweep, args=(s.exam_sweep_seconds, stop_sweeping), name="xuefa-exam-timer",
                     daemon=True).start()

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline / intranet: no phoning home
    from assistant.web import build_app, launch

    host, port = host or s.host, port or s.port
    root = s.root_path if root_path is None else root_path
    warn_plain_http(host, s)
    click.echo(f"学法已启动：{'https' if s.tls else 'http'}://{host}:{port}{root or '/'}（Ctrl-C 停止）")
    try:
        launch(build_app(c.services), c.auth, s, host=host, port=port, root_path=root, block=True, quiet=True)
    finally:
        stop_sweeping.set()
        c.library.stop_background_embedding(timeout=5)
