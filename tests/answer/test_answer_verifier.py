"""Citation verification against a real store: invented, misquoted and out-of-force citations
never reach the user unflagged — on whole texts and on streams cut anywhere."""
from __future__ import annotations

import pytest

from assistant.answer.types import Answer
from assistant.answer.verifier import (
    REMOVED_MARK,
    CitationVerifier,
    Source,
    is_verbatim,
    quote_spans,
)
from knowledge.legal.documents import NewArticle, NewDocument
from knowledge.store.article_store import ArticleStore

ART19 = "劳动合同期限三个月以上不满一年的，试用期不得超过一个月"


@pytest.fixture(scope="module")
def verifier(answer_env):
    return CitationVerifier(answer_env.store)


def kinds(result) -> list[str]:
    return [f.kind for f in result.flags]


def test_valid_citations_in_every_spelling(verifier):
    text = ("《中华人民共和国劳动合同法》第十九条、《劳动合同法》第19条、劳动合同法第十九条，"
            "《民法典》第一千二百五十四条，网安法第二十一条第一款第（二）项、第二十二条。")
    r = verifier.verify(text)
    assert r.flags == []
    assert r.text == text
    labels = [(c.law, c.article) for c in r.citations]
    assert ("中华人民共和国劳动合同法", "第十九条") in labels
    assert ("中华人民共和国民法典", "第一千二百五十四条") in labels
    assert ("中华人民共和国网络安全法", "第二十二条") in labels  # an item of a list
    assert all(c.status == "现行有效" for c in r.citations)
    # resolved, but nothing was checked against them (no quotation): not "已与原文核对"
    assert not any(c.verified for c in r.citations)


def test_nonexistent_article_and_law_are_removed_and_flagged(verifier):
    text = "根据《民法典》第9999条，合同无效。另见《劳动合同法》第三十八条、第9998条。《公文处理条例》第十条也有规定。"
    r = verifier.verify(text)
    assert kinds(r).count("nonexistent") == 3
    assert "9999" not in r.text and "9998" not in r.text and "公文处理条例" not in r.text
    assert r.text.count(REMOVED_MARK) == 3
    assert "《劳动合同法》第三十八条" in r.text  # the real one of the list stays
    assert not r.valid


def test_article_suffix_zhi_yi(verifier):
    r = verifier.verify("《刑法》第一百二十条之一规定了帮助恐怖活动罪。《刑法》第一百二十条之九十九不存在。")
    found = [(c.article) for c in r.citations]
    assert "第一百二十条之一" in found
    assert [f.kind for f in r.flags if f.kind == "nonexistent"] == ["nonexistent"]
    assert "之九十九" not in r.text


def test_misquote_is_flagged_with_the_real_text(verifier):
    text = "《劳动合同法》第十九条规定：「劳动合同期限三个月以上不满一年的，试用期不得超过两个月」。"
    r = verifier.verify(text)
    assert kinds(r) == ["misquote"]
    flag = r.flags[0]
    assert ART19 in flag.real_text and "试用期不得超过一个月" in flag.message
    cit = next(c for c in r.citations if c.article == "第十九条")
    assert cit.verified is False and cit.flags
    assert "原文不符" in r.text  # the reader sees it inline too


def test_verbatim_quotes_pass_with_ellipsis_and_other_marks(verifier):
    ok = [
        f"《劳动合同法》第十九条规定：「{ART19}；……同一用人单位与同一劳动者只能约定一次试用期。」",
        f"依照《劳动合同法》第十九条，“{ART19}”。",
        '依照《劳动合同法》第十九条, "试用期包含在劳动合同期限内" .',
    ]
    for text in ok:
        r = verifier.verify(text)
        assert r.flags == [], (text, r.flags)


def test_quotes_are_attributed_to_the_nearest_citation(verifier):
    # the quote is verbatim in 第十九条, cited after it
    r = verifier.verify(f"「{ART19}」（《劳动合同法》第十九条）")
    assert r.flags == []
    # verbatim somewhere cited, though not in the nearest article: accepted, not flagged
    r = verifier.verify(f"《劳动合同法》第十九条、第二十条：「{ART19}」")
    assert r.flags == []
    # quoted text found in no cited article
    r = verifier.verify("「用人单位可以随时扣押劳动者的身份证件」")
    assert kinds(r) == ["unattributed_quote"]


