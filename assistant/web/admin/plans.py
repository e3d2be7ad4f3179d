"""管理 › 学法清单 (admins only): the study lists — what each holds, by when, for whom — and a
form to create one (or start from the annual list), edit, re-assign or delete it.

Items are whole laws or internal rules, one chapter, or one article, chosen from the knowledge
base. A list whose items the knowledge base no longer holds shows them as a warning. Deadlines
are dates in the configured zone (XUEFA_TIMEZONE).
"""
from __future__ import annotations

import datetime as dt

import gradio as gr

from assistant.study.types import PlanItem, PlanSpec
from assistant.web.admin.audience import AudiencePicker
from assistant.web.common import admin_user, esc, ui_errors
from knowledge.errors import XuefaError

PLAN_HEADERS = ["编号", "清单", "条目", "条文", "完成期限", "面向", "创建人"]
MAX_ITEMS = 300


def _deadline(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise XuefaError(f"完成期限格式不对：{text}（例如 2026-12-31）") from None


def _items(values) -> list[PlanItem]:
    if len(values or []) > MAX_ITEMS:
        raise XuefaError(f"一个清单最多 {MAX_ITEMS} 项")
    return [PlanItem.parse(str(v)) for v in values or []]


def _items_box(items: list[PlanItem]) -> gr.Dropdown:
    specs = [(i.name, i.spec) for i in dict.fromkeys(items)]
    return gr.Dropdown(choices=specs, value=[s for _n, s in specs], allow_custom_value=True)


class PlansSection:
    def __init__(self, study, library, depts, auth):
        self.study = study
        self.library = library
        self.auth = auth
        self.people = AudiencePicker(depts, auth)
        self._form: list = []

    # ---- the list of lists -----------------------------------------------------------------
    def _rows(self) -> list[list]:
        return [[p.id, p.title, len(p.items), p.total, p.deadline.isoformat(), self.people.describe(p.audience),
                 p.created_by] for p in self.study.plans()]

    def _missing_html(self) -> str:
        warnings = [f'<div class="xf-notice xf-warn">⚠ 《{esc(p.title)}》中知识库已没有的条目：'
                    f'{esc("、".join(i.name for i in p.missing))}</div>' for p in self.study.plans() if p.missing]
        return "".join(warnings)

    def _picker(self, value=None) -> gr.Dropdown:
        choices = [(f"{p.id} · {p.title}", p.id) for p in self.study.plans()]
        return gr.Dropdown(choices=choices, value=value)

    def initial(self) -> tuple:
        """What an admin sees on opening the app: the lists, warnings, pickers and laws."""
        laws = gr.Dropdown(choices=[d.title for d in self.library.documents()])
        return (self._rows(), self._missing_html(), self._picker(), laws, *self.people.choices())

    @ui_errors
    def list_plans(self, request: gr.Request):
        admin_user(self.auth, request)
        return self.initial()

    # ---- the form --------------------------------------------------------------------------
    def _fill(self, spec: PlanSpec, plan_id=None) -> tuple:
        who, depts, users = self.people.values(spec.audience)
        return (plan_id, spec.title, spec.deadline.isoformat(), _items_box(spec.items), who, depts, users,
                spec.note)

    @ui_errors
    def starter(self, request: gr.Request):
        """从年度清单开始: the starting list (the report's laws the store holds, internal rules)."""
        admin_user(self.auth, request)
        spec = self.study.starter_spec()
        return (*self._fill(spec), f"已填入「{esc(spec.title)}」的起始内容（{len(spec.items)} 项），可修改后创建。")

    @ui_errors
    def blank(self, request: gr.Request):
        admin_user(self.auth, request)
        year = self.study.today_date().year
        spec = PlanSpec(title="", items=[], deadline=dt.date(year, 12, 31))
        return (*self._fill(spec), "")

    @ui_errors
    def load_plan(self, plan_id, request: gr.Request):
        admin_user(self.auth, request)
        plan = self.study.plan(self._id(plan_id))
        spec = PlanSpec(title=plan.title, items=plan.items, deadline=plan.deadline, audience=plan.audience,
                        note=plan.note)
        return (*self._fill(spec, plan.id), f"已载入清单 {plan.id}《{esc(plan.title)}》，修改后点「保存修改」。")

    @ui_errors
    def chapters(self, law: str, request: gr.Request):
        """The chosen law's chapters, for the chapter picker."""
        admin_user(self.auth, request)
        if not (law or "").strip():
            return gr.Dropdown(choices=[], value=None)
        doc = self.library.find(law)
        return gr.Dropdown(choices=self.library.chapters(doc.id), value=None)

    @ui_errors
    def add_item(self, items, law: str, chapter: str, label: str, request: gr.Request):
        admin_user(self.auth, request)
        if not (law or "").strip():
            raise XuefaError("请先选择法规或制度。")
        doc = self.library.find(law)
        if (label or "").strip():
            item = PlanItem("article", doc.title, label=self.library.article(doc.id, label.strip()).label)
        elif (chapter or "").strip():
            if chapter.strip() not in self.library.chapters(doc.id):
                raise XuefaError(f"《{doc.title}》没有这一章：{chapter}")
            item = PlanItem("chapter", doc.title, chapter=chapter.strip())
        else:
            item = PlanItem("law", doc.title)
        return _items_box([*_items(items), item]), ""

    def _id(self, plan_id) -> int:
        if plan_id in (None, ""):
            raise XuefaError("请先选择一个清单。")
        return int(plan_id)

    def _spec(self, title, items, deadline, note, who, depts, users) -> PlanSpec:
        return PlanSpec(title=title or "", items=_items(items), deadline=_deadline(deadline),
                        audience=self.people.audience(who, depts, users), note=note or "")

    def _summary(self, plan, verb: str) -> str:
        people = len(self.study.audience_ids(plan.audience))
        return (f"已{verb}清单 {plan.id}《{esc(plan.title)}》：{len(plan.items)} 项，{plan.total} 条条文，"
                f"完成期限 {plan.deadline.isoformat()}，面向 {people} 人。")

    def _after(self, plan, verb: str) -> tuple:
        return self._summary(plan, verb), self._rows(), self._missing_html(), self._picker(plan.id)

    # ---- changes ---------------------------------------------------------------------------
    @ui_errors
    def create(self, title, items, deadline, note, who, depts, users, request: gr.Request):
        me = admin_user(self.auth, request)
        plan = self.study.create_plan(self._spec(title, items, deadline, note, who, depts, users), me.name)
        return self._after(plan, "创建")

    @ui_errors
    def save(self, plan_id, title, items, deadline, note, who, depts, users, request: gr.Request):
        me = admin_user(self.auth, request)
        spec = self._spec(title, items, deadline, note, who, depts, users)
        return self._after(self.study.update_plan(self._id(plan_id), spec, me.name), "保存")

    @ui_errors
    def assign(self, plan_id, who, depts, users, request: gr.Request):
        me = admin_user(self.auth, request)
        plan = self.study.assign(self._id(plan_id), self.people.audience(who, depts, users), me.name)
        return self._after(plan, "重新指派")

    @ui_errors
    def delete(self, plan_id, confirm: bool, request: gr.Request):
        me = admin_user(self.auth, request)
        if not confirm:
            raise XuefaError("请勾选「确认删除」后再删除。")
        plan = self.study.delete_plan(self._id(plan_id), me.name)
        return (f"已删除清单 {plan.id}《{esc(plan.title)}》（学习记录保留）。", self._rows(), self._missing_html(),
                self._picker(), False)

    # ---- layout ----------------------------------------------------------------------------
    def build(self) -> list:
        """Returns the components :meth:`initial` fills when an admin opens the app."""
        with gr.Accordion("学法清单", open=False, elem_id="admin-plans"):
            table = gr.Dataframe(headers=PLAN_HEADERS, interactive=False, label="学法清单", elem_id="plan-list",
                                 wrap=True, column_widths=["7%", "25%", "7%", "8%", "13%", "28%", "12%"])
            missing = gr.HTML(elem_id="plan-missing")
            with gr.Row():
                pick = gr.Dropdown(label="选择清单（载入编辑、指派、删除）", choices=[], elem_id="plan-pick", scale=3)
                load = gr.Button("载入编辑", elem_id="plan-load", scale=1, min_width=90)
                refresh = gr.Button("刷新", size="sm", elem_id="plan-refresh", scale=0, min_width=70)
            gr.Markdown("#### 新建或编辑清单")
            with gr.Row():
                starter = gr.Button("从年度清单开始", variant="secondary", elem_id="plan-starter")
                blank = gr.Button("清空表单", size="sm", elem_id="plan-blank")
            with gr.Row():
                title = gr.Textbox(label="清单名称", elem_id="plan-title", scale=3, max_length=200)
                deadline = gr.Textbox(label="完成期限（YYYY-MM-DD）", elem_id="plan-deadline", scale=1, max_length=20)
            law, chapter, label, add = self._build_item_picker()
            items = gr.Dropdown(label="清单条目（点 × 移除）", multiselect=True, allow_custom_value=True, choices=[],
                                elem_id="plan-items")
            who, depts, users = self.people.build("plan", label="面向人员")
            note = gr.Textbox(label="说明（可选）", elem_id="plan-note", max_length=2000)
            with gr.Row():
                create = gr.Button("创建清单", variant="primary", elem_id="plan-create")
                save = gr.Button("保存修改", elem_id="plan-save")
                assign = gr.Button("只更新面向人员", elem_id="plan-assign")
            with gr.Row():
                confirm = gr.Checkbox(label="确认删除（学习记录保留）", elem_id="plan-delete-confirm")
                delete = gr.Button("删除清单", variant="stop", elem_id="plan-delete")
            msg = gr.Markdown(elem_id="plan-msg")
        listing = [table, missing, pick, law, depts, users]
        form = [pick, title, deadline, items, who, depts, users, note]
        fields = [title, items, deadline, note, who, depts, users]
        changed = [msg, table, missing, pick]
        refresh.click(self.list_plans, None, listing, api_name="admin_plans")
        starter.click(self.starter, None, [*form, msg], api_name="admin_plan_starter")
        blank.click(self.blank, None, [*form, msg], api_name=False)
        load.click(self.load_plan, [pick], [*form, msg], api_name="admin_plan_load")
        law.input(self.chapters, [law], chapter, api_name="admin_plan_chapters")
        add.click(self.add_item, [items, law, chapter, label], [items, label], api_name="admin_plan_add_item")
        create.click(self.create, fields, changed, api_name="admin_plan_create")
        save.click(self.save, [pick, *fields], changed, api_name="admin_plan_save")
        assign.click(self.assign, [pick, who, depts, users], changed, api_name="admin_plan_assign")
        delete.click(self.delete, [pick, confirm], [*changed, confirm], api_name="admin_plan_delete")
        return listing

    @staticmethod
    def _build_item_picker() -> tuple:
        with gr.Row(equal_height=True):
            law = gr.Dropdown(label="添加条目：法规或制度", choices=[], allow_custom_value=True, elem_id="plan-law",
                              scale=3)
            chapter = gr.Dropdown(label="章（可选）", choices=[], allow_custom_value=True, elem_id="plan-chapter",
                                  scale=2)
            label = gr.Textbox(label="条（可选，如 第二十一条）", elem_id="plan-article", scale=1, max_length=30)
            add = gr.Button("添加", elem_id="plan-add-item", scale=0, min_width=70)
        return law, chapter, label, add
