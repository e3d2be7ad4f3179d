"""Office exams end to end in the service: creating from a blueprint, who sees what, the
server's timer, refusals that store nothing, retakes, and the results the office reads."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from assistant.exams.papers import ShortPaperError, base_id
from assistant.exams.types import Audience, Blueprint
from assistant.quiz.quality import QualityChecker
from assistant.quiz.types import QuizScope
from exam_fixtures import T0, answer_all, spec
from knowledge.errors import PermissionDeniedError, XuefaError
from knowledge.store.audit import AuditLog


def test_a_paper_follows_its_blueprint_and_every_question_passes_the_checker(service, quiz_store):
    exam = service.create(spec(), "admin")
    paper = service.paper(exam.id)
    assert [q.qtype for q in paper] == ["单选"] * 4 + ["多选"] * 2 + ["判断"] * 4
    assert len({q.id for q in paper}) == len(paper) and exam.total_points == 100
    checker = QualityChecker(quiz_store)
    assert all(checker.check(q).passed for q in paper)
    assert AuditLog(service.records).recent(action="exam.create")[0].target == "2026 年度学法考试"


def test_a_scope_too_small_is_refused_with_the_numbers(service, quiz_service):
    article = quiz_service.resolve_scope(QuizScope(laws=["劳动合同法"], chapters=["附则"]))[0][0]
    small = Blueprint(scope=QuizScope(article_ids=[article.id]), counts={"单选": 2, "判断": 40},
                      points={"单选": 5, "判断": 2})
    with pytest.raises(ShortPaperError, match=r"判断要 40 道，只生成了 \d+ 道") as refused:
        service.create(spec(blueprint=small, pass_mark=30), "admin")
    assert refused.value.got["单选"] == 2 and refused.value.got["判断"] < 40
    assert service.list_exams() == []


def test_only_the_assigned_see_and_take_it(service, users):
    exam = service.create(spec(), "admin")
    assert [e.title for e in service.my_exams(users["甲"])] == ["2026 年度学法考试"]
    assert service.my_exams(users["丁"]) == [] and service.my_exams(users["戊"]) == []
    with pytest.raises(PermissionDeniedError):
        service.start(users["丁"], exam.id)
    mock = service.start(users["甲"], exam.id)
    with pytest.raises(PermissionDeniedError):
        service.answer(users["丁"], exam.id, mock.questions[0].id, "A")
    assert service.records.answers_of(mock.attempt_id) == []


def test_a_reload_resumes_the_same_attempt_with_less_time(service, users, clock):
    exam = service.create(spec(), "admin")
    first = service.start(users["甲"], exam.id)
    q = first.questions[0]
    service.answer(users["甲"], exam.id, q.id, q.answer)
    left = first.remaining()
    clock.advance(minutes=5)
    again = service.start(users["甲"], exam.id)  # a reload, or a second device
    assert again.exam_id == first.exam_id and [x.id for x in again.questions] == [x.id for x in first.questions]
    assert again.responses[0] == q.normalize_response(q.answer)
    assert again.remaining() == left - dt.timedelta(minutes=5)


def test_answers_after_the_time_or_off_the_paper_are_refused_and_not_stored(service, users, clock):
    exam = service.create(spec(), "admin")
    mock = service.start(users["甲"], exam.id)
    with pytest.raises(XuefaError, match="不在你的试卷上"):
        service.answer(users["甲"], exam.id, "0123456789abcdef", "A")
    clock.advance(minutes=31)
    with pytest.raises(XuefaError, match="没有进行中的考试"):
        service.answer(users["甲"], exam.id, mock.questions[0].id, mock.questions[0].answer)
    assert service.records.answers_of(mock.attempt_id) == []
    assert service.records.get_exam(mock.exam_id).auto_submitted


def test_the_deadline_is_capped_by_the_close(service, users, clock):
    exam = service.create(spec(closes_at=T0 + dt.timedelta(minutes=10)), "admin")
    mock = service.start(users["甲"], exam.id)
    assert mock.deadline == T0 + dt.timedelta(minutes=10)
    clock.advance(minutes=11)
    with pytest.raises(XuefaError, match="截止"):
        service.start(users["乙"], exam.id)


def test_closing_early_ends_running_attempts_with_what_was_answered(service, users, clock):
    exam = service.create(spec(), "admin")
    mock = answer_all(service, users["甲"], exam.id, right=3)
    clock.advance(minutes=2)
    service.close(exam.id, "admin")
    row = service.records.get_exam(mock.exam_id)
    assert row.submitted_at == clock.now and row.score == 30 and row.auto_submitted
    with pytest.raises(XuefaError, match="截止"):
        service.start(users["乙"], exam.id)
    assert AuditLog(service.records).recent(action="exam.close")[0].actor == "admin"


def test_the_server_submits_what_was_answered_when_time_runs_out(service, users, clock):
    exam = service.create(spec(), "admin")
    mock = answer_all(service, users["甲"], exam.id, right=10)
    clock.advance(minutes=30)
    assert service.submit_overdue() == 1 and service.submit_overdue() == 0
    row = service.records.get_exam(mock.exam_id)
    assert row.auto_submitted and row.score == 100 and row.submitted_at == mock.deadline


def test_per_person_papers_and_shuffled_options_are_recorded_and_grade_right(service, users, quiz_store):
    exam = service.create(spec(per_person=True), "admin")
    a, b = service.start(users["甲"], exam.id), service.start(users["乙"], exam.id)
    assert [q.id for q in a.questions] != [q.id for q in b.questions]
    checker = QualityChecker(quiz_store)
    for paper in (a.questions, b.questions):
        assert len({base_id(q) for q in paper}) == len(paper) and all(checker.check(q).passed for q in paper)
    sittings = service.exams.sittings(exam.id)
    assert all(s.seed is not None for s in sittings) and len({s.seed for s in sittings}) == 2
    for q in a.questions:
        service.answer(users["甲"], exam.id, q.id, q.answer)
    assert service.submit(users["甲"], exam.id).score == 100


def test_shuffled_options_keep_key_claims_and_explanation_together(service, quiz_store):
    from assistant.exams.papers import shuffle_options

    paper = service.paper(service.create(spec(), "admin").id)
    shuffled = shuffle_options(paper, seed=3)
    checker = QualityChecker(quiz_store)
    moved = [(p, s) for p, s in zip(paper, shuffled) if s.options != p.options]
    assert moved
    for before, after in moved:
        assert checker.check(after).passed and base_id(after) == before.id
        assert sorted(after.options[after.letters.index(x)] for x in after.answer) == \
            sorted(before.options[before.letters.index(x)] for x in before.answer)


def test_results_wait_for_the_close_when_set(service, users, clock):
    exam = service.create(spec(results_after_close=True), "admin")
    answer_all(service, users["甲"], exam.id, right=10)
    assert service.submit(users["甲"], exam.id) is None
    mine = service.my_exams(users["甲"])[0]
    assert mine.status == "已完成" and mine.score is None
    clock.advance(days=1)
    assert service.review(users["甲"], exam.id).score == 100
    assert service.my_exams(users["甲"])[0].score == 100


def test_a_retake_is_offered_only_to_who_failed(service, users):
    exam = service.create(spec(retake=True), "admin")
    answer_all(service, users["甲"], exam.id, right=10)
    service.submit(users["甲"], exam.id)
    answer_all(service, users["乙"], exam.id, right=0)
    service.submit(users["乙"], exam.id)
    assert service.my_exams(users["甲"])[0].can_start is False
    assert service.my_exams(users["乙"])[0].can_start is True
    with pytest.raises(XuefaError, match="用完"):
        service.start(users["甲"], exam.id)
    answer_all(service, users["乙"], exam.id, right=10)
    service.submit(users["乙"], exam.id)
    with pytest.raises(XuefaError, match="用完"):
        service.start(users["乙"], exam.id)


def test_two_devices_starting_at_once_get_one_attempt(service, users):
    exam = service.create(spec(), "admin")
    got = []
    threads = [threading.Thread(target=lambda: got.append(service.start(users["甲"], exam.id).exam_id))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and len(set(got)) == 1 and len(service.exams.sittings(exam.id)) == 1  # none refused


def test_the_office_report(service, users, clock):
    """Three assigned: one passes, one fails, one never starts; 丁 is not counted."""
    exam = service.create(spec(), "admin")
    answer_all(service, users["甲"], exam.id, right=10)
    service.submit(users["甲"], exam.id)
    answer_all(service, users["乙"], exam.id, right=2)
    service.submit(users["乙"], exam.id)
    report = service.report(exam.id)
    assert (report.assigned, report.started, report.submitted, report.passed) == (3, 2, 2, 1)
    assert report.participation == pytest.approx(2 / 3) and report.pass_rate == 0.5
    assert {p.name: p.status for p in report.people} == {"甲": "已交卷", "乙": "已交卷", "丙": "未参加"}
    [dept] = report.departments
    assert (dept.department, dept.assigned, dept.submitted, dept.passed) == ("综合科", 3, 2, 1)
    assert sum(n for _, n in report.score_bands()) == 2
    assert len(report.questions) == 10 and all(s.asked == 2 for s in report.questions)
    assert sum(a.missed for a in report.missed_articles) == 8
    practice = service.practice_from_misses(exam.id, "admin")
    assert practice.kind == "practice" and set(practice.blueprint["scope"]["article_ids"]) <= \
        {a.article_id for a in report.missed_articles}


def test_everyone_means_every_login(service, users):
    exam = service.create(spec(audience=Audience(everyone=True)), "admin")
    assert service.report(exam.id).assigned == 5
    assert service.my_exams(users["戊"])[0].exam_id == exam.id


@pytest.mark.parametrize("bad, message", [
    (dict(title=""), "名称"), (dict(minutes=0), "时长"), (dict(pass_mark=101), "及格"),
    (dict(closes_at=T0 - dt.timedelta(hours=1)), "截止"), (dict(audience=Audience()), "人员"),
    (dict(max_attempts=0), "次数"),
])
def test_bad_settings_are_refused(service, bad, message):
    with pytest.raises(XuefaError, match=message):
        service.create(spec(**bad), "admin")
