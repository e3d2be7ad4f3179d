"""The revision alignment engine: pairs articles by content, not by number."""
from __future__ import annotations

import time

import pytest

from knowledge.legal.documents import Article
from knowledge.legal.numerals import int_to_cn
from knowledge.legal.revisions import ArticleChange, align, summary, word_diff

TEXTS = [
    "为了保障网络安全，维护网络空间主权和国家安全、社会公共利益，制定本法。",
    "在中华人民共和国境内建设、运营、维护和使用网络，以及网络安全的监督管理，适用本法。",
    "国家坚持网络安全与信息化发展并重，遵循积极利用、科学发展、依法管理、确保安全的方针。",
    "国家制定并不断完善网络安全战略，明确保障网络安全的基本要求和主要目标。",
    "国家采取措施，监测、防御、处置来源于中华人民共和国境内外的网络安全风险和威胁。",
    "国家倡导诚实守信、健康文明的网络行为，推动传播社会主义核心价值观。",
    "国家积极开展网络空间治理、网络技术研发和标准制定、打击网络违法犯罪等方面的国际交流与合作。",
    "国家网信部门负责统筹协调网络安全工作和相关监督管理工作。",
]


def arts(texts, chapters=None, start=1):
    out = []
    for k, text in enumerate(texts):
        n = start + k
        path = [chapters[k]] if chapters else []
        out.append(Article(id=1000 + n, doc_id="d", seq=k, number=n, sub=0, label=f"第{int_to_cn(n)}条",
                           path=path, text=text))
    return out


def kinds(changes):
    return [(c.kind, c.old_labels, c.new_labels) for c in changes]


def test_identical_texts_are_unchanged():
    changes = align(arts(TEXTS), arts(TEXTS))
    assert [c.kind for c in changes] == ["unchanged"] * len(TEXTS)
    assert all(c.similarity == 1.0 and not c.renumbered and not c.moved for c in changes)
    assert summary(changes)["unchanged"] == len(TEXTS)


def test_inserted_article_renumbers_the_rest():
    new = TEXTS[:2] + ["网络安全工作坚持中国共产党的领导，贯彻总体国家安全观，统筹发展和安全。"] + TEXTS[2:]
    changes = align(arts(TEXTS), arts(new))
    assert changes[2].kind == "added" and changes[2].new_labels == ["第三条"] and changes[2].old == ()
    shifted = changes[3]
    assert shifted.kind == "unchanged" and shifted.renumbered
    assert (shifted.old_labels, shifted.new_labels) == (["第三条"], ["第四条"])
    s = summary(changes)
    assert (s["added"], s["renumbered"], s["unchanged"], s["changed"]) == (1, 6, 8, 0)


def test_changed_article_keeps_its_pair_and_deleted_one_keeps_its_place():
    new = list(TEXTS)
    new[3] = "国家制定并不断完善网络安全战略，明确保障网络安全的基本要求、主要目标和重点任务。"
    del new[5]
    changes = align(arts(TEXTS), arts(new))
    changed = [c for c in changes if c.kind == "changed"]
    assert [(c.old_labels, c.new_labels) for c in changed] == [(["第四条"], ["第四条"])]
    assert 0.5 < changed[0].similarity < 1.0
    order = kinds(changes)
    deleted_at = order.index(("deleted", ["第六条"], []))
    assert order[deleted_at - 1] == ("unchanged", ["第五条"], ["第五条"])  # at its old position
    assert order[deleted_at + 1] == ("unchanged", ["第七条"], ["第六条"])


def test_rewritten_beyond_recognition_is_deleted_and_added():
    new = list(TEXTS)
    new[4] = "任何个人和组织有权对危害网络安全的行为向网信、电信、公安等部门举报。"
    changes = align(arts(TEXTS), arts(new))
    assert ("deleted", ["第五条"], []) in kinds(changes)
    assert ("added", [], ["第五条"]) in kinds(changes)


def test_article_moved_against_the_order_is_found():
    new = [TEXTS[0], TEXTS[7], *TEXTS[1:7]]
    changes = align(arts(TEXTS), arts(new))
    moved = next(c for c in changes if c.old_labels == ["第八条"])
    assert moved.kind == "unchanged" and moved.new_labels == ["第二条"] and moved.renumbered
    assert summary(changes)["added"] == summary(changes)["deleted"] == 0


def test_split_and_merge():
    joined = TEXTS[2] + "\n" + TEXTS[3]
    split = align(arts([TEXTS[0], TEXTS[1], joined, TEXTS[4]]), arts(TEXTS[:5]))
    unit = next(c for c in split if c.kind == "split")
    assert unit.old_labels == ["第三条"] and unit.new_labels == ["第三条", "第四条"]
    assert summary(split)["added"] == 0
    merged = align(arts(TEXTS[:5]), arts([TEXTS[0], TEXTS[1], joined, TEXTS[4]]))
    unit = next(c for c in merged if c.kind == "merged")
    assert unit.old_labels == ["第三条", "第四条"] and unit.new_labels == ["第三条"]
    assert summary(merged)["deleted"] == 0 and summary(merged)["merged"] == 1


