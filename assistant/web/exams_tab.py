"""考试: the office exams assigned to the logged-in staff member, and taking one.

The list shows what is open, running and done; starting (or resuming) shows one question at a
time with a navigator. Every answer is saved on the server as it is given (on choosing, on
leaving the text box, on moving), so a reload or a second browser resumes the same attempt with
the same answers and the time left. The page's countdown is only a display: the deadline is the
server's, and a timer asks the server every few seconds whether the attempt has been submitted.

gr.State holds only {exam, pos}; the caller comes from the session and every call goes through
the exam service, which refuses people not assigned to the exam.
"""
from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.web import render
from assistant.web.common import current_user, esc, notice, ui_errors
from assistant.web.exam_page import (
    COUNTDOWN_JS,
    answer_widgets,
    article_item,
    clock_html,
    question_html,
    response_for,
    result_html,
)
from knowledge.errors import XuefaError

# a cancelled confirm throws, which stops the event before it reaches the server
CONFIRM_JS = """(...args) => {
  if (!confirm('确定交卷吗？交卷后不能再修改答案。')) throw new Error('交卷已取消');
  return args;
}"""
HIDDEN_NOTICE = "答卷已提交。成绩将于截止后公布。"
OPEN_STATUSES = ("进行中", "待参加")


@dataclass
class ExamsView:
    listing: gr.Group
    mine: gr.HTML
    pick: gr.Dropdown
    page: gr.Group
    clock: gr.HTML
    progress: gr.Markdown
    nav: gr.Radio
    question: gr.HTML
    choice: gr.Radio
    choices: gr.CheckboxGroup
    blank: gr.Textbox
    prev: gr.Button
    next: gr.Button
    result: gr.HTML
    state: gr.State
    timer: gr.Timer

    @property
    def outputs(self) -> list:
        return [self.listing, self.mine, self.pick, self.page, self.clock, self.progress, self.nav, self.question,
                self.choice, self.choices, self.blank, self.prev, self.next, self.result, self.state, self.timer]


