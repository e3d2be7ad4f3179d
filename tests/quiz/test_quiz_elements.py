"""Legal elements, verbatim matching, shortening, perturbations and grading on literal texts."""
from __future__ import annotations

import random

import pytest

from assistant.quiz.elements import bodies, extract_elements, quantities
from assistant.quiz.perturbation import (
    modal_edits,
    number_edits,
    range_edits,
    same_body,
    subject_edits,
)
from assistant.quiz.text import (
    contains_verbatim,
    leans_on_context,
    numbers_in,
    shorten,
    split_sentences,
)
from assistant.quiz.types import (
    BLANK,
    Claim,
    Question,
    normalize_blank,
    parse_true_false,
)

FINE = ("网络运营者不履行本法第二十三条规定的网络安全保护义务的，由有关主管部门责令改正，给予警告；"
        "拒不改正的，处一万元以上十万元以下罚款，对直接负责的主管人员处五千元以上五万元以下罚款。")


def kinds(text):
    return [(e.kind, e.text) for e in extract_elements(text)]


def test_periods_amounts_penalties_and_dates():
    assert ("period", "三十日") in kinds("劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。")
    assert ("period", "十五个工作日") in kinds("行政机关应当自受理申请之日起十五个工作日内作出决定。")
    assert ("period", "六个月") in kinds("留存相关的网络日志不少于六个月。")
    got = kinds(FINE)
    assert ("penalty", "一万元以上十万元以下") in got and ("penalty", "五千元以上五万元以下") in got
    assert not any(k == "amount" for k, _ in got), "amounts inside a penalty are asked as the penalty"
    assert ("penalty", "五日以上十日以下") in kinds("处五日以上十日以下拘留，可以并处五百元以下罚款。")
    assert ("penalty", "三年以下") in kinds("处三年以下有期徒刑或者拘役。")
    assert ("date", "2017年6月1日") in kinds("本法自2017年6月1日起施行。")
    assert ("ratio", "百分之十") in kinds("占企业职工总数百分之十以上的")
    assert ("ratio", "二倍") in kinds("应当向劳动者每月支付二倍的工资。")
    # article references are not quantities
    assert all(q.value not in (23,) for q in quantities(FINE))


def test_bodies_stop_at_verbs_and_skip_generic_names():
    text = ("国家网信部门负责统筹协调网络安全工作。国务院电信主管部门、公安部门和其他有关机关依照本法"
            "在各自职责范围内负责网络安全保护工作。")
    assert [b.text for b in bodies(text)] == ["国家网信部门", "国务院电信主管部门", "公安部门"]
    assert [b.text for b in bodies("县级以上地方人民政府有关部门的职责，按照国家有关规定确定。")] == \
        ["县级以上地方人民政府有关部门"]
    assert [b.text for b in bodies("省、自治区、直辖市人民政府劳动行政部门应当")] == ["省、自治区、直辖市人民政府劳动行政部门"]
    assert [b.text for b in bodies("设区的市级以上地方人民政府公安机关")] == ["设区的市级以上地方人民政府公安机关"]
    assert bodies("由有关主管部门责令改正") == []  # generic: not worth a blank
    assert [b.text for b in bodies("用人单位应当研究工会的意见，并将处理结果书面通知工会。")] == ["工会", "工会"]


def test_modals():
    assert [e.text for e in extract_elements("网络运营者应当加强管理，不得泄露，可以委托。") if e.kind == "modal"] == \
        ["应当", "不得", "可以"]


def test_verbatim_matching_and_shortening():
    article = "第一句话在这里。\n网络运营者应当制定网络安全事件应急预案，及时处置系统漏洞、计算机病毒等安全风险。"
    assert contains_verbatim(article, "网络运营者应当制定网络安全事件应急预案")
    assert contains_verbatim(article, "第一句话……及时处置系统漏洞")
    assert not contains_verbatim(article, "及时处置系统漏洞……第一句话")  # segments in order
    assert not contains_verbatim(article, "网络运营者可以制定网络安全事件应急预案")
    long_sentence = FINE
    start = long_sentence.index("五千元")
    text, (a, b) = shorten(long_sentence, (start, start + 3), max_len=40)
    assert text[a:b] == "五千元"
    assert contains_verbatim(long_sentence, text) and len(text.replace("……", "")) <= 70


