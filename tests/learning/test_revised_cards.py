"""Review cards when a new version supersedes their law (real 仲裁法: 2017 text, then 2025)."""
from __future__ import annotations

import datetime as dt

import pytest

from assistant.learning.learning_service import LearningService
from assistant.learning.review import default_scheduler
from assistant.learning.revised_cards import RevisedCards
from assistant.library.ingestion_service import IngestionService
from assistant.library.library_service import LibraryService
from assistant.quiz.quiz_service import QuizService
from ingest.statute_source import StatuteSource
from knowledge.store.article_store import ArticleStore
from knowledge.store.card_notes import CardNotes
from quiz_fixtures import UTC

ARBITRATION = "中华人民共和国仲裁法"


@pytest.fixture
def env(tmp_path, records, clock):
    store = ArticleStore(tmp_path / "knowledge.db")
    source = StatuteSource()
    old = next(x for x in source.laws() if x.title == ARBITRATION and x.version_date == "2017-09-01")
    store.add_document(source.to_document(old, is_current=True), doc_id=f"cl-{old.law_id}")  # 2017: current then
    learning = LearningService(records, QuizService(store, LibraryService(store)),
                               scheduler=default_scheduler(fuzz=False), clock=clock, tz=UTC)
    revised = RevisedCards(store, lambda: CardNotes(records), clock=clock)
    ingestion = IngestionService(store, max_file_bytes=1 << 20, listeners=[revised])
    yield store, learning, ingestion, f"cl-{old.law_id}"
    store.close()


def _rate(store, learning, user, doc_id, number):
    article = store.find_article(doc_id, number)
    question = learning.quiz.variant(article.id, seed=number)
    assert question is not None
    return learning.review.rate(user.id, question, True)


def test_cards_follow_their_text_and_changed_ones_come_due_with_a_note(env, clock):
    store, learning, ingestion, old_id = env
    user = learning.user("张三")
    same, moved, changed = (_rate(store, learning, user, old_id, n) for n in (7, 8, 16))
    assert min(c.due for c in (same, moved, changed)) > clock.now + dt.timedelta(days=1)
    clock.advance(hours=2)
    assert learning.review.due(user.id) == []

    ingestion.import_statutes(names=["仲裁法"])  # the 2025 text supersedes the 2017 one
    new_id = store.find_documents(ARBITRATION)[0].id
    assert new_id != old_id
    cards = {c.id: c for c in learning.records.cards_of(user.id)}
    # 第七条 unchanged in place, 第八条 unchanged but now 第九条: moved, not due
    assert (cards[same.id].doc_id, cards[same.id].article, cards[same.id].due) == (new_id, "第七条", same.due)
    assert (cards[moved.id].doc_id, cards[moved.id].article, cards[moved.id].due) == (new_id, "第九条", moved.due)
    # 第十六条 reworded and now 第二十七条: due now, with a note
    assert (cards[changed.id].article, cards[changed.id].due) == ("第二十七条", clock.now)
    assert cards[changed.id].article_id == store.find_article(new_id, 27).id
    [due] = learning.review.due(user.id)
    assert (due.law, due.article) == (ARBITRATION, "第二十七条")
    assert due.note == "《仲裁法》2025-09-12修订：第十六条内容修改（现为第二十七条），请按新文本复习"
    notes = CardNotes(learning.records).notes(user.id)
    assert notes[cards[moved.id].article_id] == "《仲裁法》2025-09-12修订：原第八条现为第九条，内容未变"
    # the fresh question is on the new text, and answering it clears the note
    [question] = learning.review.due_questions(user.id, n=5, seed=3)
    assert question.article == "第二十七条" and question.doc_id == new_id
    learning.review.rate(user.id, question, True)
    assert cards[changed.id].article_id not in CardNotes(learning.records).notes(user.id)
