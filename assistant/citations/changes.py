"""What changed in a law since a date: the version in force then, the current one, and how to
get from one to the other — by aligning the two texts when both are held, else by the amendment
decisions published in between (their numbering, ``knowledge.legal.amendments``).

Shared by the citation review (has an article a rule cites changed?) and the quiz's 新修订
scope (questions only on what changed).
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from assistant.revisions.revision_service import RevisionService
from knowledge.errors import NotFoundError
from knowledge.legal.amendments import Renumbering, renumbering
from knowledge.legal.documents import Article, Document
from knowledge.legal.revisions import ArticleChange, align
from knowledge.store.article_store import ArticleStore

AMENDING_TYPES = ("修改决定",)
CHANGED_KINDS = ("changed", "added", "split", "merged")


def doc_date(doc: Document) -> str:
    """When a version of a law came out (its publish date, else its version date)."""
    return (doc.publish_date or doc.version or "")[:10]


def quoted(title: str) -> str:
    return title if "《" in title else f"《{title}》"


@dataclass
class LawDelta:
    """A law between the version in force on a date and its current version."""

    title: str
    date: str
    then: Document | None  # None: no held text was in force on that date
    current: Document
    changes: list[ArticleChange] = field(default_factory=list)  # both texts held and different
    decisions: list[Document] = field(default_factory=list)  # else: the decisions in between
    numbering: list[Renumbering] = field(default_factory=list)

    @property
    def revised(self) -> bool:
        return self.then is None or self.then.id != self.current.id

    @property
    def by_text(self) -> bool:
        return self.revised and self.then is not None

    @property
    def decision_names(self) -> str:
        return "、".join(f"{quoted(d.title)}（{doc_date(d)}）" for d in self.decisions)


@dataclass(frozen=True)
class ChangedArticle:
    """An article of the current text that is new or reworded since the date."""

    article: Article
    previous: Article | None  # its text in force on the date, when held
    kind: str  # changed | added | split | merged


class LawChanges:
    """Computes ``LawDelta`` s; remembers them (and the amendment decisions held) until the
    store changes, since a quiz scope or a review list asks for many laws at once."""

    def __init__(self, store: ArticleStore):
        self.store = store
        self._lock = threading.Lock()
        self._version = -1
        self._deltas: dict[tuple[str, str, bool], LawDelta | None] = {}
        self._amending: list[Document] = []

    def _fresh(self) -> None:
        version = self.store.version()
        if version != self._version:
            self._deltas.clear()
            self._amending = [d for d in self.store.list_documents() if d.doc_type in AMENDING_TYPES]
            self._version = version

    def versions(self, title: str) -> list[Document]:
        """The national texts of a title, oldest first."""
        return sorted((d for d in self.store.list_documents(title=title) if not d.is_internal),
                      key=lambda d: (doc_date(d), d.created_at))

    def since(self, title: str, date: str, *, earliest_after: bool = False) -> LawDelta | None:
        """The law's change since ``date`` (ISO); None when the store holds no text of it.
        ``earliest_after``: when no held text was in force on ``date``, start from the earliest
        held text after it (its changes since are changes since ``date``, though not all of them)."""
        with self._lock:
            self._fresh()
            key = (title, date, earliest_after)
            if key not in self._deltas:
                self._deltas[key] = self._since(title, date, earliest_after)
            return self._deltas[key]

    def _since(self, title: str, date: str, earliest_after: bool) -> LawDelta | None:
        versions = self.versions(title)
        if not versions:
            return None
        current = next((d for d in reversed(versions) if d.is_current), versions[-1])
        then = _in_force(versions, date) if date else current
        if then is None and earliest_after and versions[0].id != current.id:
            then = versions[0]
        delta = LawDelta(title, date, then, current)
        if delta.by_text:
            delta.changes = align(self.store.articles_of(delta.then.id), self.store.articles_of(current.id))
        elif delta.revised:
            delta.decisions = self._decisions(title, date, doc_date(current))
            delta.numbering = [renumbering([a.text for a in self.store.articles_of(d.id)]) for d in delta.decisions]
        return delta

    def _decisions(self, title: str, after: str, until: str) -> list[Document]:
        """The held amendment decisions of a law published in (after, until]."""
        name = quoted(title)
        found = [d for d in self._amending if name in d.title and after < doc_date(d) <= until]
        return sorted({d.title + doc_date(d): d for d in found}.values(), key=doc_date)

    def changed_articles(self, delta: LawDelta) -> list[ChangedArticle]:
        """The current text's new and reworded articles, in reading order."""
        if delta.by_text:
            return [ChangedArticle(new, c.old[0] if c.old else None, c.kind)
                    for c in delta.changes if c.kind in CHANGED_KINDS for new in c.new]
        found: dict[int, str] = {}
        for k, r in enumerate(delta.numbering):
            later = delta.numbering[k + 1:]
            for number in r.inserted:
                found.setdefault(_forward(number, later), "added")
            for old in r.changed:
                found.setdefault(_forward(r.new_number(old), later), "changed")
        out = []
        for number, kind in sorted((n, k) for n, k in found.items() if n is not None):
            art = self.store.find_article(delta.current.id, number, 0)
            if art is not None:
                out.append(ChangedArticle(art, None, kind))
        return out


def _forward(number: int | None, later: list[Renumbering]) -> int | None:
    for r in later:
        if number is None:
            return None
        number = r.new_number(number)
    return number


def _in_force(versions: list[Document], date: str) -> Document | None:
    """The version in force on ``date`` (None when no held text was in force yet)."""
    try:
        return RevisionService.in_force_on(versions, dt.date.fromisoformat(date))
    except (NotFoundError, ValueError):
        return None
