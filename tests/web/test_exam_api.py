"""Taking an office exam through the API-only endpoints (/office_exam_start, /office_exam_answer,
/office_exam_submit) with gradio_client against the running app: refusals on the server, and
a 3-person run of the load benchmark's core (benchmarks/exam_load.py) checked against the records."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from gradio_client.exceptions import AppError

from web_harness import STAFF, running_app

ROOT = Path(__file__).resolve().parents[2]
DEPARTMENT = "接口考试组"


def _exam_load():
    spec = importlib.util.spec_from_file_location("exam_load", ROOT / "benchmarks" / "exam_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["exam_load"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _exam_load()


@pytest.fixture(scope="module")
def app():
    return running_app()


@pytest.fixture(scope="module")
def exam(app, bench):
    """Four people of one department and a 6-question exam for it."""
    people = bench.add_people(app.container, 4, prefix="apitaker", department=DEPARTMENT)
    exam_id = bench.create_exam(app.container, questions=6, minutes=30, department=DEPARTMENT, seed=7)
    return exam_id, people


def test_a_staff_member_not_assigned_is_refused(app, exam):
    exam_id, _ = exam
    c = app.client(STAFF)  # zhang: not in the department
    for api_name, args in (("/office_exam_start", (exam_id,)), ("/office_exam_answer", (exam_id, "x" * 16, "A")),
                           ("/office_exam_submit", (exam_id,))):
        with pytest.raises(AppError, match="没有被安排"):
            c.predict(*args, api_name=api_name)
    zhang = app.container.auth.get_user(STAFF[0])
    assert app.container.office_exams.sittings(exam_id, user_id=zhang.id) == []


def test_an_answer_to_a_question_not_on_the_paper_is_refused(app, exam):
    exam_id, people = exam
    name, password = people[0]
    c = app.client((name, password))
    paper = c.predict(exam_id, api_name="/office_exam_start")
    assert len(paper["questions"]) == 6
    assert all("answer" not in q and "explanation" not in q for q in paper["questions"])  # no key sent
    other = next(q.id for q in app.container.exams.paper(exam_id) if q.id not in {p["id"] for p in paper["questions"]})
    for qid in ("0" * 16, other):
        with pytest.raises(AppError, match="不在你的试卷上"):
            c.predict(exam_id, qid, "A", api_name="/office_exam_answer")
    first = paper["questions"][0]
    assert c.predict(exam_id, first["id"], "B", api_name="/office_exam_answer")["saved"] is True
    user = app.container.auth.get_user(name)
    sitting = app.container.office_exams.sittings(exam_id, user_id=user.id)[0]
    row = app.container.records.get_exam(sitting.exam_id)
    assert [a.position for a in app.container.records.answers_of(row.attempt_id)] == [0]
    result = c.predict(exam_id, api_name="/office_exam_submit")
    assert result["submitted"] is True and result["total"] == 6
    with pytest.raises(AppError, match="没有进行中的考试"):
        c.predict(exam_id, first["id"], "A", api_name="/office_exam_answer")


def test_the_load_benchmark_with_three_people(app, exam, bench):
    exam_id, people = exam
    figures = bench.run_load(app.container, app.url, exam_id, people[1:], seed=3, request_timeout=60, timeout=180)
    assert figures["ok"], bench.summary(figures)
    assert figures["people"] == figures["submitted"] == 3 and figures["errors"] == 0
    assert figures["sent"] == 3 * 6 + 1  # the first person changes one answer once
    assert figures["stored"] == figures["sent_distinct"] == 18
    assert figures["lost"] == figures["duplicates"] == figures["score_mismatch"] == 0
    assert figures["answer_p50_ms"] > 0 and figures["submit_p95_ms"] > 0
    assert "OK" in bench.summary(figures)
