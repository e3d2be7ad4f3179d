"""今日学习: the staff member's short daily session (每日一学) and their study lists.

The session lives in the study service (built once a day, resumable): the page shows its
current article verbatim with the key point marked, then the article's questions one at a
time with feedback. "先学到这里" just leaves; opening the tab again resumes where it stopped.
Below, each assigned study list (学法清单) with completion per item and the date the person is
on track to finish.

Active time: the page sends a heartbeat every ``heartbeat_seconds`` — a ``gr.Timer`` whose
``js`` preprocessor reports whether the person touched the page (keys, pointer, scroll, touch)
in the last interval, the page is visible, and this tab is the one shown. The server credits
time only for beats that say so (``StudyService.heartbeat``); an idle page counts nothing.

gr.State holds only what the page shows ({qid, shown_at, goal, done, total}); every call reads
the session from the service, which refuses sessions that are not the caller's.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import gradio as gr

from assistant.web import render
from assistant.web.common import current_user, esc, notice, paragraphs_html, ui_errors
from assistant.web.exam_page import answer_widgets, question_html, response_for, shown_response
from knowledge.errors import XuefaError

MAX_ANSWER_CHARS = 200
SOURCE_CLASS = {"review": "warn", "new": "info", "wrong": "bad"}

# Marks the moment of the person's last input; installed once per page (js_on_load of the header).
ACTIVITY_JS = """
if (!window.xfActivityListeners) {
  window.xfActivityListeners = true;
  const mark = () => { window.xfLastActive = Date.now(); };
  for (const ev of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll', 'touchstart']) {
    document.addEventListener(ev, mark, {capture: true, passive: true});
  }
}
"""


def heartbeat_js(seconds: int) -> str:
    """The timer's preprocessor: is the person working here now? (sent as the handler's input)"""
    return f"""(active) => {{
  const page = document.getElementById('study-page');
  const shown = !!page && page.getClientRects().length > 0;
  const recent = Date.now() - (window.xfLastActive || 0) <= {int(seconds) * 1000};
  return [shown && recent && document.visibilityState === 'visible'];
}}"""


@dataclass
class StudyView:
    header: gr.HTML
    item: gr.HTML
    question: gr.HTML
    choice: gr.Radio
    choices: gr.CheckboxGroup
    blank: gr.Textbox
    submit: gr.Button
    read: gr.Button
    feedback: gr.HTML
    next: gr.Button
    stop: gr.Button
    more: gr.Button
    plans: gr.HTML
    state: gr.State

    @property
    def outputs(self) -> list:
        return [self.header, self.item, self.question, self.choice, self.choices, self.blank, self.submit,
                self.read, self.feedback, self.next, self.stop, self.more, self.plans, self.state]


# ---- HTML (pure functions of the service's values) ---------------------------------------------
def header_html(streak: int, seconds: int, goal_minutes: int, done: int, total: int) -> str:
    share = min(1.0, seconds / 60 / goal_minutes) if goal_minutes else 0.0
    reached = " ✓" if share >= 1 else ""
    return (f'<div class="xf-study-head" data-seconds="{int(seconds)}">'
            f'<div class="xf-stat"><b>{int(streak)} 天</b>连续学习</div>'
            f'<div class="xf-stat"><b>{int(seconds) // 60} / {int(goal_minutes)} 分钟{reached}</b>今日学习时长'
            f'<div class="xf-progressbar"><div style="width:{share:.0%}"></div></div></div>'
            f'<div class="xf-stat"><b>{int(done)} / {int(total)} 条</b>今日条文</div></div>')


def item_html(item, count: int) -> str:
    """The article as it stands in the store, its chapter, and the key point box."""
    badge = f'<span class="xf-badge xf-{SOURCE_CLASS.get(item.source, "info")}">{esc(item.source_name)}</span>'
    head = (f'<div class="xf-study-meta">{badge}<span class="xf-meta">第 {item.position + 1} / {count} 条</span></div>'
            f'<div class="xf-card-head">《{esc(item.law)}》{esc(item.label)}</div>'
            f'<div class="xf-path">{esc(item.chapter) or "无章节"}</div>')
    if not item.text:
        return f'<div class="xf-study-item">{head}{notice("这一条已不在知识库中。", "warn")}</div>'
    body = render.article_paragraphs(item.label, item.text, key_point=item.key_point,
                                     highlights=item.key_highlights)
    point = ""
    if item.key_point:
        kind = f"（{esc(item.key_kind)}）" if item.key_kind and item.key_kind != "要点" else ""
        point = (f'<div class="xf-keypoint"><b>要点{kind}：</b>'
                 f'{render.marked_text(item.key_point, item.key_highlights)}</div>')
    return f'<div class="xf-study-item">{head}<div class="xf-law"><div class="xf-art">{body}</div></div>{point}</div>'


def feedback_html(fb) -> str:
    head = ('<div class="xf-feedback xf-feedback-ok"><b>✓ 回答正确</b>' if fb.correct else
            '<div class="xf-feedback xf-feedback-bad"><b>✗ 回答错误</b>（已加入错题本，之后会再出现）')
    given = shown_response(fb.question, fb.response)
    return (f'{head}<p>正确答案：<b>{esc(fb.answer_text)}</b>　你的答案：{esc(given)}</p>'
            f'{paragraphs_html(fb.explanation)}</div>')


def _date(day, today) -> str:
    return f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"


def pace_html(p, today) -> str:
    """Where the person stands against the deadline, in words."""
    if p.done:
        return '<span class="xf-badge xf-ok">已全部学完</span>'
    if p.finish_by is None:
        return '<span class="xf-badge xf-warn">最近两周没有学习</span>'
    if p.on_track:
        return f'<span class="xf-badge xf-ok">按目前进度预计 {_date(p.finish_by, today)} 完成</span>'
    return f'<span class="xf-badge xf-bad">按目前进度无法按期完成（预计 {_date(p.finish_by, today)}）</span>'


def plans_html(plans, today) -> str:
    if not plans:
        return '<h3>我的学法清单</h3><div class="xf-empty">目前没有分配给你的学法清单。</div>'
    out = ["<h3>我的学法清单</h3>"]
    for p in plans:
        rows = "".join(f"<tr><td>{esc(i.item.name)}</td><td>{i.studied} / {i.total}</td><td>{i.mastered}</td>"
                       f'<td><div class="xf-progressbar"><div style="width:{i.share:.0%}"></div></div></td></tr>'
                       for i in p.items)
        out.append(
            f'<div class="xf-card xf-plan" data-plan-id="{int(p.plan_id)}">'
            f'<div class="xf-card-head">{esc(p.title)}</div>'
            f'<div class="xf-progressbar"><div style="width:{p.share:.0%}"></div></div>'
            f'<div class="xf-meta">已学 {p.studied} / {p.total} 条（{p.share:.0%}）· 已掌握 {p.mastered} 条 · '
            f'完成期限 {p.deadline.isoformat()}</div><div class="xf-pace">{pace_html(p, today)}</div>'
            f'<table class="xf-table"><thead><tr><th>条目</th><th>已学</th><th>掌握</th><th>进度</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")
    return "".join(out)


class StudyTab:
    def __init__(self, study, auth, *, heartbeat_seconds: int):
        self.study = study
        self.auth = auth
        self.heartbeat_seconds = heartbeat_seconds
        self.view: StudyView | None = None

    # ---- rendering ---------------------------------------------------------------------------
    def _header(self, user, state: dict) -> str:
        """The header between full page renders (answers, heartbeats): today's seconds are read
        again; the streak is the one the page last rendered (it changes at most once a day)."""
        today = self.study.today_date()
        seconds = self.study.seconds_by_day(user.id, since=today).get(today, 0)
        return header_html(int(state.get("streak") or 0), seconds, int(state.get("goal") or 0),
                           int(state.get("done") or 0), int(state.get("total") or 0))

    def _page(self, user, *, opened: bool, message: str = "") -> dict:
        """The session as it stands: the current article and its next question, or the end."""
        v, today = self.view, self.study.today(user)
        state = {"goal": today.goal_minutes, "done": today.position, "total": len(today.items),
                 "streak": today.streak, "shown_at": time.time(), "qid": ""}
        cur = today.current
        q = cur.questions[cur.answered] if cur is not None and cur.answered < len(cur.questions) else None
        if cur is not None and opened:
            self.study.open_item(user, today.session_id, cur.position)
        state["qid"] = q.id if q else ""
        radio, boxes, text = answer_widgets(q, None) if q else (gr.Radio(visible=False),
                                                                gr.CheckboxGroup(visible=False),
                                                                gr.Textbox(visible=False))
        return {
            v.header: header_html(today.streak, int(today.minutes_today * 60), today.goal_minutes, today.position,
                                  len(today.items)),
            v.item: (notice(message) if message else "") + self._item_or_end(today),
            v.question: gr.HTML(question_html(q, cur.answered + 1, len(cur.questions)) if q else "",
                                visible=q is not None),
            v.choice: radio, v.choices: boxes, v.blank: text,
            v.submit: gr.Button(visible=q is not None),
            v.read: gr.Button(visible=cur is not None and q is None),
            v.feedback: gr.HTML("", visible=False), v.next: gr.Button(visible=False),
            v.stop: gr.Button(visible=cur is not None),
            v.more: gr.Button(visible=cur is None and bool(today.items)),
            v.plans: plans_html(today.plans, today.day), v.state: state,
        }

    @staticmethod
    def _item_or_end(today) -> str:
        if today.current is not None:
            return item_html(today.current, len(today.items))
        if not today.items:
            return notice("今天没有要学的条文：没有分配给你的学法清单，也没有到期复习和错题。")
        return notice(f"今天的学习完成了：共 {len(today.items)} 条。想多学一点，可以点「再学一组」。", "ok")

    # ---- handlers ----------------------------------------------------------------------------
    @ui_errors
    def load(self, request: gr.Request):
        """On login: streak, goal and lists (the article counts as read only when the tab opens)."""
        return self._page(current_user(self.auth, request), opened=False)

    @ui_errors
    def show(self, request: gr.Request):
        """Opening the tab, 下一题 / 下一条 / 继续学习: the session where it stands."""
        return self._page(current_user(self.auth, request), opened=True)

    @ui_errors
    def answer(self, state: dict, choice, choices, blank, request: gr.Request):
        user = current_user(self.auth, request)
        if len(blank or "") > MAX_ANSWER_CHARS:
            raise XuefaError(f"答案最多 {MAX_ANSWER_CHARS} 个字。")
        session_id, cur = self.study.current(user)
        q = cur.questions[cur.answered] if cur is not None and cur.answered < len(cur.questions) else None
        if q is None or (state or {}).get("qid") != q.id:
            raise XuefaError("这道题已经答过了（可能在另一个页面）。请重新打开「今日学习」。")
        response = response_for(q.qtype, choice, choices, blank)
        if response is None:
            raise XuefaError("请先作答。")
        shown_at = float((state or {}).get("shown_at") or time.time())
        fb = self.study.answer(user, session_id, response,
                               duration_ms=int(max(0.0, time.time() - shown_at) * 1000))
        return self._after_answer(user, fb, state)

    def _after_answer(self, user, fb, state: dict) -> dict:
        v = self.view
        done = int(state.get("done") or 0) + (1 if fb.item_finished else 0)
        state = {**state, "qid": "", "done": done}
        label = "下一题" if not fb.item_finished else ("完成" if fb.session_finished else "下一条")
        return {
            v.header: self._header(user, state), v.feedback: gr.HTML(feedback_html(fb), visible=True),
            v.submit: gr.Button(visible=False), v.next: gr.Button(value=label, visible=True),
            v.choice: gr.Radio(interactive=False), v.choices: gr.CheckboxGroup(interactive=False),
            v.blank: gr.Textbox(interactive=False), v.state: state,
        }

    @ui_errors
    def finish_reading(self, request: gr.Request):
        user = current_user(self.auth, request)
        self.study.finish_reading(user, self.study.current(user)[0])
        return self._page(user, opened=True)

    @ui_errors
    def stop(self, state: dict, request: gr.Request):
        """先学到这里: nothing to save (every answer is stored as given); the page says so."""
        user = current_user(self.auth, request)
        v = self.view
        today = self.study.today(user)
        text = (f"先学到这里。已完成 {today.position} / {len(today.items)} 条，进度已保存；"
                "下次打开「今日学习」会从这一条继续。")
        return {v.item: notice(text, "ok"), v.question: gr.HTML(visible=False), v.choice: gr.Radio(visible=False),
                v.choices: gr.CheckboxGroup(visible=False), v.blank: gr.Textbox(visible=False),
                v.submit: gr.Button(visible=False), v.read: gr.Button(visible=False),
                v.feedback: gr.HTML(visible=False), v.stop: gr.Button(visible=False),
                v.next: gr.Button(value="继续学习", visible=True), v.header: self._header(user, state or {})}

    @ui_errors
    def more(self, request: gr.Request):
        user = current_user(self.auth, request)
        self.study.more(user)
        return self._page(user, opened=True)

    @ui_errors
    def heartbeat(self, active, state: dict, request: gr.Request):
        """A timer tick: ``active`` is the page's own report (input, visible, this tab shown)."""
        user = current_user(self.auth, request)
        if active is not True:
            return gr.skip()
        self.study.heartbeat(user)
        return self._header(user, state or {})

    # ---- layout ------------------------------------------------------------------------------
    def build(self) -> StudyView:
        state = gr.State({})
        with gr.Column(elem_id="study-page"):
            header = gr.HTML(elem_id="study-header", js_on_load=ACTIVITY_JS)
            item = gr.HTML(elem_id="study-item")
            question = gr.HTML(visible=False, elem_id="study-question")
            choice = gr.Radio(choices=[], visible=False, elem_id="study-choice")
            choices = gr.CheckboxGroup(choices=[], visible=False, elem_id="study-choices")
            blank = gr.Textbox(visible=False, elem_id="study-blank", max_length=MAX_ANSWER_CHARS)
            feedback = gr.HTML(visible=False, elem_id="study-feedback")
            with gr.Row(elem_classes=["xf-study-buttons"]):
                submit = gr.Button("提交答案", variant="primary", visible=False, elem_id="study-submit", min_width=90)
                read = gr.Button("已读完", variant="primary", visible=False, elem_id="study-read", min_width=90)
                nxt = gr.Button("下一条", variant="primary", visible=False, elem_id="study-next", min_width=90)
                more = gr.Button("再学一组", variant="primary", visible=False, elem_id="study-more", min_width=90)
                stop = gr.Button("先学到这里", visible=False, elem_id="study-stop", min_width=90)
            plans = gr.HTML(elem_id="study-plans")
            active = gr.Checkbox(visible=False, value=False)
            timer = gr.Timer(self.heartbeat_seconds)
        self.view = v = StudyView(header, item, question, choice, choices, blank, submit, read, feedback, nxt,
                                  stop, more, plans, state)
        outs = v.outputs
        submit.click(self.answer, [state, choice, choices, blank], outs, api_name="study_answer")
        read.click(self.finish_reading, None, outs, api_name="study_read")
        nxt.click(self.show, None, outs, api_name="study_today")
        stop.click(self.stop, [state], outs, api_name="study_stop")
        more.click(self.more, None, outs, api_name="study_more")
        timer.tick(self.heartbeat, [active, state], header, js=heartbeat_js(self.heartbeat_seconds),
                   api_name="study_heartbeat", show_progress="hidden")
        return v

    def select_on(self, tab: gr.Tab) -> None:
        """Opening the tab resumes the session where it stopped."""
        tab.select(self.show, None, self.view.outputs, api_visibility="undocumented")

    def on_load(self, demo: gr.Blocks) -> None:
        demo.load(self.load, None, self.view.outputs, api_visibility="undocumented")
