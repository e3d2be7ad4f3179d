"""Shared fixtures of the quiz/learning tests: a real article store holding three bundled laws
(网络安全法, 保守国家秘密法, 劳动合同法), built once per test process."""
from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

import pytest

from assistant.library.library_service import LibraryService
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from knowledge.store.article_store import ArticleStore

LAWS = ("网络安全法", "保守国家秘密法", "劳动合同法")
UTC = dt.timezone.utc


@functools.lru_cache(maxsize=1)
def built_store_path() -> Path:
    """knowledge.db with the three laws, imported the way `xuefa import-statutes` does."""
    root = Path(tempfile.mkdtemp(prefix="xuefa-quiz-tests-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    path = root / "knowledge.db"
    store = ArticleStore(path)
    try:
        from assistant.library.ingestion_service import IngestionService

        IngestionService(store, max_file_bytes=50 * 2 ** 20, listeners=[]).import_statutes(names=list(LAWS))
    except ImportError:  # the ingestion module's parsers missing: the statute adapter suffices
        from ingest.statute_source import StatuteSource
        from knowledge.legal.law_names import LawNameResolver

        source = StatuteSource()
        chosen = source.select()
        resolver = LawNameResolver(law.title for law in chosen)
        for name in LAWS:
            law = next(x for x in chosen if x.title == resolver.resolve(name))
            store.add_document(source.to_document(law, is_current=True), doc_id=f"cl-{law.law_id}")
    store.close()
    return path


def copy_store(directory: Path) -> Path:
    """A private copy of the built store (for tests that need their own XUEFA_HOME)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "knowledge.db"
    shutil.copyfile(built_store_path(), target)
    return target


@pytest.fixture(scope="session")
def quiz_store() -> ArticleStore:
    store = ArticleStore(built_store_path())
    yield store
    store.close()


@pytest.fixture(scope="session")
def quiz_service(quiz_store) -> QuizService:
    return QuizService(quiz_store, LibraryService(quiz_store))


class Clock:
    """A settable clock for sessions and schedules (no sleeping in tests)."""

    def __init__(self, start: dt.datetime | None = None):
        self.now = start or dt.datetime(2024, 5, 6, 1, 0, tzinfo=UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs) -> dt.datetime:
        self.now += dt.timedelta(**kwargs)
        return self.now


def wrong_response(q: Question):
    """An answer that is certainly wrong for ``q``."""
    if q.qtype == "判断":
        return "错误" if q.answer == "正确" else "正确"
    if q.qtype == "填空":
        return "不可能的答案"
    wrong = [x for x in q.letters if x not in q.answer]
    return wrong[:1]


