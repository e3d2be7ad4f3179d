"""管理 › 科室: list departments with their member counts, add, rename and delete them (the
members of a deleted department go to 未分组). Users are put in departments in 用户与角色."""
from __future__ import annotations

import gradio as gr

from assistant.accounts.auth_service import UNGROUPED
from assistant.web.common import admin_user, ui_errors
from assistant.web.render import md_safe
from knowledge.errors import XuefaError

DEPT_HEADERS = ["科室", "人数"]


class DepartmentsSection:
    def __init__(self, depts, auth):
        self.depts = depts
        self.auth = auth
        self.table: gr.Dataframe | None = None

    @ui_errors
    def list_departments(self, request: gr.Request):
        admin_user(self.auth, request)
        rows = [[d.name, d.members] for d in self.depts.list()]
        return [*rows, [UNGROUPED, self.depts.ungrouped_count()]]

    @ui_errors
    def add_department(self, name: str, request: gr.Request):
        me = admin_user(self.auth, request)
        dept = self.depts.add(name, actor=me.name)
        return f"已新建科室 {md_safe(dept.name)}。", self.list_departments(request), ""

    @ui_errors
    def rename_department(self, old: str, new: str, request: gr.Request):
        me = admin_user(self.auth, request)
        dept = self.depts.rename(old, new, actor=me.name)
        return (f"科室 {md_safe((old or '').strip())} 已改名为 {md_safe(dept.name)}（{dept.members} 人）。",
                self.list_departments(request), dept.name, "")

    @ui_errors
    def choose_department(self, rows, evt: gr.SelectData, request: gr.Request) -> str:
        """A click on a row puts its department in the name box (未分组 is not one)."""
        admin_user(self.auth, request)
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        data = rows.values.tolist() if hasattr(rows, "values") else rows
        chosen = str(data[int(row)][0])
        return gr.skip() if chosen == UNGROUPED else chosen

    @ui_errors
    def delete_department(self, name: str, confirm: bool, request: gr.Request):
        me = admin_user(self.auth, request)
        if not confirm:
            raise XuefaError("请勾选「确认删除」后再删除。")
        moved = self.depts.delete(name, actor=me.name)
        return (f"已删除科室 {md_safe((name or '').strip())}，{moved} 名用户归入{UNGROUPED}。",
                self.list_departments(request), False)

    def build(self) -> tuple[gr.Dataframe, list]:
        """Returns the department table and the events after which users' departments may
        read differently (the caller refreshes the user section then)."""
        with gr.Accordion("科室", open=False):
            table = gr.Dataframe(headers=DEPT_HEADERS, interactive=False, label="科室与人数（点击一行以选择）",
                                 elem_id="dept-list")
            with gr.Row():
                name = gr.Textbox(label="科室名称", elem_id="dept-name", scale=3)
                add_btn = gr.Button("新建科室", variant="primary", elem_id="dept-add", scale=1)
            with gr.Row():
                new_name = gr.Textbox(label="新名称（改名用）", elem_id="dept-new-name", scale=3)
                rename_btn = gr.Button("改名", elem_id="dept-rename", scale=1)
            with gr.Row():
                confirm = gr.Checkbox(label="确认删除（成员归入未分组）", elem_id="dept-confirm")
                del_btn = gr.Button("删除科室", variant="stop", elem_id="dept-delete")
            list_btn = gr.Button("刷新", size="sm", elem_id="dept-refresh")
            msg = gr.Markdown(elem_id="dept-msg")
        list_btn.click(self.list_departments, None, table, api_name="admin_departments")
        table.select(self.choose_department, [table], name, api_visibility="undocumented")
        events = [
            add_btn.click(self.add_department, [name], [msg, table, name], api_name="admin_add_department"),
            rename_btn.click(self.rename_department, [name, new_name], [msg, table, name, new_name],
                             api_name="admin_rename_department"),
            del_btn.click(self.delete_department, [name, confirm], [msg, table, confirm],
                          api_name="admin_delete_department"),
        ]
        self.table = table
        return table, events
