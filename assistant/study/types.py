"""What the study feature takes and returns: study lists (学法清单) and their items, the daily
session (每日一学) and its items, and a person's progress."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.accounts.audience import Audience
from assistant.quiz.types import Question
from knowledge.errors import XuefaError

ITEM_KINDS = ("law", "chapter", "article")
SOURCES = {"review": "到期复习", "new": "新学", "wrong": "错题回顾", "ahead": "提前巩固"}


@dataclass(frozen=True)
class PlanItem:
    """One entry of a study list: a whole law (or internal rule), one chapter of it, or one article."""

    kind: str  # law | chapter | article
    law: str  # the document's title as stored
    chapter: str = ""  # kind chapter: the top-level heading (第三章 网络运行安全)
    label: str = ""  # kind article: 第二十一条

    @property
    def name(self) -> str:
        if self.kind == "chapter":
            return f"《{self.law}》{self.chapter}"
        if self.kind == "article":
            return f"《{self.law}》{self.label}"
        return f"《{self.law}》"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "law": self.law, "chapter": self.chapter, "label": self.label}

    @property
    def spec(self) -> str:
        """The item as typed: law:网络安全法, chapter:网络安全法:第三章 网络运行安全, article:网络安全法:第二十一条."""
        part = {"chapter": self.chapter, "article": self.label}.get(self.kind)
        return f"{self.kind}:{self.law}" + (f":{part}" if part else "")

    @classmethod
    def parse(cls, text: str) -> "PlanItem":
        """Read :attr:`spec` back (full-width colons too); XuefaError for what cannot be read.

        A title may itself hold colons (an uploaded rule's title is anything), so the kind ends
        at the first colon, and a chapter or article label starts after the last one."""
        text = (text or "").strip()
        m = re.fullmatch(r"(law|chapter|article)\s*[:：](.+)", text, re.S)
        kind, rest = (m.group(1), m.group(2)) if m else ("", "")
        law, part = rest, ""
        if kind in ("chapter", "article"):
            parts = re.split(r"[:：]", rest)
            law, part = rest[:len(rest) - len(parts[-1]) - 1] if len(parts) > 1 else "", parts[-1]
        law, part = law.strip(), part.strip()
        if not kind or not law or (kind != "law") != bool(part) or len(text) > 300:
            raise XuefaError(f"清单条目格式应为 law:法规、chapter:法规:章 或 article:法规:条：{text}")
        return cls(kind, law, chapter=part if kind == "chapter" else "", label=part if kind == "article" else "")

    @classmethod
    def from_dict(cls, d: dict) -> "PlanItem":
        return cls(kind=str(d.get("kind", "law")), law=str(d.get("law", "")), chapter=str(d.get("chapter", "")),
                   label=str(d.get("label", "")))


@dataclass
class PlanSpec:
    """A study list as an admin sets it (web form or `xuefa plan create`)."""

    title: str
    items: list[PlanItem]
    deadline: dt.date
    audience: Audience = field(default_factory=lambda: Audience(everyone=True))
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """A stored study list, its items resolved against the knowledge base now."""

    id: int
    title: str
    items: list[PlanItem]
    deadline: dt.date
    audience: Audience
    note: str
    created_by: str
    created_at: dt.datetime
    article_ids: dict[PlanItem, list[int]]  # each item's articles, in reading order
    missing: list[PlanItem]  # items the knowledge base does not hold (any more)

    @property
    def total(self) -> int:
        return len({a for ids in self.article_ids.values() for a in ids})

    def ordered_articles(self) -> list[int]:
        """Every article of the list once, in the list's order."""
        seen: dict[int, None] = {}
        for item in self.items:
            for a in self.article_ids.get(item, []):
                seen.setdefault(a, None)
        return list(seen)


@dataclass(frozen=True)
class ItemProgress:
    item: PlanItem
    total: int
    studied: int
    mastered: int

    @property
    def share(self) -> float:
        return self.studied / self.total if self.total else 0.0


@dataclass(frozen=True)
class PlanProgress:
    """One person's progress on one study list."""

    plan_id: int
    title: str
    deadline: dt.date
    items: list[ItemProgress]
    total: int
    studied: int
    mastered: int
    finish_by: dt.date | None  # at the person's recent pace (None: no recent study)

    @property
    def share(self) -> float:
        return self.studied / self.total if self.total else 0.0

    @property
    def done(self) -> bool:
        return self.total > 0 and self.studied >= self.total

    @property
    def on_track(self) -> bool:
        return self.done or (self.finish_by is not None and self.finish_by <= self.deadline)


@dataclass
class StudyItem:
    """One article of a daily session, as shown: verbatim text, its key point, its questions."""

    position: int
    source: str  # review | new | wrong
    article_id: int
    doc_id: str
    law: str
    label: str
    chapter: str
    text: str  # verbatim from the store ("" if the article left the knowledge base)
    key_point: str  # the article's key sentence, verbatim ("" when none)
    key_kind: str  # 罚则 / 期限 / 金额 / 义务 …
    key_highlights: tuple[str, ...]
    questions: list[Question]
    answered: int  # of these questions
    first_question_position: int  # in the session's attempt

    @property
    def source_name(self) -> str:
        return SOURCES.get(self.source, self.source)

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.label}"

    @property
    def finished(self) -> bool:
        return self.answered >= len(self.questions)


@dataclass
class Today:
    """The person's day: the session, the goal and the streak."""

    session_id: int
    day: dt.date
    items: list[StudyItem]
    position: int  # items finished
    minutes_today: float
    goal_minutes: int
    goal_items: int
    streak: int  # consecutive study days, ending today (or yesterday when today has none yet)
    plans: list[PlanProgress]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.items)

    @property
    def current(self) -> StudyItem | None:
        return self.items[self.position] if self.position < len(self.items) else None


@dataclass(frozen=True)
class StudyFeedback:
    """After one answer in a daily session."""

    item: StudyItem
    question: Question
    response: Any
    correct: bool
    answer_text: str
    explanation: str
    item_finished: bool
    session_finished: bool
