"""管理 › 上位法修订复核: the handler called as gradio calls it (a request naming the user), over a
container holding the real 网络安全法 (2025 text) and its amendment decision."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

BOSS, CLERK = SimpleNamespace(username="boss"), SimpleNamespace(username="clerk")
RULE = ("第一条　为了加强本局网络安全管理，根据《中华人民共和国网络安全法》，制定本办法。\n"
        "第二条　本局按照《网络安全法》第二十一条的规定，实行网络安全等级保护制度。\n"
        "第三条　本局网络的建设和使用，依照《网络安全法》第二条执行。\n")


@pytest.fixture
def section(tmp_path):
    from assistant.container import Container
    from assistant.library.ingestion_service import IngestOptions
    from assistant.settings import Settings
    from assistant.web.admin.citations import CitationsSection

    c = Container(Settings(home=tmp_path / "home", embedder="fake", _env_file=None))
    c.ingestion.import_statutes(names=["网络安全法", "关于修改《中华人民共和国网络安全法》的决定"])
    rule = tmp_path / "rule.txt"
    rule.write_text(RULE, encoding="utf-8")
    options = IngestOptions(title="等级保护<办法>", doc_type="内部制度", publish_date="2019-06-01")
    assert c.ingestion.ingest_file(rule, options).ok
    c.auth.create_user("boss", "boss-pass-123", role="admin")
    c.auth.create_user("clerk", "clerk-pass-123")
    return c, CitationsSection(c.citations, c.auth)


def test_admin_sees_the_rule_with_the_renumbered_article_escaped(section):
    _, cite = section
    html = cite.check(False, BOSS)
    assert "1 份需要复核" in html
    assert "《等级保护&lt;办法&gt;》（2019-06-01）" in html and "<办法>" not in html  # the title is escaped
    assert "第二十一条 → 第二十三条</b> 条号变动（本制度第二条引用）" in html
    assert "国家实行网络安全等级保护制度" in html
    assert "第二条 → 第二条" not in html  # the unchanged article is not listed as a change
    everything = cite.check(True, BOSS)
    assert everything.count('class="xf-cite"') == 1


def test_word_diff_marks_deletions_and_insertions():
    from assistant.web.admin.citations import diff_html

    html = diff_html([("equal", "处"), ("delete", "五万元"), ("insert", "<十万元>"), ("equal", "罚款")])
    assert html == '<div class="xf-cite-diff">处<del>五万元</del><ins>&lt;十万元&gt;</ins>罚款</div>'


def test_staff_is_refused(section):
    _, cite = section
    with pytest.raises(gr.Error):
        cite.check(False, CLERK)
