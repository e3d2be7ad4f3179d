"""The wrong-answer book: a miss goes in, two right answers in a row master it."""
from __future__ import annotations

from quiz_fixtures import wrong_response


def test_wrong_book_redo_until_mastered(learning, paper, clock):
    user = learning.user("张三")
    q = paper[2]
    session = learning.start_practice(user, [q])
    session.answer(wrong_response(q))
    assert learning.wrong_book.questions(user.id) == [q]
    for i in range(2):  # mastered after two right answers in a row
        clock.advance(hours=1)
        redo = learning.start_practice(user, learning.wrong_book.questions(user.id), mode="wrong")
        assert redo.answer(q.answer).correct
    assert learning.wrong_book.questions(user.id) == []
    assert learning.wrong_book.entries(user.id, include_mastered=True)[0].mastered_at == clock.now
    assert learning.wrong_book.remove(user.id, q.id)
