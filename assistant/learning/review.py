"""Spaced review with FSRS, one card per (user, article).

A miss rates the article Again, a hit Good (a fast hit Easy when enabled). The "due today"
queue asks *fresh* questions on the due articles (another generator or element than last
time, never one already answered) so that remembering one question is not taken for mastery.
"""
from __future__ import annotations

import datetime as dt
import random
from functools import cached_property

from fsrs import Card, Rating, Scheduler, State

from assistant.learning.clock import UTC, Clock, aware, local_tz
from assistant.learning.stored_questions import question_data
from assistant.learning.types import DueItem
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from knowledge.errors import NotFoundError, XuefaError
from knowledge.legal.citations import parse_article_ref
from knowledge.store.card_notes import CardNotes
from knowledge.store.records import Records, ReviewCard, utcnow


def default_scheduler(*, fuzz: bool = True) -> Scheduler:
    """FSRS with one 10-minute (re)learning step: a first right answer schedules the article
    days ahead, a miss brings it back later the same day (with a fresh question)."""
    return Scheduler(learning_steps=(dt.timedelta(minutes=10),),
                     relearning_steps=(dt.timedelta(minutes=10),), enable_fuzzing=fuzz)


_STATE_NAMES = {State.Learning: "学习中", State.Review: "复习", State.Relearning: "重学"}


class Review:
    """Spaced repetition per (user, article) with FSRS."""

    def __init__(self, records: Records, quiz: QuizService, *, scheduler: Scheduler | None = None,
                 clock: Clock = utcnow, easy_ms: int | None = None, tz: dt.tzinfo | None = None):
        self.records = records
        self.quiz = quiz
        self.scheduler = scheduler or default_scheduler()
        self.clock = clock
        self.easy_ms = easy_ms  # a right answer faster than this rates Easy (None: never)
        self.tz = tz or local_tz()

    @cached_property
    def notes(self) -> CardNotes:
        """Notes of cards a law's new version brought forward (see ``revised_cards``)."""
        return CardNotes(self.records)

    def rating_for(self, correct: bool, duration_ms: int | None) -> Rating:
        if not correct:
            return Rating.Again
        if self.easy_ms is not None and duration_ms is not None and duration_ms <= self.easy_ms:
            return Rating.Easy
        return Rating.Good

    def rate(self, user_id: int, question: Question, correct: bool, *, at: dt.datetime | None = None,
             duration_ms: int | None = None) -> ReviewCard:
        """Rate the card of the question's article after an answer; returns the saved card."""
        at = aware(at or self.clock())
        row = self.records.get_card(user_id, question.article_id)
        card = Card.from_dict(row.card) if row else Card(card_id=user_id * 10 ** 9 + question.article_id, due=at)
        if card.last_review is not None and at < card.last_review:
            at = card.last_review  # answers submitted late (exams) must not run the clock backwards
        rating = self.rating_for(correct, duration_ms)
        new, _log = self.scheduler.review_card(card, rating, review_datetime=at)
        lapsed = rating == Rating.Again and card.state == State.Review
        saved = self.records.save_card(user_id, question_data(question), new.to_dict(), due=new.due,
                                       state=int(new.state), stability=new.stability, reviewed_at=at,
                                       rating=int(rating), lapsed=lapsed, duration_ms=duration_ms)
        self.notes.clear(user_id, question.article_id)
        return saved

    def card(self, user_id: int, article_id: int) -> Card | None:
        row = self.records.get_card(user_id, article_id)
        return Card.from_dict(row.card) if row else None

    def end_of_day(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(self.tz)
        end = dt.datetime.combine(local.date(), dt.time.max, tzinfo=self.tz)
        return end.astimezone(UTC)

    def due(self, user_id: int, *, now: dt.datetime | None = None, today: bool = True) -> list[DueItem]:
        """Articles due now (``today=False``) or by the end of the user's day."""
        now = aware(now or self.clock())
        until = self.end_of_day(now) if today else now
        notes = self.notes.notes(user_id)
        return [DueItem(article_id=r.article_id, law=r.law, article=r.article, chapter=r.chapter, due=r.due,
                        state=_STATE_NAMES.get(State(r.state), str(r.state)), reps=r.reps, lapses=r.lapses,
                        note=notes.get(r.article_id, ""))
                for r in self._due_cards(user_id, until)]

    def _due_cards(self, user_id: int, until: dt.datetime) -> list[ReviewCard]:
        """Due cards, each moved to the current text of its article first.

        A card names its article by id and by (law, label). When an admin re-imports a law or
        a new version supersedes it, the old id is gone or points at history: the card follows
        the label to the current version, keeping its schedule (a card already on the new
        article wins). An article that left the knowledge base altogether is skipped."""
        rows = self.records.due_cards(user_id, until)
        moved = False
        revised = self.notes.notes(user_id)  # placed by content when their law was revised
        for row in rows:
            if row.article_id in revised:
                continue
            current = self._current_article(row)
            if current is not None and current != (row.article_id, row.doc_id):
                self.records.relink_card(user_id, row.article_id, *current)
                moved = True
        return self.records.due_cards(user_id, until) if moved else rows

    def _current_article(self, row: ReviewCard) -> tuple[int, str] | None:
        store = self.quiz.store
        try:
            art = store.get_article(row.article_id)
        except NotFoundError:
            art = None
        # SQLite may reuse a deleted article's id: it is the card's article only if doc and label agree
        if art is not None and (art.doc_id, art.label) != (row.doc_id, row.article):
            art = None
        if art is not None and store.get_document(art.doc_id).is_current:
            return art.id, art.doc_id
        try:
            number, sub = parse_article_ref(row.article)
        except (ValueError, XuefaError):
            return None
        for doc in store.find_documents(row.law, current_only=True):
            found = store.find_article(doc.id, number, sub)
            if found is not None:
                return found.id, found.doc_id
        return (art.id, art.doc_id) if art is not None else None  # history only: study the old text

    def due_questions(self, user_id: int, n: int = 10, *, now: dt.datetime | None = None,
                      seed: int | None = None, types=None) -> list[Question]:
        """Fresh questions for the articles due today, most overdue first: another generator
        or element than the article's last question, never a question already answered."""
        now = aware(now or self.clock())
        base = seed if seed is not None else random.SystemRandom().randrange(2 ** 31)
        out: list[Question] = []
        for row in self._due_cards(user_id, self.end_of_day(now)):
            if len(out) >= n:
                break
            try:
                q = self.quiz.variant(row.article_id, types=types,
                                      avoid_generators=[row.last_generator] if row.last_generator else [],
                                      avoid_elements=[row.last_element] if row.last_element else [],
                                      avoid_ids=self.records.asked_question_ids(user_id, row.article_id),
                                      seed=hash((base, row.article_id, row.reps)) & 0x7FFFFFFF)
            except NotFoundError:
                continue  # the article left the knowledge base
            if q is not None:
                out.append(q)
        return out
