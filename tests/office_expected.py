"""The office's figures recomputed straight from the tables with plain SQL and loops — written
from the definitions in the README, without the dashboard's code — so the dashboard and the
annual report can be checked against them."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import text

from assistant.library.library_service import LibraryService

TZ = dt.timezone(dt.timedelta(hours=8))
MASTERY = 21.0
MIN_SECONDS = 60
INACTIVE = 14


def ts(value) -> dt.datetime | None:
    """A timestamp as the driver returns it (SQLite: text) → aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc)


def day_of(value) -> dt.date:
    return ts(value).astimezone(TZ).date()


def as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def rows(records, sql: str, **params) -> list:
    with records.engine.connect() as conn:
        return list(conn.execute(text(sql), params))


@dataclass
class Person:
    id: int
    name: str
    dept: str
    minutes: dict = field(default_factory=dict)  # span name → minutes
    days: int = 0
    answers: int = 0
    correct: int = 0
    last: dt.date | None = None
    inactive: bool = False
    total: int = 0
    studied: int = 0
    mastered: int = 0
    exams: list = field(default_factory=list)  # (status, score, passed, attempts)


def people(records) -> dict[int, Person]:
    got = rows(records, "SELECT u.id, u.name, u.role, u.password_hash, d.name FROM users u "
                        "LEFT JOIN department_members m ON m.user_id = u.id "
                        "LEFT JOIN departments d ON d.id = m.department_id")
    return {uid: Person(uid, name, dept or "未分组") for uid, name, role, pw, dept in got
            if pw and (role != "admin" or dept)}


