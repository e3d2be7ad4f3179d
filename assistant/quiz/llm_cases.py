"""Scenario questions (案例题) written by an LLM, accepted only when the article supports them.

The chat model (any LangChain chat model, injected) is asked in Chinese for JSON; the reply
is parsed with a pydantic schema and every item is validated against the source article:

* the ``basis`` it quotes must be verbatim in the article;
* the key option's numbers must all occur in the article, and most of its words too;
* no distractor may be a verbatim sentence of the article (it would be right as well);
* four distinct options, one key among A–D; no duplicate of an existing stem;
* optionally, retrieval with the stem (within the article's law) must find the source
  article (``retrieve``; the container wires lexical search, top 10).

Rejected items are counted (with reasons) and asked for again, up to ``max_rounds``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from pydantic import BaseModel, Field, ValidationError

from assistant.quiz.text import (
    contains_verbatim,
    content_tokens,
    norm,
    numbers_in,
    similarity,
)
from assistant.quiz.types import LETTERS, Question
from knowledge.errors import BackendError
from knowledge.legal.documents import Article, Document
from knowledge.legal.law_names import short_name

GENERATOR_NAME = "llm_scenario"

SYSTEM_PROMPT = ("你是机关工作人员年度学法考试的命题专家。你只能依据用户给出的法律条文命题，不得引入条文以外的规定。"
                 "只输出一个 JSON 对象，不要输出任何其他文字。")

USER_PROMPT = """请依据下面这条法律条文，编写 {n} 道案例分析单项选择题。
要求：
1. 题干描述机关工作或日常生活中的一个具体情景（人物用“某单位工作人员小王”“某公司”等称呼），最后提出一个问题；
2. 每题 4 个选项，内容互不相同，只有 1 个正确答案；
3. 正确选项必须能由条文直接得出；涉及期限、金额、比例、机关等内容时必须与条文完全一致；
4. 错误选项要有迷惑性，但必须与条文的规定明显不符；
5. basis 字段逐字摘录条文中支撑正确答案的原句（必须与条文原文一字不差）；
6. explanation 用一两句话说明为什么选这个答案。
{avoid}
条文：《{title}》{label}
{text}

