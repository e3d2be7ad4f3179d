"""Ingestion service: bundled statutes and admins' files into the article store.

Every document is parsed and split completely before anything is written, then stored in
one transaction, so a bad file fails alone and the store never holds half a document.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

from ingest.parsers import ParseLimits, iter_files, parse_file
from ingest.splitter import split_text
from ingest.statute_source import StatuteSource
from knowledge.errors import IngestError, NotFoundError, ReplaceNeedsConfirmation, XuefaError
from knowledge.legal.documents import (
    DOC_TYPES,
    STATUSES,
    STATUTE_TYPES,
    Document,
    NewArticle,
    NewDocument,
    SourceSummary,
)
from knowledge.legal.law_names import LawNameResolver
from knowledge.limits import FIELD_CHARS, bounded
from knowledge.store.article_store import ArticleStore
from knowledge.store.audit import AuditLog

log = logging.getLogger(__name__)


class IndexListener(Protocol):
    """Derived data (dense and lexical indexes, citation links, review cards) follow store
    changes through these calls."""

    def documents_added(self, docs: list[Document]) -> None: ...

    def documents_removed(self, doc_ids: list[str]) -> None: ...

    def documents_changed(self, docs: list[Document]) -> None: ...


@dataclass
class IngestOptions:
    """Metadata an admin gives; each field overrides what the document itself says."""

    title: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    status: str | None = None
    # allow superseding current documents from another source (a bundled national law by a file)
    replace: bool = False

    def __post_init__(self):
        for name, what in (("title", "标题"), ("issuer", "发布机关"), ("publish_date", "发布日期"),
                           ("effective_date", "施行日期")):
            bounded(getattr(self, name), FIELD_CHARS, what)
        if self.doc_type and self.doc_type not in DOC_TYPES:
            raise XuefaError(f"未知的文档类型：{self.doc_type}（可选：{'、'.join(DOC_TYPES)}）")
        if self.status and self.status not in STATUSES:
            raise XuefaError(f"未知的状态：{self.status}（可选：{'、'.join(STATUSES)}）")
        for name in ("publish_date", "effective_date"):
            value = getattr(self, name)
            if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise XuefaError(f"日期格式应为 YYYY-MM-DD：{value}")


@dataclass
class IngestOutcome:
    path: str
    result: str  # added | unchanged | failed | needs_confirmation
    title: str = ""
    doc_id: str = ""
    articles: int = 0
    error: str = ""
    superseded: list[str] = field(default_factory=list)
    conflict: ReplaceNeedsConfirmation | None = None  # set when result is needs_confirmation

    @property
    def ok(self) -> bool:
        return self.result not in ("failed", "needs_confirmation")


@dataclass
class ImportReport:
    laws: int = 0
    articles: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    doc_ids: list[str] = field(default_factory=list)


def guess_doc_type(title: str) -> str:
    """A best guess from the title; admins override with --type."""
    if "中国共产党" in title or title.startswith("党"):
        return "党内法规"
    if re.search(r"(省|市|自治区|自治州|县)", title) and title.endswith(("条例", "规定", "办法")):
        return "地方性法规" if title.endswith("条例") else "规范性文件"
    if title.endswith("法") and not title.endswith("办法"):
        return "法律"
    if title.endswith("条例"):
        return "行政法规"
    if title.endswith(("通知", "意见", "决定")):
        return "规范性文件"
    return "内部制度"


def _refuse_other_source(doc: NewDocument) -> Callable[[list[Document]], None]:
    """The store's guard for ``doc``: refuse to supersede a bundled national law with a file
    unless the admin confirmed (the error carries both sources to show)."""
    incoming = SourceSummary.of(doc)

    def guard(current: list[Document]) -> None:
        others = [SourceSummary.of(d) for d in current]
        if not incoming.is_bundled and any(o.is_bundled for o in others):
            raise ReplaceNeedsConfirmation(others, incoming)

    return guard


def _preamble_without_title(preamble: str, title: str) -> str:
    """The text before the first article, minus the title line (shown separately)."""
    lines = preamble.split("\n")
    while lines and (not lines[0].strip() or "".join(lines[0].split()).strip("《》") == "".join(title.split())):
        lines.pop(0)
    return "\n".join(lines).strip()


class IngestionService:
    """Adds, replaces and deletes documents; keeps the derived indexes informed."""

    def __init__(self, store: ArticleStore, *, max_file_bytes: int,
                 listeners: Iterable[IndexListener] = (), statutes: StatuteSource | None = None,
                 audit: AuditLog | None = None, parse_limits: ParseLimits | None = None):
        if max_file_bytes <= 0:
            raise ValueError("max_file_bytes must be positive")
        self.store = store
        self.max_file_bytes = max_file_bytes
        self.listeners = list(listeners)
        self._statutes = statutes
        self.audit = audit
        self.parse_limits = parse_limits

    @property
    def statutes(self) -> StatuteSource:
        if self._statutes is None:
            self._statutes = StatuteSource()
        return self._statutes

    # ---- files -----------------------------------------------------------------
    def ingest_paths(self, paths: Iterable[str | Path], options: IngestOptions | None = None,
                     on_file: Callable[[IngestOutcome], None] | None = None, *,
                     actor: str = "system") -> list[IngestOutcome]:
        """Ingest files and directories; each file succeeds or fails on its own."""
        outcomes = []
        for path in iter_files([Path(p) for p in paths]):
            outcome = self.ingest_file(path, options, actor=actor)
            outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        return outcomes

    def ingest_file(self, path: str | Path, options: IngestOptions | None = None, *,
                    actor: str = "system") -> IngestOutcome:
        """Parse, split and store one file. The same content stored already is "unchanged"
        (checked inside the write transaction, so concurrent ingests of one file store it
        once); superseding a document from another source waits for ``options.replace``."""
        options = options or IngestOptions()
        path = Path(path)
        try:
            doc = self.prepare_file(path, options)
            result = self.store.add_if_new(doc, guard=None if options.replace else _refuse_other_source(doc))
        except IngestError as exc:
            return IngestOutcome(str(path), "failed", error=exc.reason)
        except ReplaceNeedsConfirmation as exc:
            return IngestOutcome(str(path), "needs_confirmation", doc.title, error=str(exc), conflict=exc)
        stored = result.document
        if not result.added:
            return IngestOutcome(str(path), "unchanged", stored.title, stored.id, stored.article_count)
        self._log_added(actor, stored, result.superseded)
        self._notify_added(stored)
        self._notify_superseded(result.superseded)
        return IngestOutcome(str(path), "added", stored.title, stored.id, stored.article_count,
                             superseded=result.superseded)

    def _log_added(self, actor: str, stored: Document, superseded: list[str]) -> None:
        if self.audit is None:
            return
        self.audit.log(actor, "doc.ingest", stored.title, {
            "doc_id": stored.id, "source": stored.source, "doc_type": stored.doc_type,
            "articles": stored.article_count})
        for old_id in superseded:
            old = self.store.get_document(old_id)
            self.audit.log(actor, "doc.replace", stored.title, {
                "new_id": stored.id, "new_source": stored.source, "old_id": old.id,
                "old_source": old.source, "old_articles": old.article_count})

    def prepare_file(self, path: Path, options: IngestOptions) -> NewDocument:
        """Parse and split one file into a complete ``NewDocument`` (nothing is written)."""
        parsed = parse_file(path, self.max_file_bytes, limits=self.parse_limits)
        title = options.title or parsed.title or path.stem
        doc_type = options.doc_type or guess_doc_type(title)
        notes = []
        if doc_type in STATUTE_TYPES:
            # an admin's file is not the official text, whatever its title says
            notes.append(f"管理员导入的文件（{path.name}），不是内置国家法律库的官方文本"
                         + ("" if options.doc_type else f"；类型“{doc_type}”由标题推断"))
        result = split_text(parsed.text)
        body_chars = sum(len(a.text) for a in result.articles)
        if not result.articles or body_chars < 10:
            raise IngestError(path, "未识别出任何条文或段落")
        if result.structure == "prose" and doc_type in STATUTE_TYPES:
            # a law without 第N条 means the text layer is broken: better refuse than mis-cite
            raise IngestError(path, f"未识别出条文结构（第N条），不能作为{doc_type}入库；"
                                    "如确为无条文的制度文件，请用 --type 内部制度")
        meta = parsed.metadata
        content_hash = hashlib.sha256(parsed.text.encode("utf-8")).hexdigest()
        return NewDocument(
            # a file marked 已被修改/已废止 is an earlier version: it joins the history, never current
            title=title, doc_type=doc_type, status=options.status or "现行有效",
            is_current=(options.status or "现行有效") in ("现行有效", "尚未生效"),
            issuer=options.issuer or meta.get("issuer", ""),
            publish_date=options.publish_date or meta.get("publish_date", ""),
            effective_date=options.effective_date or meta.get("effective_date", ""),
            version=options.publish_date or meta.get("publish_date", "") or time.strftime("%Y-%m-%d"),
            source=str(path.resolve()), content_hash=content_hash, structure=result.structure, notes=notes,
            preamble=_preamble_without_title(result.preamble, title),
            articles=[NewArticle(number=a.number, sub=a.sub, label=a.label, path=list(a.path),
                                 text=a.text, kind=a.kind) for a in result.articles],
        )

    # ---- bundled statutes ------------------------------------------------------------
    def resolve_statute_titles(self, names: Iterable[str]) -> list[str]:
        resolver = LawNameResolver(law.title for law in self.statutes.laws())
        titles = []
        for name in names:
            title = resolver.resolve(name)
            if title is None:
                raise NotFoundError(f"内置法规库中没有找到：{name}")
            titles.append(title)
        return titles

    def import_statutes(self, *, names: list[str] | None = None, department: str | None = None,
                        include_history: bool = False,
                        on_law: Callable[[int, int, str], None] | None = None,
                        actor: str = "system") -> ImportReport:
        """Import current national laws (or the named ones) from the bundled database."""
        started = time.monotonic()
        titles = self.resolve_statute_titles(names) if names else None
        chosen = self.statutes.select(titles=titles, department=department,
                                      include_history=include_history)
        # what counts as current: the latest text held of each title
        latest = {law.title: law.law_id for law in self.statutes.select()}
        report = ImportReport()
        # oldest first, so a newer version imported in the same run supersedes the older one
        chosen.sort(key=lambda law: (law.title, latest.get(law.title) == law.law_id, law.version_date))
        for i, law in enumerate(chosen, start=1):
            doc_id = f"cl-{law.law_id}"
            is_current = latest.get(law.title) == law.law_id
            try:
                self.store.get_document(doc_id)
                report.unchanged += 1
            except NotFoundError:
                doc = self.statutes.to_document(law, is_current=is_current)
                result = self.store.add_if_new(doc, doc_id=doc_id)  # a concurrent import may win
                self._notify_superseded(result.superseded)
                if result.added:
                    self._notify_added(result.document)
                    report.laws += 1
                    report.articles += result.document.article_count
                    report.doc_ids.append(doc_id)
                else:
                    report.unchanged += 1
            if on_law:
                on_law(i, len(chosen), law.title)
        report.seconds = time.monotonic() - started
        if self.audit is not None and report.laws:
            self.audit.log(actor, "statutes.import", f"{report.laws} 部", {
                "laws": report.laws, "articles": report.articles, "doc_ids": report.doc_ids[:50]})
        return report

    def import_bundled_if_empty(self, *, on_law: Callable[[int, int, str], None] | None = None
                                ) -> ImportReport | None:
        """Import the bundled statutes into an empty store (a first start just works);
        None when the store already holds articles."""
        if self.store.count_articles() > 0:
            return None
        return self.import_statutes(on_law=on_law)

    # ---- deleting / status -----------------------------------------------------------
    def find_documents(self, name: str, *, include_history: bool = False) -> list[Document]:
        """Documents matching an id, a full title, a short title or an alias."""
        try:
            return [self.store.get_document(name)]
        except NotFoundError:
            pass
        docs = self.store.list_documents(current_only=not include_history)
        title = LawNameResolver(d.title for d in docs).resolve(name)
        return [d for d in docs if d.title == title] if title else []

    def delete(self, name: str, *, all_versions: bool = False, actor: str = "system") -> list[Document]:
        """Delete a document (its current version, or every version) from store and indexes."""
        docs = self.find_documents(name, include_history=all_versions)
        if not docs:
            raise NotFoundError(f"知识库中没有：{name}")
        if all_versions:
            docs = self.store.list_documents(title=docs[0].title)
        removed, restored = [], []
        for doc in docs:
            self.store.delete_document(doc.id)
            removed.append(doc.id)
            if not all_versions:
                restored += self.store.restore_predecessor(doc)
        for listener in self.listeners:
            listener.documents_removed(removed)
            if restored:
                listener.documents_changed([self.store.get_document(i) for i in restored])
        if self.audit is not None:
            self.audit.log(actor, "doc.delete", docs[0].title, {
                "doc_ids": removed, "sources": sorted({d.source for d in docs}), "restored": restored})
        return docs

    def set_status(self, name: str, status: str, *, actor: str = "system") -> Document:
        """Mark a document 已废止/已被修改/…; it leaves default search unless 现行有效."""
        if status not in STATUSES:
            raise XuefaError(f"未知的状态：{status}")
        docs = self.find_documents(name)
        if not docs:
            raise NotFoundError(f"知识库中没有：{name}")
        # an explicitly abolished/replaced text leaves default search
        doc = self.store.set_status(docs[0].id, status, is_current=status in ("现行有效", "尚未生效"))
        for listener in self.listeners:
            listener.documents_changed([doc])
        if self.audit is not None:
            self.audit.log(actor, "doc.status", doc.title, {"doc_id": doc.id, "status": status})
        return doc

    def _notify_added(self, doc: Document) -> None:
        for listener in self.listeners:
            listener.documents_added([doc])

    def _notify_superseded(self, doc_ids: list[str]) -> None:
        if doc_ids:
            docs = [self.store.get_document(i) for i in doc_ids]
            for listener in self.listeners:
                listener.documents_changed(docs)
