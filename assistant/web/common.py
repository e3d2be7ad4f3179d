"""What every tab shares: who is asking (from the authenticated request, never from client
state), turning service errors into ``gr.Error``, the theme and small HTML renderers."""
from __future__ import annotations

import functools
import html
import inspect
import logging
from typing import Any, Callable

import gradio as gr

from knowledge.errors import NotFoundError, PermissionDeniedError, XuefaError

log = logging.getLogger(__name__)

ROLE_NAMES = {"admin": "管理员", "staff": "工作人员"}
# gradio's session cookie names (followed by the cookie id); the token in them is ours
SESSION_COOKIE_PREFIXES = ("access-token-", "access-token-unsecure-")
SESSION_ENDED = "登录已失效（超时、已退出或账号已变更），请刷新页面重新登录。"
STATUS_CLASS = {"现行有效": "ok", "尚未生效": "info", "已被修改": "warn", "已废止": "bad"}


# ---- who is asking ---------------------------------------------------------------------
def current_user(auth, request: gr.Request | None):
    """The logged-in user, looked up in the database on every call.

    A gradio request is checked against its database session (the token in the session
    cookie, see ``web/security.py``): expired, logged out, revoked (password or role changed)
    and disabled sessions are refused here even if gradio let the request in a moment ago.
    The role is read fresh, so a demoted account loses its rights at once. Other request
    objects (direct calls in tests and in-process) name the user as is.
    """
    name = getattr(request, "username", None) if request is not None else None
    if not name:
        raise PermissionDeniedError("请先登录。")
    if isinstance(request, gr.Request):
        return _session_user(auth, request, name)
    try:
        return auth.get_user(name)
    except NotFoundError:
        raise PermissionDeniedError("该账号已不存在，请重新登录。") from None


def _request_cookies(request: gr.Request) -> dict:
    if request.request is not None:
        return dict(request.request.cookies)
    return dict(request.kwargs.get("cookies") or {})


def _session_user(auth, request: gr.Request, name: str):
    for key, token in _request_cookies(request).items():
        if key.startswith(SESSION_COOKIE_PREFIXES) and token:
            user = auth.session_user(token)
            if user is not None and user.name == name:
                return user
    raise PermissionDeniedError(SESSION_ENDED)


def admin_user(auth, request: gr.Request | None):
    """The logged-in user if an admin; PermissionDeniedError otherwise (server-side check)."""
    from assistant.accounts.auth_service import require_admin

    user = current_user(auth, request)
    require_admin(user)
    return user


# ---- errors ------------------------------------------------------------------------------
def _to_gr_error(exc: Exception) -> gr.Error:
    # gradio renders an error message as HTML, and service messages carry data (titles,
    # names, the user's own input): escaped here, the one place they become gr.Error
    if isinstance(exc, PermissionDeniedError):
        return gr.Error(esc(str(exc) or "没有权限执行此操作。"), title="没有权限")
    if isinstance(exc, XuefaError):
        return gr.Error(esc(str(exc)), title="操作未完成")
    log.exception("unexpected error in web handler")
    return gr.Error("系统内部错误，请稍后再试或联系管理员。", title="出错了")


def ui_errors(fn: Callable) -> Callable:
    """Handlers raise service errors; only here, at the UI edge, do they become gr.Error."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:  # noqa: BLE001 - the edge
                raise _to_gr_error(exc) from exc

        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:  # noqa: BLE001 - the edge
            raise _to_gr_error(exc) from exc

    return wrapper


# ---- HTML --------------------------------------------------------------------------------
def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def paragraphs_html(text: str) -> str:
    return "".join(f"<p>{esc(p)}</p>" for p in (text or "").split("\n") if p.strip())


def status_badge(status: str) -> str:
    cls = STATUS_CLASS.get(status, "info")
    return f'<span class="xf-badge xf-{cls}">{esc(status)}</span>'


def notice(text: str, kind: str = "info") -> str:
    return f'<div class="xf-notice xf-{kind}">{esc(text)}</div>'


FONT_STACK = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
              "Source Han Sans SC", "WenQuanYi Micro Hei", "sans-serif"]


def theme() -> gr.themes.Base:
    """A calm blue-grey theme with system CJK fonts (no web fonts: works offline/intranet)."""
    return gr.themes.Default(
        primary_hue=gr.themes.colors.blue, secondary_hue=gr.themes.colors.slate,
        neutral_hue=gr.themes.colors.slate, radius_size=gr.themes.sizes.radius_md,
        font=FONT_STACK, font_mono=["Menlo", "Consolas", "monospace"],
    ).set(body_text_size="15px", block_title_text_weight="600")


CSS = """
.gradio-container { max-width: 1280px !important; width: 100% !important; margin: 0 auto !important; }
#xf-header { align-items: center; padding: 2px 0 4px; }
#xf-header h1 { font-size: 1.35rem; margin: 0; letter-spacing: .05em; }
#xf-header .xf-sub { color: var(--body-text-color-subdued); font-size: .9rem; }
#xf-whoami { text-align: right; color: var(--body-text-color-subdued); }
.xf-badge { display: inline-block; padding: 0 .5em; border-radius: 999px; font-size: .78rem;
            line-height: 1.6; margin-left: .35em; white-space: nowrap; }