def spans(start: dt.date, end: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    return {"period": (start, end), "week": (end - dt.timedelta(days=end.weekday()), end),
            "month": (end.replace(day=1), end), "year": (end.replace(month=1, day=1), end)}


def expected(records, store, start: dt.date, end: dt.date) -> dict:
    """Everything the dashboard shows for local days start..end."""
    staff = people(records)
    _time_and_answers(records, staff, start, end)
    _completion(records, store, staff, start, end)
    for uid, n in rows(records, "SELECT user_id, COUNT(*) FROM fsrs_cards WHERE stability >= :s GROUP BY user_id",
                       s=MASTERY):
        if uid in staff:
            staff[uid].mastered = n
    source = _exams(records, staff, start, end)
    return {"people": staff, "source": source, "answers": _answers(records, staff, start, end),
            "progress": _studied_rows(records, staff)}


def _time_and_answers(records, staff, start, end) -> None:
    seconds = defaultdict(dict)
    for uid, day, secs in rows(records, "SELECT user_id, day, seconds FROM study_time"):
        seconds[uid][as_date(day)] = secs
    answer_days = defaultdict(set)
    for uid, at, correct in rows(records, "SELECT user_id, answered_at, correct FROM answers"):
        d = day_of(at)
        if d <= end:
            answer_days[uid].add(d)
        if uid in staff and start <= d <= end:
            staff[uid].answers += 1
            staff[uid].correct += bool(correct)
    for p in staff.values():
        for name, (a, b) in spans(start, end).items():
            p.minutes[name] = sum(s for d, s in seconds[p.id].items() if a <= d <= b) / 60
        timed = {d for d, s in seconds[p.id].items() if s >= MIN_SECONDS and d <= end}
        p.days = len({d for d in timed | answer_days[p.id] if start <= d})
        p.last = max(timed | answer_days[p.id], default=None)
        p.inactive = p.last is None or (end - p.last).days >= INACTIVE


def _studied_rows(records, staff) -> list[tuple[int, int, str, dt.date]]:
    """(user, article, law, local day studied) — read and answered, the later of the two."""
    out = []
    for uid, article, law, read, answered in rows(
            records, "SELECT user_id, article_id, law, read_at, answered_at FROM study_progress"):
        if uid in staff and read is not None and answered is not None:
            out.append((uid, article, law, max(day_of(read), day_of(answered))))
    return out


def plan_articles(store, items) -> list[int]:
    library = LibraryService(store)
    out: list[int] = []
    for item in items:
        doc = next(d for d in store.list_documents() if d.title == item["law"])
        for a in library.articles(doc.id):
            if item["kind"] == "law" or item["kind"] == "chapter" and a.path and a.path[0] == item["chapter"] \
                    or item["kind"] == "article" and a.label == item["label"]:
                if a.id not in out:
                    out.append(a.id)
    return out


def plans_in_force(records, start, end) -> list:
    import json

    out = []
    for pid, items, audience, deadline in rows(
            records, "SELECT id, items, audience, deadline FROM study_plans ORDER BY id"):
        items = json.loads(items) if isinstance(items, str) else items
        audience = json.loads(audience) if isinstance(audience, str) else audience
        if as_date(deadline) >= start:
            out.append((pid, items, audience))
    return out


def _completion(records, store, staff, start, end) -> None:
    members = defaultdict(set)
    for uid, dept_id in rows(records, "SELECT user_id, department_id FROM department_members"):
        members[dept_id].add(uid)
    studied = defaultdict(set)
    for uid, article, _law, day in _studied_rows(records, staff):
        if day <= end:
            studied[uid].add(article)
    for _pid, items, audience in plans_in_force(records, start, end):
        articles = plan_articles(store, items)
        who = set(staff) if audience.get("everyone") else \
            {u for d in audience.get("department_ids", []) for u in members[d]} | set(audience.get("user_ids", []))
        for uid in who & set(staff):
            staff[uid].total += len(articles)
            staff[uid].studied += sum(a in studied[uid] for a in articles)


def _exams(records, staff, start, end) -> str:
    lo = dt.datetime.combine(start, dt.time(), tzinfo=TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=TZ)
    office = [(eid, title) for eid, title, kind, opens, closes in rows(
        records, "SELECT id, title, kind, opens_at, closes_at FROM office_exams ORDER BY opens_at, id")
        if kind == "exam" and ts(opens) < hi and ts(closes) >= lo]
    if office:
        for eid, _title in office:
            sittings = defaultdict(list)
            for uid, attempt_no, score, passed, submitted in rows(
                    records, "SELECT s.user_id, s.attempt_no, e.score, e.passed, e.submitted_at FROM exam_sittings s "
                             "JOIN exams e ON e.id = s.exam_id WHERE s.office_exam_id = :e", e=eid):
                sittings[uid].append((attempt_no, score, passed, submitted))
            for uid, p in staff.items():  # the exam is for everyone
                mine = sittings.get(uid, [])
                done = [s for s in mine if s[3] is not None]
                if done:
                    best = max(done, key=lambda s: (s[1] or 0.0, -s[0]))
                    p.exams.append(("已交卷", best[1], bool(best[2]), len(mine)))
                else:
                    p.exams.append(("进行中" if mine else "未参加", None, None, len(mine)))
        return "office"
    sat = {eid for (eid,) in rows(records, "SELECT exam_id FROM exam_sittings")}
    mocks = defaultdict(list)
    for eid, uid, score, passed, submitted in rows(
            records, "SELECT id, user_id, score, passed, submitted_at FROM exams WHERE submitted_at IS NOT NULL"):
        if eid not in sat and uid in staff and lo <= ts(submitted) < hi:
            mocks[uid].append((score, bool(passed)))
    if not mocks:
        return "none"
    for uid, p in staff.items():
        got = mocks.get(uid, [])
        p.exams.append(("已交卷", max(s for s, _ in got), any(x for _, x in got), len(got)) if got
                       else ("未参加", None, None, 0))
    return "mock"


def _answers(records, staff, start, end) -> list[tuple[str, str, bool]]:
    return [(law, chapter or "", bool(correct)) for uid, law, chapter, correct, at in rows(
        records, "SELECT user_id, law, chapter, correct, answered_at FROM answers")
        if uid in staff and start <= day_of(at) <= end]


def weakest(answers, *, chapters: bool, min_answers: int = 10, top: int = 10) -> list[tuple]:
    tally = defaultdict(lambda: [0, 0])
    for law, chapter, correct in answers:
        if chapters and not chapter:
            continue
        key = (law, chapter if chapters else "")
        tally[key][0] += 1
        tally[key][1] += correct
    kept = [(law, ch, n, c) for (law, ch), (n, c) in tally.items() if n >= min_answers]
    return sorted(kept, key=lambda x: (x[3] / x[2], -x[2], x[0], x[1]))[:top]


def group(members: list[Person]) -> dict:
    shares = [p.studied / p.total for p in members if p.total]
    lines = [e for p in members for e in p.exams]
    scores = [e[1] for e in lines if e[0] == "已交卷"]
    return {"staff": len(members), "active": sum(p.days > 0 for p in members),
            "mean_minutes": sum(p.minutes["period"] for p in members) / len(members) if members else 0.0,
            "mean_completion": sum(shares) / len(shares) if shares else None,
            "completed": sum(p.total > 0 and p.studied >= p.total for p in members),
            "mastered": sum(p.mastered for p in members), "inactive": sum(p.inactive for p in members),
            "exam_assigned": len(lines), "exam_submitted": sum(e[0] == "已交卷" for e in lines),
            "exam_passed": sum(bool(e[2]) for e in lines if e[0] == "已交卷"),
            "mean_score": round(sum(scores) / len(scores), 2) if scores else None}
