"""The article store: documents and articles in SQLite or PostgreSQL (SQLAlchemy Core).

It is the source of truth; the vector and lexical indexes are derived from it and can be
rebuilt. A document is written with all its articles in one transaction, so the store never
holds half a document, whatever happens mid-ingest.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url

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

# Who may embed for an embedder right now (`xuefa worker`): one holder, until expires_at
# (epoch seconds) unless renewed. A killed worker's lease simply runs out.
embed_leases = Table(
    "embed_leases", metadata,
    Column("embedder_id", String(120), primary_key=True),
    Column("holder", String(120), nullable=False),
    Column("expires_at", Float, nullable=False),
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


_WRITE_LOCK = 0x78756566  # "xuef": the advisory lock key of store writes on PostgreSQL


def normalize_title(title: str) -> str:
    return "".join(title.split()).strip("《》")


def build_store_engine(location: Path | str) -> tuple[Engine, Path | None]:
    """An engine for a SQLite file path or a SQLAlchemy URL (``postgresql+psycopg://…``);
    the file path too when it is SQLite (backups copy it)."""
    text = str(location)
    url = make_url(text) if "://" in text else make_url(f"sqlite:///{Path(text)}")
    if url.get_backend_name() != "sqlite":
        # several app instances share the server; a restarted server costs one failed ping
        return create_engine(url, pool_pre_ping=True), None
    path = Path(url.database or "knowledge.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    private_sqlite(path)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine, path


class ArticleStore:
    """CRUD over documents and articles; exact lookup by (document, article number).

    ``location`` is a SQLite file path (the default home's ``knowledge.db``) or a database
    URL: app instances of one organisation share a PostgreSQL database.
    """

    def __init__(self, location: Path | str):
        self.engine, self.path = build_store_engine(location)
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:  # the version row exists, so bumps are one UPDATE
            conn.execute(insert_ignoring_conflicts(conn, meta).values(key="version", value="0"))
        self._lock = threading.RLock()  # one writer at a time within the process

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

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
            elif conn.dialect.name == "postgresql":  # app instances share the server: one writer at a time
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
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

    def embedded_ids(self, embedder_id: str) -> set[int]:
        """Article ids the ledger says are in the vector index for ``embedder_id``."""
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(embedded.c.article_id).where(
                embedded.c.embedder_id == embedder_id))}

    def count_embedded(self, embedder_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(embedded).where(
                embedded.c.embedder_id == embedder_id)).scalar_one()

    # ---- the embedding worker's lease -----------------------------------------
    def acquire_lease(self, embedder_id: str, holder: str, seconds: float) -> bool:
        """Take (or renew) the right to embed for ``embedder_id`` for ``seconds``; False while
        another holder's lease runs. One UPDATE or INSERT: atomic on SQLite and PostgreSQL."""
        now = time.time()
        with self.engine.begin() as conn:
            took = conn.execute(update(embed_leases).where(
                embed_leases.c.embedder_id == embedder_id,
                (embed_leases.c.holder == holder) | (embed_leases.c.expires_at < now),
            ).values(holder=holder, expires_at=now + seconds)).rowcount
            if not took:
                took = conn.execute(insert_ignoring_conflicts(conn, embed_leases).values(
                    embedder_id=embedder_id, holder=holder, expires_at=now + seconds,
                ).returning(embed_leases.c.holder)).first() is not None
        return bool(took)

    def release_lease(self, embedder_id: str, holder: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(embed_leases).where(embed_leases.c.embedder_id == embedder_id,
                                                    embed_leases.c.holder == holder))

    def lease_holder(self, embedder_id: str) -> str | None:
        """Who holds an unexpired lease for ``embedder_id`` (None: nobody)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(embed_leases.c.holder, embed_leases.c.expires_at).where(
                embed_leases.c.embedder_id == embedder_id)).first()
        return row[0] if row and row[1] >= time.time() else None

    # ---- internals -----------------------------------------------------------
    def _bump(self, conn) -> None:
        # one UPDATE: concurrent writers on other instances never lose a bump
        conn.execute(update(meta).where(meta.c.key == "version").values(
            value=cast(cast(meta.c.value, Integer) + 1, Text)))

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