.xf-ok { background: #e7f5ec; color: #1e6b3a; } .xf-warn { background: #fff4e0; color: #8a5300; }
.xf-bad { background: #fde8e8; color: #9b1c1c; } .xf-info { background: #e8eefb; color: #234a9b; }
.xf-notice { padding: .6em .9em; border-radius: 8px; margin: .3em 0; font-size: .92rem; }
.xf-cards { display: flex; flex-direction: column; gap: .6em; }
.xf-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: .7em .9em;
           background: var(--background-fill-primary); cursor: pointer; transition: border-color .15s; }
.xf-card:hover { border-color: var(--color-accent); }
.xf-card .xf-card-head { font-weight: 600; }
.xf-card .xf-num { color: var(--color-accent); margin-right: .3em; }
.xf-card .xf-path { color: var(--body-text-color-subdued); font-size: .82rem; margin: .15em 0 .35em; }
.xf-card .xf-text { font-size: .9rem; line-height: 1.7; max-height: 14em; overflow: auto; }
.xf-card .xf-text p { margin: 0 0 .3em; }
.xf-card .xf-meta { color: var(--body-text-color-subdued); font-size: .8rem; margin-top: .35em; }
.xf-card .xf-flag { color: #9b1c1c; font-size: .82rem; margin-top: .3em; }
.xf-card .xf-open { color: var(--color-accent); font-size: .8rem; float: right; }
.xf-empty { color: var(--body-text-color-subdued); font-size: .9rem; padding: .6em 0; }
.xf-law h2 { font-size: 1.15rem; margin: .2em 0 .4em; }
.xf-law h3 { font-size: 1rem; margin: 1.1em 0 .4em; color: var(--body-text-color-subdued); }
.xf-law .xf-art { padding: .35em .5em; border-radius: 6px; line-height: 1.8; }
.xf-law .xf-art p { margin: 0 0 .2em; }
.xf-law .xf-art b { margin-right: .4em; }
.xf-law .xf-target { background: #fff7d6; outline: 1px solid #f0d57a; }
.xf-law .xf-meta { color: var(--body-text-color-subdued); font-size: .88rem; }
.xf-question { font-size: 1.05rem; line-height: 1.8; }
.xf-feedback-ok { border-left: 4px solid #2f9e5b; }
.xf-feedback-bad { border-left: 4px solid #d64545; }
.xf-feedback { padding: .6em .9em; background: var(--background-fill-secondary); border-radius: 6px; }
.xf-score { font-size: 2rem; font-weight: 700; }
.xf-stat { display: inline-block; min-width: 7em; margin: 0 1.2em .6em 0; }
.xf-stat b { display: block; font-size: 1.4rem; }
.xf-progressbar { height: 8px; background: var(--background-fill-secondary); border-radius: 4px; overflow: hidden; }
.xf-progressbar > div { height: 100%; background: var(--color-accent); }
#exam-progress { padding: .2em .8em; }
.xf-myexam .xf-card-head { font-size: 1.02rem; }
.xf-study-head { display: flex; flex-wrap: wrap; gap: .2em 1.2em; }
.xf-study-head .xf-stat { min-width: 8em; margin: 0 0 .3em; }
.xf-study-head .xf-progressbar { margin-top: .25em; max-width: 12em; }
.xf-study-item .xf-study-meta { display: flex; gap: .6em; align-items: center; margin-bottom: .3em; }
.xf-study-item .xf-study-meta .xf-badge { margin-left: 0; font-size: .85rem; }
.xf-study-item .xf-card-head { font-size: 1.1rem; font-weight: 600; }
.xf-study-item .xf-path { color: var(--body-text-color-subdued); font-size: .88rem; margin: .1em 0 .4em; }
.xf-study-item .xf-art { font-size: 1.02rem; line-height: 1.9; padding: .5em .7em;
                         background: var(--background-fill-secondary); border-radius: 8px; }
mark.xf-key { background: #fff3c4; color: inherit; padding: 0 .05em; border-radius: 2px; }
mark.xf-hl { background: #ffd966; font-weight: 600; }
.xf-keypoint { margin: .7em 0 .2em; padding: .6em .8em; border-left: 4px solid #e0a800; background: #fffaf0;
               border-radius: 6px; line-height: 1.8; }
.xf-plan { cursor: default; margin-bottom: .6em; }
.xf-plan .xf-progressbar { margin: .4em 0; }
.xf-pace { margin: .3em 0; } .xf-pace .xf-badge { margin-left: 0; white-space: normal; }
.xf-table { width: 100%; border-collapse: collapse; font-size: .88rem; margin-top: .4em; border: none !important; }
.xf-table th, .xf-table td { text-align: left; padding: .25em .4em; border: none !important;
                             border-bottom: 1px solid var(--border-color-primary) !important; }
.xf-table th { color: var(--body-text-color-subdued); font-weight: 600; }
.xf-table td:nth-child(2), .xf-table td:nth-child(3) { white-space: nowrap; }
.xf-table td:last-child { width: 22%; }
@media (max-width: 720px) {
  .gradio-container { padding: 4px !important; }
  #xf-header h1 { font-size: 1.1rem; }
  #xf-header .xf-sub { display: none; }
  #xf-whoami { text-align: left; }
  #chat-side { order: 2; }
  .xf-card .xf-text { max-height: 10em; }
  .xf-study-head .xf-stat { min-width: 6.5em; }
  .xf-study-item .xf-art { padding: .4em .5em; }
}
"""
