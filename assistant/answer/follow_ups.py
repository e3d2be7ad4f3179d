"""Follow-up questions made standalone before retrieval.

"那违反了怎么处罚？" after a question about 网络运营者收集个人信息 (answered from 网络安全法)
becomes "网络安全法 违反了怎么处罚 网络运营者 收集 个人信息". Without an LLM this is done by
rules: when the new question names no law and is short or elliptic (那/这/该…, …呢), the law and
the topic words of the previous turn are carried over. With an LLM the rewrite may be asked of
it (falling back to the rules on any failure).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from assistant.answer.terms import precise_terms, strip_punct
from assistant.answer.types import ChatTurn
from knowledge.legal.citations import CITED_ARTICLE_RE
from knowledge.legal.law_names import LawMentionFinder, short_name

log = logging.getLogger(__name__)

_ELLIPTIC_START = ("那么", "那如果", "那要是", "那", "这个", "这种", "这样", "这", "该", "此", "它", "其",
                   "上述", "还有", "另外", "如果", "要是", "假如", "然后", "再", "又", "同样", "以上")
_ELLIPTIC_ANY = ("这个", "那个", "这种", "那种", "这样", "该法", "此法", "本法", "这部法", "这条", "该条",
                 "上面", "刚才", "前面", "上述", "它", "他们", "其中", "这些", "那些")
_LEADING_FILLER = re.compile(r"^(?:那么|那如果|那要是|那|然后|还有|另外|再问一下|请问)[，,\s]*")
SHORT_CHARS = 12  # a question this short (punctuation removed) rarely stands alone
TOPIC_TERMS = 3

REWRITE_SYSTEM_PROMPT = (
    "你是法规问答系统的问题改写助手。根据对话历史，把用户的最新问题改写成一个不依赖上下文、"
    "可以单独检索的完整问题：补全省略的法律名称和主题。只输出改写后的问题本身，不要回答问题，"
    "不要解释。如果最新问题本身已经完整，原样输出。"
)


def normalize_history(history: Iterable[Any] | None) -> list[ChatTurn]:
    """Accepts ChatTurn objects, dicts {question, answer, laws, found}, OpenAI-style messages
    [{role: user|assistant, content}], (question, answer) pairs, or any object with a
    ``question`` attribute (and optionally answer, laws, found, standalone)."""
    turns: list[ChatTurn] = []
    pending: ChatTurn | None = None
    for item in history or []:
        if isinstance(item, dict) and "role" in item:
            pending = _add_message(turns, pending, item)
        else:
            turn = _turn_of(item)
            if turn is not None:
                turns.append(turn)
    if pending:
        turns.append(pending)
    return [t for t in turns if t.question.strip()]


def _add_message(turns: list[ChatTurn], pending: ChatTurn | None, message: dict) -> ChatTurn | None:
    """One OpenAI-style message: a user message opens a turn, the assistant's reply closes it."""
    role, content = message.get("role"), str(message.get("content") or "")
    if role == "user":
        if pending:
            turns.append(pending)
        return ChatTurn(question=content)
    if role == "assistant" and pending:
        pending.answer = content
        pending.laws = list(message.get("laws") or [])
        turns.append(pending)
        return None
    return pending


def _turn_of(item: Any) -> ChatTurn | None:
    if isinstance(item, ChatTurn):
        return item
    if isinstance(item, dict):
        return _turn_from(item.get)
    if isinstance(item, (tuple, list)) and item:
        return ChatTurn(question=str(item[0]), answer=str(item[1]) if len(item) > 1 else "")
    if isinstance(item, str):
        return ChatTurn(question=item)
    if hasattr(item, "question"):  # any turn-like record (e.g. a stored conversation turn)
        return _turn_from(lambda name, default=None: getattr(item, name, default))
    return None


def _turn_from(get: Callable[..., Any]) -> ChatTurn:
    return ChatTurn(question=str(get("question") or ""), answer=str(get("answer", "") or ""),
                    laws=list(get("laws", None) or []), standalone=str(get("standalone", "") or ""),
                    found=bool(get("found", True)))


@dataclass
class Rewrite:
    original: str
    standalone: str
    method: str = "none"  # none | rules | llm
    law: str | None = None  # full title carried over (or named in the question)
    topic: list[str] = field(default_factory=list)  # words carried over

    @property
    def changed(self) -> bool:
        return self.standalone != self.original


