"""Per-user figures: accuracy per day, mastery per law and chapter, due counts, exams."""
from __future__ import annotations

import datetime as dt

from fsrs import Card, State

from assistant.learning.clock import aware
from assistant.learning.review import Review
from assistant.learning.types import DayAccuracy, ExamScore, Mastery, UserStats
from knowledge.store.records import Answer, Records, ReviewCard, User

MATURE_STABILITY_DAYS = 21  # like Anki's "mature": remembered for three weeks and more


class Stats:
    """Per-user figures: accuracy per day, mastery per law and chapter, due counts, exams."""

    def __init__(self, records: Records, review: Review):
        self.records = records
        self.review = review

    def for_user(self, user: User, *, now: dt.datetime | None = None) -> UserStats:
        now = aware(now or self.review.clock())
        answers = self.records.answers_of_user(user.id)
        cards = self.records.cards_of(user.id)
        return UserStats(user=user.name, answered=len(answers), correct=sum(a.correct for a in answers),
                         daily=self._daily(answers),
                         by_law=self._mastery(answers, cards, now, chapter=False),
                         by_chapter=self._mastery(answers, cards, now, chapter=True),
                         due_now=sum(c.due <= now for c in cards),
                         due_today=sum(c.due <= self.review.end_of_day(now) for c in cards),
                         cards=len(cards), wrong_open=len(self.records.wrong_entries(user.id)),
                         exams=self._exams(user.id))

    def _daily(self, answers: list[Answer]) -> list[DayAccuracy]:
        """Answers and right answers per day, days in the user's time zone."""
        days: dict[dt.date, list[int]] = {}
        for a in answers:
            day = days.setdefault(a.answered_at.astimezone(self.review.tz).date(), [0, 0])
            day[0] += 1
            day[1] += a.correct
        return [DayAccuracy(d, v[0], v[1]) for d, v in sorted(days.items())]

    def _exams(self, user_id: int) -> list[ExamScore]:
        return [ExamScore(exam_id=e.id, started_at=e.started_at, score=e.score, passed=e.passed,
                          time_used=(e.submitted_at - e.started_at) if e.submitted_at else None,
                          auto_submitted=e.auto_submitted) for e in self.records.exams_of(user_id)]

    def _mastery(self, answers: list[Answer], cards: list[ReviewCard], now: dt.datetime, *,
                 chapter: bool) -> list[Mastery]:
        groups: dict[tuple[str, str], dict] = {}

        def group(law: str, chap: str) -> dict:
            key = (law, chap if chapter else "")
            return groups.setdefault(key, {"answered": 0, "correct": 0, "cards": 0, "mastered": 0, "r": []})

        for a in answers:
            g = group(a.law, a.chapter)
            g["answered"] += 1
            g["correct"] += a.correct
        for c in cards:
            g = group(c.law, c.chapter)
            card = Card.from_dict(c.card)
            r = self.review.scheduler.get_card_retrievability(card, current_datetime=now)
            g["cards"] += 1
            g["r"].append(r)
            g["mastered"] += (card.state == State.Review and (card.stability or 0) >= MATURE_STABILITY_DAYS
                              and r >= 0.9)
        return [Mastery(law=law, chapter=chap, answered=g["answered"], correct=g["correct"],
                        articles_studied=g["cards"], articles_mastered=g["mastered"],
                        mean_retrievability=sum(g["r"]) / len(g["r"]) if g["r"] else 0.0)
                for (law, chap), g in sorted(groups.items())]
