"""Managing the question bank (关联问题): add, import, list, delete, and staff feedback.

Every question is checked against the store before it is written: the law name (full, short
or alias) and the article reference must resolve to a current article, else the whole batch
is refused with the line at fault — a bank link to nothing would silently do nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.library.library_service import LibraryService
from knowledge.errors import NotFoundError, XuefaError
from knowledge.limits import FIELD_CHARS, QUESTION_CHARS, bounded
from knowledge.store.question_bank import (
    BankQuestion,
    QuestionBank,
    normalize_question,
    read_jsonl,
)


@dataclass
class ImportReport:
    added: int
    existing: int


class QuestionService:
    """Args: bank — the ``QuestionBank``; search — the ``SearchService`` (resolves law names and
    article references, so 劳动合同法 + 46 links to 《中华人民共和国劳动合同法》第四十六条);
    library — the ``LibraryService`` (law titles, feedback articles)."""

    def __init__(self, bank: QuestionBank, search, library: LibraryService):
        self.bank = bank
        self.search = search
        self.library = library

    def add(self, law: str, article: str | int, question: str, *, source: str = "admin",
            user: str = "") -> BankQuestion:
        """Link one question to one article; returns the stored (resolved) row."""
        bounded(question, QUESTION_CHARS, "问题")
        title, label = self._resolve(bounded(law, FIELD_CHARS, "法律名称"), bounded(str(article), FIELD_CHARS, "条号"))
        self.bank.add([(title, label, question)], source=source, created_by=user)
        return BankQuestion(title, label, normalize_question(question), source)

    def add_feedback(self, article_id: int, question: str, *, user: str = "") -> BankQuestion:
        """Staff said this article answered their question: remember the pair."""
        art, doc = self.library.article_by_id(article_id)
        question = normalize_question(bounded(question, QUESTION_CHARS, "问题"))
        if not question:
            raise XuefaError("问题为空，无法记录")
        self.bank.add([(doc.title, art.label, question)], source="feedback", created_by=user)
        return BankQuestion(doc.title, art.label, question, "feedback")

    def import_file(self, path: str | Path, *, user: str = "") -> ImportReport:
        """Import ``{"law", "article", "question"}`` lines; all or nothing."""
        rows = read_jsonl(path)
        resolved = []
        for n, row in enumerate(rows, 1):
            try:
                title, label = self._resolve(row["law"], row["article"])
            except XuefaError as exc:
                raise XuefaError(f"{path} 第 {n} 个问题：{exc}") from exc
            resolved.append((title, label, row["question"]))
        added, existing = self.bank.add(resolved, source="admin", created_by=user)
        return ImportReport(added, existing)

    def list(self, *, law: str | None = None, source: str | None = None) -> list[BankQuestion]:
        title = self._resolve_law(law) if law else None
        rows = self.bank.all()
        return [q for q in rows if (title is None or q.law == title) and (source is None or q.source == source)]

    def delete(self, ids: list[int]) -> int:
        deleted = self.bank.delete(ids)
        if deleted < len(set(ids)):
            raise NotFoundError(f"只删除了 {deleted} 个问题；其余编号不存在（内置问题不能删除）")
        return deleted

    # ---- internals ----------------------------------------------------------------------
    def _resolve(self, law: str, article: str | int) -> tuple[str, str]:
        hit = self.search.lookup(law, article)  # raises NotFoundError naming what is missing
        return hit.document.title, hit.article.label

    def _resolve_law(self, law: str) -> str:
        return self.library.find(law).title
