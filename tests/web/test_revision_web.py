"""修订对照 in the web app (handlers called directly), revision notes on cards, and the note for
a question citing an old article number (search and answer)."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.web import revision_view
from assistant.web.library_tab import LibraryTab
from knowledge.legal.documents import Article, Document
from knowledge.legal.revisions import align
from revision_fixtures import copy_store


@pytest.fixture(scope="module")
def c(tmp_path_factory):
    from assistant.container import Container
    from assistant.settings import Settings

    home = tmp_path_factory.mktemp("revision-web") / "home"
    copy_store(home)
    c = Container(Settings(home=home, embedder="fake", search_dense=False, _env_file=None))
    c.auth.create_user("clerk", "clerk-pass-123")
    return c


CLERK = SimpleNamespace(username="clerk")


def test_compare_view_side_by_side(c):
    tab = LibraryTab(c.library, c.search, c.auth, c.revisions)
    old, new = c.revisions.versions("注册会计师法")
    html = tab.compare_versions(old.id, new.id, True, CLERK)
    assert '<div class="xf-rev-summary" id="xf-rev-summary">' in html
    n = c.revisions.compare("注册会计师法").counts
    assert f"<b>{n['changed']}</b>处修改" in html and f"<b>{n['renumbered']}</b>条重新编号" in html
    assert "与委托人<ins>或者被审计单位</ins>有利害关系的" in html
    assert "<del>" in html and "（本条已删除）" in html and "（新增条文）" in html
    everything = tab.compare_versions(old.id, new.id, False, CLERK)
    assert everything.count('class="xf-rev-old') == len(c.revisions.compare("注册会计师法").changes)
    assert html.count('class="xf-rev-old') < everything.count('class="xf-rev-old')


def test_compare_view_checks_user_and_input(c):
    tab = LibraryTab(c.library, c.search, c.auth, c.revisions)
    old, new = c.revisions.versions("注册会计师法")
    other = c.revisions.versions("仲裁法")[0]
    for args in ((old.id, old.id), ("", new.id), (old.id, other.id), ("x" * 65, new.id), ("nope", new.id)):
        with pytest.raises(gr.Error):
            tab.compare_versions(*args, True, CLERK)
    with pytest.raises(gr.Error):
        tab.compare_versions(old.id, new.id, True, SimpleNamespace(username=None))


def test_compare_view_escapes_document_text():
    def art(text):
        return Article(id=1, doc_id="d", seq=0, number=1, sub=0, label="第一条<b>", path=["第一章<i>"], text=text)

    old = Document(id="a", title="t", doc_type="内部制度", status="已被修改", is_current=False, version="<x>")
    new = Document(id="b", title="t", doc_type="内部制度", status="现行有效", is_current=True, version="2024")
    from assistant.revisions.types import Comparison

    same = "本办法适用于本局各处室的公文办理工作，收文应当在登记后两个工作日内送交承办处室拟办。"
    comparison = Comparison("t", old, new, align([art(same + "<script>alert(1)</script>")],
                                                 [art(same + "<img src=x onerror=alert(1)>")]))
    assert [ch.kind for ch in comparison.changes] == ["changed"]
    html = revision_view.comparison_html(comparison, only_changes=False)
    assert "<script>" not in html and "<img" not in html and "第一条<b>" not in html and "第一章<i>" not in html
    assert "script" in html and "img src=x" in html and "&lt;x&gt;" in html
    assert "<del>" in html and "<ins>" in html


def test_open_law_shows_the_compare_box_only_with_history(c, tmp_path):
    tab = LibraryTab(c.library, c.search, c.auth, c.revisions)
    with gr.Blocks():
        tab.build()
    cyber = c.library.find("网络安全法")
    *_, box, older, newer, view = tab.open_document(cyber.id, None, CLERK)
    assert box.visible is True and view == ""
    earlier = c.revisions.versions("网络安全法")[0]
    assert older.value == earlier.id and newer.value == cyber.id
    # opening the earlier version pairs it with the next one
    *_, box, older, newer, _ = tab.open_document(earlier.id, None, CLERK)
    assert (older.value, newer.value) == (earlier.id, cyber.id)
    rule = tmp_path / "某局公文流转办法.txt"
    rule.write_text("某局公文流转办法\n一、收文应当在登记后两个工作日内送交承办处室拟办。\n"
                    "二、涉密公文的流转应当经保密员登记。\n", encoding="utf-8")
    outcome = c.ingestion.ingest_file(rule)
    *_, box, _, _, _ = tab.open_document(outcome.doc_id, None, CLERK)
    assert box.visible is False


def test_search_notes_and_card_notes(c):
    tab = LibraryTab(c.library, c.search, c.auth, c.revisions)
    html = tab.search_articles("网络安全法第二十一条", "全部", CLERK)
    assert "《网络安全法》原第二十一条，现为第二十三条（2025-10-28 修改）" in html
    # the card of today's 第二十一条 says where it came from
    assert '<div class="xf-revnote">本条 2025-10-28 修改时重新编号；原第十九条</div>' in html
    result = c.search.search("网络安全法第二十一条", top_k=3)
    assert result.hits[0].article.label == "第二十一条"  # retrieval unchanged: the current 第二十一条 first
    assert result.notes == ["《网络安全法》原第二十一条，现为第二十三条（2025-10-28 修改）"]
    assert c.search.search("网络安全法第一条", top_k=3).notes == []


def test_answer_flags_the_renumbered_reference(c):
    answer = c.answerer.ask("网络安全法第二十一条规定了什么")
    notes = [f for f in answer.flags if f.kind == "renumbered"]
    assert [f.message for f in notes] == ["《网络安全法》原第二十一条，现为第二十三条（2025-10-28 修改）"]
    assert answer.citations and answer.citations[0].article == "第二十一条"
