"""Typed outputs of the revision service: a comparison of two texts, where an old article
reference now points, and what changes when a text not yet in force takes effect."""
from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.legal.documents import Document
from knowledge.legal.revisions import ArticleChange, summary, word_diff


def version_name(doc: Document) -> str:
    """How a version is named to users: its version date (or publish date, or import date)."""
    return doc.version or doc.publish_date or doc.created_at[:10] or doc.id


@dataclass
class Comparison:
    """Two texts of one law (or two files) aligned article by article."""

    title: str
    old: Document
    new: Document
    changes: list[ArticleChange]
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        if not self.counts:
            self.counts = summary(self.changes)

    @property
    def differences(self) -> list[ArticleChange]:
        """Every change but the articles left as they were (same text, same number)."""
        return [c for c in self.changes if c.kind != "unchanged" or c.renumbered or c.moved]

    def headline(self) -> str:
        """N 处修改，N 条新增，N 条删除，N 条重新编号 (split/merged/moved only when present)."""
        n = self.counts
        parts = [f"{n['changed']} 处修改", f"{n['added']} 条新增", f"{n['deleted']} 条删除",
                 f"{n['renumbered']} 条重新编号"]
        parts += [f"{n[k]} {word}" for k, word in (("split", "处拆分"), ("merged", "处合并"),
                                                     ("moved", "条移至他章")) if n[k]]
        return "，".join(parts)

    def to_dict(self, *, only_changed: bool = False) -> dict:
        changes = self.differences if only_changed else self.changes
        return {"title": self.title, "old": _version_dict(self.old), "new": _version_dict(self.new),
                "summary": dict(self.counts), "changes": [change_dict(c) for c in changes]}


def _version_dict(doc: Document) -> dict:
    return {"id": doc.id, "version": version_name(doc), "status": doc.status_on(),
            "effective_date": doc.effective_date, "articles": doc.article_count}


def change_dict(c: ArticleChange) -> dict:
    out = {"kind": c.kind, "old": c.old_labels, "new": c.new_labels, "similarity": c.similarity,
           "renumbered": c.renumbered, "moved": c.moved,
           "old_path": list(c.old[0].path) if c.old else [], "new_path": list(c.new[0].path) if c.new else []}
    if c.kind in ("changed", "split", "merged"):
        out["diff"] = [list(run) for run in word_diff(joined_text(c.old), joined_text(c.new))]
    elif c.kind == "added":
        out["text"] = joined_text(c.new)
    elif c.kind == "deleted":
        out["text"] = joined_text(c.old)
    return out


def joined_text(articles) -> str:
    return "\n".join(a.text for a in articles)


@dataclass(frozen=True)
class ReferenceMapping:
    """Where an article of an earlier version now is: 原第二十一条，现为第二十三条."""

    law: str
    old_label: str
    old_version: str  # the earlier version's name (its date)
    changed_in: str  # the version that renumbered, merged, split or deleted it
    kind: str  # renumbered | deleted | split | merged
    current_labels: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        now = "、".join(self.current_labels)
        if self.kind == "deleted":
            return f"原{self.old_label}已于 {self.changed_in} 修改时删除"
        if self.kind == "merged":
            return f"原{self.old_label}，{self.changed_in} 修改后并入{now}"
        if self.kind == "split":
            return f"原{self.old_label}，{self.changed_in} 修改后分为{now}"
        return f"原{self.old_label}，现为{now}（{self.changed_in} 修改）"


@dataclass(frozen=True)
class PendingRevision:
    """A law whose newest text is not in force yet: the text in force today and what changes."""

    in_force: Document
    upcoming: Document
    effective_date: str
    comparison: Comparison
