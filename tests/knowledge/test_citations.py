"""The citation lexer: numerals in every form, 之一, 款/项, lists, ranges, 本法, unknown 《》 names,
and the two linking policies (a question's and an answer's)."""
from __future__ import annotations

import re

import pytest

from knowledge.errors import XuefaError
from knowledge.legal.citations import (
    ANSWER_POLICY,
    QUESTION_POLICY,
    CitationLinker,
    article_markers,
    parse_article_label,
    parse_article_ref,
    separator,
)
from knowledge.legal.law_names import LawMentionFinder
from knowledge.legal.numerals import NUMERAL, cn_to_int, int_to_cn

TITLES = ["中华人民共和国民法典", "中华人民共和国刑法", "中华人民共和国劳动合同法", "中华人民共和国劳动法",
          "中华人民共和国网络安全法", "全国人民代表大会常务委员会关于某事项的决定"]
P = "中华人民共和国"


@pytest.fixture(scope="module")
def finder():
    return LawMentionFinder(TITLES)


def link(finder, text, policy=ANSWER_POLICY, **kw):
    return CitationLinker(finder, policy).link(text, **kw)


def found(finder, text, policy=ANSWER_POLICY, **kw):
    return [((r.title or "").removeprefix(P) or None, r.number, r.sub) for r in link(finder, text, policy, **kw)]


@pytest.mark.parametrize("text,number,sub", [
    ("第一千二百五十四条", 1254, 0), ("第1254条", 1254, 0), ("第１２５４条", 1254, 0), ("第 1254 条", 1254, 0),
    ("第一百零一条", 101, 0), ("第二〇条", 20, 0), ("第两百条", 200, 0), ("第十条之一", 10, 1),
    ("第10条之1", 10, 1), ("第一百二十条之十五", 120, 15),
])
def test_numerals_in_every_form(text, number, sub):
    [m] = article_markers(text)
    assert (m.number, m.sub, m.prefixed) == (number, sub, True)
    assert (m.start, m.end) == (0, len(text))


def test_one_numeral_class_and_labels_round_trip():
    assert all(re.fullmatch(NUMERAL, n) for n in ("一千二百六十", "1260", "１２６０", "二〇二三", "二○二三", "两万"))
    for n in (*range(1, 1300), 10000, 10010, 10101, 123456):
        assert cn_to_int(int_to_cn(n)) == n
    assert [int_to_cn(n) for n in (10, 110, 1001, 1010, 10010)] == [
        "十", "一百一十", "一千零一", "一千零一十", "一万零一十"]


def test_markers_are_not_counts_or_words():
    assert [m.prefixed for m in article_markers("刑法264条")] == [False]
    assert article_markers("三条例外") == [] and article_markers("这两条件") == []
    [m] = article_markers("第一百二十条之一两款")  # 之一, then 两款
    assert (m.number, m.sub) == (120, 1)


def test_clause_suffixes_belong_to_the_reference(finder):
    text = "《劳动合同法》第三十九条第一款第（二）项规定"
    [r] = link(finder, text)
    assert text[r.start:r.end] == "《劳动合同法》第三十九条第一款第（二）项"
    assert (r.title, r.number, r.law_name) == (P + "劳动合同法", 39, "劳动合同法")


def test_lists_and_ranges_continue_the_previous_law(finder):
    refs = link(finder, "《劳动合同法》第三十九条、第四十条第二款和第四十一条以及刑法第一条")
    assert [(r.title.removeprefix(P), r.number, r.listed) for r in refs] == [
        ("劳动合同法", 39, False), ("劳动合同法", 40, True), ("劳动合同法", 41, True), ("刑法", 1, False)]
    first, last = link(finder, "民法典第一条至第三条", QUESTION_POLICY)
    assert (last.title, last.number, last.closes_range, first.closes_range) == (P + "民法典", 3, True, False)
    gaps = ("、", "", " 和 ", "第二款、", "至", " ", "的规定和")
    assert [separator(g) for g in gaps] == ["、", "", "和", "、", "至", None, None]


