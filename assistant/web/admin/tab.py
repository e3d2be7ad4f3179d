"""The 管理 tab: its sections in page order, and what an admin sees on opening the app."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.web.admin.citations import CitationsSection
from assistant.web.admin.dashboard import DashboardSection
from assistant.web.admin.departments import DepartmentsSection
from assistant.web.admin.documents import DocumentsSection
from assistant.web.admin.exam_paper import ExamPaperSection
from assistant.web.admin.exams import ExamsSection
from assistant.web.admin.index_status import IndexStatusSection
from assistant.web.admin.plans import PlansSection
from assistant.web.admin.question_bank import QuestionBankSection
from assistant.web.admin.statutes import StatutesSection
from assistant.web.admin.uploads import UploadSection
from assistant.web.admin.users import UsersSection
from assistant.web.common import current_user, ui_errors


class AdminTab:
    """Settings values: ``uploads_dir`` keeps uploaded files, ``embed_in_background`` lets an
    import start the background embedding, ``llm_model`` is None when no LLM is configured."""

    def __init__(self, library, ingestion, questions, quiz, auth, depts, exams, dashboard, study, citations, *,
                 uploads_dir: Path, embed_in_background: bool, llm_model: str | None, tz):
        self.auth = auth
        self.status = IndexStatusSection(library, auth, llm_model=llm_model,
                                         embed_in_background=embed_in_background)
        self.uploads = UploadSection(ingestion, auth, self.status, uploads_dir=uploads_dir)
        self.documents = DocumentsSection(library, ingestion, auth)
        self.citations = CitationsSection(citations, auth)
        self.statutes = StatutesSection(ingestion, auth, self.status)
        self.question_bank = QuestionBankSection(questions, auth)
        self.paper = ExamPaperSection(quiz, library, auth)
        self.users = UsersSection(auth, depts)
        self.departments = DepartmentsSection(depts, auth)
        self.exams = ExamsSection(exams, depts, auth, tz)
        self.dashboard = DashboardSection(dashboard, auth)
        self.plans = PlansSection(study, library, depts, auth)
        self._plan_outputs: list = []

    def build(self, demo: gr.Blocks, timer: gr.Timer) -> list:
        """Build the tab; returns the components to refresh when an admin opens the app."""
        status = self.status.build(timer)
        self.uploads.build()
        docs = self.documents.build()
        self.citations.build()
        self.statutes.build()
        self.question_bank.build()
        laws = self.paper.build()
        users, user_dept = self.users.build()
        dept_table, dept_changes = self.departments.build()
        exam_pickers = self.exams.build()
        dashboard_dept = self.dashboard.build()
        self._plan_outputs = plan_outputs = self.plans.build()
        for event in dept_changes:  # a renamed or deleted department shows in the user table too
            event.then(self.users.refresh, None, [users, user_dept], api_visibility="private")
        return [status, users, docs, laws, dept_table, user_dept, *exam_pickers, dashboard_dept, *plan_outputs]

    # ---- what an admin sees on opening the app ----------------------------------------------
    def on_load(self, demo: gr.Blocks, outputs: list) -> None:
        demo.load(self.initial, None, outputs, api_visibility="private")

    @ui_errors
    def initial(self, request: gr.Request):
        """Admins: status, users, documents, departments, exams, the dashboard's filter. Anyone
        else: nothing (no data, no error toast)."""
        user = current_user(self.auth, request)
        if user.role != "admin":
            return (gr.skip(),) * (11 + len(self._plan_outputs))
        return (self.status.status_html(), self.users.list_users(request),
                self.documents.list_documents("", False, request), self.paper.law_choices(),
                self.departments.list_departments(request), self.users.department_choices(request),
                self.paper.law_choices(), *self.exams.choices(), self.dashboard.departments(request),
                *self.plans.initial())
