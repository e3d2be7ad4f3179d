"""The old numbering read from amendment decisions: the bundled decisions and small cases."""
from __future__ import annotations

import sqlite3

import pytest

from ingest.statute_source import bundled_db_path
from knowledge.legal.amendments import item_head, renumbering


def _items(title_part: str) -> list[str]:
    with sqlite3.connect(bundled_db_path()) as conn:
        law_id = conn.execute("SELECT law_id FROM laws WHERE doc_type = '修改决定' AND law_name LIKE ?",
                              (f"%《中华人民共和国{title_part}》%",)).fetchone()[0]
        return [r[0] for r in conn.execute("SELECT article_text FROM articles WHERE law_id = ? ORDER BY id",
                                           (law_id,))]


@pytest.fixture(scope="module")
def cyber():
    return renumbering(_items("网络安全法"))


def test_cybersecurity_decision_moves_graded_protection_from_21_to_23(cyber):
    assert cyber.derived  # the order-derived numbering reproduces all eight explicit 改为
    assert cyber.anchors == {18: 19, 40: 42, 59: 61, 60: 62, 61: 64, 62: 65, 65: 67, 75: 77}
    assert sorted(cyber.inserted) == [3, 20, 63, 69, 71, 73]
    assert [cyber.new_number(n) for n in (1, 2, 3, 19, 20, 21, 79)] == [1, 2, 4, 21, 22, 23, 81]
    assert 21 not in cyber.changed and 59 in cyber.changed and 61 in cyber.changed  # 其中的"…"修改为"…"
    assert cyber.merged == {68: 69, 64: 71, 66: 71, 70: 71}
    assert cyber.new_number(64) is None and cyber.new_number(69) == 70  # 第六十九条 kept its other items


def test_numbers_after_an_unconfirmed_split_are_unknown():
    villagers = renumbering(_items("村民委员会组织法"))
    assert villagers.derived and villagers.new_number(21) == 25 and villagers.new_number(35) == 40
    # 第三十七条 gave its 款 to two new articles; nothing after it says how many old articles remain
    assert villagers.new_number(36) == 41 and villagers.new_number(38) is None


def test_small_cases():
    r = renumbering(["删去第三条。", "将第五条改为第四条，修改为：“新的文字第九条。”", "增加一条，作为第六条：“……”"])
    assert r.deleted == {3} and r.changed == {5} and r.inserted == {6}
    assert [r.new_number(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, None, 3, 4, 5, 7]
    assert item_head("将第五条改为第四条，修改为：“本法第九条”") == "将第五条改为第四条，修改为"
    inconsistent = renumbering(["增加一条，作为第三条：“……”", "将第十条改为第十条。"])
    assert not inconsistent.derived and inconsistent.new_number(10) == 10 and inconsistent.new_number(5) is None
