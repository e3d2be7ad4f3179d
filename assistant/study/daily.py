"""每日一学: today's short session for one person, built once a day and resumable.

The session is chosen by :func:`choose_items` (due reviews, then the next articles of the
person's study lists, then the wrong-answer book) and stored with its questions, so a reload,
a second device or a restart resumes the same items at the same place. Each item shows the
article verbatim with its key point, then one or two generated questions; answers go through
the learning service's one outcome path (answers table, wrong book, FSRS).
"""
from __future__ import annotations

import datetime as dt
import random
import threading
from dataclasses import dataclass

from fsrs import Card

from assistant.learning.learning_service import LearningService
from assistant.learning.stored_questions import load_questions
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from assistant.study.daily_plan import plan_session
from assistant.study.types import StudyItem
from knowledge.errors import NotFoundError
from knowledge.legal.documents import Article, Document
from knowledge.store.study import DailySession, StudyRecords

QUESTIONS_PER_SOURCE = {"new": 2, "review": 1, "wrong": 1, "ahead": 1}


@dataclass(frozen=True)
class DailyConfig:
    items: int = 8  # per session
    min_new: int = 2  # places kept for new articles when reviews would fill the session
    goal_minutes: int = 10


class DailyBuilder:
    """Chooses today's articles and their questions, and turns stored sessions into views."""

    def __init__(self, study: StudyRecords, quiz: QuizService, learning: LearningService, config: DailyConfig):
        self.study = study
        self.quiz = quiz
        self.learning = learning
        self.config = config
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, user_id: int) -> threading.Lock:
        """One builder per person at a time in this process (the table's key covers the rest)."""
        with self._guard:
            return self._locks.setdefault(user_id, threading.Lock())

    # ---- building ----------------------------------------------------------------------------
    def build(self, user_id: int, new_articles: list[int], *, now: dt.datetime, deadline: dt.datetime,
              study_days_left: float | None, limit: int | None = None,
              exclude: set[int] = frozenset()) -> tuple[list[dict], list[Question]]:
        """Items (stored form) and their questions, in session order (:func:`plan_session`)."""
        due, ahead = self._cards(user_id, now, deadline)
        wrong = self._wrong_questions(user_id)
        chosen = plan_session(due=[p for p in due if p[0] not in exclude],
                              new=[a for a in new_articles if a not in exclude],
                              wrong=[a for a in wrong if a not in exclude],
                              ahead=[p for p in ahead if p[0] not in exclude], limit=limit or self.config.items,
                              min_new=self.config.min_new, study_days_left=study_days_left)
        seed = random.SystemRandom().randrange(2 ** 31)
        items, questions = [], []
        for source, article_id in chosen:
            qs = self._questions(user_id, source, article_id, wrong.get(article_id), seed)
            if qs is None:
                continue  # the article left the knowledge base
            items.append({"source": source, "article_id": article_id, "question_ids": [q.id for q in qs]})
            questions += qs
        return items, questions

    def _cards(self, user_id: int, now: dt.datetime, deadline: dt.datetime):
        """(due: id and recall probability now, most overdue first; the rest: id and recall
        probability at the deadline)."""
        review = self.learning.review
        due = [d.article_id for d in review.due(user_id, now=now)]
        cards = {c.article_id: Card.from_dict(c.card) for c in self.learning.records.cards_of(user_id)}
        recall = review.scheduler.get_card_retrievability
        due_pairs = [(a, recall(cards[a], current_datetime=now)) for a in due if a in cards]
        ahead = [(a, recall(c, current_datetime=deadline)) for a, c in cards.items() if a not in set(due)]
        return due_pairs, ahead

    def _wrong_questions(self, user_id: int) -> dict[int, str]:
        """Article id → the most recently missed open question on it."""
        entries = sorted(self.learning.records.wrong_entries(user_id), key=lambda e: e.last_wrong_at, reverse=True)
        out: dict[int, str] = {}
        for e in entries:
            out.setdefault(e.article_id, e.question_id)
        return out

    def _questions(self, user_id: int, source: str, article_id: int, missed: str | None,
                   seed: int) -> list[Question] | None:
        try:
            self.quiz.store.get_article(article_id)
        except NotFoundError:
            return None
        out: list[Question] = []
        if source == "wrong" and missed:
            out = load_questions(self.learning.records, [missed])  # the very question missed
        asked = self.learning.records.asked_question_ids(user_id, article_id) - {q.id for q in out}
        while len(out) < QUESTIONS_PER_SOURCE[source]:
            q = self.quiz.variant(article_id, avoid_ids=asked | {q.id for q in out},
                                  avoid_generators=[q.generator for q in out],
                                  seed=hash((seed, article_id, len(out))) & 0x7FFFFFFF)
            if q is None:
                break
            out.append(q)
        return out

    # ---- reading -----------------------------------------------------------------------------
    def items(self, row: DailySession, answered: int) -> list[StudyItem]:
        """The stored session as shown; ``answered``: answers given so far in its attempt."""
        questions = {q.id: q for q in load_questions(self.learning.records, _all_ids(row))}
        out, first = [], 0
        for position, stored in enumerate(row.items):
            qs = [questions[i] for i in stored["question_ids"] if i in questions]
            out.append(self._item(position, stored, qs, first, max(0, min(len(qs), answered - first))))
            first += len(qs)
        return out

    def _item(self, position: int, stored: dict, questions: list[Question], first: int, answered: int) -> StudyItem:
        article, doc = self._article(stored["article_id"])
        point = self.quiz.key_point(article.text) if article else None
        return StudyItem(position=position, source=stored["source"], article_id=stored["article_id"],
                         doc_id=article.doc_id if article else "",
                         law=doc.title if doc else (questions[0].law if questions else ""),
                         label=article.label if article else (questions[0].article if questions else ""),
                         chapter=article.path[0] if article and article.path else "",
                         text=article.text if article else "", key_point=point.sentence if point else "",
                         key_kind=point.kind_name if point else "",
                         key_highlights=point.highlights if point else (), questions=questions,
                         answered=answered, first_question_position=first)

    def _article(self, article_id: int) -> tuple[Article | None, Document | None]:
        try:
            article = self.quiz.store.get_article(article_id)
            return article, self.quiz.store.get_document(article.doc_id)
        except NotFoundError:
            return None, None


def _all_ids(row: DailySession) -> list[str]:
    return [i for item in row.items for i in item["question_ids"]]
