"""今日学习 and 管理 › 学法清单 through their handlers, over a real records database and three
imported laws (handlers called with a request naming a user, as gradio passes the session):
an admin builds a list in the form and a staff member studies it; staff are refused every
admin handler; the heartbeat handler credits time only when the page says the person is
working; hostile text in an internal rule reaches the page escaped."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import gradio as gr
import pytest

from quiz_fixtures import UTC, Clock, copy_store

BOSS, CLERK, OTHER = (SimpleNamespace(username=n) for n in ("boss", "clerk", "other"))
HOSTILE_RULE = """某局网络安全管理办法<script>alert('t')</script>
第一条 工作人员发现安全事件，应当在三日内报告<img src=x onerror=alert(1)>信息中心。
第二条 禁止<script>alert('x')</script>通过互联网邮箱传递工作文件，违者扣发绩效五百元。
"""


@pytest.fixture
def app(tmp_path):
    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web.admin.plans import PlansSection
    from assistant.web.study_tab import StudyTab

    home = tmp_path / "home"
    copy_store(home)
    c = Container(Settings(home=home, embedder="fake", _env_file=None))
    c.auth.create_user("boss", "boss-pass-123", role="admin")
    for name in ("clerk", "other"):
        c.auth.create_user(name, f"{name}-pass-123")
    c.depts.add("综合科", actor="boss")
    c.depts.set_department("clerk", "综合科", actor="boss")
    c.study.clock = Clock(dt.datetime.now(UTC))  # the heartbeat tests move it
    with gr.Blocks():
        tab, plans = StudyTab(c.study, c.auth, heartbeat_seconds=30), PlansSection(c.study, c.library, c.depts, c.auth)
        tab.build()
        plans.build()
    return SimpleNamespace(c=c, tab=tab, plans=plans)


def _value(update):
    return update.get("value") if isinstance(update, dict) else getattr(update, "value", update)


def _form(app, *extra_items):
    """The form's values after 从年度清单开始 and adding items: (title, items, deadline)."""
    _pick, title, deadline, items, _who, _depts, _users, _note, msg = app.plans.starter(BOSS)
    assert "已填入" in msg and title.endswith("年度学法清单")
    values = items.value
    for law, chapter, label in extra_items:
        items, _box = app.plans.add_item(values, law, chapter, label, BOSS)
        values = items.value
    return title, values, deadline


def test_an_admin_builds_a_list_in_the_form_and_staff_study_it(app):
    title, items, deadline = _form(app, ("中华人民共和国劳动合同法", "", "第十条"),
                                   ("中华人民共和国劳动合同法", "第一章 总则", ""))
    assert items == ["law:中华人民共和国网络安全法", "law:中华人民共和国保守国家秘密法",
                     "article:中华人民共和国劳动合同法:第十条", "chapter:中华人民共和国劳动合同法:第一章 总则"]
    chapters = app.plans.chapters("网络安全法", BOSS)
    assert chapters.choices[0][0] == "第一章 总则"
    msg, rows, missing, _pick = app.plans.create(title, items[2:], "2099-12-31", "", "指定科室和人员", ["综合科"],
                                                 [], BOSS)
    assert "已创建清单 1" in msg and "面向 1 人" in msg and missing == ""
    assert rows == [[1, title, 2, 7, "2099-12-31", "科室：综合科", "boss"]]
    assert [(a.actor, a.action) for a in app.c.audit.recent()][0] == ("boss", "plan.create")

    clerk = app.c.auth.get_user("clerk")
    page = app.tab.show(CLERK)
    v = app.tab.view
    item = app.c.study.today(clerk).current
    assert item.source == "new" and item.law == "中华人民共和国劳动合同法" and item.label == "第十条"
    assert "《中华人民共和国劳动合同法》第十条" in page[v.item] and "xf-keypoint" in page[v.item]
    assert "我的学法清单" in page[v.plans] and "已学 0 / 7 条" in page[v.plans]
    out = _answer(app, page, item.questions[0])
    assert "回答正确" in _value(out[v.feedback]) and 'data-seconds="0"' in out[v.header]
    while app.c.study.today(clerk).current.position == item.position:  # the item's other question, if any
        page = app.tab.show(CLERK)
        q2 = app.c.study.today(clerk).current.questions[1]
        _answer(app, page, q2)
    assert app.c.study.studied(clerk.id).keys() == {item.article_id}
    assert "已学 1 / 7 条" in app.tab.show(CLERK)[v.plans]


def _answer(app, page, q):
    v = app.tab.view
    single = q.answer if q.qtype == "判断" else (q.answer[0] if q.qtype == "单选" else None)
    return app.tab.answer(page[v.state], single, q.answer if q.qtype == "多选" else [],
                          q.answer if q.qtype == "填空" else "", CLERK)


def test_stopping_and_opening_the_tab_again_resumes_the_same_item(app):
    _title, items, _d = _form(app)
    app.plans.create("网安法", items[:1], "2099-12-31", "", "全体人员", [], [], BOSS)
    v = app.tab.view
    first = app.tab.show(CLERK)
    stopped = app.tab.stop(first[v.state], CLERK)
    assert "先学到这里" in stopped[v.item] and _value(stopped[v.next]) == "继续学习"
    again = app.tab.show(CLERK)
    assert again[v.item] == first[v.item] and again[v.state]["qid"] == first[v.state]["qid"]
    with pytest.raises(gr.Error, match="已经答过了"):  # a stale page (the question changed under it)
        app.tab.answer({**first[v.state], "qid": "not-this-one"}, "A", [], "", CLERK)