def test_sentences_keep_enumerated_items_with_their_lead():
    text = "国家采取下列措施：\n（一）建立制度；\n（二）开展培训。\n前款规定的措施由国务院制定。"
    sents = split_sentences(text)
    items = [s for s in sents if s.is_item]
    assert [s.text for s in items] == ["建立制度；", "开展培训。"]
    assert all(s.lead == "国家采取下列措施：" for s in items)
    assert leans_on_context("前款规定的措施由国务院制定") and leans_on_context("违反本法规定的")
    assert not leans_on_context("建立制度的", assertion=False)


def test_number_perturbations_stay_plausible_and_ordered():
    rng = random.Random(1)
    for edit in number_edits(FINE, rng, per_quantity=3):
        changed = edit.apply(FINE)
        assert changed != FINE
        # a range keeps its lower bound below its upper bound
        values = [q.value for q in quantities(changed) if q.unit == "元"]
        assert values[0] < values[1] and values[2] < values[3]
    edits = number_edits("应当在三十日内作出决定。", random.Random(2), per_quantity=3)
    assert {e.old for e in edits} == {"三十日"} and "三十日" not in {e.new for e in edits}
    assert all(e.new.endswith("日") for e in edits)


def test_modal_range_and_subject_swaps():
    text = "网络运营者应当制定预案，不得泄露信息。"
    assert {(e.old, e.new) for e in modal_edits(text)} == {("应当", "可以"), ("不得", "可以")}
    assert [e.new for e in range_edits("罚款一万元以上。")] == ["以下"]
    assert range_edits("处一万元以上十万元以下罚款") == []  # never inside a 以上…以下 pair
    assert [e.new for e in range_edits("县级以上人民政府负责")] == ["以下"]
    edits = subject_edits("国家网信部门负责统筹协调。", ["国家网信部门", "国务院公安部门"], random.Random(0))
    assert edits and all(e.old == "国家网信部门" and e.new != "国家网信部门" for e in edits)
    assert same_body("县级以上人民政府劳动行政部门", "县级以上地方人民政府劳动行政部门")
    assert same_body("国务院有关部门", "省级以上人民政府有关部门")  # the range covers it
    assert not same_body("国家网信部门", "公安机关")


def _q(qtype, answer, options=()):
    return Question(qtype=qtype, stem="题干" + (BLANK if qtype == "填空" else ""), options=list(options),
                    answer=answer, explanation="解析", law="某法", article="第一条", article_id=1, doc_id="d",
                    generator="test", claims=[Claim("x", True, 1)])


def test_grading_normalizes_answers():
    single = _q("单选", ["B"], ["甲", "乙", "丙", "丁"])
    assert single.is_correct("b") and single.is_correct(["B"]) and not single.is_correct("A")
    multi = _q("多选", ["A", "C"], ["甲", "乙", "丙", "丁"])
    assert multi.is_correct("CA") and multi.is_correct("A,C") and not multi.is_correct("A")  # all or nothing
    judge = _q("判断", "错误", ["正确", "错误"])
    assert judge.is_correct("错") and judge.is_correct("×") and judge.is_correct("F") and not judge.is_correct("对")
    blank = _q("填空", "三十日")
    assert blank.is_correct("三十日") and blank.is_correct(" 30日 ") and not blank.is_correct("十五日")
    assert normalize_blank("一万元以上五万元以下") == normalize_blank("1万元以上5万元以下")
    assert parse_true_false("正确") == "正确" and parse_true_false("随便") is None
    assert numbers_in("第三十条规定三十日内") == {30}


def test_question_ids_are_stable_and_round_trip():
    q = _q("单选", ["B"], ["甲", "乙", "丙", "丁"])
    again = Question.from_dict(q.to_dict())
    assert again == q and again.id == q.id
    other = _q("单选", ["C"], ["甲", "乙", "丙", "丁"])
    assert other.id != q.id
    with pytest.raises(ValueError):
        _q("问答", "x")
