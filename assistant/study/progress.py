"""How far a person is: list completion per item, the date they are on track to finish, the
study streak. Pure functions over plain values, so the office dashboard and its tests compute
the same figures from the same rows.

Definitions (the README states them for users):
- studied: the article was read in a study session and a question on it answered;
- mastered: its FSRS card's stability reached the threshold (default 21 days: remembered for
  three weeks and more);
- pace: articles of the list studied over the last ``PACE_DAYS`` days, per day; the finish date
  is today plus what is left at that pace (none without recent study);
- a study day: one with at least ``STUDY_DAY_SECONDS`` of active time or an answer given.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Iterable, Mapping

from assistant.study.types import ItemProgress, Plan, PlanProgress

PACE_DAYS = 14
STUDY_DAY_SECONDS = 60


def plan_progress(plan: Plan, studied: Mapping[int, dt.date], mastered: set[int], today: dt.date) -> PlanProgress:
    """``studied``: article id → the local day it was studied; ``mastered``: article ids."""
    items = [ItemProgress(item, len(ids), sum(a in studied for a in ids), sum(a in mastered for a in ids))
             for item, ids in ((it, plan.article_ids.get(it, [])) for it in plan.items)]
    articles = plan.ordered_articles()
    done = [a for a in articles if a in studied]
    return PlanProgress(plan_id=plan.id, title=plan.title, deadline=plan.deadline, items=items,
                        total=len(articles), studied=len(done), mastered=sum(a in mastered for a in articles),
                        finish_by=finish_date(len(articles) - len(done), [studied[a] for a in done], today))


def finish_date(left: int, studied_days: Iterable[dt.date], today: dt.date) -> dt.date | None:
    """Today when nothing is left; else today + left / (recent articles per day), or None."""
    if left <= 0:
        return today
    since = today - dt.timedelta(days=PACE_DAYS - 1)
    recent = sum(since <= d <= today for d in studied_days)
    if recent == 0:
        return None
    return today + dt.timedelta(days=math.ceil(left * PACE_DAYS / recent))


def streak(study_days: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive study days ending today, or ending yesterday when today has none yet."""
    days = set(study_days)
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def study_days(seconds_by_day: Mapping[dt.date, int], answer_days: Iterable[dt.date]) -> set[dt.date]:
    return {d for d, s in seconds_by_day.items() if s >= STUDY_DAY_SECONDS} | set(answer_days)


def working_days(first: dt.date, last: dt.date) -> int:
    """Monday–Friday days from ``first`` to ``last``, both included."""
    days = (last - first).days + 1
    return sum((first + dt.timedelta(days=i)).weekday() < 5 for i in range(max(0, days)))


def expected_study_days(deadline: dt.date | None, today: dt.date, days_studied: Iterable[dt.date], *,
                        window: int = 28) -> float | None:
    """Study days a person can be expected to have before ``deadline``: the working days left
    times the share of working days they studied recently (everyone counts as studying every
    working day until there are five working days of history to judge by)."""
    if deadline is None:
        return None
    studied = sorted(set(days_studied))
    start = max(today - dt.timedelta(days=window), studied[0]) if studied else today
    worked = working_days(start, today - dt.timedelta(days=1))
    share = 1.0
    if worked >= 5:
        share = max(0.2, min(1.0, sum(start <= d < today for d in studied) / worked))
    return max(1.0, working_days(today, deadline) * share)
