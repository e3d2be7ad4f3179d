"""The study service over real records (SQLite and PostgreSQL) and three bundled laws: study
lists and who they are for, the daily session (build, answer, stop, resume), honest progress
(studied = read and answered; active time from heartbeats only), streak and finish date."""
from __future__ import annotations

import datetime as dt
import math
import threading

import pytest

from assistant.accounts.audience import Audience
from assistant.study.types import PlanItem
from knowledge.errors import PermissionDeniedError, XuefaError
from knowledge.store.audit import AuditLog
from quiz_fixtures import wrong_response
from study_fixtures import STUDY_T0, plan_spec


def test_a_plan_resolves_items_to_articles_and_is_logged(study_service, records):
    plan = study_service.create_plan(plan_spec(), actor="admin")
    assert [i.law for i in plan.items] == ["中华人民共和国网络安全法"] + ["中华人民共和国保守国家秘密法"] * 2
    chapter = plan.article_ids[plan.items[0]]
    assert len(chapter) == 15 and plan.total == 17 and not plan.missing
    texts = [study_service.builder.quiz.store.get_article(a) for a in chapter]
    assert all(a.path[0] == "第一章 总则" for a in texts) and texts[0].label == "第一条"
    log = AuditLog(records).recent(action="plan.create")
    assert log and log[0].actor == "admin" and log[0].detail["items"] == 3


@pytest.mark.parametrize("change, message", [
    ({"title": " "}, "清单名称"),
    ({"items": []}, "至少要有一项"),
    ({"items": [PlanItem("law", "不存在的法")]}, "知识库中没有"),
    ({"items": [PlanItem("article", "网络安全法", label="第九百条")]}, "知识库中没有"),
    ({"items": [PlanItem("chapter", "网络安全法", chapter="第九十章")]}, "知识库中没有"),
    ({"deadline": dt.date(2026, 3, 1)}, "已经过去"),
    ({"audience": Audience()}, "面向的人员"),
])
def test_a_bad_plan_is_refused_with_the_reason(study_service, change, message):
    with pytest.raises(XuefaError, match=message):
        study_service.create_plan(plan_spec(**change), actor="admin")
    assert study_service.plans() == []


def test_plans_reach_their_audience_only(study_service, study_office):
    _, users, ids = study_office
    dept_plan = study_service.create_plan(plan_spec(), actor="admin")
    named = study_service.create_plan(plan_spec(title="个人清单", audience=Audience(user_ids=[users["丁"].id])),
                                      actor="admin")
    assert [p.id for p in study_service.plans_for(users["甲"].id)] == [dept_plan.id]
    assert [p.id for p in study_service.plans_for(users["丁"].id)] == [named.id]
    assert study_service.plans_for(users["丙"].id) == []
    study_service.assign(dept_plan.id, Audience(department_ids=[ids["办公室"]]), actor="admin")
    assert [p.id for p in study_service.plans_for(users["丙"].id)] == [dept_plan.id]
    assert study_service.plans_for(users["甲"].id) == []
    study_service.delete_plan(named.id, actor="admin")
    assert study_service.plans_for(users["丁"].id) == []


def test_the_starter_list_names_the_reports_laws_that_the_store_holds(study_service):
    spec = study_service.starter_spec(2026)
    assert spec.title == "2026 年度学法清单" and spec.deadline == dt.date(2026, 12, 31)
    # the test store holds 网络安全法 and 保守国家秘密法 of the four, and no internal rule
    assert [i.law for i in spec.items] == ["中华人民共和国网络安全法", "中华人民共和国保守国家秘密法"]


def _answer_item(service, user, today, *, right=True):
    item = today.current
    service.open_item(user, today.session_id, item.position)
    feedback = None
    for q in item.questions:
        feedback = service.answer(user, today.session_id, q.answer if right else wrong_response(q))
    if not item.questions:
        service.finish_reading(user, today.session_id)
    return feedback


def test_a_daily_session_studies_the_list_in_order_and_resumes_where_it_stopped(study_service, study_office,
                                                                               study_clock):
    user = study_office[1]["甲"]
    plan = study_service.create_plan(plan_spec(), actor="admin")
    today = study_service.today(user)
    assert len(today.items) == 4 and {i.source for i in today.items} == {"new"}
    assert [i.article_id for i in today.items] == plan.ordered_articles()[:4]
    first = today.items[0]
    assert first.text == study_service.builder.quiz.store.get_article(first.article_id).text  # verbatim
    assert first.key_point and all(p in first.text for p in first.key_point.split("……"))
    assert 1 <= len(first.questions) <= 2 and all(q.article_id == first.article_id for q in first.questions)

    _answer_item(study_service, user, today)
    study_clock.advance(minutes=3)
    second = study_service.today(user)  # stopped half way: a reload returns the same session
    assert second.session_id == today.session_id and second.position == 1
    assert [i.article_id for i in second.items] == [i.article_id for i in today.items]
    studied = study_service.studied(user.id)
    assert list(studied) == [first.article_id]
    progress = study_service.progress(user.id)[0]
    assert progress.studied == 1 and progress.total == 17