def test_staff_are_refused_every_admin_plan_handler(app):
    _title, items, _d = _form(app)
    app.plans.create("保密法清单", items[1:], "2099-12-31", "", "全体人员", [], [], BOSS)
    calls = [lambda who: app.plans.list_plans(who), lambda who: app.plans.starter(who),
             lambda who: app.plans.blank(who), lambda who: app.plans.load_plan(1, who),
             lambda who: app.plans.chapters("网络安全法", who),
             lambda who: app.plans.add_item([], "网络安全法", "", "", who),
             lambda who: app.plans.create("越权清单", items, "2099-12-31", "", "全体人员", [], [], who),
             lambda who: app.plans.save(1, "越权改名", items, "2099-12-31", "", "全体人员", [], [], who),
             lambda who: app.plans.assign(1, "指定科室和人员", [], ["clerk"], who),
             lambda who: app.plans.delete(1, True, who)]
    for who in (CLERK, SimpleNamespace(username=None), SimpleNamespace(username="ghost"), None):
        for call in calls:
            with pytest.raises(gr.Error):
                call(who)
    plans = app.c.study.plans()
    assert [(p.title, p.audience.everyone) for p in plans] == [("保密法清单", True)]


def test_admin_edits_assigns_and_deletes_with_confirmation(app):
    _title, items, _d = _form(app)
    app.plans.create("清单一", items, "2099-12-31", "", "全体人员", [], [], BOSS)
    loaded = app.plans.load_plan(1, BOSS)
    assert loaded[:3] == (1, "清单一", "2099-12-31") and loaded[4] == "全体人员"
    msg, rows, *_ = app.plans.save(1, "清单一（修订）", items[:1], "2099-06-30", "说明", "全体人员", [], [], BOSS)
    assert "已保存清单 1" in msg and rows[0][1:5] == ["清单一（修订）", 1, 81, "2099-06-30"]
    msg, rows, *_ = app.plans.assign(1, "指定科室和人员", [], ["other"], BOSS)
    assert "面向 1 人" in msg and rows[0][5] == "人员：other"
    with pytest.raises(gr.Error, match="确认删除"):
        app.plans.delete(1, False, BOSS)
    for bad, match in ((("", items, "2099-01-01"), "清单名称"), (("x", [], "2099-01-01"), "至少要有一项"),
                       (("x", items, "明年"), "完成期限格式不对"), (("x", ["网安法"], "2099-01-01"), "条目格式")):
        with pytest.raises(gr.Error, match=match):
            app.plans.create(*bad, "", "全体人员", [], [], BOSS)
    with pytest.raises(gr.Error, match="科室或人员"):
        app.plans.create("x", items, "2099-01-01", "", "指定科室和人员", [], [], BOSS)
    msg, rows, _missing, _pick, confirm = app.plans.delete(1, True, BOSS)
    assert "已删除清单 1" in msg and rows == [] and confirm is False
    assert [a.action for a in app.c.audit.recent()][:3] == ["plan.delete", "plan.assign", "plan.update"]


def test_the_heartbeat_handler_credits_time_only_when_the_page_reports_work(app):
    c, clock = app.c, app.c.study.clock
    clerk = c.auth.get_user("clerk")
    state = app.tab.load(CLERK)[app.tab.view.state]
    day = c.study.today_date()
    for flag in (False, None, "true", 1):  # idle, hidden, another tab shown, or a forged value
        clock.advance(seconds=30)
        assert app.tab.heartbeat(flag, state, CLERK) == gr.skip()
    assert c.study.seconds_by_day(clerk.id) == {}
    header = app.tab.heartbeat(True, state, CLERK)  # the first beat of the day starts the clock
    for _ in range(4):
        clock.advance(seconds=30)
        header = app.tab.heartbeat(True, state, CLERK)
    assert c.study.seconds_by_day(clerk.id) == {day: 120} and 'data-seconds="120"' in header
    clock.advance(minutes=20)  # the page lay idle: no beats; the next one credits at most two intervals
    app.tab.heartbeat(False, state, CLERK)
    assert c.study.seconds_by_day(clerk.id) == {day: 120}
    with pytest.raises(gr.Error):
        app.tab.heartbeat(True, state, SimpleNamespace(username=None))


def test_hostile_text_in_an_internal_rule_is_escaped_on_the_page(app, tmp_path):
    from assistant.library.ingestion_service import IngestOptions

    path = tmp_path / "办法.txt"
    path.write_text(HOSTILE_RULE, encoding="utf-8")
    outcome = app.c.ingestion.ingest_file(path, IngestOptions(doc_type="内部制度"))
    assert outcome.result == "added" and outcome.articles == 2, outcome
    doc = app.c.library.store.get_document(outcome.doc_id)
    app.plans.create("<script>alert('title')</script>制度", [f"law:{doc.title}"], "2099-12-31", "",
                     "全体人员", [], [], BOSS)
    v = app.tab.view
    page = app.tab.show(CLERK)
    shown = page[v.item] + page[v.plans]
    assert "<script" not in shown and "<img" not in shown and "onerror=alert(1)>" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in page[v.item] and "&lt;script&gt;alert(&#x27;title&#x27;)" in shown
    while (today := app.c.study.today(app.c.auth.get_user("clerk"))).current is not None:
        if today.current.questions:
            q = today.current.questions[today.current.answered]
            html = _answer(app, app.tab.show(CLERK), q)[v.feedback]
            assert "<script" not in _value(html) and "<img" not in _value(html)
        else:
            app.tab.finish_reading(CLERK)
    assert "<script" not in app.plans.list_plans(BOSS)[1] and "&lt;script&gt;" in app.tab.show(CLERK)[v.plans]
