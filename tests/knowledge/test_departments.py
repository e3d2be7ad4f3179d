"""Departments and membership in the records database, on SQLite and PostgreSQL: counts,
rename and delete (members go back to none), idempotent membership that holds when two
writers race, and a database made before departments existed."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.departments import DepartmentMember, Departments
from knowledge.store.records import Records

DATA = Path(__file__).parent / "data"


@pytest.fixture
def url(records_url):
    return records_url


@pytest.fixture
def records(url):
    rec = Records(url)
    yield rec
    rec.close()


def _members_rows(records: Records, user_id: int) -> int:
    with records.session() as s:
        return s.scalar(select(func.count()).select_from(DepartmentMember).where(DepartmentMember.user_id == user_id))


def test_add_list_rename(records):
    depts = Departments(records)
    zhang, li = records.ensure_user("张三"), records.ensure_user("李四")
    general = depts.add("综合科")
    depts.add("法规科")
    with pytest.raises(XuefaError, match="已存在"):
        depts.add("综合科")
    depts.set_member(zhang.id, general.id)
    depts.set_member(li.id, general.id)
    assert [(d.name, d.members) for d in depts.list()] == sorted([("综合科", 2), ("法规科", 0)])
    renamed = depts.rename("综合科", "办公室")
    assert (renamed.id, renamed.members) == (general.id, 2)
    assert depts.membership() == {zhang.id: "办公室", li.id: "办公室"}
    with pytest.raises(XuefaError, match="已存在"):
        depts.rename("办公室", "法规科")
    with pytest.raises(NotFoundError):
        depts.rename("综合科", "人事科")
    assert depts.find("综合科") is None and depts.find("办公室").members == 2


def test_membership_is_one_row_and_can_be_cleared(records):
    depts = Departments(records)
    zhang = records.ensure_user("张三")
    a, b = depts.add("综合科"), depts.add("法规科")
    assert depts.department_of(zhang.id) is None
    depts.set_member(zhang.id, a.id)
    depts.set_member(zhang.id, a.id)  # idempotent
    depts.set_member(zhang.id, b.id)  # moves, does not add
    assert depts.department_of(zhang.id) == "法规科" and _members_rows(records, zhang.id) == 1
    depts.set_member(zhang.id, None)
    depts.set_member(zhang.id, None)
    assert depts.department_of(zhang.id) is None and depts.membership() == {}
    with pytest.raises(NotFoundError):
        depts.set_member(zhang.id, 999)
    with pytest.raises(NotFoundError):
        depts.set_member(999, a.id)


def test_deleting_a_department_leaves_its_members_in_none(records):
    depts = Departments(records)
    zhang, li, wang = (records.ensure_user(n) for n in ("张三", "李四", "王五"))
    a, b = depts.add("综合科"), depts.add("法规科")
    depts.set_member(zhang.id, a.id)
    depts.set_member(li.id, a.id)
    depts.set_member(wang.id, b.id)
    assert depts.delete("综合科") == 2
    assert depts.membership() == {wang.id: "法规科"}
    assert [d.name for d in depts.list()] == ["法规科"]
    assert {u.name for u in records.list_users()} == {"张三", "李四", "王五"}  # the users stay
    with pytest.raises(NotFoundError):
        depts.delete("综合科")
    depts.add("综合科")  # the name is free again
    assert depts.find("综合科").members == 0


def test_member_ids(records):
    depts = Departments(records)
    zhang, li, wang = (records.ensure_user(n) for n in ("张三", "李四", "王五"))
    a, b = depts.add("综合科"), depts.add("法规科")
    depts.set_member(zhang.id, a.id)
    depts.set_member(li.id, b.id)
    assert depts.member_ids(["综合科"]) == {zhang.id}
    assert depts.member_ids(["综合科", "法规科", "不存在"]) == {zhang.id, li.id}
    assert depts.member_ids([]) == set() and wang.id not in depts.member_ids(["综合科", "法规科"])


def test_concurrent_set_member_for_one_user_leaves_one_row(records):
    depts = Departments(records)
    names = [f"科{i}" for i in range(4)]
    ids = [depts.add(n).id for n in names]
    for round_ in range(5):  # a fresh user each round: every round races on the first insert
        user = records.ensure_user(f"user{round_}")
        barrier, errors = threading.Barrier(len(ids)), []

        def put(dept_id, user_id=user.id, barrier=barrier, errors=errors):
            barrier.wait()
            try:
                depts.set_member(user_id, dept_id)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=put, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert _members_rows(records, user.id) == 1
        assert depts.department_of(user.id) in names


def test_a_database_made_before_departments_gets_the_tables_on_first_use(tmp_path):
    path = tmp_path / "records.db"
    with sqlite3.connect(path) as con:  # written by the code before departments existed
        con.executescript((DATA / "records_before_split.sql").read_text(encoding="utf-8"))
    records = Records(f"sqlite:///{path}")
    assert "departments" not in inspect(records.engine).get_table_names()
    depts = Departments(records)
    assert {"departments", "department_members"} <= set(inspect(records.engine).get_table_names())
    user = records.get_user("张三")
    assert depts.list() == [] and depts.membership() == {} and depts.department_of(user.id) is None
    depts.set_member(user.id, depts.add("综合科").id)
    assert Departments(records).membership() == {user.id: "综合科"}  # built again: tables kept
    records.close()
