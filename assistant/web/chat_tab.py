"""问答: streaming chat over the knowledge base with inline [n] citations, a side panel of
citation cards (click one to read the whole law at that article), a scope selector, and the
user's past conversations (stored per user; a user only ever sees their own)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import gradio as gr

from assistant.answer.types import Answer
from assistant.search.types import SearchFilters
from assistant.web import render
from assistant.web.common import current_user, esc, ui_errors
from knowledge.legal.law_names import short_name
from knowledge.legal.numerals import NUMERAL_CHARS

SCOPE_ALL, SCOPE_LAWS, SCOPE_INTERNAL = "全部法规与制度", "指定法规", "仅内部制度"
EMPTY_CARDS = "提问后，回答所依据的条文会显示在这里；点击卡片可阅读整部法规。"
EXAMPLES = ["网络运营者收集个人信息要遵守什么规定？", "保密法对涉密载体有什么要求？",
            "单位拖欠工资三个月怎么办？"]
PLACEHOLDER = "<b>有什么法律问题？</b><br>例如：" + "；".join(esc(e) for e in EXAMPLES)
FLAG_KINDS_SHOWN = {"nonexistent", "misquote", "not_in_force", "bad_source", "unattributed_quote",
                    "uncited", "prompt_leak", "missing_article", "llm_error", "renumbered"}


@dataclass
class ChatView:
    chatbot: gr.Chatbot
    cards: gr.HTML
    conversations: gr.Radio
    laws: gr.Dropdown


def answer_items(answer: Answer) -> list[dict]:
    """Card items for an answer, numbered as the text cites them ([n] of LLM sources, else
    1..k in order: 依据 first, then 相关条文 / 参考)."""
    groups = [(answer.citations, "依据"), (answer.related, "相关"), (answer.suggestions, "参考")]
    items: list[dict] = []
    used = {c.source_index for c, _ in ((c, k) for cs, k in groups for c in cs) if c.source_index}
    next_n = 1
    for cits, kind in groups:
        for c in cits:
            item = render.citation_item(c, kind)
            if not c.source_index:
                while next_n in used:
                    next_n += 1
                item["number"] = next_n
                used.add(next_n)
            items.append(item)
    return items


def with_markers(text: str, items: list[dict]) -> str:
    """Add an inline [n] after the first mention of each cited article that lacks one."""
    for it in items:
        n = it.get("number")
        if not n or f"[{n}]" in text:
            continue
        for law in (it["law"], short_name(it["law"])):
            pattern = re.compile(re.escape(f"《{law}》{it['article']}") + rf"(?![之{NUMERAL_CHARS}])")
            m = pattern.search(text)
            if m:
                text = text[:m.end()] + f" [{n}]" + text[m.end():]
                break
    return text


def flag_notes(answer: Answer) -> str:
    notes = [f for f in answer.flags if f.kind in FLAG_KINDS_SHOWN]
    if not notes:
        return ""
    lines = []
    for f in notes:
        line = f"> {'ℹ' if f.kind == 'renumbered' else '⚠'} {f.message}"
        if f.kind == "misquote" and f.real_text:
            line += f"\n> 原文：{f.real_text}"
        lines.append(line)
    return "\n\n**核验提示**\n" + "\n".join(lines)


def final_text(answer: Answer, items: list[dict]) -> str:
    return with_markers(answer.text, items) + flag_notes(answer)


class ChatTab:
    def __init__(self, answerer, conversations, questions, library, auth, revisions=None):
        self.answerer = answerer
        self.revisions = revisions
        self.conversations = conversations
        self.questions = questions
        self.library = library
        self.auth = auth
        self.view: ChatView | None = None

    # ---- handlers ------------------------------------------------------------------------------
    @staticmethod
    def filters(scope: str, laws: list[str] | None) -> SearchFilters | None:
        if scope == SCOPE_INTERNAL:
            return SearchFilters(scope="internal")
        if scope == SCOPE_LAWS:
            if not laws:
                raise gr.Error("请选择要在哪些法规中查找，或把范围改为「全部」。")
            return SearchFilters(laws=list(laws))
        return None

    @ui_errors
    def send(self, question: str, history: list, conv_id: str, scope: str, laws: list[str],
             request: gr.Request):
        """Stream an answer. Yields (chatbot, cards, conv_id, conversations, textbox)."""
        user = current_user(self.auth, request)
        question = (question or "").strip()
        if not question:
            raise gr.Error("请输入问题。")
        filters = self.filters(scope, laws)
        conv = self.conversations.get(user.id, conv_id) if conv_id else None
        if conv is None:
            conv = self.conversations.create(user.id, title=question)
        turns = self.conversations.turns(user.id, conv.id)
        history = list(history or []) + [{"role": "user", "content": question},
                                         {"role": "assistant", "content": "正在检索条文……"}]
        keep = gr.skip()
        yield history, keep, conv.id, keep, ""
        text = ""
        answer: Answer | None = None
        for part in self.answerer.ask_stream(question, turns, filters):
            if isinstance(part, Answer):
                answer = part
                break
            text += part
            history[-1] = {"role": "assistant", "content": text}
            yield history, keep, conv.id, keep, ""
        assert answer is not None
        items = self._with_revisions(answer_items(answer))
        shown = final_text(answer, items)
        history[-1] = {"role": "assistant", "content": shown}
        self.conversations.add_exchange(user.id, conv.id, question, answer, shown, items)
        yield (history, render.cards(items, "没有找到可引用的条文。"), conv.id,
               self._conversation_choices(user.id, conv.id), "")

    def _with_revisions(self, items: list[dict]) -> list[dict]:
        """Each card says when its article last changed (本条 2025-10-28 修改；原第二十一条)."""
        if self.revisions is not None:
            for item in items:
                if item.get("article_id") is not None:
                    item["revision"] = self.revisions.article_note(int(item["article_id"])) or ""
        return items

    @ui_errors
    def new_conversation(self, request: gr.Request):
        user = current_user(self.auth, request)
        return [], render.cards([], EMPTY_CARDS), "", self._conversation_choices(user.id, None)

    @ui_errors
    def open_conversation(self, conv_id: str, request: gr.Request):
        user = current_user(self.auth, request)
        if not conv_id:
            return gr.skip(), gr.skip(), gr.skip()
        conv = self.conversations.get(user.id, conv_id)
        if conv is None:  # not this user's (or deleted): show nothing of it
            raise gr.Error("找不到这个对话。")
        messages = self.conversations.messages(user.id, conv.id)
        history = [{"role": m.role, "content": m.content} for m in messages]
        last = next((m for m in reversed(messages) if m.role == "assistant"), None)
        cards = render.cards(last.items if last else [], EMPTY_CARDS)
        return history, cards, conv.id

    @ui_errors
    def delete_conversation(self, conv_id: str, request: gr.Request):
        user = current_user(self.auth, request)
        if conv_id:
            self.conversations.delete(user.id, conv_id)
        return [], render.cards([], EMPTY_CARDS), "", self._conversation_choices(user.id, None)

    @ui_errors
    def load(self, request: gr.Request):
        """Per session: the user's conversations and the law titles for the scope picker."""
        user = current_user(self.auth, request)
        titles = [d.title for d in self.library.documents()]
        return self._conversation_choices(user.id, None), gr.Dropdown(choices=titles)

    @ui_errors
    def feedback_choices(self, conv_id: str, request: gr.Request):
        """After an answer: offer its cited articles for 「这条解答了我的问题」."""
        user = current_user(self.auth, request)
        messages = self.conversations.messages(user.id, conv_id) if conv_id else []
        last = next((m for m in reversed(messages) if m.role == "assistant"), None)
        choices = [(f"《{short_name(i['law'])}》{i['article']}", int(i["article_id"]))
                   for i in (last.items if last else []) if i.get("article_id") is not None]
        visible = bool(choices)
        return gr.Dropdown(choices=choices, value=None, visible=visible), gr.Button(visible=visible)

    @ui_errors
    def mark_helpful(self, conv_id: str, article_id, request: gr.Request):
        """Remember (last question, article) in the question bank: similar questions later
        find this article sooner (source "feedback"; admins see and delete such rows)."""
        user = current_user(self.auth, request)
        if not article_id:
            raise gr.Error("请先选择是哪一条解答了你的问题。")
        messages = self.conversations.messages(user.id, conv_id) if conv_id else []
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        last = next((m for m in reversed(messages) if m.role == "assistant"), None)
        cited = {int(i["article_id"]) for i in (last.items if last else []) if i.get("article_id") is not None}
        if not question or int(article_id) not in cited:
            raise gr.Error("只能标记最近一次回答所引用的条文。")
        q = self.questions.add_feedback(int(article_id), question, user=user.name)
        gr.Info(f"已记录：《{short_name(q.law)}》{q.article} 解答了这个问题。以后类似的问题会更快找到它。")
        return gr.Dropdown(value=None)

    def _conversation_choices(self, user_id: int, selected: str | None):
        convs = self.conversations.list(user_id, limit=50)
        choices = [(f"{c.title}（{c.updated_at[5:16].replace('T', ' ')}）", c.id) for c in convs]
        return gr.Radio(choices=choices, value=selected)

    # ---- layout ------------------------------------------------------------------------------
    def build(self) -> ChatView:
        conv_id = gr.State("")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=200, elem_id="chat-side"):
                new_btn = gr.Button("＋ 新对话", variant="secondary", elem_id="chat-new")
                conversations = gr.Radio(label="我的对话", choices=[], elem_id="chat-history")
                del_btn = gr.Button("删除当前对话", size="sm", variant="secondary")
            with gr.Column(scale=4, min_width=320):
                with gr.Row():
                    scope = gr.Radio([SCOPE_ALL, SCOPE_LAWS, SCOPE_INTERNAL], value=SCOPE_ALL,
                                     label="查找范围", elem_id="chat-scope", scale=2)
                    laws = gr.Dropdown(label="指定法规（可多选）", multiselect=True, choices=[],
                                       allow_custom_value=True, visible=False, elem_id="chat-laws", scale=2)
                chatbot = gr.Chatbot(label="问答", show_label=False, height=520, elem_id="chat-bot", buttons=["copy"],
                                     placeholder=PLACEHOLDER,
                                     feedback_options=None, layout="panel")
                with gr.Row():
                    box = gr.Textbox(show_label=False, placeholder="输入问题，回车发送", scale=5,
                                     elem_id="chat-input", max_lines=6)
                    send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="chat-send")
                with gr.Row():
                    helpful = gr.Dropdown(label="哪条依据解答了你的问题？（帮助以后更快找到）", choices=[],
                                          visible=False, elem_id="chat-helpful", scale=4,
                                          allow_custom_value=True)  # checked against the answer server-side
                    mark = gr.Button("👍 有用", visible=False, size="sm", scale=1, elem_id="chat-mark")
            with gr.Column(scale=3, min_width=280):
                cards = gr.HTML(render.cards([], EMPTY_CARDS), label="引用条文", show_label=True, container=True,
                                elem_id="chat-cards", js_on_load=render.CARD_CLICK_JS, max_height=700)

        scope.change(lambda s: gr.Dropdown(visible=s == SCOPE_LAWS), scope, laws, api_visibility="private",
                     queue=False)
        ask = dict(fn=self.send, inputs=[box, chatbot, conv_id, scope, laws],
                   outputs=[chatbot, cards, conv_id, conversations, box])
        offer = dict(fn=self.feedback_choices, inputs=conv_id, outputs=[helpful, mark], api_visibility="private")
        send.click(**ask, api_name="chat_send").then(**offer)
        box.submit(**ask, api_visibility="undocumented").then(**offer)
        mark.click(self.mark_helpful, [conv_id, helpful], helpful, api_name="chat_helpful")
        new_btn.click(self.new_conversation, None, [chatbot, cards, conv_id, conversations],
                      api_name="chat_new")
        conversations.input(self.open_conversation, conversations, [chatbot, cards, conv_id],
                            api_name="chat_open")
        del_btn.click(self.delete_conversation, conv_id, [chatbot, cards, conv_id, conversations],
                      api_name="chat_delete")
        self._load = dict(fn=self.load, inputs=None, outputs=[conversations, laws])
        self.view = ChatView(chatbot, cards, conversations, laws)
        return self.view

    def on_load(self, demo: gr.Blocks) -> None:
        demo.load(**self._load, api_visibility="undocumented")