def test_unknown_quoted_names_are_kept_unresolved(finder):
    [r] = link(finder, "《公文处理条例》第十条")
    assert (r.title, r.law_name, r.number) == (None, "公文处理条例", 10)
    assert found(finder, "《合同法》第五十二条", QUESTION_POLICY) == [(None, 52, 0)]  # not 劳动合同法
    assert found(finder, "请问继承法第十条", QUESTION_POLICY) == [(None, 10, 0)]  # guessed: a question only
    assert found(finder, "请问继承法第十条") == []


def test_back_references_take_the_law_in_context(finder):
    assert found(finder, "《民法典》第一条……本法第二条") == [("民法典", 1, 0), ("民法典", 2, 0)]
    assert found(finder, "该法第十二条", last_title=P + "刑法") == [("刑法", 12, 0)]
    assert found(finder, "本法第十二条") == []  # no law to point back to


def test_decision_items(finder):
    [r] = link(finder, "《全国人民代表大会常务委员会关于某事项的决定》三、本决定自公布之日起施行")
    assert (r.item, r.number, r.title) == (True, 3, TITLES[-1])


def test_the_policies_differ_only_in_reach(finder):
    """A question may write the law a few words before its number, or a bare 264条; an answer may not."""
    for text, question in [("劳动合同法关于试用期的第十九条", [("劳动合同法", 19, 0)]),
                           ("刑法264条", [("刑法", 264, 0)]),
                           ("网安法一共七十九条吗", [])]:
        assert found(finder, text, QUESTION_POLICY) == question
        assert found(finder, text) == []
    for text in ("《劳动合同法》第十九条", "劳动合同法第19条、第二十条", "民法典的第一千零八十四条第二款",
                 "刑法第一百二十条之一"):
        assert found(finder, text, QUESTION_POLICY) == found(finder, text) != []
    assert found(finder, "第十条", QUESTION_POLICY, default_law=P + "刑法") == [("刑法", 10, 0)]


def test_law_mentions(finder):
    assert finder.titles_in("劳动合同法和《网络安全法》") == [P + "劳动合同法", P + "网络安全法"]  # not 劳动法
    assert finder.strip("依据劳动合同法解除") == "依据 解除"
    quoted = [m for m in finder.mentions("《公文处理条例》") if m.quoted]
    assert [(m.name, m.title) for m in quoted] == [("公文处理条例", None)]


@pytest.mark.parametrize("ref,expected", [
    ("第五十六条", (56, 0)), ("56", (56, 0)), ("五十六", (56, 0)), ("第十条之一", (10, 1)), ("56-1", (56, 1)),
    (" 第 十 条 ", (10, 0)), ("５６", (56, 0)), (12, (12, 0)),
])
def test_a_label_as_a_user_types_it(ref, expected):
    assert parse_article_ref(ref) == expected


def test_unreadable_labels():
    for ref in ("x", "第十条之", "10-"):
        with pytest.raises(XuefaError):
            parse_article_ref(ref)
    assert parse_article_label("第十条之一") == (10, 1) and parse_article_label("十条") is None


# ---- internal rules: the stated basis and 上位法 ----------------------------------------------
def test_stated_basis_is_what_a_rule_says_it_rests_on(finder):
    from knowledge.legal.citations import stated_basis

    text = "第一条　为了规范用工，根据《中华人民共和国劳动合同法》和《劳动法》等法律，结合实际，制定本办法。"
    basis = stated_basis(text, finder.mentions(text, loose=True))
    assert [m.title for m in basis] == [P + "劳动合同法", P + "劳动法"]
    # a law named in a sentence that does not found the rule is no basis
    other = "员工应当学习《中华人民共和国民法典》。本办法自公布之日起施行。"
    assert stated_basis(other, finder.mentions(other, loose=True)) == []


def test_superior_law_means_the_basis_not_the_last_law_named(finder):
    from knowledge.legal.citations import RULE_POLICY

    text = "劳动报酬依照《民法典》第五百条确定，试用期按照上位法第十九条执行。"
    basis = P + "劳动合同法"
    assert found(finder, text, RULE_POLICY, basis=basis) == [("民法典", 500, 0), ("劳动合同法", 19, 0)]
    assert found(finder, text, RULE_POLICY) == [("民法典", 500, 0)]  # no basis stated: 上位法 is no law
    # 本法 in a rule with no law named before it: the basis, given as the law it points back to
    assert found(finder, "依照本法第十条执行。", RULE_POLICY, last_title=basis, basis=basis) == [("劳动合同法", 10, 0)]