class QuestionRewriter:
    """Rule-based follow-up rewriting, optionally delegated to a LangChain chat model."""

    def __init__(self, finder: Callable[[], LawMentionFinder], llm=None):
        self._finder = finder
        self.llm = llm

    def is_follow_up(self, question: str, finder: LawMentionFinder | None = None) -> bool:
        q = question.strip()
        core = strip_punct(q)
        if not core:
            return False
        if q.startswith(_ELLIPTIC_START) or any(w in q for w in _ELLIPTIC_ANY):
            return True
        if core.endswith("呢") and len(core) <= 2 * SHORT_CHARS:
            return True
        if len(core) <= SHORT_CHARS:
            finder = finder or self._finder()
            own = [t for t in precise_terms(finder.strip(q)) if len(t) >= 2]
            return len(own) <= 1
        return False

    def rewrite(self, question: str, history: Iterable[Any] | None = None) -> Rewrite:
        turns = [t for t in normalize_history(history) if t.found]
        question = question.strip()
        if not turns:
            return Rewrite(question, question)
        finder = self._finder()
        named = finder.titles_in(question)
        if named and CITED_ARTICLE_RE.search(question):  # 《X》第N条: complete by itself
            return Rewrite(question, question, law=named[0])
        follow_up = self.is_follow_up(question, finder)
        if not follow_up:
            return Rewrite(question, question, law=named[0] if named else None)
        if self.llm is not None:
            rewritten = self._llm_rewrite(question, turns)
            if rewritten:
                return Rewrite(question, rewritten, method="llm", law=named[0] if named else None)
        return self._rules(question, turns, finder, named)

    # ---- rules ---------------------------------------------------------------------
    def _rules(self, question: str, turns: list[ChatTurn], finder: LawMentionFinder,
               named: list[str]) -> Rewrite:
        law = named[0] if named else self._previous_law(turns, finder)
        prev = turns[-1]
        prev_text = prev.standalone or prev.question
        prev_topic = precise_terms(finder.strip(prev_text))
        # a carried-over standalone question starts with the law's short name: not a topic word
        law_words = {short_name(t).lower() for t in finder.titles_in(prev_text)}
        own = set(precise_terms(question))
        topic = [t for t in prev_topic if t not in own and t not in law_words and not any(t in o for o in own)]
        topic = topic[:TOPIC_TERMS]
        body = _LEADING_FILLER.sub("", question).strip() or question
        parts = []
        if law and not named:
            parts.append(short_name(law))
        parts.append(body.rstrip("？?。"))
        parts.extend(topic)
        standalone = " ".join(p for p in parts if p)
        return Rewrite(question, standalone, method="rules", law=law, topic=topic)

    @staticmethod
    def _previous_law(turns: list[ChatTurn], finder: LawMentionFinder) -> str | None:
        for turn in reversed(turns):
            for text in (turn.standalone, turn.question):
                named = finder.titles_in(text or "")
                if named:
                    return named[0]
            if turn.laws:
                return turn.laws[0]
            named = finder.titles_in(turn.answer or "")
            if named:
                return named[0]
        return None

    # ---- LLM -----------------------------------------------------------------------
    def _llm_rewrite(self, question: str, turns: list[ChatTurn]) -> str | None:
        from langchain_core.messages import HumanMessage, SystemMessage

        lines = []
        for t in turns[-3:]:
            lines.append(f"用户：{t.question}")
            if t.answer:
                answer = t.answer if len(t.answer) <= 300 else t.answer[:300] + "……"
                lines.append(f"助手：{answer}")
        prompt = "对话历史：\n" + "\n".join(lines) + f"\n\n最新问题：{question}\n\n改写后的问题："
        try:
            msg = self.llm.invoke([SystemMessage(REWRITE_SYSTEM_PROMPT), HumanMessage(prompt)])
        except Exception as exc:  # noqa: BLE001 - any backend failure: fall back to the rules
            log.warning("LLM question rewrite failed, using rules: %s", exc)
            return None
        text = str(getattr(msg, "content", "") or "").strip().splitlines()
        text = text[0].strip().strip("“”\"'「」") if text else ""
        if not text or len(text) > 300:
            return None
        return text
