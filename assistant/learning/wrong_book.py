"""错题本: every missed question of a user, with its article, to redo until mastered."""
from __future__ import annotations

import datetime as dt

from assistant.learning.stored_questions import load_questions, question_data
from assistant.learning.types import WrongItem
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from knowledge.store.records import Records, WrongEntry


class WrongBook:
    """错题本: every missed question with its article; redo it, mastered after
    ``mastery_streak`` right answers in a row (then it leaves the open list)."""

    def __init__(self, records: Records, quiz: QuizService | None = None, *, mastery_streak: int = 2):
        self.records = records
        self.quiz = quiz
        self.mastery_streak = mastery_streak

    def missed(self, user_id: int, question: Question, at: dt.datetime) -> WrongEntry:
        return self.records.wrong_missed(user_id, question_data(question), at)

    def hit(self, user_id: int, question_id: str, at: dt.datetime) -> WrongEntry | None:
        return self.records.wrong_hit(user_id, question_id, at, self.mastery_streak)

    def entries(self, user_id: int, *, include_mastered: bool = False) -> list[WrongItem]:
        """Open entries (most missed first), each with its question and article text."""
        rows = self.records.wrong_entries(user_id, include_mastered=include_mastered)
        questions = {q.id: q for q in load_questions(self.records, [r.question_id for r in rows])}
        texts = self._article_texts([r.article_id for r in rows])
        return [WrongItem(question=questions[r.question_id], wrong_count=r.wrong_count,
                          right_streak=r.right_streak, added_at=r.added_at, last_wrong_at=r.last_wrong_at,
                          mastered_at=r.mastered_at, article_text=texts.get(r.article_id, ""))
                for r in rows if r.question_id in questions]

    def questions(self, user_id: int, n: int | None = None) -> list[Question]:
        """The open questions to redo, most missed first."""
        items = self.entries(user_id)
        return [it.question for it in (items[:n] if n else items)]

    def remove(self, user_id: int, question_id: str) -> bool:
        return self.records.wrong_remove(user_id, question_id)

    def _article_texts(self, ids: list[int]) -> dict[int, str]:
        if self.quiz is None or not ids:
            return {}
        return {a.id: a.text for a in self.quiz.store.get_articles(ids)}
