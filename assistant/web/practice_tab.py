"""练习 / 模拟考试: pick scope, types, count and mode; answer in the browser.

Practice: one question at a time, immediate feedback with the article (click it to read the
law). Exam: a timed paper (countdown in the page, deadline enforced on the server), answers
saved as you go, no feedback until 交卷; the result shows score, review and the misses that
went into the 错题本.

Per-user state is one small dict in gr.State ({kind, id, pos, shown_at}); the session itself
is reloaded from the records database on every call and checked to belong to the caller.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import gradio as gr

from assistant.quiz.types import QTYPES, QuizScope
from assistant.web import render
from assistant.web.common import current_user, esc, paragraphs_html, ui_errors
from assistant.web.exam_page import (
    COUNTDOWN_JS,
    answer_widgets,
    article_item,
    clock_html,
    question_html,
    response_for,
    result_html,
    shown_response,
)
from knowledge.errors import XuefaError
from knowledge.limits import FIELD_CHARS, bounded

MODE_PRACTICE, MODE_EXAM = "练习（逐题反馈）", "模拟考试（计时，交卷后评分）"
SESSION_NAMES = {"practice": "练习", "review": "到期复习", "wrong": "错题重做", "exam": "模拟考试"}


@dataclass
class PracticeView:
    setup: gr.Group
    run: gr.Group
    clock: gr.HTML
    progress: gr.Markdown
    question: gr.HTML
    choice: gr.Radio
    choices: gr.CheckboxGroup
    blank: gr.Textbox
    submit: gr.Button
    skip: gr.Button
    feedback: gr.HTML
    next: gr.Button
    prev: gr.Button
    forward: gr.Button
    hand_in: gr.Button
    finish: gr.Button
    result: gr.HTML
    state: gr.State
    timer: gr.Timer
    extra: list = field(default_factory=list)

    @property
    def outputs(self) -> list:
        return [self.setup, self.run, self.clock, self.progress, self.question, self.choice, self.choices,
                self.blank, self.submit, self.skip, self.feedback, self.next, self.prev, self.forward,
                self.hand_in, self.finish, self.result, self.state, self.timer]


class PracticeTab:
    def __init__(self, quiz, learning, library, auth):
        self.quiz = quiz
        self.learning = learning
        self.library = library
        self.auth = auth
        self.view: PracticeView | None = None

    # ---- starting ------------------------------------------------------------------------------
    @ui_errors
    def start(self, mode: str, laws: list[str], chapters: str, types: list[str], n: float,
              minutes: float, since: str = "", request: gr.Request = None):
        user = current_user(self.auth, request)
        n = int(n or 10)
        if not 1 <= n <= 100:
            raise XuefaError("题量应在 1–100 之间。")
        scope = QuizScope(laws=list(laws or []),
                          chapters=[c for c in bounded(chapters or "", FIELD_CHARS, "章节")
                                    .replace("，", ",").split(",") if c.strip()],
                          changes_since=(since or "")[:10])
        exam = mode == MODE_EXAM
        questions = self.quiz.generate(scope, n, list(types or []) or None, exam=exam, shuffle=exam)
        if not questions:
            raise XuefaError("所选范围内没有生成出题目，请换一部法规或放宽题型。")
        if exam:
            minutes = float(minutes or 60)
            mock = self.learning.start_exam(user.name, questions, time_limit_minutes=minutes,
                                            config={"scope": scope.to_dict(), "types": list(types or [])})
            state = {"kind": "exam", "id": mock.exam_id, "pos": 0}
            return self._exam_view(mock, state, note=self._shortfall(len(questions), n))
        return self.begin_practice(user, questions, "practice", scope.to_dict(),
                                   note=self._shortfall(len(questions), n))

    @staticmethod
    def _shortfall(got: int, wanted: int) -> str:
        return f"所选范围内只生成了 {got} 道合格的题目。" if got < wanted else ""

    def begin_practice(self, user, questions, mode: str, scope: dict | None = None, note: str = ""):
        """Start a practice / review / wrong-book session and show its first question."""
        session = self.learning.start_practice(user.name, questions, mode=mode, scope=scope)
        state = {"kind": mode, "id": session.attempt_id, "pos": 0, "shown_at": time.time()}
        return self._practice_question(session, state, note=note)

    # ---- practice ------------------------------------------------------------------------------
    def _session(self, user, state):
        if not state or state.get("kind") not in ("practice", "review", "wrong"):
            raise XuefaError("没有进行中的练习，请先开始。")
        session = self.learning.resume_practice(int(state["id"]))
        if session.user.id != user.id:
            raise XuefaError("没有进行中的练习，请先开始。")
        return session

    @ui_errors
    def answer(self, state: dict, choice, choices, blank, request: gr.Request):
        user = current_user(self.auth, request)
        session = self._session(user, state)
        q = session.current
        if q is None:
            return self._practice_done(session, state)
        response = response_for(q.qtype, choice, choices, blank)
        if response is None:
            raise gr.Error("请先作答；不会的题可以点「不会，看答案」。")
        return self._feedback(session, state, response)

    @ui_errors
    def give_up(self, state: dict, request: gr.Request):
        user = current_user(self.auth, request)
        session = self._session(user, state)
        if session.current is None:
            return self._practice_done(session, state)
        return self._feedback(session, state, None)

    def _feedback(self, session, state, response):
        duration = int(max(0.0, time.time() - float(state.get("shown_at") or time.time())) * 1000)
        fb = session.answer(response, duration_ms=duration)
        q = fb.question
        head = ('<div class="xf-feedback xf-feedback-ok"><b>✓ 回答正确</b>' if fb.correct else
                '<div class="xf-feedback xf-feedback-bad"><b>✗ 回答错误</b>（已加入错题本）')
        body = (f'{head}<p>正确答案：<b>{esc(fb.answer_text)}</b>　你的答案：{esc(shown_response(q, response))}</p>'
                f'{paragraphs_html(fb.explanation)}</div>')
        item = self._article_item(q.article_id, q.law, q.article, fb.article_text)
        state = {**state, "pos": session.position}
        last = session.finished
        return {
            self.view.feedback: gr.HTML(body + render.cards([item]), visible=True),
            self.view.submit: gr.Button(visible=False), self.view.skip: gr.Button(visible=False),
            self.view.next: gr.Button(value="查看结果" if last else "下一题", visible=True),
            self.view.progress: self._progress_text(session, state, answered=True),
            self.view.choice: gr.Radio(interactive=False), self.view.choices: gr.CheckboxGroup(interactive=False),
            self.view.blank: gr.Textbox(interactive=False),
            self.view.state: state,
        }

    def _article_item(self, article_id: int, law: str, label: str, text: str) -> dict:
        return article_item(self.library, article_id, law, label, text)

    @ui_errors
    def next_question(self, state: dict, request: gr.Request):
        user = current_user(self.auth, request)
        session = self._session(user, state)
        if session.finished:
            return self._practice_done(session, state)
        return self._practice_question(session, {**state, "shown_at": time.time()})

    @ui_errors
    def finish(self, state: dict, request: gr.Request):
        user = current_user(self.auth, request)
        if state and state.get("kind") == "exam":
            return self.hand_in(state, None, None, None, request)
        session = self._session(user, state)
        return self._practice_done(session, state, early=True)

    def _progress_text(self, session, state, answered: bool = False) -> str:
        name = SESSION_NAMES.get(state.get("kind"), "练习")
        number = session.position if answered else session.position + 1
        return (f"**{name}**　第 {min(number, len(session.questions))} / {len(session.questions)} 题"
                f"　已答对 {session.correct} 题")

    def _practice_question(self, session, state, note: str = ""):
        q = session.current
        v = self.view
        updates = self._question_widgets(q, None, number=session.position + 1, total=len(session.questions))
        updates.update({
            v.setup: gr.Group(visible=False), v.run: gr.Group(visible=True),
            v.clock: gr.HTML("", visible=False),
            v.progress: self._progress_text(session, state) + (f"\n\n{note}" if note else ""),
            v.submit: gr.Button(visible=True), v.skip: gr.Button(visible=True),
            v.feedback: gr.HTML("", visible=False), v.next: gr.Button(visible=False),
            v.prev: gr.Button(visible=False), v.forward: gr.Button(visible=False),
            v.hand_in: gr.Button(visible=False), v.finish: gr.Button(value="结束练习", visible=True),
            v.result: gr.HTML("", visible=False), v.state: state, v.timer: gr.Timer(active=False),
        })
        return updates

    def _question_widgets(self, q, response, *, number: int, total: int) -> dict:
        v = self.view
        radio, boxes, text = answer_widgets(q, response)
        return {v.question: question_html(q, number, total), v.choice: radio, v.choices: boxes, v.blank: text}

    def _practice_done(self, session, state, early: bool = False):
        summary = session.finish() if early or not session.finished else session.summary
        wrong = summary.answered - summary.correct
        html = (f'<div class="xf-feedback"><div class="xf-score">{summary.correct} / {summary.answered}</div>'
                f'<p>{SESSION_NAMES.get(state.get("kind"), "练习")}结束：'
                f'共 {summary.total} 题，作答 {summary.answered} 题，'
                f'答对 {summary.correct} 题（正确率 {summary.accuracy:.0%}）。'
                + (f"答错的 {wrong} 题已加入错题本，可在「错题本与进度」中重做。" if wrong else "") + "</p></div>")
        return self._finished_view(html)

    def _finished_view(self, html: str) -> dict:
        v = self.view
        return {
            v.setup: gr.Group(visible=True), v.run: gr.Group(visible=False), v.clock: gr.HTML("", visible=False),
            v.result: gr.HTML(html, visible=True), v.state: {}, v.timer: gr.Timer(active=False),
        }

    # ---- exam ----------------------------------------------------------------------------------
    def _exam(self, user, state):
        if not state or state.get("kind") != "exam":
            raise XuefaError("没有进行中的考试。")
        mock = self.learning.resume_exam(int(state["id"]))  # submits by itself once time is over
        if mock.user.id != user.id:
            raise XuefaError("没有进行中的考试。")
        return mock

    def _exam_view(self, mock, state, note: str = ""):
        if mock.submitted:
            return self._exam_result(mock)
        v = self.view
        pos = max(0, min(int(state.get("pos", 0)), len(mock.questions) - 1))
        state = {**state, "pos": pos}
        q = mock.questions[pos]
        answered = len([p for p, r in mock.responses.items() if r not in (None, "", [])])
        updates = self._question_widgets(q, mock.responses.get(pos), number=pos + 1, total=len(mock.questions))
        updates.update({
            v.setup: gr.Group(visible=False), v.run: gr.Group(visible=True),
            v.clock: gr.HTML(clock_html(mock.deadline), visible=True),
            v.progress: (f"**模拟考试**　已作答 {answered} / {len(mock.questions)} 题　"
                         f"满分 {mock.exam.total_points:g}，{mock.exam.pass_mark:g} 分及格"
                         + (f"\n\n{note}" if note else "")),
            v.submit: gr.Button(visible=False), v.skip: gr.Button(visible=False),
            v.feedback: gr.HTML("", visible=False), v.next: gr.Button(visible=False),
            v.prev: gr.Button(visible=pos > 0), v.forward: gr.Button(visible=pos < len(mock.questions) - 1),
            v.hand_in: gr.Button(visible=True), v.finish: gr.Button(visible=False),
            v.result: gr.HTML("", visible=False), v.state: state, v.timer: gr.Timer(active=True),
        })
        return updates

    def _save(self, mock, state, choice, choices, blank) -> None:
        pos = int(state.get("pos", 0))
        if 0 <= pos < len(mock.questions) and not mock.submitted:
            response = response_for(mock.questions[pos].qtype, choice, choices, blank)
            if response is not None:
                mock.answer(pos, response)

    @ui_errors
    def move(self, state: dict, choice, choices, blank, step: int, request: gr.Request):
        user = current_user(self.auth, request)
        mock = self._exam(user, state)
        self._save(mock, state, choice, choices, blank)
        return self._exam_view(mock, {**state, "pos": int(state.get("pos", 0)) + step})

    @ui_errors
    def previous(self, state: dict, choice, choices, blank, request: gr.Request):
        return self.move(state, choice, choices, blank, -1, request)

    @ui_errors
    def forward(self, state: dict, choice, choices, blank, request: gr.Request):
        return self.move(state, choice, choices, blank, 1, request)

    @ui_errors
    def hand_in(self, state: dict, choice, choices, blank, request: gr.Request):
        user = current_user(self.auth, request)
        mock = self._exam(user, state)
        self._save(mock, state, choice, choices, blank)
        mock.submit()
        return self._exam_result(mock)

    @ui_errors
    def tick(self, state: dict, request: gr.Request):
        """Every few seconds during an exam: submits (server side) once the time is over."""
        user = current_user(self.auth, request)
        if not state or state.get("kind") != "exam":
            return {self.view.timer: gr.Timer(active=False)}
        mock = self._exam(user, state)
        if mock.submitted:
            return self._exam_result(mock)
        return {self.view.state: gr.skip()}  # an empty dict would read as no outputs at all

    def _exam_result(self, mock):
        return self._finished_view(result_html(mock.result or mock.submit()))

    # ---- layout ------------------------------------------------------------------------------
    @ui_errors
    def load(self, request: gr.Request):
        current_user(self.auth, request)
        return gr.Dropdown(choices=[d.title for d in self.library.documents()])

    def build(self) -> PracticeView:
        state = gr.State({})
        timer = gr.Timer(10, active=False)
        with gr.Group(visible=True) as setup:
            with gr.Row():
                mode = gr.Radio([MODE_PRACTICE, MODE_EXAM], value=MODE_PRACTICE, label="方式", elem_id="practice-mode")
                laws = gr.Dropdown(label="范围：法规（可多选，留空为全部）", multiselect=True, choices=[],
                                   allow_custom_value=True, elem_id="practice-laws")
            with gr.Row():
                chapters = gr.Textbox(label="章节（可选，如：第四章 或 法律责任）", elem_id="practice-chapters")
                since = gr.Textbox(label="新修订（可选）：只练该日以来修改或新增的条文，如 2020-01-01",
                                   value="", max_length=10, elem_id="practice-since")
            with gr.Row():
                types = gr.CheckboxGroup(list(QTYPES), value=list(QTYPES), label="题型", elem_id="practice-types")
            with gr.Row():
                count = gr.Slider(1, 100, value=10, step=1, label="题量", elem_id="practice-count")
                minutes = gr.Number(value=60, minimum=1, maximum=300, label="考试时长（分钟，仅模拟考试）",
                                    elem_id="practice-minutes")
            start = gr.Button("开始", variant="primary", elem_id="practice-start")
        result = gr.HTML(visible=False, elem_id="practice-result", js_on_load=render.CARD_CLICK_JS)
        with gr.Group(visible=False) as run:
            clock = gr.HTML(visible=False, elem_id="practice-clock", js_on_load=COUNTDOWN_JS)
            progress = gr.Markdown(elem_id="practice-progress")
            question = gr.HTML(elem_id="practice-question")
            choice = gr.Radio(choices=[], visible=False, elem_id="practice-choice")
            choices = gr.CheckboxGroup(choices=[], visible=False, elem_id="practice-choices")
            blank = gr.Textbox(visible=False, elem_id="practice-blank")
            with gr.Row():
                submit = gr.Button("提交答案", variant="primary", elem_id="practice-submit")
                skip = gr.Button("不会，看答案", elem_id="practice-skip")
                prev = gr.Button("上一题", visible=False, elem_id="practice-prev")
                fwd = gr.Button("下一题", visible=False, elem_id="practice-forward")
                hand_in = gr.Button("交卷", variant="primary", visible=False, elem_id="practice-hand-in")
            feedback = gr.HTML(visible=False, elem_id="practice-feedback", js_on_load=render.CARD_CLICK_JS)
            with gr.Row():
                nxt = gr.Button("下一题", variant="primary", visible=False, elem_id="practice-next")
                finish = gr.Button("结束练习", size="sm", elem_id="practice-finish")
        self.view = v = PracticeView(setup, run, clock, progress, question, choice, choices, blank, submit, skip,
                                     feedback, nxt, prev, fwd, hand_in, finish, result, state, timer)
        outs = v.outputs
        start.click(self.start, [mode, laws, chapters, types, count, minutes, since], outs, api_name="practice_start")
        submit.click(self.answer, [state, choice, choices, blank], outs, api_name="practice_answer")
        skip.click(self.give_up, [state], outs, api_name="practice_skip")
        nxt.click(self.next_question, [state], outs, api_name="practice_next")
        finish.click(self.finish, [state], outs, api_name="practice_finish")
        prev.click(self.previous, [state, choice, choices, blank], outs, api_name="exam_previous")
        fwd.click(self.forward, [state, choice, choices, blank], outs, api_name="exam_next")
        hand_in.click(self.hand_in, [state, choice, choices, blank], outs, api_name="exam_submit")
        timer.tick(self.tick, [state], outs, api_visibility="private", show_progress="hidden")
        self._laws = laws
        return v

    def link_cards(self, open_card, outputs) -> None:
        """Clicking the article in feedback or the exam review opens the law (in 法规库)."""
        self.view.feedback.select(open_card, None, outputs, api_visibility="undocumented")
        self.view.result.select(open_card, None, outputs, api_visibility="undocumented")

    def on_load(self, demo: gr.Blocks) -> None:
        demo.load(self.load, None, self._laws, api_visibility="undocumented")
