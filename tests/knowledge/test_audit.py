"""The admin action log: appended rows, newest first, bounded details."""
from __future__ import annotations

import datetime as dt

from knowledge.store.audit import MAX_DETAIL_CHARS, AuditLog
from knowledge.store.records import Records

UTC = dt.timezone.utc


def test_actions_are_listed_newest_first_and_filtered(tmp_path):
    log = AuditLog(Records(f"sqlite:///{tmp_path / 'r.db'}"))
    t0 = dt.datetime(2026, 1, 5, 9, tzinfo=UTC)
    log.log("admin", "dept.add", "综合科", at=t0)
    log.log("admin", "exam.create", "2026 年度学法考试", {"questions": 50}, at=t0 + dt.timedelta(minutes=1))
    rows = log.recent()
    assert [r.action for r in rows] == ["exam.create", "dept.add"]
    assert rows[0].detail == {"questions": 50} and rows[0].at == t0 + dt.timedelta(minutes=1)
    assert [r.target for r in log.recent(action="dept.add")] == ["综合科"]


def test_a_huge_detail_is_cut_to_a_summary(tmp_path):
    log = AuditLog(Records(f"sqlite:///{tmp_path / 'r.db'}"))
    log.log("admin", "users.import", "", {"names": ["x" * 50] * 1000})
    detail = log.recent()[0].detail
    assert list(detail) == ["summary"] and len(detail["summary"]) == MAX_DETAIL_CHARS