def test_not_in_force_is_flagged_with_its_status(verifier):
    r = verifier.verify("《刑法》第二百六十四条规定了盗窃罪。")
    assert kinds(r) == ["not_in_force"]
    assert "已被修改" in r.flags[0].message
    assert r.citations[0].status == "已被修改" and not r.citations[0].verified  # nothing quoted
    assert "〔已被修改〕" in r.text


def test_superseded_version_is_flagged(tmp_path):
    store = ArticleStore(tmp_path / "k.db")
    for version, text in (("2020", "旧的规定。"), ("2024", "新的规定。")):
        store.add_document(NewDocument(title="某局保密管理办法", doc_type="内部制度", version=version,
                                       articles=[NewArticle(1, 0, "第一条", [], text)]))
    v = CitationVerifier(store)
    old = next(d for d in store.list_documents() if not d.is_current)
    art = store.find_article(old.id, 1)
    r = v.verify("依据[1]，「旧的规定」。", [Source(1, art, old)])
    assert "not_in_force" in kinds(r)
    assert r.citations[0].is_current is False
    # by name, the current version is the one checked
    r = v.verify("《某局保密管理办法》第一条：「新的规定」。")
    assert r.flags == []


def test_source_markers(verifier, answer_env):
    doc = answer_env.store.find_documents("中华人民共和国劳动合同法")[0]
    art = answer_env.store.find_article(doc.id, 19)
    sources = [Source(1, art, doc)]
    r = verifier.verify(f"试用期有上限[1]。「{ART19}」[1]。另有规定[7]。", sources)
    assert kinds(r) == ["bad_source"]
    assert "[7]" not in r.text and "[1]" in r.text
    assert r.citations[0].source_index == 1
    r = verifier.verify("「试用期不得超过半年」[1]", sources)
    assert kinds(r) == ["misquote"]


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_stream_never_releases_an_unchecked_citation(verifier, size):
    text = ("答：根据《民法典》第9999条，合同无效。\n另据《劳动合同法》第十九条：「劳动合同期限三个月以上不满一年的，"
            "试用期不得超过两个月」。\n结束。")
    session = verifier.session()
    out = []
    for i in range(0, len(text), size):
        part = session.feed(text[i:i + size])
        assert "9999" not in part
        out.append(part)
    out.append(session.finish())
    streamed = "".join(out)
    assert streamed == verifier.verify(text).text
    assert sorted(f.kind for f in session.flags) == ["misquote", "nonexistent"]


def test_quote_spans_nested_marks():
    text = "「他说“用人单位”应当……」和“外层”"
    spans = quote_spans(text)
    assert [text[a:b] for a, b in spans] == ["「他说“用人单位”应当……」", "“外层”"]
    assert is_verbatim("用人单位……劳动者", "用人单位应当保护劳动者。")
    assert not is_verbatim("劳动者……用人单位", "用人单位应当保护劳动者。")


def test_answer_json_shape(verifier):
    from assistant.answer.types import Citation, Flag, RetrievalTrace

    r = verifier.verify("《劳动合同法》第十九条。")
    a = Answer(text="x", found=True, citations=r.citations, flags=[Flag("misquote", "m")],
               trace=RetrievalTrace(query="q", rewritten_query="q"))
    j = a.to_json()
    assert set(j) >= {"answer", "found", "citations", "flags"}
    assert set(j["citations"][0]) >= {"law", "article", "text", "status", "verified"}
    assert isinstance(a.citations[0], Citation)


def test_items_of_decisions(tmp_path):
    store = ArticleStore(tmp_path / "k.db")
    store.add_document(NewDocument(title="全国人民代表大会常务委员会关于某事项的决定", doc_type="修改决定",
                                   structure="items", articles=[
                                       NewArticle(1, 0, "一、", [], "将某法第一条修改为：甲。", kind="item"),
                                       NewArticle(3, 0, "三、", [], "本决定自公布之日起施行。", kind="item")]))
    v = CitationVerifier(store)
    r = v.verify("《全国人民代表大会常务委员会关于某事项的决定》三、\n「本决定自公布之日起施行。」")
    assert r.flags == [] and r.citations[0].article == "三、"
    r = v.verify("《全国人民代表大会常务委员会关于某事项的决定》三、\n「本决定自发布之日起施行。」")
    assert [f.kind for f in r.flags] == ["misquote"]
