"""When a new version supersedes a law, review cards follow their articles' text into it.

Cards name their article by id and label; a revision renumbers articles, so following the
label would put a card on another text (网络安全法 2025: 第二十一条 is now about 宣传教育, the
等级保护 text moved to 第二十三条). The revision engine aligns the two versions by content; each
card moves to where its article's text went, and if the text changed (or was deleted) the card
is due at once, with a note saying what changed. An ingestion listener.
"""
from __future__ import annotations

from typing import Callable

from assistant.learning.clock import Clock
from knowledge.legal.documents import Document
from knowledge.legal.law_names import short_name
from knowledge.legal.revisions import ArticleChange, align
from knowledge.store.article_store import ArticleStore
from knowledge.store.card_notes import CardNotes
from knowledge.store.records import utcnow


class RevisedCards:
    def __init__(self, store: ArticleStore, notes: Callable[[], CardNotes], *, clock: Clock = utcnow):
        self.store = store
        self._notes = notes  # built on first use: importing laws needs no records database
        self.clock = clock

    # ---- ingestion listener ----------------------------------------------------------------------
    def documents_added(self, docs: list[Document]) -> None:
        return None

    def documents_removed(self, doc_ids: list[str]) -> None:
        return None

    def documents_changed(self, docs: list[Document]) -> None:
        for old in docs:
            if old.superseded_by and not old.is_current and not old.is_internal:
                self.follow(old, self.store.get_document(old.superseded_by))

    # ---- moving the cards ------------------------------------------------------------------------
    def follow(self, old: Document, new: Document) -> int:
        """Move the cards on ``old``'s articles to ``new``; returns how many were brought due."""
        notes = self._notes()
        cards = notes.cards_on(old.id)
        if not cards:
            return 0
        changes = align(self.store.articles_of(old.id), self.store.articles_of(new.id))
        by_article = {a.id: c for c in changes for a in c.old}
        now, due = self.clock(), 0
        for card in cards:
            change = by_article.get(card.article_id)
            if change is None or not change.new:  # deleted: the card stays on the old text
                notes.follow(card.id, article_id=card.article_id, doc_id=old.id, label=card.article, due=now,
                             note=_note(new, card.article, change))
                due += 1
                continue
            target = change.new[0]
            changed = change.kind != "unchanged"
            notes.follow(card.id, article_id=target.id, doc_id=new.id, label=target.label,
                         due=now if changed else None, note=_note(new, card.article, change))
            due += changed
        return due


def _note(new: Document, label: str, change: ArticleChange | None) -> str:
    law = f"《{short_name(new.title)}》{new.publish_date or new.version}修订"
    if change is None or not change.new:
        return f"{law}：原{label}已删除，仍按原文复习"
    now = "、".join(change.new_labels)
    if change.kind == "unchanged":
        return f"{law}：原{label}现为{now}，内容未变" if change.renumbered else ""
    where = f"（现为{now}）" if now != label else ""
    word = {"split": "拆分", "merged": "合并"}.get(change.kind, "修改")
    return f"{law}：{label}内容{word}{where}，请按新文本复习"
