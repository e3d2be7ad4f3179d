"""The app's endpoints through gradio_client, logged in as real users (gradio's /login with
our argon2-backed auth): what staff may do, what only admins may do (refused on the server
for staff), and per-user isolation."""
from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError

from web_harness import ADMIN, STAFF, STAFF2, running_app, write_docx

DENIED = "仅管理员"


@pytest.fixture(scope="module")
def app():
    return running_app()


@pytest.fixture(scope="module")
def staff(app):
    return app.client(STAFF)


@pytest.fixture(scope="module")
def admin(app):
    return app.client(ADMIN)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _content(message) -> str:
    """A chat message's text (the app sends it markdown-escaped: backslashes removed here)."""
    content = message["content"]
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return re.sub(r"\\(.)", r"\1", str(content))


def _rows(df) -> list[list]:
    return df["data"] if isinstance(df, dict) else df


def assert_session_ended(client) -> None:
    """The handler refuses the ended session (in Chinese), or gradio already does (401)."""
    try:
        client.predict(api_name="/admin_index_status")
    except AppError as e:
        assert "登录已失效" in str(e)
    except httpx.HTTPStatusError as e:
        assert e.response.status_code == 401
    else:
        pytest.fail("an ended session was served")


def test_login_is_required(app):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(app.url, verbose=False)  # no session: /config is refused
    with pytest.raises(Exception):
        Client(app.url, auth=(STAFF[0], "wrong-password"), verbose=False)


def test_staff_is_refused_every_admin_endpoint(app, staff, tmp_path):
    docx = write_docx(tmp_path / "rules.docx", ["某办法", "第一条　本办法用于测试越权导入。"])
    doc_id = next(d.id for d in app.container.store.list_documents())
    calls = {
        "/admin_index_status": (),
        "/admin_documents": ("", False),
        "/admin_ingest": ([], "", "自动识别", "", "", "", "自动识别"),
        "/admin_set_status": (doc_id, "已废止"),
        "/admin_delete": (doc_id, True, True),
        "/admin_import_statutes": (False,),
        "/admin_add_user": ("mallory", "admin", "mallory-pass-1"),
        "/admin_set_role": (STAFF[0], "admin"),
        "/admin_reset_password": (ADMIN[0], "hijacked-pass-1"),
        "/admin_export_paper": ("试卷", [], ["单选"], 5, 1),
        "/admin_questions": ("", "all"),
        "/admin_add_question": ("保密法", "1", "越权添加的问题"),
        "/admin_delete_questions": ("1",),
        "/admin_departments": (),
        "/admin_add_department": ("越权科",),
        "/admin_rename_department": ("综合科", "越权科"),
        "/admin_delete_department": ("综合科", True),
        "/admin_set_user_dept": (STAFF[0], "越权科"),
        "/admin_disable_user": (ADMIN[0],),
        "/admin_enable_user": (STAFF[0],),
        "/admin_check_citations": (False,),
    }
    app.container.depts.set_department(STAFF2[0], "综合科", actor="test", create_missing=True)
    depts_before = [(d.name, d.members) for d in app.container.depts.list()]
    before = [(d.id, d.status) for d in app.container.store.list_documents()]
    for api, args in calls.items():
        with pytest.raises(AppError, match=DENIED):
            staff.predict(*args, api_name=api)
    # a file for the import never reaches the server: uploads are an admin's
    with pytest.raises(httpx.HTTPStatusError, match="403"):
        staff.predict([handle_file(str(docx))], "", "自动识别", "", "", "", "自动识别", api_name="/admin_ingest")
    # nothing changed on the server
    assert [(d.id, d.status) for d in app.container.store.list_documents()] == before
    names = {u.name: u.role for u in app.container.auth.list_users()}
    assert "mallory" not in names and names[STAFF[0]] == "staff"
    assert all(q.question != "越权添加的问题" for q in app.container.question_bank.stored())
    assert app.container.auth.authenticate(*ADMIN) is not None
    assert [(d.name, d.members) for d in app.container.depts.list()] == depts_before
    assert app.container.auth.get_user(STAFF[0]).department == ""


