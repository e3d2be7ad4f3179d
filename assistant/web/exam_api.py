"""API-only endpoints for taking an assigned office exam (no UI): ``/office_exam_start``,
``/office_exam_answer``, ``/office_exam_submit`` (``/exam_submit`` is the practice tab's mock
exam hand-in, and gradio renames a clashing name silently). Scripts and load tests drive an exam through gradio's
queue with them, logged in as the person taking it; the key is never sent to the client.

Who is asking comes from the session (``current_user``), never from the arguments; the
exam service checks the assignment, the clock and that a question is on that person's paper.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import gradio as gr

from assistant.web.common import current_user, ui_errors

if TYPE_CHECKING:
    from assistant.accounts.auth_service import AuthService
    from assistant.exams.exam_service import ExamService


def _question(q) -> dict:
    return {"id": q.id, "qtype": q.qtype, "stem": q.stem, "options": list(q.options)}


class ExamApi:
    def __init__(self, exams: ExamService, auth: AuthService):
        self.exams = exams
        self.auth = auth

    def build(self) -> None:
        """Register the endpoints (call inside the app's ``gr.Blocks``)."""
        gr.api(ui_errors(self.exam_start), api_name="office_exam_start")
        gr.api(ui_errors(self.exam_answer), api_name="office_exam_answer")
        gr.api(ui_errors(self.exam_submit), api_name="office_exam_submit")

    def exam_start(self, exam_id: int, request: gr.Request) -> dict:
        """Start (or resume) my attempt of an assigned exam: its questions (no key), deadline, answers so far."""
        user = current_user(self.auth, request)
        mock = self.exams.start(user, int(exam_id))
        return {"exam_id": int(exam_id), "deadline": mock.deadline.isoformat(),
                "remaining_s": int(mock.remaining().total_seconds()),
                "questions": [_question(q) for q in mock.questions],
                "answers": {str(i): r for i, r in mock.responses.items()}}

    def exam_answer(self, exam_id: int, question_id: str, response: str | list[str], request: gr.Request) -> dict:
        """Save (or change) my answer to one question of my running attempt."""
        user = current_user(self.auth, request)
        self.exams.answer(user, int(exam_id), str(question_id), response)
        return {"saved": True, "question_id": str(question_id)}

    def exam_submit(self, exam_id: int, request: gr.Request) -> dict:
        """Hand in my running attempt; the score unless results wait for the close."""
        user = current_user(self.auth, request)
        result = self.exams.submit(user, int(exam_id))
        if result is None:
            return {"submitted": True, "score": None, "passed": None}
        return {"submitted": True, "score": result.score, "passed": result.passed, "correct": result.correct,
                "total": result.total, "total_points": result.total_points}