只输出如下格式的 JSON：
{{"questions": [{{"stem": "……", "options": ["……", "……", "……", "……"], "answer": "A", "basis": "……", "explanation": "……"}}]}}"""


class ScenarioItem(BaseModel):
    stem: str = Field(min_length=8)
    options: list[str] = Field(min_length=4, max_length=4)
    answer: str = Field(pattern=r"^\s*[A-Da-d]\s*$")
    basis: str = Field(min_length=1)
    explanation: str = ""


class ScenarioBatch(BaseModel):
    questions: list[ScenarioItem]


@dataclass
class ScenarioReport:
    """Accepted questions, and how many items were rejected (with the reasons)."""

    questions: list[Question] = field(default_factory=list)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    rounds: int = 0


_OPTION_PREFIX = re.compile(r"^\s*[A-Da-d][\.．、:：)）]\s*")


def parse_reply(text: str) -> ScenarioBatch:
    """The JSON object of a model reply (code fences and chatter around it tolerated).
    ValueError when there is none or it does not fit the schema."""
    cleaned = re.sub(r"```(?:json)?", "", text or "").strip()
    start, end = cleaned.find("{"), cleaned.rfind("}")
    list_start = cleaned.find("[")
    try:
        if list_start != -1 and (start == -1 or list_start < start):
            data = {"questions": json.loads(cleaned[list_start:cleaned.rfind("]") + 1])}
        elif start != -1 and end > start:
            data = json.loads(cleaned[start:end + 1])
        else:
            raise ValueError("no JSON object in the reply")
        if isinstance(data, dict) and "questions" not in data and "stem" in data:
            data = {"questions": [data]}
        return ScenarioBatch.model_validate(data)
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ValueError(str(exc)) from exc


class ScenarioGenerator:
    """Generates and validates LLM scenario questions for one article at a time."""

    name = GENERATOR_NAME

    def __init__(self, chat_model, *, max_rounds: int = 2, min_key_overlap: float = 0.5,
                 retrieve: Callable[[str, Document], Iterable[int]] | None = None):
        self.chat_model = chat_model
        self.max_rounds = max_rounds
        self.min_key_overlap = min_key_overlap
        # (stem, document) -> ids of the articles search finds for the stem within that
        # document: the source article must be among them (optional extra check)
        self.retrieve = retrieve

    def messages(self, article: Article, document: Document, n: int, avoid: list[str]) -> list:
        from langchain_core.messages import HumanMessage, SystemMessage

        avoid_text = ("不要与下列已有题目重复：\n" + "\n".join(f"- {s}" for s in avoid[-10:]) + "\n") if avoid else ""
        return [SystemMessage(content=SYSTEM_PROMPT),
                HumanMessage(content=USER_PROMPT.format(n=n, avoid=avoid_text, title=document.title,
                                                        label=article.label, text=article.text))]

    def generate(self, article: Article, document: Document, n: int = 1, *,
                 existing_stems: Iterable[str] = ()) -> ScenarioReport:
        """Up to ``n`` validated questions on ``article``; BackendError if the model fails."""
        report = ScenarioReport()
        stems = list(existing_stems)
        while len(report.questions) < n and report.rounds < self.max_rounds:
            report.rounds += 1
            want = n - len(report.questions)
            try:
                reply = self.chat_model.invoke(self.messages(article, document, want, stems))
            except Exception as exc:  # any provider error: the edge shows one line
                raise BackendError(f"大模型调用失败：{exc}") from exc
            content = reply.content if hasattr(reply, "content") else str(reply)
            try:
                batch = parse_reply(content if isinstance(content, str) else json.dumps(content))
            except ValueError as exc:
                report.rejected += want
                report.reasons.append(f"invalid_json: {str(exc)[:80]}")
                continue
            for item in batch.questions:
                if len(report.questions) >= n:
                    break
                q, reason = self.validate(item, article, document, stems)
                if q is None:
                    report.rejected += 1
                    report.reasons.append(reason)
                    continue
                report.questions.append(q)
                stems.append(q.stem)
        return report

    def validate(self, item: ScenarioItem, article: Article, document: Document,
                 existing_stems: list[str]) -> tuple[Question | None, str]:
        """(question, "") when the article supports the item, else (None, reason)."""
        options = [_OPTION_PREFIX.sub("", o).strip() for o in item.options]
        keys = [norm(o) for o in options]
        if not all(keys) or len(set(keys)) != len(keys):
            return None, "options_not_distinct"
        letter = item.answer.strip().upper()
        key = options[LETTERS.index(letter)]
        text = article.text
        if len(norm(item.basis)) < 6 or not contains_verbatim(text, item.basis):
            return None, "basis_not_verbatim"
        if not numbers_in(key) <= numbers_in(text):
            return None, "key_numbers_not_in_article"
        words = content_tokens(key)
        if words and sum(w in text for w in words) / len(words) < self.min_key_overlap:
            return None, "key_not_supported"
        for i, o in enumerate(options):
            if i != LETTERS.index(letter) and len(norm(o)) >= 6 and contains_verbatim(text, o):
                return None, "distractor_in_article"
        if any(similarity(item.stem, s) >= 0.8 for s in existing_stems):
            return None, "duplicate_stem"
        if self.retrieve is not None and article.id not in set(self.retrieve(item.stem, document)):
            return None, "not_retrieved"
        explanation = (item.explanation.strip() + "\n" if item.explanation.strip() else "") + \
            f"依据《{document.title}》{article.label}：“{text}”"
        q = Question(qtype="单选", stem=f"【案例】{item.stem.strip()}", options=options, answer=[letter],
                     explanation=explanation, law=document.title, article=article.label,
                     article_id=article.id, doc_id=document.id, generator=GENERATOR_NAME, difficulty=3,
                     element="scenario", quote=text, chapter=article.path[0] if article.path else "",
                     meta={"basis": item.basis.strip(), "law_short": short_name(document.title)})
        return q, ""