def test_staff_chat_streams_an_answer_with_verbatim_citation_cards(app, staff):
    history, cards, _convs, box = staff.predict("保密法对涉密载体有什么要求？", [], "全部法规与制度", [],
                                                api_name="/chat_send")
    assert box == ""
    answer = _content(history[-1])
    assert "[1]" in answer and "保守国家秘密法" in answer
    ids = [int(i) for i in re.findall(r'data-article-id="(\d+)"', cards)]
    assert ids, cards[:500]
    art = app.container.store.get_article(ids[0])
    assert "".join(art.text.split()) in "".join(_text(cards).split()), "card text must be verbatim"
    # the conversation is stored for this user only
    user = app.container.auth.get_user(STAFF[0])
    convs = app.container.conversations.list(user.id)
    assert convs and convs[0].title.startswith("保密法")
    other = app.container.auth.get_user(STAFF2[0])
    assert app.container.conversations.get(other.id, convs[0].id) is None
    assert app.container.conversations.messages(other.id, convs[0].id) == []


def test_staff_marks_a_citation_helpful(app, staff):
    _h, cards, _c, _b = staff.predict("涉密载体丢了怎么办", [], "全部法规与制度", [], api_name="/chat_send")
    ids = [int(i) for i in re.findall(r'data-article-id="(\d+)"', cards)]
    assert ids
    with pytest.raises(AppError, match="只能标记"):
        staff.predict(999999, api_name="/chat_helpful")
    staff.predict(ids[0], api_name="/chat_helpful")
    rows = app.container.question_bank.stored(source="feedback")
    art = app.container.store.get_article(ids[0])
    assert [(r.article, r.question) for r in rows][-1] == (art.label, "涉密载体丢了怎么办")


def test_chat_scope_and_no_evidence(staff):
    history, cards, _c, _b = staff.predict("劳动者可以解除劳动合同的情形", [], "指定法规",
                                           ["中华人民共和国劳动合同法"], api_name="/chat_send")
    assert "劳动合同法" in _content(history[-1])
    assert "保守国家秘密法" not in _text(cards)
    with pytest.raises(AppError, match="请选择"):
        staff.predict("任何问题", [], "指定法规", [], api_name="/chat_send")
    history, cards, _c, _b = staff.predict("今天中午食堂吃什么菜", [], "全部法规与制度", [], api_name="/chat_send")
    assert "未找到" in _content(history[-1])


def test_library_endpoints(staff):
    rows = _rows(staff.predict("网络", "全部", False, api_name="/library_documents"))
    assert any("网络安全法" in r[0] for r in rows)
    html = staff.predict("网络运营者 个人信息 泄露", "全部", api_name="/library_search")
    assert "网络安全法" in html and "data-article-id" in html


def test_practice_to_the_end_and_wrong_book(app):
    c = app.client(STAFF2)
    out = c.predict("练习（逐题反馈）", ["中华人民共和国网络安全法"], "", ["单选", "判断"], 3, 60,
                    api_name="/practice_start")
    assert "第 1 题 / 共 3 题" in str(out)
    out = c.predict(api_name="/practice_skip")  # a sure miss
    assert "回答错误" in str(out) and "data-article-id" in str(out)
    for _ in range(2):
        out = c.predict(api_name="/practice_next")
        out = c.predict(api_name="/practice_skip")
    out = c.predict(api_name="/practice_next")
    assert "练习结束" in str(out)
    summary, wrong, *_ = c.predict(api_name="/progress")
    assert len(_rows(wrong)) == 3 and "错题本" in summary
    user = app.container.auth.get_user(STAFF2[0])
    assert len(app.container.learning.wrong_book.entries(user.id)) == 3
    # redo the wrong-answer book (opens the 练习 tab with those questions)
    out = c.predict(api_name="/wrong_redo")
    assert "错题重做" in str(out) and "共 3 题" in str(out)
    c.predict(api_name="/practice_finish")
    try:  # misses come back for review later today (FSRS relearning step)
        out = c.predict(api_name="/review_start")
        assert "到期复习" in str(out)
    except AppError as exc:
        assert "没有到期" in str(exc)


def test_mock_exam_submit(app):
    c = app.client(STAFF2)
    out = c.predict("模拟考试（计时，交卷后评分）", ["中华人民共和国公务员法"], "", ["判断"], 2, 5,
                    api_name="/practice_start")
    assert "剩余时间" in str(out) and "回答错误" not in str(out)
    out = c.predict("正确", [], "", api_name="/exam_next")
    out = c.predict("错误", [], "", api_name="/exam_submit")
    text = str(out)
    assert "分" in text and "逐题回顾" in text and "满分 100" in text