class ExamsTab:
    def __init__(self, exams, library, auth, *, tz):
        self.exams = exams
        self.library = library
        self.auth = auth
        self.tz = tz
        self.view: ExamsView | None = None

    # ---- the list ------------------------------------------------------------------------------
    def _local(self, when) -> str:
        return when.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def _item_html(self, m) -> str:
        if m.status in OPEN_STATUSES:
            tail = f"已作答 {m.attempts_used} / {m.attempts_allowed} 次"
        elif m.score is not None:
            verdict = '<span class="xf-badge xf-ok">合格</span>' if m.passed else \
                '<span class="xf-badge xf-bad">未合格</span>'
            tail = f"<b>{m.score:g} 分</b>{verdict}"
        else:
            tail = "成绩将于截止后公布" if m.attempts_used else "未参加"
        return (f'<div class="xf-card xf-myexam"><div class="xf-card-head">{esc(m.title)}'
                f'<span class="xf-badge xf-info">{esc(m.status)}</span></div>'
                f'<div class="xf-meta">{self._local(m.opens_at)} 至 {self._local(m.closes_at)}　'
                f'时长 {m.minutes:g} 分钟　{m.questions} 题　满分 {m.total_points:g}，{m.pass_mark:g} 分合格</div>'
                f'<div>{tail}</div></div>')

    def _list_html(self, mine) -> str:
        todo = [m for m in mine if m.status in OPEN_STATUSES or m.status == "未开始"]
        done = [m for m in mine if m not in todo]
        parts = ["<h3>待参加 / 进行中</h3>",
                 "".join(self._item_html(m) for m in todo) or '<div class="xf-empty">暂无需要参加的考试。</div>']
        if done:
            parts += ["<h3>已完成</h3>", "".join(self._item_html(m) for m in done)]
        return '<div class="xf-cards">' + "".join(parts) + "</div>"

    def _list_view(self, user, message: str = "") -> dict:
        v = self.view
        mine = self.exams.my_exams(user)
        startable = [(f"{m.title}（{'继续作答' if m.status == '进行中' else '开始'}）", m.exam_id)
                     for m in mine if m.status in OPEN_STATUSES]
        return {v.listing: gr.Group(visible=True), v.page: gr.Group(visible=False),
                v.mine: (notice(message) if message else "") + self._list_html(mine),
                v.pick: gr.Dropdown(choices=startable, value=startable[0][1] if startable else None),
                v.result: gr.HTML(visible=False), v.state: {}, v.timer: gr.Timer(active=False)}

    @ui_errors
    def load(self, request: gr.Request):
        """On opening the page: a running attempt is shown at once (with the time left)."""
        user = current_user(self.auth, request)
        running = next((m for m in self.exams.my_exams(user) if m.status == "进行中"), None)
        if running is not None:
            return self._page(user, {"exam": running.exam_id, "pos": 0})
        return self._list_view(user)

    @ui_errors
    def start(self, exam_id, request: gr.Request):
        user = current_user(self.auth, request)
        if exam_id in (None, ""):
            raise XuefaError("请先选择一场考试。")
        self.exams.start(user, int(exam_id))
        return self._page(user, {"exam": int(exam_id), "pos": 0})

    # ---- the exam page -----------------------------------------------------------------------
    def _page(self, user, state: dict) -> dict:
        exam_id = int(state["exam"])
        mock = self.exams.current(user, exam_id)
        if mock is None:
            return self._finished(user, exam_id)
        v = self.view
        total = len(mock.questions)
        pos = max(0, min(int(state.get("pos", 0)), total - 1))
        q = mock.questions[pos]
        answered = {p for p, r in mock.responses.items() if r not in (None, "", [])}
        radio, boxes, text = answer_widgets(q, mock.responses.get(pos))
        nav = [(f"{i + 1}{' ✓' if i in answered else ''}", i) for i in range(total)]
        return {
            v.listing: gr.Group(visible=False), v.page: gr.Group(visible=True),
            v.clock: clock_html(mock.deadline),
            v.progress: (f"**{render.md_safe(mock.exam.config.get('title') or '考试')}**"
                         f"　已作答 {len(answered)} / {total} 题"
                         f"　满分 {mock.exam.total_points:g}，{mock.exam.pass_mark:g} 分合格"),
            v.nav: gr.Radio(choices=nav, value=pos), v.question: question_html(q, pos + 1, total),
            v.choice: radio, v.choices: boxes, v.blank: text,
            v.prev: gr.Button(interactive=pos > 0), v.next: gr.Button(interactive=pos < total - 1),
            v.result: gr.HTML(visible=False), v.state: {"exam": exam_id, "pos": pos},
            v.timer: gr.Timer(active=True),
        }

    def _finished(self, user, exam_id: int) -> dict:
        """After the attempt: the result and review, or the notice that results wait for the close."""
        v = self.view
        result = self.exams.review(user, exam_id)
        html = result_html(result, wrong_book=False, article=self._article) if result else notice(HIDDEN_NOTICE)
        updates = self._list_view(user)
        updates.update({v.result: gr.HTML(html, visible=True)})
        return updates

    def _article(self, q) -> dict:
        return article_item(self.library, q.article_id, q.law, q.article, q.quote)

    def _save(self, user, state: dict, choice, choices, blank) -> None:
        mock = self.exams.current(user, int(state["exam"]))
        pos = int(state.get("pos", 0))
        if mock is None or not 0 <= pos < len(mock.questions):
            return
        q = mock.questions[pos]
        response = response_for(q.qtype, choice, choices, blank)
        if response is not None and q.normalize_response(response) != mock.responses.get(pos):
            self.exams.answer(user, int(state["exam"]), q.id, response)

    def _checked(self, state) -> dict:
        if not state or state.get("exam") is None:
            raise XuefaError("没有进行中的考试。")
        return state

    @ui_errors
    def save(self, state: dict, choice, choices, blank, request: gr.Request):
        """An answer given (a choice made, the text box left): saved at once."""
        user = current_user(self.auth, request)
        state = self._checked(state)
        self._save(user, state, choice, choices, blank)
        return self._page(user, state)

    @ui_errors
    def move(self, state: dict, choice, choices, blank, step: int, request: gr.Request):
        user = current_user(self.auth, request)
        state = self._checked(state)
        self._save(user, state, choice, choices, blank)
        return self._page(user, {**state, "pos": int(state.get("pos", 0)) + step})

    @ui_errors
    def previous(self, state: dict, choice, choices, blank, request: gr.Request):
        return self.move(state, choice, choices, blank, -1, request)

    @ui_errors
    def forward(self, state: dict, choice, choices, blank, request: gr.Request):
        return self.move(state, choice, choices, blank, 1, request)


    @ui_errors
    def goto(self, state: dict, choice, choices, blank, target, request: gr.Request):
        user = current_user(self.auth, request)
        state = self._checked(state)
        self._save(user, state, choice, choices, blank)
        return self._page(user, {**state, "pos": int(target or 0)})

    @ui_errors
    def hand_in(self, state: dict, choice, choices, blank, request: gr.Request):
        user = current_user(self.auth, request)
        state = self._checked(state)
        self._save(user, state, choice, choices, blank)
        if self.exams.current(user, int(state["exam"])) is not None:
            self.exams.submit(user, int(state["exam"]))
        return self._finished(user, int(state["exam"]))

    @ui_errors
    def tick(self, state: dict, request: gr.Request):
        """Every few seconds on the exam page: once the server has submitted, show the result."""
        user = current_user(self.auth, request)
        if not state or state.get("exam") is None:
            return {self.view.timer: gr.Timer(active=False)}
        if self.exams.current(user, int(state["exam"])) is None:
            return self._finished(user, int(state["exam"]))
        return {self.view.state: gr.skip()}  # an empty dict would read as no outputs at all

    @ui_errors
    def back(self, request: gr.Request):
        return self._list_view(current_user(self.auth, request))

    # ---- layout ------------------------------------------------------------------------------
    def build(self) -> ExamsView:
        state, timer = gr.State({}), gr.Timer(5, active=False)
        result = gr.HTML(visible=False, elem_id="exam-result", js_on_load=render.CARD_CLICK_JS)
        with gr.Group(visible=True) as listing:
            mine = gr.HTML(elem_id="myexam-list")
            with gr.Row():
                pick = gr.Dropdown(label="选择考试", choices=[], allow_custom_value=True, elem_id="myexam-pick",
                                   scale=3)
                start = gr.Button("开始 / 继续作答", variant="primary", elem_id="myexam-start", scale=1)
            refresh = gr.Button("刷新", size="sm", elem_id="myexam-refresh")
        with gr.Group(visible=False) as page:
            clock = gr.HTML(elem_id="exam-clock", js_on_load=COUNTDOWN_JS)
            progress = gr.Markdown(elem_id="exam-progress")
            nav = gr.Radio(choices=[], label="题号（✓ 已作答）", elem_id="exam-nav", elem_classes=["xf-nav"])
            question = gr.HTML(elem_id="exam-question")
            choice = gr.Radio(choices=[], visible=False, elem_id="exam-choice")
            choices = gr.CheckboxGroup(choices=[], visible=False, elem_id="exam-choices")
            blank = gr.Textbox(visible=False, elem_id="exam-blank")
            with gr.Row(elem_classes=["xf-exam-buttons"]):
                prev = gr.Button("上一题", elem_id="exam-prev", min_width=80)
                nxt = gr.Button("下一题", elem_id="exam-next", min_width=80)
                hand_in = gr.Button("交卷", variant="primary", elem_id="exam-submit", min_width=80)
        self.view = v = ExamsView(listing, mine, pick, page, clock, progress, nav, question, choice, choices,
                                  blank, prev, nxt, result, state, timer)
        self._wire(v, start, refresh, hand_in)
        return v

    def _wire(self, v: ExamsView, start, refresh, hand_in) -> None:
        outs, given = v.outputs, [v.state, v.choice, v.choices, v.blank]
        start.click(self.start, [v.pick], outs, api_name="my_exam_start")
        refresh.click(self.back, None, outs, api_name="my_exams")
        for widget in (v.choice, v.choices):
            widget.input(self.save, given, outs, api_name=False, show_progress="hidden")
        v.blank.blur(self.save, given, outs, api_name=False, show_progress="hidden")
        v.prev.click(self.previous, given, outs, api_name=False)
        v.next.click(self.forward, given, outs, api_name=False)
        v.nav.input(self.goto, [*given, v.nav], outs, api_name=False, show_progress="hidden")
        hand_in.click(self.hand_in, given, outs, js=CONFIRM_JS, api_name="my_exam_submit")
        v.timer.tick(self.tick, [v.state], outs, api_visibility="private", show_progress="hidden")

    def link_cards(self, open_card, outputs) -> None:
        """The article under a reviewed question opens the law (in 法规库)."""
        self.view.result.select(open_card, None, outputs, api_visibility="undocumented")

    def on_load(self, demo: gr.Blocks) -> None:
        demo.load(self.load, None, self.view.outputs, api_visibility="undocumented")