def test_reading_without_answering_is_not_studied(study_service, study_office):
    user = study_office[1]["甲"]
    study_service.create_plan(plan_spec(), actor="admin")
    today = study_service.today(user)
    study_service.open_item(user, today.session_id, 0)
    assert study_service.studied(user.id) == {}
    with pytest.raises(XuefaError, match="先回答"):
        study_service.finish_reading(user, today.session_id)


def test_the_next_day_brings_due_reviews_first_and_missed_questions_back(study_service, study_office, study_clock):
    user = study_office[1]["甲"]
    study_service.create_plan(plan_spec(), actor="admin")
    today = study_service.today(user)
    missed = today.current
    _answer_item(study_service, user, today, right=False)
    while (today := study_service.today(user)).current is not None:
        _answer_item(study_service, user, today)
    assert today.finished and study_service.progress(user.id)[0].studied == 4
    study_clock.advance(days=1)
    tomorrow = study_service.today(user)
    assert tomorrow.session_id != today.session_id
    sources = [i.source for i in tomorrow.items]
    assert sources == sorted(sources, key=["review", "new", "wrong"].index)
    assert sources.count("new") >= 2  # places kept for the list, however many reviews are due
    assert missed.article_id in {i.article_id for i in tomorrow.items if i.source == "review"}
    new_ids = [i.article_id for i in tomorrow.items if i.source == "new"]
    assert not set(new_ids) & {i.article_id for i in today.items}


def test_more_after_finishing_adds_the_next_articles(study_service, study_office):
    user = study_office[1]["甲"]
    study_service.create_plan(plan_spec(), actor="admin")
    while (today := study_service.today(user)).current is not None:
        _answer_item(study_service, user, today)
    more = study_service.more(user)
    assert len(more.items) == 8 and more.position == 4 and more.current.source == "new"
    _answer_item(study_service, user, more)
    assert study_service.progress(user.id)[0].studied == 5


def test_someone_elses_session_is_refused(study_service, study_office):
    users = study_office[1]
    study_service.create_plan(plan_spec(), actor="admin")
    today = study_service.today(users["甲"])
    with pytest.raises(PermissionDeniedError):
        study_service.answer(users["乙"], today.session_id, "A")
    with pytest.raises(PermissionDeniedError):
        study_service.open_item(users["乙"], today.session_id, 0)


def test_two_tabs_opening_today_at_once_share_one_session(study_service, study_office):
    user = study_office[1]["乙"]
    study_service.create_plan(plan_spec(), actor="admin")
    ids, errors = [], []

    def open_today():
        try:
            ids.append(study_service.today(user).session_id)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_today) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(ids)) == 1


def test_active_time_counts_heartbeats_only_capped_and_once(study_service, study_office, study_clock):
    user = study_office[1]["甲"]
    assert study_service.heartbeat(user) == 0  # the first beat of the day starts the clock
    for _ in range(10):  # five minutes of work, a beat every 30 s
        study_clock.advance(seconds=30)
        assert study_service.heartbeat(user) == 30
        assert study_service.heartbeat(user) == 0  # a second tab at the same moment adds nothing
    study_clock.advance(hours=2)  # away from the desk: no beats, then one
    assert study_service.heartbeat(user) == 60  # capped at two intervals
    today = STUDY_T0.astimezone(study_service.tz).date()
    assert study_service.seconds_by_day(user.id) == {today: 360}


def test_streak_and_finish_date(study_service, study_office, study_clock):
    user = study_office[1]["甲"]
    study_service.create_plan(plan_spec(), actor="admin")
    for day in range(3):
        today = study_service.today(user)
        _answer_item(study_service, user, today)
        _answer_item(study_service, user, study_service.today(user))
        if day < 2:
            study_clock.advance(days=1)
    assert study_service.streak(user.id) == 3
    progress = study_service.progress(user.id)[0]
    n = progress.studied  # new articles (the later days began with due reviews)
    assert 2 <= n <= 6 and n == len(study_service.studied(user.id))
    # n articles in the last 14 days: the 17 − n left take ceil((17 − n) × 14 / n) days from today
    today = study_clock().astimezone(study_service.tz).date()
    assert progress.finish_by == today + dt.timedelta(days=math.ceil((17 - n) * 14 / n)) and progress.on_track
    study_clock.advance(days=2)
    assert study_service.streak(user.id) == 0


@pytest.mark.parametrize("item", [
    PlanItem("law", "网络安全法"), PlanItem("chapter", "网络安全法", chapter="第三章 网络运行安全"),
    PlanItem("article", "保守国家秘密法", label="第二十一条"),
    # an uploaded rule's title is anything: colons, markup, links
    PlanItem("law", '某局办法<img src=x onerror="a()">[点此](http://evil.example/t)'),
    PlanItem("article", "关于：某事的规定(http://x)", label="第三条"),
])
def test_a_plan_item_reads_back_what_it_writes(item):
    assert PlanItem.parse(item.spec) == item
