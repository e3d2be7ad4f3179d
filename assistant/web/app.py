"""The browser app: ``build_app(services)`` assembles the tabs, each given only the services
it uses; ``launch(demo, auth, settings)`` serves it behind gradio's login (users and roles
from the records database).

Authentication: ``web/security.py`` answers ``/login`` (argon2 off the event loop, back-off,
audit log) and keeps sessions in the database under gradio's cookie; gradio shows its login
page and reads the user from those sessions; every handler re-checks the session and reads
the role from the database (see ``common.current_user``/``admin_user``). gradio_client logs
in the same way (``Client(url, auth=(name, password))``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import gradio as gr

from assistant.web.admin import AdminTab
from assistant.web.admin.citations import CITATION_CSS
from assistant.web.chat_tab import ChatTab
from assistant.web.common import CSS, ROLE_NAMES, current_user, esc, theme, ui_errors
from assistant.web.exam_api import ExamApi
from assistant.web.exams_tab import ExamsTab
from assistant.web.library_tab import LibraryTab
from assistant.web.practice_tab import PracticeTab
from assistant.web.progress_tab import ProgressTab
from assistant.web.revision_view import REVISION_CSS
from assistant.web.study_tab import StudyTab

if TYPE_CHECKING:
    from assistant.container import Services
    from assistant.settings import Settings

TITLE = "学法 · 法规学习与考试助手"

# gradio's own logout route (deletes the session cookie); works under any root path.
LOGOUT_JS = "() => { window.location.href = (window.gradio_config?.root || '') + '/logout'; }"


def _admin(s: Services) -> AdminTab:
    """The admin tab, with the settings values it shows or acts on."""
    settings = s.settings
    return AdminTab(s.library, s.ingestion, s.questions, s.quiz, s.auth, s.depts, s.exams, s.dashboard, s.study,
                    s.citations,
                    uploads_dir=settings.home / "uploads", embed_in_background=settings.embed_in_background,
                    llm_model=settings.llm_model if settings.llm_configured else None, tz=settings.tz)


def build_app(s: Services) -> gr.Blocks:
    """The whole UI over one set of services (shared; per-user state lives in gr.State)."""
    chat = ChatTab(s.answerer, s.conversations, s.questions, s.library, s.auth, revisions=s.revisions)
    practice, progress = PracticeTab(s.quiz, s.learning, s.library, s.auth), ProgressTab(s.learning, s.auth)
    library, admin = LibraryTab(s.library, s.search, s.auth, s.revisions), _admin(s)
    exams = ExamsTab(s.exams, s.library, s.auth, tz=s.settings.tz)
    study = StudyTab(s.study, s.auth, heartbeat_seconds=s.settings.study_heartbeat_seconds)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        with gr.Row(elem_id="xf-header", equal_height=True):
            gr.HTML('<h1>学法</h1><div class="xf-sub">法规学习、问答与考试助手 · 条文原文可核查</div>',
                    scale=4, min_width=200)
            whoami = gr.HTML(elem_id="xf-whoami", scale=3, min_width=160)
            logout = gr.Button("退出登录", size="sm", variant="secondary", scale=0, min_width=90,
                               elem_id="xf-logout")
        admin_timer = gr.Timer(8, active=False)
        with gr.Tabs(selected="chat", elem_id="xf-tabs") as tabs:
            with gr.Tab("问答", id="chat", elem_id="tab-chat"):
                chat_view = chat.build()
            with gr.Tab("今日学习", id="study", elem_id="tab-study") as study_tab:
                study.build()
            with gr.Tab("考试", id="exams", elem_id="tab-exams"):
                exams.build()
            with gr.Tab("练习 / 模拟考试", id="practice", elem_id="tab-practice"):
                practice.build()
            with gr.Tab("错题本与进度", id="progress", elem_id="tab-progress") as progress_tab:
                progress.build(tabs, practice)
            with gr.Tab("法规库", id="library", elem_id="tab-library") as library_tab:
                library_view = library.build()
            with gr.Tab("管理", id="admin", elem_id="tab-admin", visible=False) as admin_tab:
                admin_outputs = admin.build(demo, admin_timer)

        # a citation card (问答 or 练习 feedback) opens the whole law at that article
        open_outputs = [*library_view.outputs, tabs]

        @ui_errors
        def open_card(evt: gr.SelectData, request: gr.Request):
            return (*library.open_article(int(evt.value), request), gr.Tabs(selected="library"))

        chat_view.cards.select(open_card, None, open_outputs, api_visibility="undocumented")
        practice.link_cards(open_card, open_outputs)
        admin.exams.missed.select(open_card, None, open_outputs, api_visibility="undocumented")
        exams.link_cards(open_card, open_outputs)
        progress_tab.select(progress.refresh, None, progress.outputs, api_visibility="undocumented")
        library.refresh_on(library_tab)
        study.select_on(study_tab)

        @ui_errors
        def on_load(request: gr.Request):
            user = current_user(s.auth, request)
            is_admin = user.role == "admin"
            who = (f'<span>{esc(user.name)}</span> <span class="xf-badge xf-info">'
                   f'{ROLE_NAMES.get(user.role, user.role)}</span>')
            # a reload or a second device during an exam lands on the running attempt
            running = any(m.status == "进行中" for m in s.exams.my_exams(user))
            return who, gr.Tab(visible=is_admin), gr.Timer(active=is_admin), \
                gr.Tabs(selected="exams") if running else gr.skip()

        demo.load(on_load, None, [whoami, admin_tab, admin_timer, tabs], api_visibility="undocumented")
        chat.on_load(demo)
        practice.on_load(demo)
        exams.on_load(demo)
        study.on_load(demo)
        library.on_load(demo)
        admin.on_load(demo, admin_outputs)
        logout.click(None, js=LOGOUT_JS)
        ExamApi(s.exams, s.auth).build()  # API only: /office_exam_start, /office_exam_answer, /office_exam_submit
    return demo


# gradio's copies of uploaded files: checked hourly, deleted after six hours (the import
# keeps its own copy under XUEFA_HOME/uploads)
UPLOAD_CACHE = (3600, 6 * 3600)


def launch(demo: gr.Blocks, auth, settings: Settings, *, host: str | None = None, port: int | None = None,
           root_path: str | None = None, block: bool = True, quiet: bool = False):
    """Serve the app with login (``auth``: the AuthService). ``block=False`` returns at once
    (tests, embedding); host, port, root path and TLS come from the settings."""
    from assistant.web.security import Guard

    s = settings
    guard = Guard(auth, s)
    if demo.delete_cache is None:
        demo.delete_cache = UPLOAD_CACHE
    # gradio checks its own local URL after starting; the certificate names the public host
    # (or is self-signed), not 127.0.0.1, so that one request does not verify it
    tls = {"ssl_certfile": str(s.ssl_certfile), "ssl_keyfile": str(s.ssl_keyfile), "ssl_verify": False} \
        if s.tls else {}
    return demo.queue(default_concurrency_limit=4).launch(
        server_name=host or s.host, server_port=port or s.port,
        root_path=root_path if root_path is not None else s.root_path,
        # gradio shows its login page when auth is set; the Guard answers /login itself
        auth=auth.gradio_auth, auth_message="请使用学法账号登录（账号由管理员创建）。",
        theme=theme(), css=CSS + REVISION_CSS + CITATION_CSS, prevent_thread_lock=not block, quiet=quiet,
        show_error=True,
        ssr_mode=False, footer_links=[], max_file_size=s.max_file_bytes, favicon_path=None,
        allowed_paths=[], pwa=False, mcp_server=False, enable_monitoring=False,
        app_kwargs={"middleware": [guard.middleware()], "lifespan": guard.lifespan}, **tls,
    )
