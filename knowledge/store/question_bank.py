"""The question bank (关联问题): typical questions, each linked to the article that answers it.

Colloquial questions rarely share words with the article that governs them ("干了三年让我明天
别来了" vs. 经济补偿); they do resemble other people's questions about the same article. Search
therefore also matches a user's question against this bank and lifts the linked articles
(``assistant/question_matcher.py``). Peers have the same idea: MaxKB's 关联问题, RAGFlow's
per-chunk questions.

Two sources, read together:

* the bundled bank, ``knowledge/data/questions/*.jsonl`` (read-only package data, written for
  xuefa from general legal knowledge, never from evaluation items);
* rows added by admins (``xuefa questions add/import``) or by staff feedback in the chat
  ("这条依据解答了我的问题"), kept in the ``article_questions`` table of the article store.

A link names the article by law title and label (``中华人民共和国劳动合同法``, ``第四十六条``),
not by row id: it survives re-imports and follows a law to its new version.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.engine import Engine

from knowledge.errors import XuefaError
from knowledge.store.sql import insert_ignoring_conflicts

SOURCES = ("bundled", "admin", "feedback")
MAX_QUESTION_CHARS = 300

metadata = MetaData()
article_questions = Table(
    "article_questions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("law", Text, nullable=False),  # full document title
    Column("article", Text, nullable=False),  # article label, 第四十六条
    Column("question", Text, nullable=False),
    Column("source", String(10), nullable=False),
    Column("created_by", Text, default=""),
    Column("created_at", String(32), default=""),
    UniqueConstraint("law", "article", "question"),
)


@dataclass(frozen=True)
class BankQuestion:
    law: str
    article: str
    question: str
    source: str = "bundled"
    id: int | None = None  # None for bundled rows (they live in package files)


def normalize_question(text: str) -> str:
    return " ".join((text or "").split())


class QuestionBank:
    """Bundled questions plus the admin/feedback rows of the ``article_questions`` table.

    Args:
        engine: the article store's SQLAlchemy engine (the table lives in the same file).
        bundled: include the package's bundled bank (setting ``XUEFA_QUESTIONS_BUNDLED``).
        bundled_dir: another directory of ``*.jsonl`` files instead of the package's (tests).
    """

    def __init__(self, engine: Engine, *, bundled: bool = True, bundled_dir: Path | str | None = None):
        self.engine = engine
        self.bundled = bool(bundled)
        self.bundled_dir = Path(bundled_dir) if bundled_dir is not None else None
        metadata.create_all(engine)
        self._lock = threading.Lock()
        self._bundled_rows: list[BankQuestion] | None = None

    # ---- reading ----------------------------------------------------------------------
    def all(self) -> list[BankQuestion]:
        """Every question: bundled first, then stored rows in insertion order."""
        return [*self.bundled_questions(), *self.stored()]

    def bundled_questions(self) -> list[BankQuestion]:
        if not self.bundled:
            return []
        with self._lock:
            if self._bundled_rows is None:
                self._bundled_rows = _read_bundled(self.bundled_dir)
            return list(self._bundled_rows)

    def stored(self, *, law: str | None = None, source: str | None = None) -> list[BankQuestion]:
        q = select(article_questions).order_by(article_questions.c.id)
        if law:
            q = q.where(article_questions.c.law == law)
        if source:
            q = q.where(article_questions.c.source == source)
        with self.engine.connect() as conn:
            return [BankQuestion(r.law, r.article, r.question, r.source, r.id) for r in conn.execute(q)]

    def version(self) -> tuple[int, int]:
        """Changes whenever stored rows are added or deleted (for derived vector matrices)."""
        with self.engine.connect() as conn:
            n, top = conn.execute(select(func.count(), func.max(article_questions.c.id))).one()
        return int(n or 0), int(top or 0)

    # ---- writing ----------------------------------------------------------------------
    def add(self, rows: Iterable[tuple[str, str, str]], *, source: str = "admin",
            created_by: str = "") -> tuple[int, int]:
        """Store (law title, article label, question) rows; returns (added, already there).

        The caller resolves law names and checks the article exists (``assistant`` layer);
        here only the shape is checked, and the whole batch is written in one transaction.
        """
        if source not in SOURCES or source == "bundled":
            raise XuefaError(f"问题来源只能是 admin 或 feedback，不是 {source!r}")
        clean: list[dict] = []
        for law, article, question in rows:
            question = normalize_question(question)
            if not law or not article:
                raise XuefaError("每个问题都要注明法律和条号")
            if not question:
                raise XuefaError(f"《{law}》{article}：问题为空")
            if len(question) > MAX_QUESTION_CHARS:
                raise XuefaError(f"问题过长（{len(question)} 字，上限 {MAX_QUESTION_CHARS}）：{question[:30]}…")
            clean.append(dict(law=law, article=article, question=question, source=source,
                              created_by=created_by, created_at=_now()))
        added = 0
        with self.engine.begin() as conn:
            for row in clean:  # insert-or-nothing: a concurrent add of the same question is no error
                added += conn.execute(insert_ignoring_conflicts(conn, article_questions).values(**row)).rowcount
        return added, len(clean) - added

    def delete(self, ids: Iterable[int]) -> int:
        """Delete stored rows by id (bundled questions are package data: not deletable)."""
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        with self.engine.begin() as conn:
            return conn.execute(delete(article_questions).where(article_questions.c.id.in_(ids))).rowcount


def read_jsonl(path: Path | str) -> list[dict]:
    """Lines ``{"law", "article", "question"}`` of a bank file; a bad line names its number."""
    out = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise XuefaError(f"{path}: 无法读取（{exc}）") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append({k: str(row[k]).strip() for k in ("law", "article", "question")})
        except (ValueError, KeyError, TypeError) as exc:
            raise XuefaError(f"{path}:{n}: 需要 JSON 对象 {{\"law\", \"article\", \"question\"}}（{exc}）") from exc
    return out


def _read_bundled(directory: Path | None) -> list[BankQuestion]:
    if directory is not None:
        files = sorted(directory.glob("*.jsonl"))
    else:
        root = resources.files("knowledge") / "data" / "questions"
        files = sorted((f for f in root.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name) \
            if root.is_dir() else []
    seen: set[tuple[str, str, str]] = set()
    out: list[BankQuestion] = []
    for f in files:
        for row in read_jsonl(Path(str(f))):
            key = (row["law"], row["article"], normalize_question(row["question"]))
            if key not in seen:
                seen.add(key)
                out.append(BankQuestion(*key, source="bundled"))
    return out


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")
