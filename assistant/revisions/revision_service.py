"""Revision service: compare versions of a law (or two files), say when and how an article
changed, map an old article number to the current one, and show what changes when a text
not yet in force takes effect. The alignment itself is ``knowledge.legal.revisions``.

Versions are the stored documents sharing a title (bundled statutes imported with their
history, or an admin's new version of an internal rule). A version is named by its version
date; it is in force from the later of its version and effective dates until the next one is.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from assistant.revisions.types import Comparison, PendingRevision, ReferenceMapping, version_name
from ingest.parsers import parse_file
from ingest.splitter import split_text
from knowledge.errors import IngestError, NotFoundError, XuefaError
from knowledge.legal.documents import Article, Document
from knowledge.legal.law_names import short_name
from knowledge.legal.revisions import ArticleChange, align
from knowledge.store.article_store import ArticleStore

_CACHE_PAIRS = 64


class RevisionService:
    """Compare stored versions and ad-hoc files; notes on changed and renumbered articles.

    Args:
        store: the article store (documents and their articles, read only).
        find: resolves any law name (full, short, alias, doc id) to a stored document.
        versions: every stored version of a document's title, newest first.
        max_file_bytes: size limit of a file compared with ``compare_files``.
    """

    def __init__(self, store: ArticleStore, *, find: Callable[..., Document],
                 versions: Callable[[Document], list[Document]], max_file_bytes: int):
        self.store = store
        self._find = find
        self._versions = versions
        self.max_file_bytes = max_file_bytes
        self._aligned: OrderedDict[tuple, list[ArticleChange]] = OrderedDict()
        self._lock = threading.Lock()

    # ---- versions ------------------------------------------------------------------
    def versions(self, law: str | Document) -> list[Document]:
        """Every stored version of a law, oldest first."""
        doc = law if isinstance(law, Document) else self._find(law, include_history=True)
        return list(reversed(self._versions(doc)))

    def has_history(self, doc: Document) -> bool:
        return len(self._versions(doc)) > 1

    def resolve(self, law: str, spec: str | None, *, default: Document | None = None) -> Document:
        """A version by doc id, by version name, or as the one in force on an ISO date."""
        versions = self.versions(law)
        if not spec:
            if default is None:
                raise XuefaError("请指定版本或日期")
            return default
        spec = spec.strip()
        for v in versions:
            if spec in (v.id, version_name(v), v.version):
                return v
        try:
            day = dt.date.fromisoformat(spec)
        except ValueError:
            names = "、".join(version_name(v) for v in versions)
            raise NotFoundError(f"《{versions[-1].title}》没有版本 {spec}（现有：{names}）") from None
        return self.in_force_on(versions, day)

    @staticmethod
    def in_force_on(versions: list[Document], day: dt.date) -> Document:
        """The version in force on ``day`` (versions oldest first)."""
        started = [v for v in versions if _start(v) <= day]
        if not started:
            raise NotFoundError(f"《{versions[-1].title}》在 {day.isoformat()} 尚无生效的文本")
        return started[-1]

    # ---- comparing -------------------------------------------------------------------
    def compare(self, law: str, from_: str | None = None, to: str | None = None) -> Comparison:
        """Compare two versions; by default the current text with the version before it."""
        versions = self.versions(law)
        if len(versions) < 2:
            only = versions[0]
            raise NotFoundError(f"《{only.title}》知识库中只有一个版本（{version_name(only)}），"
                                "没有可对照的其他版本；管理员导入其他版本的文本后即可对照")
        current = next((v for v in reversed(versions) if v.is_current), versions[-1])
        new = self.resolve(law, to, default=current)
        older = [v for v in versions if v.id != new.id and _order(v) < _order(new)]
        if from_:
            old = self.resolve(law, from_)
        elif older:
            old = older[-1]
        else:
            raise NotFoundError(f"《{new.title}》{version_name(new)} 之前没有更早的版本")
        if old.id == new.id:
            raise XuefaError(f"两端是同一个版本（{version_name(old)}）")
        return self.compare_documents(old, new)

    def compare_documents(self, old: Document, new: Document) -> Comparison:
        return Comparison(new.title, old, new, self._align(old, new))

    def compare_files(self, old_path: str | Path, new_path: str | Path) -> Comparison:
        """Two files parsed and split as an import would, without storing anything."""
        old_doc, old_arts = self._parse(Path(old_path), "file-old")
        new_doc, new_arts = self._parse(Path(new_path), "file-new")
        title = new_doc.title if new_doc.title == old_doc.title else f"{old_doc.title} → {new_doc.title}"
        return Comparison(title, old_doc, new_doc, align(old_arts, new_arts))

    def _parse(self, path: Path, doc_id: str) -> tuple[Document, list[Article]]:
        parsed = parse_file(path, self.max_file_bytes)
        result = split_text(parsed.text)
        if not result.articles:
            raise IngestError(path, "未识别出任何条文或段落")
        arts = [Article(id=-(k + 1), doc_id=doc_id, seq=k, number=a.number, sub=a.sub, label=a.label,
                        path=list(a.path), text=a.text, kind=a.kind) for k, a in enumerate(result.articles)]
        meta = parsed.metadata
        doc = Document(id=doc_id, title=parsed.title or path.stem, doc_type="", status="", is_current=False,
                       publish_date=meta.get("publish_date", ""), effective_date=meta.get("effective_date", ""),
                       version=path.name, source=str(path), article_count=len(arts))
        return doc, arts

    def _align(self, old: Document, new: Document) -> list[ArticleChange]:
        key = (old.id, old.content_hash, new.id, new.content_hash)
        with self._lock:
            if key in self._aligned:
                self._aligned.move_to_end(key)
                return self._aligned[key]
        changes = align(self.store.articles_of(old.id), self.store.articles_of(new.id))
        with self._lock:
            self._aligned[key] = changes
            while len(self._aligned) > _CACHE_PAIRS:
                self._aligned.popitem(last=False)
        return changes

    # ---- one article ---------------------------------------------------------------------
    def article_note(self, article_id: int) -> str | None:
        """When and how this article last changed: 本条 2025-10-28 修改；原第二十一条 (None when
        it reads as in the version before, under the same number, or there is no earlier one)."""
        art = self.store.get_article(article_id)
        doc = self.store.get_document(art.doc_id)
        chain = self.versions(doc)
        at = next(i for i, v in enumerate(chain) if v.id == doc.id)
        while at > 0:
            change = _change_holding(self._align(chain[at - 1], chain[at]), art.id, side="new")
            if change is None:
                return None
            if change.kind != "unchanged" or change.renumbered:
                return _note(change, chain[at])
            art, at = change.old[0], at - 1
        return None

    def map_reference(self, law: str, number: int, sub: int = 0) -> ReferenceMapping | None:
        """Where 第N条 of the latest earlier version that has it now is, when not at 第N条 any more."""
        versions = self.versions(law)
        current_at = max((i for i, v in enumerate(versions) if v.is_current), default=len(versions) - 1)
        for at in range(current_at - 1, -1, -1):
            art = self.store.find_article(versions[at].id, number, sub)
            if art is not None:
                return self._trace(versions, at, current_at, art)
        return None

    def reference_note(self, law: str, number: int, sub: int = 0) -> str | None:
        """The note for a question citing 第N条 of a law renumbered since:
        《网络安全法》原第二十一条，现为第二十三条（2025-10-28 修改）."""
        try:
            mapping = self.map_reference(law, number, sub)
        except NotFoundError:
            return None
        if mapping is None:
            return None
        return f"《{short_name(mapping.law)}》{mapping.note}"

    def _trace(self, versions: list[Document], at: int, to: int, art: Article) -> ReferenceMapping | None:
        """Follow one article forward through each version pair up to version ``to``."""
        label, ids = art.label, [art.id]
        kind, changed_in = "", ""
        for k in range(at, to):
            changes = self._align(versions[k], versions[k + 1])
            found = [c for c in (_change_holding(changes, i, side="old") for i in ids) if c is not None]
            news = [a for c in found for a in c.new]
            step = _step_kind(found, news)
            if step:
                kind, changed_in = step, version_name(versions[k + 1])
            if not news:
                break
            ids = list(dict.fromkeys(a.id for a in news))
        labels = tuple(dict.fromkeys(self.store.get_article(i).label for i in ids)) if kind != "deleted" else ()
        if not kind or (kind == "renumbered" and labels == (label,)):
            return None
        return ReferenceMapping(law=versions[to].title, old_label=label, old_version=version_name(versions[at]),
                                changed_in=changed_in, kind=kind, current_labels=labels)

    # ---- texts not in force yet --------------------------------------------------------------
    def pending(self, law: str | Document, day: dt.date | None = None) -> PendingRevision | None:
        """For a law whose current text takes effect later: the text in force on ``day`` (today)
        and the comparison with what takes effect; None when the current text is in force."""
        day = day or dt.date.today()
        versions = self.versions(law)
        current = next((v for v in reversed(versions) if v.is_current), versions[-1])
        if current.status_on(day) != "尚未生效":
            return None
        earlier = [v for v in versions if v.id != current.id and _order(v) < _order(current)]
        if not earlier:
            return None
        in_force = self.in_force_on(earlier, day) if any(_start(v) <= day for v in earlier) else earlier[-1]
        return PendingRevision(in_force=in_force, upcoming=current, effective_date=current.effective_date,
                               comparison=self.compare_documents(in_force, current))


def _order(doc: Document) -> tuple[str, str]:
    return (doc.version or doc.publish_date or "", doc.created_at)


def _start(doc: Document) -> dt.date:
    """The day a version took (or takes) effect: the later of its version and effective dates."""
    days = []
    for text in (doc.version, doc.publish_date, doc.effective_date):
        try:
            days.append(dt.date.fromisoformat((text or "")[:10]))
        except ValueError:
            continue
    return max(days) if days else dt.date.min


def _change_holding(changes: list[ArticleChange], article_id: int, *, side: str) -> ArticleChange | None:
    for c in changes:
        if any(a.id == article_id for a in (c.new if side == "new" else c.old)):
            return c
    return None


def _step_kind(found: list[ArticleChange], news: list[Article]) -> str:
    """What one version step did to the traced article(s): '' when nothing worth a note."""
    if not news:
        return "deleted"
    kinds = {c.kind for c in found}
    if "merged" in kinds:
        return "merged"
    if "split" in kinds:
        return "split"
    if any(c.renumbered for c in found):
        return "renumbered"
    return ""


def _note(change: ArticleChange, version: Document) -> str:
    date = version_name(version)
    old = "、".join(change.old_labels)
    if change.kind == "added":
        note = f"本条 {date} 新增"
    elif change.kind == "split":
        note = f"本条 {date} 由原{old}拆分而来"
    elif change.kind == "merged":
        note = f"本条 {date} 由原{old}合并而来"
    elif change.kind == "changed":
        note = f"本条 {date} 修改" + (f"；原{old}" if change.renumbered else "")
    else:
        note = f"本条 {date} 修改时重新编号；原{old}"
    if version.status_on() == "尚未生效" and version.effective_date:
        note += f"（{version.effective_date} 起施行）"
    return note
