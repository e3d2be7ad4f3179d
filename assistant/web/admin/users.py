"""管理 › 用户与角色: create users, change roles (the last admin stays), reset passwords,
disable and enable accounts, and put users in departments (or back in 未分组). A new password,
a new role or disabling ends the user's open sessions."""
from __future__ import annotations

import gradio as gr

from assistant.accounts.auth_service import UNGROUPED
from assistant.web.common import ROLE_NAMES, admin_user, ui_errors
from assistant.web.render import md_safe

USER_HEADERS = ["用户名", "角色", "科室"]


def _role_label(user) -> str:
    return ROLE_NAMES.get(user.role, user.role) + ("（已停用）" if user.disabled else "")


class UsersSection:
    def __init__(self, auth, depts):
        self.auth = auth
        self.depts = depts
        self.table: gr.Dataframe | None = None
        self.dept_choice: gr.Dropdown | None = None

    @ui_errors
    def list_users(self, request: gr.Request):
        admin_user(self.auth, request)
        return [[u.name, _role_label(u), u.department_label] for u in self.auth.list_users()]

    @ui_errors
    def department_choices(self, request: gr.Request) -> gr.Dropdown:
        """The department dropdown with the departments as they are now (they change in another section)."""
        admin_user(self.auth, request)
        return gr.Dropdown(choices=[UNGROUPED, *(d.name for d in self.depts.list())])

    @ui_errors
    def refresh(self, request: gr.Request):
        """The table and the department dropdown, after departments were added, renamed or deleted."""
        return self.list_users(request), self.department_choices(request)

    @ui_errors
    def add_user(self, name: str, role: str, password: str, request: gr.Request):
        me = admin_user(self.auth, request)
        user = self.auth.create_user((name or "").strip(), password or "", role=role, actor=me.name)
        return (f"已创建用户 {md_safe(user.name)}（{ROLE_NAMES.get(user.role, user.role)}）。",
                self.list_users(request), "")

    @ui_errors
    def set_role(self, name: str, role: str, request: gr.Request):
        me = admin_user(self.auth, request)
        user = self.auth.set_role((name or "").strip(), role, acting=me)
        return f"{md_safe(user.name)} 的角色已改为{ROLE_NAMES.get(user.role, user.role)}。", self.list_users(request)

    @ui_errors
    def set_department(self, name: str, department: str, request: gr.Request):
        me = admin_user(self.auth, request)
        change = self.depts.set_department((name or "").strip(), department, actor=me.name)
        shown = md_safe(change.department or UNGROUPED)
        who = md_safe(change.user)
        msg = f"{who} 的科室已改为 {shown}。" if change.changed else f"{who} 已在 {shown}。"
        return msg, self.list_users(request)

    @ui_errors
    def reset_password(self, name: str, password: str, request: gr.Request):
        me = admin_user(self.auth, request)
        user = self.auth.set_password((name or "").strip(), password or "", actor=me.name)
        return f"已重设 {md_safe(user.name)} 的密码（其已登录的页面需重新登录）。", ""

    @ui_errors
    def disable_user(self, name: str, request: gr.Request):
        me = admin_user(self.auth, request)
        user = self.auth.disable((name or "").strip(), actor=me.name)
        return f"已停用 {md_safe(user.name)}：不能再登录，已打开的页面随即失效。", self.list_users(request)

    @ui_errors
    def enable_user(self, name: str, request: gr.Request):
        me = admin_user(self.auth, request)
        user = self.auth.enable((name or "").strip(), actor=me.name)
        return f"已启用 {md_safe(user.name)}。", self.list_users(request)

    def build(self) -> tuple[gr.Dataframe, gr.Dropdown]:
        """Returns the user table and the department dropdown (refreshed when departments change)."""
        with gr.Accordion("用户与角色", open=False):
            users = gr.Dataframe(headers=USER_HEADERS, interactive=False, label="用户", elem_id="admin-users")
            with gr.Row():
                uname = gr.Textbox(label="用户名", elem_id="user-name")
                urole = gr.Radio([("工作人员", "staff"), ("管理员", "admin")], value="staff", label="角色")
                upass = gr.Textbox(label="密码（至少 8 位）", type="password")
            with gr.Row():
                add_btn = gr.Button("新建用户", variant="primary")
                role_btn = gr.Button("修改角色")
                pass_btn = gr.Button("重设密码")
                disable_btn = gr.Button("停用账号", variant="stop", elem_id="user-disable")
                enable_btn = gr.Button("启用账号", elem_id="user-enable")
            with gr.Row():
                # custom values allowed: the server checks the department, and choices made
                # after the page loaded must not be refused by the component
                udept = gr.Dropdown([UNGROUPED], value=UNGROUPED, label="科室", allow_custom_value=True,
                                    elem_id="user-dept", scale=3)
                dept_btn = gr.Button("设置科室", elem_id="user-dept-set", scale=1)
            user_msg = gr.Markdown(elem_id="user-msg")
        add_btn.click(self.add_user, [uname, urole, upass], [user_msg, users, upass], api_name="admin_add_user")
        role_btn.click(self.set_role, [uname, urole], [user_msg, users], api_name="admin_set_role")
        dept_btn.click(self.set_department, [uname, udept], [user_msg, users], api_name="admin_set_user_dept")
        pass_btn.click(self.reset_password, [uname, upass], [user_msg, upass], api_name="admin_reset_password")
        disable_btn.click(self.disable_user, [uname], [user_msg, users], api_name="admin_disable_user")
        enable_btn.click(self.enable_user, [uname], [user_msg, users], api_name="admin_enable_user")
        self.table, self.dept_choice = users, udept
        return users, udept
