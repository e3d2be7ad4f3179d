"""Claim–article support, markup stripping and the precise meaning of "verified", on real
statute text from the bundled database."""
from __future__ import annotations

import pytest

from assistant.answer.markup import LINK_REMOVED, strip_markup
from assistant.answer.support import claim_support, numbers, polarity
from assistant.answer.verifier import Source

ART9 = "用人单位招用劳动者，不得扣押劳动者的居民身份证和其他证件，不得要求劳动者提供担保或者以其他名义向劳动者收取财物。"


@pytest.mark.parametrize("claim", [
    "用人单位招用劳动者，不得扣押劳动者的居民身份证和其他证件",
    "用人单位不得要求劳动者提供担保",
])
def test_supported_claims(claim):
    assert claim_support(claim, ART9).supported


@pytest.mark.parametrize("claim,reason", [
    ("用人单位招用劳动者时可以扣押劳动者的居民身份证", "授权性"),  # polarity flipped
    ("涉密文件可以通过微信等即时通讯工具传输", "主要内容"),  # nothing of it in the article
    ("用人单位不得扣押劳动者证件，违者三十日内改正", "数字或期限"),
])
def test_unsupported_claims(claim, reason):
    result = claim_support(claim, ART9)
    assert not result.supported and reason in result.reason


def test_numbers_must_agree():
    text = "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。"
    assert numbers("提前30日") == {30} and numbers("六个月") == {6}
    assert claim_support("劳动者提前三十日书面通知用人单位，可以解除劳动合同", text).supported
    assert not claim_support("劳动者提前十五日书面通知用人单位，可以解除劳动合同", text).supported
    assert polarity("不得扣押") == "prohibit" and polarity("应当登记") == "oblige" and polarity("可以解除") == "permit"


def test_strip_markup_keeps_words_and_markers():
    text = ('详见[官方说明](http://evil.example/login)[1]，<img src=x onerror=alert(1)>'
            '<form action="http://evil"><input type="password"></form>请访问 https://evil.example/a?b=1 。'
            "<script>alert(2)</script>![图](http://evil/x.png)第[2](第二款)")
    out = strip_markup(text)
    assert "evil" not in out and "<" not in out and "alert" not in out
    assert "官方说明[1]" in out and LINK_REMOVED in out and "[2](第二款)" in out


def test_unsupported_claim_is_flagged_and_not_verified(answer_env):
    v = answer_env.service().verifier
    doc9, art9 = v.lookup("中华人民共和国劳动合同法", 9)
    doc57, art57 = v.lookup("中华人民共和国保守国家秘密法", 57)
    sources = [Source(1, art9, doc9), Source(2, art57, doc57)]
    r = v.verify("用人单位招用劳动者，不得扣押劳动者的居民身份证[1]。"
                 "涉密文件可以通过微信等即时通讯工具传输[2]。", sources)
    unsupported = [f for f in r.flags if f.kind == "unsupported"]
    assert len(unsupported) == 1 and "第五十七条" in unsupported[0].message
    by_law = {c.article: c for c in r.citations}
    assert by_law["第九条"].verified is True
    assert by_law["第五十七条"].verified is False and "未能在所引条文中核实" in by_law["第五十七条"].flags
    assert "传输[2]〔未能在所引条文中核实〕" in r.text


def test_marker_after_the_sentence_and_across_stream_segments(answer_env):
    v = answer_env.service().verifier
    doc57, art57 = v.lookup("中华人民共和国保守国家秘密法", 57)
    s = v.session([Source(1, art57, doc57)])
    out = s.feed("涉密文件可以通过微信传输。") + s.feed("[1]其余略。") + s.finish()
    assert any(f.kind == "unsupported" for f in s.flags) and "〔未能在所引条文中核实〕" in out


def test_a_quote_checked_verbatim_is_verified_a_mention_is_not(answer_env):
    v = answer_env.service().verifier
    r = v.verify(f"《劳动合同法》第九条规定：「{ART9[:20]}」。《劳动合同法》第十条也有规定。")
    by = {c.article: c for c in r.citations}
    assert by["第九条"].verified and not by["第十条"].verified
