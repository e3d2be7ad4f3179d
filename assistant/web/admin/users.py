"""管理 › 用户与角色: create users, change roles (the last admin stays), reset passwords."""
from __future__ import annotations

import gradio as gr

from assistant.web.common import ROLE_NAMES, admin_user, ui_errors

USER_HEADERS = ["用户名", "角色"]


class UsersSection:
    def __init__(self, auth):
        self.auth = auth
        self.table: gr.Dataframe | None = None

    @ui_errors
    def list_users(self, request: gr.Request):
        admin_user(self.auth, request)
        return [[u.name, ROLE_NAMES.get(u.role, u.role)] for u in self.auth.list_users()]

    @ui_errors
    def add_user(self, name: str, role: str, password: str, request: gr.Request):
        admin_user(self.auth, request)
        user = self.auth.create_user((name or "").strip(), password or "", role=role)
        return f"已创建用户 {user.name}（{ROLE_NAMES.get(user.role, user.role)}）。", self.list_users(request), ""

    @ui_errors
    def set_role(self, name: str, role: str, request: gr.Request):
        me = admin_user(self.auth, request)
        user = self.auth.set_role((name or "").strip(), role, acting=me)
        return f"{user.name} 的角色已改为{ROLE_NAMES.get(user.role, user.role)}。", self.list_users(request)

    @ui_errors
    def reset_password(self, name: str, password: str, request: gr.Request):
        admin_user(self.auth, request)
        user = self.auth.set_password((name or "").strip(), password or "")
        return f"已重设 {user.name} 的密码。", ""

    def build(self) -> gr.Dataframe:
        with gr.Accordion("用户与角色", open=False):
            users = gr.Dataframe(headers=USER_HEADERS, interactive=False, label="用户", elem_id="admin-users")
            with gr.Row():
                uname = gr.Textbox(label="用户名")
                urole = gr.Radio([("工作人员", "staff"), ("管理员", "admin")], value="staff", label="角色")
                upass = gr.Textbox(label="密码（至少 8 位）", type="password")
            with gr.Row():
                add_btn = gr.Button("新建用户", variant="primary")
                role_btn = gr.Button("修改角色")
                pass_btn = gr.Button("重设密码")
            user_msg = gr.Markdown()
        add_btn.click(self.add_user, [uname, urole, upass], [user_msg, users, upass], api_name="admin_add_user")
        role_btn.click(self.set_role, [uname, urole], [user_msg, users], api_name="admin_set_role")
        pass_btn.click(self.reset_password, [uname, upass], [user_msg, upass], api_name="admin_reset_password")
        self.table = users
        return users