def test_admin_endpoints(app, admin, tmp_path):
    status = admin.predict(api_name="/admin_index_status")
    assert "已向量化" in status and "大模型" in status

    # upload with metadata, per-file result, then search, status and delete
    good = tmp_path / "档案借阅规定.txt"
    good.write_text("某局档案借阅规定\n第一条　借阅涉密档案应当经分管领导批准。\n第二条　借阅期限不得超过十五日。\n",
                    encoding="utf-8")
    bad = tmp_path / "空文件.txt"
    bad.write_text("", encoding="utf-8")
    rows, summary, *_ = admin.predict([handle_file(str(good)), handle_file(str(bad))], "", "内部制度", "办公室",
                                  "2024-01-02", "2024-02-01", "自动识别", api_name="/admin_ingest")
    rows = _rows(rows)
    assert [r[1] for r in rows] == ["成功导入", "失败"], rows
    assert rows[0][2] == "某局档案借阅规定" and rows[1][4]
    assert "成功 1，失败 1" in summary
    html = admin.predict("借阅涉密档案 批准", "内部制度", api_name="/library_search")
    assert "某局档案借阅规定" in html
    doc = next(d for d in app.container.store.list_documents() if d.title == "某局档案借阅规定")
    assert doc.doc_type == "内部制度" and doc.issuer == "办公室" and doc.effective_date == "2024-02-01"
    msg = admin.predict(doc.id, "已废止", api_name="/admin_set_status")
    assert "已废止" in msg
    with pytest.raises(AppError, match="确认删除"):
        admin.predict(doc.id, False, False, api_name="/admin_delete")
    msg = admin.predict(doc.id, False, True, api_name="/admin_delete")
    assert "已删除" in msg
    assert all(d.title != "某局档案借阅规定" for d in app.container.store.list_documents())

    # question bank: add (name and number resolved), list, delete; bundled rows are listed, not deletable
    msg, _box = admin.predict("保密法", "1", "单位保密工作依据什么法律", api_name="/admin_add_question")
    assert "第一条" in msg and "保守国家秘密法" in msg
    with pytest.raises(AppError, match="没有第九百条"):
        admin.predict("保密法", "900", "不存在的条", api_name="/admin_add_question")
    table, count = admin.predict("保密法", "admin", api_name="/admin_questions")
    rows = _rows(table)
    assert [r[3] for r in rows] == ["单位保密工作依据什么法律"] and "共 1 个" in count
    assert "已删除 1" in admin.predict(str(rows[0][0]), api_name="/admin_delete_questions")
    assert _rows(admin.predict("保密法", "admin", api_name="/admin_questions")[0]) == []

    # users and roles
    msg, users, _pw = admin.predict("wang", "staff", "wang-pass-123", api_name="/admin_add_user")
    assert "wang" in msg and any(r[0] == "wang" for r in _rows(users))
    with pytest.raises(AppError, match="至少"):
        admin.predict("wang", "staff", "short", api_name="/admin_add_user")
    wang = app.client(("wang", "wang-pass-123"))
    with pytest.raises(AppError, match=DENIED):
        wang.predict(api_name="/admin_index_status")
    admin.predict("wang", "admin", api_name="/admin_set_role")
    assert_session_ended(wang)  # a new role ends the open sessions
    wang = app.client(("wang", "wang-pass-123"))
    assert "已向量化" in wang.predict(api_name="/admin_index_status")
    admin.predict("wang", "staff", api_name="/admin_set_role")
    assert_session_ended(wang)
    with pytest.raises(AppError, match=DENIED):
        app.client(("wang", "wang-pass-123")).predict(api_name="/admin_index_status")
    admin.predict("wang", "new-wang-pass-1", api_name="/admin_reset_password")
    assert app.container.auth.authenticate("wang", "new-wang-pass-1") is not None

    # exam paper export: .docx and .xlsx with the key
    msg, files = admin.predict("保密知识测试", ["中华人民共和国保守国家秘密法"], ["单选", "判断"], 6, 7,
                               api_name="/admin_export_paper")
    assert "保密知识测试" in msg and "随机种子 7" in msg
    names = sorted(Path(f).suffix for f in files)
    assert names == [".docx", ".xlsx"]
    assert all(Path(f).stat().st_size > 1000 for f in files)
