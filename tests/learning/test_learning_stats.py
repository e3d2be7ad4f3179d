"""Per-user stats: accuracy per day, mastery per law and chapter, due counts, exams."""
from __future__ import annotations

from quiz_fixtures import wrong_response


def test_stats_per_user(learning, paper, clock):
    user = learning.user("张三")
    s1 = learning.start_practice(user, paper[:4])
    s1.answer(paper[0].answer)
    s1.answer(wrong_response(paper[1]))
    clock.advance(days=1)
    s2 = learning.start_practice(user, paper[4:6])
    s2.answer(paper[4].answer)
    s2.answer(paper[5].answer)
    exam = learning.start_exam(user, paper[6:], time_limit_minutes=5)
    exam.answer(0, paper[6].answer)
    exam.submit()
    stats = learning.stats.for_user(user, now=clock.now)
    assert [(d.answered, d.correct) for d in stats.daily] == [(2, 1), (3, 3)]
    assert stats.answered == 5 and stats.correct == 4
    law = stats.by_law[0]
    assert law.law == "中华人民共和国劳动合同法" and law.articles_studied == 8 and law.answered == 5
    assert stats.by_chapter and all(m.chapter for m in stats.by_chapter)
    assert stats.due_today >= 1 and stats.wrong_open == 4  # one practice miss + three blank exam answers
    assert stats.exams[0].score == 25 and stats.exams[0].passed is False
    other = learning.stats.for_user(learning.user("李四"), now=clock.now)
    assert other.answered == 0 and other.cards == 0
