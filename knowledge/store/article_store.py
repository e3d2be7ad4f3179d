"""The article store: documents and articles in SQLite (SQLAlchemy Core).

It is the source of truth; the vector and lexical indexes are derived from it and can be
rebuilt. A document is written with all its articles in one transaction, so the store never
holds half a document, whatever happens mid-ingest.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from knowledge.errors import NotFoundError
from knowledge.legal.documents import Article, Document, NewDocument
from knowledge.private_files import private_sqlite
from knowledge.store.sql import insert_ignoring_conflicts

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("doc_type", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("issuer", Text, default=""),
    Column("publish_date", String(10), default=""),
    Column("effective_date", String(10), default=""),
    Column("version", Text, default=""),
    Column("source", Text, default=""),
    Column("source_ref", Text, default=""),
    Column("content_hash", String(64), default="", index=True),
    Column("department", Text, default=""),
    Column("notes", Text, default="[]"),
    Column("structure", String(10), default="articles"),
    Column("preamble", Text, default=""),
    Column("article_count", Integer, default=0),
    Column("superseded_by", String(40), default=""),
    Column("created_at", String(32), default=""),
)
Index("ix_documents_title", documents.c.title)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("sub", Integer, nullable=False, default=0),
    Column("label", Text, nullable=False),
    Column("path", Text, default="[]"),
    Column("text", Text, nullable=False),
    Column("kind", String(10), default="article"),
    UniqueConstraint("doc_id", "seq"),
)
Index("ix_articles_lookup", articles.c.doc_id, articles.c.number, articles.c.sub)

# Which articles the vector index holds, per embedder: the resumable embedding job's ledger.
embedded = Table(
    "embedded", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("embedder_id", String(120), primary_key=True),
)

# Monotonic counter bumped on every change, so derived indexes know when they are stale.
meta = Table(
    "meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text),
)


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass
class AddResult:
    """What :meth:`ArticleStore.add_if_new` did: the stored document (the one already there
    when ``added`` is False) and the ids of the documents it superseded."""

    document: Document
    superseded: list[str]
    added: bool


def normalize_title(title: str) -> str:
    return "".join(title.split()).strip("《》")


class ArticleStore:
    """CRUD over documents and articles; exact lookup by (document, article number)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        private_sqlite(self.path)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}", connect_args={"check_same_thread": False, "timeout": 60}
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self._lock = threading.RLock()  # one writer at a time within the process

    # ---- writing -------------------------------------------------------------
    def add_document(self, doc: NewDocument, doc_id: str | None = None) -> tuple[Document, list[str]]:
        """Store a document and all its articles atomically.

        When ``doc.is_current`` and a current document with the same title exists, that one
        is superseded (kept as history, status 已被修改 unless already 已废止). Returns the
        stored document and the ids of documents it superseded.
        """
        doc_id = doc_id or uuid.uuid4().hex[:16]
        with self._writing() as conn:
            superseded = self._insert(conn, doc, doc_id, self._current_namesakes(conn, doc))
        return self.get_document(doc_id), superseded

    def add_if_new(self, doc: NewDocument, doc_id: str | None = None, *,
                   guard: Callable[[list[Document]], None] | None = None) -> AddResult:
        """Like :meth:`add_document`, unless the store already holds this document: one with
        ``doc_id`` or (for a non-empty hash) with ``doc.content_hash``. The check runs in the
        write transaction, so concurrent adds of one file store it once.

        ``guard`` sees the current documents this one would supersede, inside the same
        transaction, and may raise to refuse the whole write (nothing is stored then).
        """
        doc_id = doc_id or uuid.uuid4().hex[:16]
        with self._writing() as conn:
            row = self._stored_twin(conn, doc, doc_id)
            if row is not None:
                return AddResult(_doc(row), [], added=False)
            namesakes = self._current_namesakes(conn, doc)
            if guard is not None and namesakes:
                guard([_doc(r) for r in conn.execute(
                    select(documents).where(documents.c.id.in_([r[0] for r in namesakes]))).mappings()])
            superseded = self._insert(conn, doc, doc_id, namesakes)
        return AddResult(self.get_document(doc_id), superseded, added=True)

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction holding the database's write lock from its first statement
        (SQLite ``BEGIN IMMEDIATE``), so what it reads cannot change before it writes, even
        with other processes writing the same file."""
        with self._lock, self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    @staticmethod
    def _stored_twin(conn: Connection, doc: NewDocument, doc_id: str):
        same = documents.c.id == doc_id
        if doc.content_hash:
            same = same | (documents.c.content_hash == doc.content_hash)
        return conn.execute(select(documents).where(same).limit(1)).mappings().first()

    @staticmethod
    def _current_namesakes(conn: Connection, doc: NewDocument) -> list:
        if not doc.is_current:
            return []
        return conn.execute(select(documents.c.id, documents.c.status).where(
            documents.c.title == doc.title, documents.c.is_current.is_(True))).all()

    def _insert(self, conn: Connection, doc: NewDocument, doc_id: str, namesakes: list) -> list[str]:
        superseded: list[str] = []
        for old_id, old_status in namesakes:
            conn.execute(update(documents).where(documents.c.id == old_id).values(
                is_current=False, superseded_by=doc_id,
                status=old_status if old_status == "已废止" else "已被修改"))
            superseded.append(old_id)
        conn.execute(insert(documents).values(
            id=doc_id, title=doc.title, doc_type=doc.doc_type, status=doc.status,
            is_current=doc.is_current, issuer=doc.issuer, publish_date=doc.publish_date,
            effective_date=doc.effective_date, version=doc.version, source=doc.source,
            source_ref=doc.source_ref, content_hash=doc.content_hash, department=doc.department,
            notes=json.dumps(doc.notes, ensure_ascii=False), structure=doc.structure,
            preamble=doc.preamble, article_count=len(doc.articles), created_at=_now(),
        ))
        if doc.articles:
            conn.execute(insert(articles), [
                dict(doc_id=doc_id, seq=i, number=a.number, sub=a.sub, label=a.label,
                     path=json.dumps(a.path, ensure_ascii=False), text=a.text, kind=a.kind)
                for i, a in enumerate(doc.articles)
            ])
        self._bump(conn)
        return superseded

    def delete_document(self, doc_id: str) -> Document:
        """Remove a document and its articles; a superseded predecessor becomes current again."""
        doc = self.get_document(doc_id)
        with self._writing() as conn:
            conn.execute(delete(embedded).where(embedded.c.article_id.in_(
                select(articles.c.id).where(articles.c.doc_id == doc_id))))
            conn.execute(delete(articles).where(articles.c.doc_id == doc_id))
            conn.execute(delete(documents).where(documents.c.id == doc_id))
            self._bump(conn)
        return doc

    def restore_predecessor(self, doc: Document) -> list[str]:
        """After deleting a current document, make the version it superseded current again."""
        if not doc.is_current:
            return []
        with self._writing() as conn:
            rows = conn.execute(select(documents.c.id).where(documents.c.superseded_by == doc.id)).all()
            ids = [r[0] for r in rows]
            for old_id in ids:
                conn.execute(update(documents).where(documents.c.id == old_id).values(
                    is_current=True, superseded_by="", status="现行有效"))
            if ids:
                self._bump(conn)
        return ids

    def set_status(self, doc_id: str, status: str, is_current: bool | None = None) -> Document:
        values: dict = {"status": status}
        if is_current is not None:
            values["is_current"] = is_current
        with self._writing() as conn:
            res = conn.execute(update(documents).where(documents.c.id == doc_id).values(**values))
            if not res.rowcount:
                raise NotFoundError(f"没有这个文档：{doc_id}")
            self._bump(conn)
        return self.get_document(doc_id)

    def mark_embedded(self, article_ids: Iterable[int], embedder_id: str) -> None:
        rows = [{"article_id": i, "embedder_id": embedder_id} for i in article_ids]
        if not rows:
            return
        with self._writing() as conn:
            conn.execute(insert_ignoring_conflicts(conn, embedded), rows)

    def clear_embedded(self, embedder_id: str, article_ids: Iterable[int] | None = None) -> None:
        with self._writing() as conn:
            stmt = delete(embedded).where(embedded.c.embedder_id == embedder_id)
            if article_ids is not None:
                stmt = stmt.where(embedded.c.article_id.in_(list(article_ids)))
            conn.execute(stmt)

    # ---- reading -------------------------------------------------------------
    def version(self) -> int:
        with self.engine.connect() as conn:
            row = conn.execute(select(meta.c.value).where(meta.c.key == "version")).first()
        return int(row[0]) if row else 0

    def get_document(self, doc_id: str) -> Document:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"没有这个文档：{doc_id}")
        return _doc(row)

    def find_by_hash(self, content_hash: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(documents).where(documents.c.content_hash == content_hash)
            ).mappings().first()
        return _doc(row) if row else None

    def list_documents(self, *, current_only: bool = False, title: str | None = None) -> list[Document]:
        stmt = select(documents).order_by(documents.c.title, documents.c.created_at)
        if current_only:
            stmt = stmt.where(documents.c.is_current.is_(True))
        if title is not None:
            stmt = stmt.where(documents.c.title == title)
        with self.engine.connect() as conn:
            return [_doc(r) for r in conn.execute(stmt).mappings()]

    def titles(self, current_only: bool = True) -> list[str]:
        stmt = select(documents.c.title).distinct()
        if current_only:
            stmt = stmt.where(documents.c.is_current.is_(True))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def find_documents(self, title: str, *, current_only: bool = True) -> list[Document]:
        """Documents whose title equals ``title`` (after whitespace/《》 normalization)."""
        wanted = normalize_title(title)
        return [d for d in self.list_documents(current_only=current_only)
                if normalize_title(d.title) == wanted]

    def get_article(self, article_id: int) -> Article:
        got = self.get_articles([article_id])
        if not got:
            raise NotFoundError(f"没有这个条文：{article_id}")
        return got[0]

    def get_articles(self, article_ids: list[int]) -> list[Article]:
        """Articles by id, in the order asked (missing ids are skipped)."""
        found: dict[int, Article] = {}
        ids = list(dict.fromkeys(article_ids))
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 900):
                for r in conn.execute(select(articles).where(articles.c.id.in_(ids[i:i + 900]))).mappings():
                    found[r["id"]] = _article(r)
        return [found[i] for i in ids if i in found]

    def find_article(self, doc_id: str, number: int, sub: int = 0) -> Article | None:
        """Exact lookup by (document, article number, 之N)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(
                articles.c.doc_id == doc_id, articles.c.number == number, articles.c.sub == sub,
            ).order_by(articles.c.seq)).mappings().first()
        return _article(row) if row else None

    def articles_of(self, doc_id: str) -> list[Article]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles).where(articles.c.doc_id == doc_id).order_by(articles.c.seq)
            ).mappings()
            return [_article(r) for r in rows]

    def iter_articles(self, *, current_only: bool = True, batch: int = 2000) -> Iterator[tuple[Article, Document]]:
        """Every article with its document, in (document, seq) order: input for index builds."""
        docs = {d.id: d for d in self.list_documents(current_only=current_only)}
        last_id = 0
        while True:
            stmt = (select(articles).where(articles.c.id > last_id)
                    .order_by(articles.c.id).limit(batch))
            with self.engine.connect() as conn:
                rows = conn.execute(stmt).mappings().all()
            if not rows:
                return
            for r in rows:
                if r["doc_id"] in docs:
                    yield _article(r), docs[r["doc_id"]]
            last_id = rows[-1]["id"]

    def count_articles(self, *, current_only: bool = False) -> int:
        stmt = select(func.count()).select_from(articles)
        if current_only:
            stmt = stmt.join(documents, documents.c.id == articles.c.doc_id).where(
                documents.c.is_current.is_(True))
        with self.engine.connect() as conn:
            return conn.execute(stmt).scalar_one()

    def pending_embedding(self, embedder_id: str, limit: int | None = None) -> list[tuple[Article, Document]]:
        """Articles of stored documents not yet in the vector index for ``embedder_id``;
        current documents first so the default search improves soonest."""
        stmt = (
            select(articles, documents.c.is_current)
            .join(documents, documents.c.id == articles.c.doc_id)
            .outerjoin(embedded, (embedded.c.article_id == articles.c.id)
                       & (embedded.c.embedder_id == embedder_id))
            .where(embedded.c.article_id.is_(None))
            .order_by(documents.c.is_current.desc(), articles.c.id)
        )
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        docs = {d.id: d for d in self.list_documents()}
        return [(_article(r), docs[r["doc_id"]]) for r in rows if r["doc_id"] in docs]

    def count_embedded(self, embedder_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(embedded).where(
                embedded.c.embedder_id == embedder_id)).scalar_one()

    # ---- internals -----------------------------------------------------------
    def _bump(self, conn) -> None:
        row = conn.execute(select(meta.c.value).where(meta.c.key == "version")).first()
        value = str(int(row[0]) + 1 if row else 1)
        if row:
            conn.execute(update(meta).where(meta.c.key == "version").values(value=value))
        else:
            conn.execute(insert(meta).values(key="version", value=value))

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the web app) never block the writer
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _doc(row) -> Document:
    d = dict(row)
    d["notes"] = json.loads(d.get("notes") or "[]")
    d["is_current"] = bool(d["is_current"])
    return Document(**{k: ("" if v is None and k not in ("is_current",) else v) for k, v in d.items()})


def _article(row) -> Article:
    return Article(id=row["id"], doc_id=row["doc_id"], seq=row["seq"], number=row["number"],
                   sub=row["sub"], label=row["label"], path=json.loads(row["path"] or "[]"),
                   text=row["text"], kind=row["kind"] or "article")
