"""Which articles go into today's session — a pure rule, so the scheduling benchmark
(benchmarks/study_sim.py) runs the very rule the app runs (:func:`plan_session`).

Order: articles due for FSRS review, then the next unstudied articles of the person's study
lists (in list order), then articles from the wrong-answer book, then — if places are still
free — studied articles that would be weakest at the deadline ("ahead" of their schedule).
Reviews come first because a due review that is skipped is forgotten; but if reviews alone
filled the session, a busy person would never get through the list, so places stay free for
new articles: at least ``min_new``, and as many as the deadline needs. Each article appears once.
"""
from __future__ import annotations

import math
from typing import Sequence


def choose_items(due: Sequence[int], new: Sequence[int], wrong: Sequence[int], limit: int, *,
                 min_new: int = 2) -> list[tuple[str, int]]:
    """Up to ``limit`` (source, article id) pairs, sources ``review`` / ``new`` / ``wrong``."""
    if limit <= 0:
        return []
    new_left = [a for a in dict.fromkeys(new) if a not in set(due)]
    reserve = min(min_new, len(new_left), limit)
    taken: dict[int, str] = {}

    def take(source: str, ids: Sequence[int], room: int) -> None:
        for a in ids:
            if len(taken) >= room:
                return
            taken.setdefault(a, source)

    take("review", due, limit - reserve)
    take("new", new_left, limit)
    take("wrong", wrong, limit)
    take("review", due, limit)  # room left (few new, few wrong): more reviews
    order = {"review": 0, "new": 1, "wrong": 2}
    return sorted(((s, a) for a, s in taken.items()), key=lambda p: order[p[0]])


def new_quota(new_left: int, study_days_left: float | None, floor: int, limit: int) -> int:
    """Places for new articles: at least ``floor``, and as many as finishing the list by its
    deadline needs (new articles left / study days expected before it) — but never all of them
    beyond the floor: a quarter stays for reviews, or what is read in a rush is gone by the deadline."""
    need = math.ceil(new_left / max(study_days_left, 1.0)) if study_days_left is not None else 0
    cap = max(floor, limit - limit // 4)
    return max(0, min(limit, new_left, max(floor, min(need, cap))))


def order_due(due: Sequence[tuple[int, float]], room: int) -> list[int]:
    """Due articles (id, recall probability now; most overdue first) in the order to review.

    When they all fit, most overdue first. When more is due than the session holds, the ones
    still most likely remembered come first: a review then saves a memory at little cost,
    while the long-forgotten ones would need relearning anyway and wait for room."""
    if len(due) <= room:
        return [a for a, _ in due]
    return [a for a, _ in sorted(due, key=lambda p: -p[1])]


def plan_session(*, due: Sequence[tuple[int, float]], new: Sequence[int], wrong: Sequence[int],
                 ahead: Sequence[tuple[int, float]], limit: int, min_new: int,
                 study_days_left: float | None) -> list[tuple[str, int]]:
    """The whole rule: due reviews (ordered by :func:`order_due`), new articles at the pace the
    deadline needs (:func:`new_quota`), the wrong book, and places still free filled with
    studied articles weakest at the deadline (``ahead``: id, recall probability then)."""
    quota = new_quota(len(new), study_days_left, min_new, limit)
    items = choose_items(order_due(due, limit - quota), new, wrong, limit, min_new=quota)
    taken = {a for _, a in items}
    spare = [a for a, _ in sorted(ahead, key=lambda p: p[1]) if a not in taken]
    return items + [("ahead", a) for a in spare[:limit - len(items)]]
