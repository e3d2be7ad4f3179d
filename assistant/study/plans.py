"""Study lists (学法清单): what they hold, whom they are for, and their items resolved to the
articles of the knowledge base as it is now.

Items name laws by title and articles by label, not by id: when an admin re-imports a law or a
new version supersedes it, the list follows to the current text. An item the knowledge base no
longer holds is reported as missing rather than silently dropped.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from assistant.accounts.audience import Audience
from assistant.library.library_service import LibraryService
from assistant.study.types import ITEM_KINDS, Plan, PlanItem, PlanSpec
from knowledge.errors import NotFoundError, XuefaError
from knowledge.legal.citations import parse_article_ref
from knowledge.store.study import StudyPlan

# the laws an office's annual study list names first (the report's own list)
STARTER_LAWS = ("宪法", "国家安全法", "网络安全法", "保守国家秘密法")
MAX_TITLE_CHARS = 200
MAX_ITEMS = 300


class PlanResolver:
    """Turns a list's items into article ids (cached per knowledge-base version)."""

    def __init__(self, library: LibraryService):
        self.library = library
        self._cache: dict[PlanItem, list[int] | None] = {}
        self._version = -1

    def articles(self, item: PlanItem) -> list[int] | None:
        """The item's articles in reading order; None when the knowledge base lacks it."""
        version = self.library.store.version()
        if version != self._version:
            self._cache, self._version = {}, version
        if item not in self._cache:
            self._cache[item] = self._resolve(item)
        return self._cache[item]

    def _resolve(self, item: PlanItem) -> list[int] | None:
        try:
            doc = self.library.find(item.law)
        except NotFoundError:
            return None
        if item.kind == "article":
            try:
                return [self.library.article(doc.id, item.label).id]
            except (NotFoundError, XuefaError):
                return None
        articles = self.library.articles(doc.id)
        if item.kind == "chapter":
            articles = [a for a in articles if a.path and a.path[0] == item.chapter]
        return [a.id for a in articles] or None

    def check(self, items: Iterable[PlanItem]) -> list[PlanItem]:
        """The items normalised (titles as stored); XuefaError naming the first unknown one."""
        out = []
        for item in items:
            if item.kind not in ITEM_KINDS:
                raise XuefaError(f"未知的清单条目类型：{item.kind}")
            try:
                doc = self.library.find(item.law)
            except NotFoundError:
                raise XuefaError(f"知识库中没有：{item.law}") from None
            item = PlanItem(item.kind, doc.title, item.chapter.strip(), item.label.strip())
            if self.articles(item) is None:
                raise XuefaError(f"知识库中没有：{item.name}")
            out.append(item)
        return list(dict.fromkeys(out))

    def plan(self, row: StudyPlan) -> Plan:
        items = [PlanItem.from_dict(d) for d in row.items]
        resolved = {it: self.articles(it) for it in items}
        return Plan(id=row.id, title=row.title, items=items, deadline=row.deadline,
                    audience=Audience.from_dict(row.audience), note=row.note, created_by=row.created_by,
                    created_at=row.created_at, article_ids={k: v for k, v in resolved.items() if v},
                    missing=[k for k, v in resolved.items() if not v])

    def starter_items(self) -> list[PlanItem]:
        """The report's laws that the knowledge base holds, then every current internal rule."""
        items = []
        for name in STARTER_LAWS:
            try:
                items.append(PlanItem("law", self.library.find(name).title))
            except NotFoundError:
                continue
        rules = [d for d in self.library.store.list_documents(current_only=True) if d.is_internal]
        items += [PlanItem("law", d.title) for d in sorted(rules, key=lambda d: d.title)]
        return list(dict.fromkeys(items))


def check_spec(spec: PlanSpec, resolver: PlanResolver, *, today: dt.date) -> PlanSpec:
    """The spec cleaned; XuefaError (in Chinese) for what an admin must fix."""
    title = (spec.title or "").strip()
    if not title or len(title) > MAX_TITLE_CHARS:
        raise XuefaError(f"清单名称须为 1–{MAX_TITLE_CHARS} 个字符")
    if not spec.items:
        raise XuefaError("清单至少要有一项（法规、章节或条文）")
    if len(spec.items) > MAX_ITEMS:
        raise XuefaError(f"一个清单最多 {MAX_ITEMS} 项")
    if spec.deadline < today:
        raise XuefaError(f"完成期限 {spec.deadline} 已经过去")
    if spec.audience.empty:
        raise XuefaError("请选择清单面向的人员：全体、科室或指定人员")
    if len(spec.note or "") > 2000:
        raise XuefaError("说明最多 2000 个字符")
    for item in spec.items:
        if item.kind == "article":
            parse_article_ref(item.label)  # XuefaError for a label nobody can read
    return PlanSpec(title=title, items=resolver.check(spec.items), deadline=spec.deadline,
                    audience=spec.audience, note=(spec.note or "").strip())
