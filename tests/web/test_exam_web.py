"""管理 › 考试 and the staff 考试 tab through gradio_client as logged-in users: staff are refused
every admin exam endpoint, and a staff member not assigned to an exam cannot start it or save
an answer to it (the exam id from the client is checked by the service)."""
from __future__ import annotations

import datetime as dt

import pytest
from gradio_client.exceptions import AppError

from web_harness import ADMIN, STAFF, STAFF2, running_app


@pytest.fixture(scope="module")
def app():
    return running_app()


@pytest.fixture(scope="module")
def exam_id(app):
    """An open exam for li only (zhang is not assigned)."""
    from assistant.exams.types import Audience, Blueprint, ExamSpec
    from assistant.quiz.types import QuizScope

    c = app.container
    now = dt.datetime.now(dt.timezone.utc)
    spec = ExamSpec(title="网安法测验（接口）", blueprint=Blueprint(scope=QuizScope(laws=["网络安全法"]),
                                                              counts={"单选": 3, "判断": 2}),
                    audience=Audience(user_ids=[c.auth.get_user(STAFF2[0]).id]), opens_at=now - dt.timedelta(minutes=1),
                    closes_at=now + dt.timedelta(hours=2), minutes=30, pass_mark=6)
    return c.exams.create(spec, "admin").id


def test_staff_is_refused_every_admin_exam_endpoint(app, exam_id):
    staff = app.client(STAFF)
    calls = {
        "/admin_exam_create": ("越权考试", [], "", "", 60, 60, "2026-01-01 09:00", "2026-01-02 09:00", 1, False,
                               False, True, False, "全体人员", [], [], 20, 2, 10, 3, 15, 2, 0, 2),
        "/admin_exam_choices": (),
        "/admin_exam_results": (exam_id,),
        "/admin_exam_export_results": (exam_id,),
        "/admin_exam_export_paper": (exam_id,),
        "/admin_exam_practice": (exam_id,),
        "/admin_exam_close": (exam_id, True),
    }
    for api_name, args in calls.items():
        with pytest.raises(AppError, match="仅管理员"):
            staff.predict(*args, api_name=api_name)
    assert app.container.exams.get(exam_id).closes_at > dt.datetime.now(dt.timezone.utc), "still open"


def test_staff_not_assigned_cannot_start_or_answer(app, exam_id):
    c = app.container
    zhang, li = c.auth.get_user(STAFF[0]), c.auth.get_user(STAFF2[0])
    outsider = app.client(STAFF)
    with pytest.raises(AppError, match="没有被安排"):
        outsider.predict(exam_id, api_name="/my_exam_start")
    mock = c.exams.start(li, exam_id)  # li's paper: its question ids are real ones
    with pytest.raises(AppError, match="没有被安排"):
        outsider.predict(exam_id, mock.questions[0].id, "A", api_name="/office_exam_answer")
    assert c.exams.current(zhang, exam_id) is None
    assert all(m.exam_id != exam_id for m in c.exams.my_exams(zhang)), "not on the outsider's list"
    assert c.exams.current(li, exam_id).responses == {}, "nothing stored by the refused call"


def test_the_assigned_start_and_save_answers_and_the_admin_reads_results(app, exam_id):
    c = app.container
    li = c.auth.get_user(STAFF2[0])
    client = app.client(STAFF2)
    client.predict(exam_id, api_name="/my_exam_start")
    mock = c.exams.current(li, exam_id)
    q = mock.questions[0]
    key = ",".join(q.answer) if isinstance(q.answer, list) else q.answer
    assert client.predict(exam_id, q.id, key, api_name="/office_exam_answer")["saved"] is True
    assert c.exams.current(li, exam_id).responses[0] is not None
    admin = app.client(ADMIN)
    summary, *_ = admin.predict(exam_id, api_name="/admin_exam_results")
    assert "网安法测验（接口）" in summary and "应考" in summary
