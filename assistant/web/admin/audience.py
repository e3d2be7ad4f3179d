"""Who something is for, as an admin picks it (管理 › 考试, 管理 › 学法清单): everyone, or
departments and named people. One picker, read into one ``Audience``."""
from __future__ import annotations

import gradio as gr

from assistant.accounts.audience import Audience
from knowledge.errors import XuefaError

EVERYONE, CHOSEN = "全体人员", "指定科室和人员"


class AudiencePicker:
    def __init__(self, depts, auth):
        self.depts = depts
        self.auth = auth

    def build(self, prefix: str, label: str = "参加人员") -> tuple[gr.Radio, gr.Dropdown, gr.Dropdown]:
        """The radio (全体 / 指定) and the department and people pickers, in one row;
        elem_ids ``{prefix}-who``, ``{prefix}-depts``, ``{prefix}-users``."""
        with gr.Row():
            who = gr.Radio([EVERYONE, CHOSEN], value=CHOSEN, label=label, elem_id=f"{prefix}-who")
            depts = gr.Dropdown(label="科室（可多选）", multiselect=True, choices=[], elem_id=f"{prefix}-depts")
            users = gr.Dropdown(label="人员（可多选）", multiselect=True, choices=[], elem_id=f"{prefix}-users")
        return who, depts, users

    def audience(self, who: str, dept_names: list[str], user_names: list[str]) -> Audience:
        """The picker's values as an Audience; XuefaError when nobody is chosen."""
        if who == EVERYONE:
            return Audience(everyone=True)
        by_name = {d.name: d.id for d in self.depts.list()}
        audience = Audience(department_ids=[by_name[n] for n in dept_names or [] if n in by_name],
                            user_ids=[self.auth.get_user(n).id for n in user_names or []])
        if audience.empty:
            raise XuefaError("请选择科室或人员（或选「全体人员」）。")
        return audience

    def values(self, audience: Audience) -> tuple[str, list[str], list[str]]:
        """What the picker shows for ``audience`` (loading a saved one into a form)."""
        if audience.everyone:
            return EVERYONE, [], []
        names = {d.id: d.name for d in self.depts.list()}
        people = {u.id: u.name for u in self.auth.list_users()}
        return (CHOSEN, [names[i] for i in audience.department_ids if i in names],
                [people[i] for i in audience.user_ids if i in people])

    def describe(self, audience: Audience) -> str:
        """全体人员, or 科室：… 人员：… (a table cell)."""
        who, depts, users = self.values(audience)
        if who == EVERYONE:
            return EVERYONE
        parts = ([f"科室：{'、'.join(depts)}"] if depts else []) + ([f"人员：{'、'.join(users)}"] if users else [])
        return "；".join(parts) or "（无人）"

    def choices(self) -> tuple[gr.Dropdown, gr.Dropdown]:
        """Departments and users for the two pickers."""
        return gr.Dropdown(choices=[d.name for d in self.depts.list()]), \
            gr.Dropdown(choices=[u.name for u in self.auth.list_users()])
