"""Explicit article references: numerals, 之一, aliases, names buried in other words."""
from __future__ import annotations

import pytest

from assistant.answer.verifier import CitationVerifier
from assistant.search.expansion import QueryExpander, clean_query, dedupe_repeated_tail
from assistant.search.references import ReferenceParser
from knowledge.legal.documents import NewArticle, NewDocument
from knowledge.store.article_store import ArticleStore

TITLES = ["中华人民共和国民法典", "中华人民共和国刑法", "中华人民共和国网络安全法", "中华人民共和国个人信息保护法",
          "中华人民共和国劳动合同法", "中华人民共和国劳动法", "中华人民共和国公司法", "中华人民共和国宪法",
          "中华人民共和国刑法修正案（十一）", "中华人民共和国户口登记条例", "中华人民共和国道路交通安全法"]


@pytest.fixture(scope="module")
def parser():
    return ReferenceParser(TITLES)


def refs(parser, q, **kw):
    return [(r.law.replace("中华人民共和国", ""), r.number, r.sub) for r in parser.parse(q, **kw).references]


@pytest.mark.parametrize("query,expected", [
    ("《中华人民共和国民法典》第一千二百五十四条", ("民法典", 1254, 0)),
    ("民法典第1254条", ("民法典", 1254, 0)),
    ("民法典第１２５４条", ("民法典", 1254, 0)),
    ("刑法264条", ("刑法", 264, 0)),
    ("刑法 第 264 条", ("刑法", 264, 0)),
    ("网络安全法第二十一条的内容是什么", ("网络安全法", 21, 0)),
    ("刑法第一百二十条之一", ("刑法", 120, 1)),
    ("刑法第120条之1规定了什么", ("刑法", 120, 1)),
    ("网安法第二十一条", ("网络安全法", 21, 0)),
    ("个保法第13条", ("个人信息保护法", 13, 0)),
    ("劳动合同法第十条", ("劳动合同法", 10, 0)),  # not 劳动法, not 合同法
    ("民法商法公司法第六十条的内容是什么", ("公司法", 60, 0)),
    ("请问劳动合同法关于试用期的第十九条", ("劳动合同法", 19, 0)),
    ("刑法修正案(十一)第一条", ("刑法修正案（十一）", 1, 0)),
    ("户口登记条例第八条", ("户口登记条例", 8, 0)),
    ("宪法第三十五条规定了哪些自由", ("宪法", 35, 0)),
])
def test_single_reference(parser, query, expected):
    got = refs(parser, query)
    assert got == ([expected] if expected else [])


def test_lists_ranges_and_defaults(parser):
    assert refs(parser, "劳动合同法第三十九条和第四十条") == [("劳动合同法", 39, 0), ("劳动合同法", 40, 0)]
    assert refs(parser, "民法典第一条至第三条") == [("民法典", 1, 0), ("民法典", 2, 0), ("民法典", 3, 0)]
    assert refs(parser, "第十条") == []
    assert refs(parser, "第十条", default_law="中华人民共和国网络安全法") == [("网络安全法", 10, 0)]


def test_counts_and_clauses_are_not_references(parser):
    assert refs(parser, "网安法一共七十九条吗") == []
    assert refs(parser, "这两条规定有什么区别") == []
    assert refs(parser, "劳动法第四十四条第二项") == [("劳动法", 44, 0)]


def test_unknown_law_is_reported(parser):
    got = parser.parse("消防法第一条")  # a law we do not hold: said so, nothing resolved
    assert got.references == [] and got.unknown_laws == ["消防法"]
    got = parser.parse("《合同法》第五十二条")
    assert got.references == [] and got.unknown_laws == ["合同法"]
    got = parser.parse("请问继承法第十条怎么规定")
    assert got.unknown_laws == ["继承法"]


def test_residual_keeps_the_rest(parser):
    got = parser.parse("依据《劳动合同法》第三十九条，公司可以辞退吗")
    assert "公司可以辞退吗" in got.residual and "第三十九条" not in got.residual


def test_query_cleanup_and_expansion():
    assert dedupe_repeated_tail("钱给花完了如果起诉胜率有多少给花完了如果起诉胜率有多少") == "钱给花完了如果起诉胜率有多少"
    assert "请问" not in clean_query("请问公司拖欠工资怎么办？")
    exp = QueryExpander().expand("老板拖欠工资还把我辞退了，酒驾被查")
    for term in ("劳动报酬", "解除劳动合同", "经济补偿", "饮酒", "机动车"):
        assert term in exp.terms
    assert "欠…钱" in QueryExpander().expand("他欠我的钱一直不还").matched


def test_questions_and_answers_read_citations_alike(parser, tmp_path):
    """One lexer: where a question's and an answer's policies both apply, the same text gives
    the same references through ``ReferenceParser`` and ``CitationVerifier.find_references``."""
    store = ArticleStore(tmp_path / "k.db")
    for title in TITLES:
        store.add_document(NewDocument(title=title, doc_type="法律", content_hash=title, articles=[
            NewArticle(number=1, sub=0, label="第一条", path=[], text="为了……，制定本法。")]))
    verifier = CitationVerifier(store)
    for text in ("《中华人民共和国民法典》第一千二百五十四条", "民法典第1254条", "民法典第１２５４条",
                 "网安法第二十一条第一款第（二）项", "刑法第一百二十条之一", "刑法第120条之1规定了什么",
                 "《劳动合同法》第三十九条、第四十条第一款和第四十一条", "劳动合同法第十条", "宪法的第三十五条",
                 "依据《劳动合同法》第三十九条，公司可以辞退吗", "《民法典》第一条和本法第二条"):
        answer_side = [(r.title.replace("中华人民共和国", ""), r.number, r.sub) for r in verifier.find_references(text)]
        assert refs(parser, text) == answer_side != [], text
    store.close()
