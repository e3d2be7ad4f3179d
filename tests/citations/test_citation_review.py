"""Internal rules citing national laws: links written at ingest, the review list, real laws."""
from __future__ import annotations

from assistant.library.ingestion_service import IngestionService
from tests.citations.conftest import CYBER

GRADED = "第一条　为了加强本局网络安全管理，根据《中华人民共和国网络安全法》，制定本办法。\n" \
         "第二条　本局按照《网络安全法》第二十一条的规定，实行网络安全等级保护制度。\n"
SCOPE = "第一条　为了规范本局网络建设，根据《中华人民共和国网络安全法》，制定本办法。\n" \
        "第二条　本局网络的建设、运营、维护和使用，依照《中华人民共和国网络安全法》第二条执行。\n"


def _article(review, law, cited):
    law_review = next(x for x in review.laws if x.law == law)
    return next(a for a in law_review.articles if a.cited == cited)


def test_rule_citing_article_21_of_the_cybersecurity_law_is_flagged_with_its_new_number(env):
    out = env.rule("网络安全等级保护实施办法", GRADED)
    links = env.citations.links.of_rule(out.doc_id)
    assert {(x.law_title, x.number, x.via) for x in links} == {(CYBER, None, "basis"), (CYBER, 21, "named")}
    [review] = env.citations.review()
    assert review.title == "网络安全等级保护实施办法" and review.needs_review
    art = _article(review, CYBER, "第二十一条")
    assert art.status == "renumbered" and art.now == ["第二十三条"]
    # the 2016 text is not bundled: the content under the new number is today's 第二十三条, verbatim
    current = env.store.find_article(env.store.find_documents(CYBER)[0].id, 23)
    assert art.diff == [("equal", current.text)] and "国家实行网络安全等级保护制度" in current.text
    assert "修改决定" in art.note and art.rule_article == "第二条"
    assert "《中华人民共和国网络安全法》第二十一条现为第二十三条（内容未变）" in review.reasons


def test_rule_citing_an_unchanged_article_is_not_flagged(env):
    env.rule("网络建设管理办法", SCOPE)
    assert env.citations.review() == []
    [review] = env.citations.review(flagged_only=False)
    art = _article(review, CYBER, "第二条")
    assert art.status == "unchanged" and art.now == ["第二条"] and not review.needs_review


def test_rule_written_after_the_current_version_is_not_flagged(env):
    env.rule("等级保护细则", GRADED.replace("第二十一条", "第二十三条"), date="2026-02-01")
    assert env.citations.review() == []
    [review] = env.citations.review(flagged_only=False)
    assert not review.laws[0].revised and _article(review, CYBER, "第二十三条").status == "unchanged"


def test_article_changed_between_two_held_versions_comes_with_its_word_diff(env):
    env.rule("合同仲裁管理规定", "第一条　本单位订立仲裁协议，依照《中华人民共和国仲裁法》第十六条执行。\n",
             date="2021-03-01")
    [review] = env.citations.review()
    law = review.laws[0]
    assert (law.version_then, law.version_now, law.revised) == ("2017-09-01", "2025-09-12", True)
    art = _article(review, "中华人民共和国仲裁法", "第十六条")
    assert art.status == "changed" and art.now == ["第二十七条"]
    kinds = {k for k, _ in art.diff}
    assert {"equal", "insert"} <= kinds
    old = env.store.find_article(env.store.list_documents(title="中华人民共和国仲裁法")[0].id, 16).text
    assert "".join(t for k, t in art.diff if k != "insert") == old  # the diff replays the old text


def test_superior_law_wording_resolves_to_the_stated_basis(env):
    out = env.rule("信息系统管理办法",
                   "第一条　为了规范信息系统管理，依据《中华人民共和国网络安全法》和《中华人民共和国保守国家秘密法》，"
                   "制定本办法。\n第二条　信息系统的安全保护按照上位法第二十一条执行；涉密信息按照保密法第三十条管理。\n")
    links = {(x.law_title, x.number): x.via for x in env.citations.links.of_rule(out.doc_id)}
    assert links[(CYBER, 21)] == "superior"
    assert links[("中华人民共和国保守国家秘密法", 30)] == "named"
    assert links[(CYBER, None)] == links[("中华人民共和国保守国家秘密法", None)] == "basis"
    [review] = env.citations.review()
    # 保密法 is held only in its 2024 text and no decision leads there from 2020: said, not guessed
    secret = _article(review, "中华人民共和国保守国家秘密法", "第三十条")
    assert secret.status == "unknown" and "无法逐条比对" in secret.note


def test_links_are_replaced_on_reingest_and_go_with_the_rule(env):
    first = env.rule("网络安全等级保护实施办法", GRADED)
    assert env.citations.link(env.store.get_document(first.doc_id)) == env.citations.links.of_rule(first.doc_id)
    assert len(env.citations.links.of_rule(first.doc_id)) == 2
    again = env.rule("网络安全等级保护实施办法", GRADED)
    assert again.result == "unchanged"
    second = env.rule("网络安全等级保护实施办法", GRADED + "第三条　依照《网络安全法》第二条执行。\n")
    assert second.superseded == [first.doc_id]
    assert {x.number for x in env.citations.links.of_rule(second.doc_id)} == {None, 21, 2}
    assert [r.rule_id for r in env.citations.review()] == [second.doc_id]  # the superseded rule is history
    env.ingestion.delete(second.doc_id)
    assert env.citations.links.of_rule(second.doc_id) == []


def test_backfill_links_rules_ingested_before_and_laws_imported_after(env):
    quiet = IngestionService(env.store, max_file_bytes=1 << 20, listeners=[])
    env.ingestion, loud = quiet, env.ingestion
    out = env.rule("网络安全等级保护实施办法", GRADED)
    assert env.citations.links.of_rule(out.doc_id) == []
    assert env.citations.refresh() == 1
    assert len(env.citations.links.of_rule(out.doc_id)) == 2
    env.ingestion = loud
    late = env.rule("劳动合同管理规定", "第一条　根据《中华人民共和国劳动合同法》，制定本规定。\n"
                                     "第二条　试用期依照《劳动合同法》第十九条确定。\n")
    assert {x.law_title for x in env.citations.links.of_rule(late.doc_id)} == {""}
    loud.import_statutes(names=["劳动合同法"])  # the listener re-links rules that named it
    assert {(x.law_title, x.number) for x in env.citations.links.of_rule(late.doc_id)} == {
        ("中华人民共和国劳动合同法", None), ("中华人民共和国劳动合同法", 19)}


def test_statutes_are_not_linked_as_rules(env):
    assert env.citations.links.all() == []
    assert env.citations.refresh() == 0


def test_a_text_published_but_not_yet_in_force_was_not_the_law_the_rule_applied(env):
    # the 2025 仲裁法 was published 2025-09-12 and takes effect 2026-03-01: a rule of 2025-12-01
    # applied the 2017 text
    env.rule("仲裁工作规定", "第一条　本单位订立仲裁协议，依照《中华人民共和国仲裁法》第十六条执行。\n",
             date="2025-12-01")
    [review] = env.citations.review()
    assert review.laws[0].version_then == "2017-09-01"
    assert _article(review, "中华人民共和国仲裁法", "第十六条").now == ["第二十七条"]
    env.rule("仲裁工作规定", "第一条　本单位订立仲裁协议，依照《中华人民共和国仲裁法》第二十七条执行。\n",
             date="2026-03-02")
    assert env.citations.review() == []  # the new version of the rule cites the text in force