def test_moved_means_another_chapter_than_its_neighbours_went_to():
    old = arts(TEXTS, chapters=["第一章 总则"] * 4 + ["第二章 支持"] * 4)
    new = arts(TEXTS, chapters=["第一章 总则"] * 3 + ["第二章 支持与促进"] * 5)
    changes = align(old, new)
    moved = [c.old_labels for c in changes if c.moved]
    assert moved == [["第四条"]]  # 第二章's renaming alone moves nothing


def test_whitespace_is_no_change():
    old = arts(["国家实行网络安全等级保护制度。\n网络运营者应当履行安全保护义务。"])
    new = arts(["国家实行网络安全等级保护制度。\n\n网络运营者应当履行安全保护义务。 "])
    assert align(old, new)[0].kind == "unchanged"


def test_empty_sides():
    assert align([], []) == []
    assert [c.kind for c in align([], arts(TEXTS[:2]))] == ["added", "added"]
    assert [c.kind for c in align(arts(TEXTS[:2]), [])] == ["deleted", "deleted"]


def test_change_labels_and_frozen():
    c = align(arts(TEXTS[:1]), arts(TEXTS[:1], start=3))[0]
    assert isinstance(c, ArticleChange) and c.old_labels == ["第一条"] and c.new_labels == ["第三条"]
    with pytest.raises(AttributeError):
        c.kind = "changed"


def test_word_diff_marks_only_what_differs():
    old = "可以处一万元以上五万元以下罚款"
    new = "可以处一万元以上十万元以下罚款，并没收违法所得"
    runs = word_diff(old, new)
    assert "".join(t for k, t in runs if k != "insert") == old
    assert "".join(t for k, t in runs if k != "delete") == new
    assert ("delete", "五") in runs and ("insert", "十") in runs
    assert runs[-1] == ("insert", "，并没收违法所得")
    assert word_diff(old, old) == [("equal", old)]
    assert word_diff("", new) == [("insert", new)]


def test_word_diff_whole_words_when_little_is_shared():
    runs = word_diff("由公安机关处罚", "由市场监督管理部门处罚")
    assert ("delete", "公安机关") in runs and ("insert", "市场监督管理部门") in runs


def test_real_revision_of_the_cpa_law():
    """注册会计师法 2014 → 2026 from the bundled database: a new 第二条 renumbers the rest."""
    from ingest.statute_source import StatuteSource

    source = StatuteSource()
    versions = sorted((x for x in source.laws() if x.title == "中华人民共和国注册会计师法"),
                      key=lambda x: x.version_date)
    old, new = (_articles(source, law) for law in (versions[0], versions[-1]))
    started = time.perf_counter()
    changes = align(old, new)
    assert time.perf_counter() - started < 1.0
    by_old = {c.old_labels[0]: c for c in changes if c.old}
    assert by_old["第二条"].kind == "unchanged" and by_old["第二条"].new_labels == ["第三条"]
    assert by_old["第十八条"].kind == "changed" and by_old["第十八条"].new_labels == ["第二十条"]
    assert by_old["第四十三条"].kind == "deleted"
    added = {c.new_labels[0] for c in changes if c.kind == "added"}
    assert {"第二条", "第七条", "第三十二条"} <= added
    assert len(old) == sum(len(c.old) for c in changes) and len(new) == sum(len(c.new) for c in changes)


def _articles(source, law):
    doc = source.to_document(law, is_current=True)
    return [Article(id=k, doc_id=law.law_id, seq=k, number=a.number, sub=a.sub, label=a.label, path=a.path,
                    text=a.text) for k, a in enumerate(doc.articles)]


def test_rewritten_article_found_where_it_stood():
    """国防动员法 2010 → 2026: heavily rewritten articles between paired neighbours stay paired."""
    from ingest.statute_source import StatuteSource

    source = StatuteSource()
    versions = sorted((x for x in source.laws() if x.title == "中华人民共和国国防动员法"), key=lambda x: x.version_date)
    changes = align(*(_articles(source, law) for law in (versions[0], versions[-1])))
    pairs = {(c.old_labels[0], c.new_labels[0]) for c in changes if c.kind == "changed"}
    assert {("第七条", "第十二条"), ("第十九条", "第二十六条"), ("第二十八条", "第三十四条")} <= pairs
    assert {c.old_labels[0] for c in changes if c.kind == "deleted"} == {"第二十条", "第二十九条"}
