"""Questions into and out of the records database. Storage keeps plain rows and never imports
the quiz's types, so the conversion both ways lives here, on the service side."""
from __future__ import annotations

from assistant.quiz.types import Question
from knowledge.store.records import QuestionData, Records


def question_data(q: Question) -> QuestionData:
    """What the records keep of ``q``: its grouping fields and the whole question as JSON."""
    return QuestionData(id=q.id, qtype=q.qtype, law=q.law, article=q.article, article_id=q.article_id,
                        doc_id=q.doc_id, generator=q.generator, payload=q.to_dict(), element=q.element,
                        difficulty=q.difficulty, chapter=q.chapter)


def load_questions(records: Records, ids: list[str]) -> list[Question]:
    """Stored questions by id, in the order asked (unknown ids skipped), rebuilt whole."""
    return [Question.from_dict(row.payload) for row in records.get_questions(ids)]
