"""Which articles go into today's session — a pure rule, so the scheduling benchmark runs the
very rule the app runs.

Order: articles due for FSRS review (most overdue first), then the next unstudied articles of
the person's study lists (in list order), then articles from the wrong-answer book. Reviews
come first because a due review that is skipped is forgotten; but if reviews alone filled the
session, a busy person would never get past them, so ``min_new`` places stay free for new
articles when any are left. Each article appears once.
"""
from __future__ import annotations

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
