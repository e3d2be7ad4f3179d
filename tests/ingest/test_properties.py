"""Property-based tests (hypothesis) of the splitter and the citation lexer.

Properties, exactly:

Splitter (``ingest.splitter.split_text``)
  S1. For any text, it returns without raising, with a structure in {articles, items, prose}.
  S2. For any text, every 款 (paragraph) of every split unit occurs verbatim in the input:
      the splitter never invents or alters text, it only cuts.
  S3. Round trip: for a document built as a title line followed by articles 第1条 … 第n条
      (Chinese numerals, optional 之N after a plain article), each with 1–3 paragraphs of
      body text that contains no line-initial structure marker, the result has structure
      ``articles``, the labels in order, and for every article
      ``article.text == "\\n".join(its paragraphs)``; hence the concatenation of all articles'
      texts equals the concatenation of the input's article bodies.

Citation lexer (``knowledge.legal.citations``)
  C1. For any text, ``CitationLinker.link`` (question and answer policies) returns without
      raising, and every reference lies inside the text (0 ≤ start < end ≤ len).
  C2. Round trip: 《title》第N条 (and 之M), with N written in Chinese, Arabic or full-width
      digits, embedded between arbitrary filler that contains no 条/第/《 (the filler after it
      does not start with a digit, which would extend the numeral), is found exactly once,
      with that title, N and M.
  C3. ``parse_article_ref(article_label(n, m)) == (n, m)`` for 1 ≤ n ≤ 9999, 0 ≤ m ≤ 20.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.splitter import split_text
from knowledge.legal.citations import ANSWER_POLICY, QUESTION_POLICY, CitationLinker, parse_article_ref
from knowledge.legal.law_names import LawMentionFinder
from knowledge.legal.numerals import article_label, int_to_cn

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TITLES = ["中华人民共和国网络安全法", "中华人民共和国保守国家秘密法", "中华人民共和国民法典", "中华人民共和国刑法"]

# text that looks like law: structure words, numerals, punctuation, newlines and anything else
LEGALISH = st.text(alphabet=st.sampled_from(
    list("第条章节编款项之一二三四五六七八九十百千零0123456789０１２３、，。；：（）()《》 \n\t目录附则件")
    + list("法本规定应当可以不得单位个人国家")), max_size=400)
ANY_TEXT = st.one_of(LEGALISH, st.text(max_size=400))

# body text that cannot start a structural line: ordinary hanzi and punctuation only
BODY_CHARS = "应当可以不得单位个人国家机关工作人员依法履行职责保护信息安全管理制度规范，。；"
PARAGRAPH = st.text(alphabet=BODY_CHARS, min_size=2, max_size=40).map(lambda s: "为" + s + "。")


@FAST
@given(ANY_TEXT)
def test_s1_s2_splitter_never_crashes_and_never_invents_text(text):
    result = split_text(text)
    assert result.structure in ("articles", "items", "prose")
    for unit in result.articles:
        for paragraph in unit.text.split("\n"):
            assert paragraph.strip() in text, (paragraph, text)


@st.composite
def statute(draw):
    count = draw(st.integers(1, 25))
    articles, lines = [], ["某某管理办法"]
    for n in range(1, count + 1):
        subs = [0] + ([1] if draw(st.booleans()) and n > 1 else [])
        for sub in subs:
            paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=3))
            label = f"第{int_to_cn(n)}条" + (f"之{int_to_cn(sub)}" if sub else "")
            articles.append((label, paragraphs))
            lines.append(f"{label}　{paragraphs[0]}")
            lines.extend(paragraphs[1:])
    return "\n".join(lines), articles


@FAST
@given(statute())
def test_s3_articles_round_trip(doc):
    text, expected = doc
    result = split_text(text)
    assert result.structure == "articles"
    assert [a.label for a in result.articles] == [label for label, _ in expected]
    for got, (_, paragraphs) in zip(result.articles, expected):
        assert got.text == "\n".join(paragraphs)
    assert "".join(a.text for a in result.articles) == "".join("\n".join(p) for _, p in expected)


LINKERS = [CitationLinker(LawMentionFinder(TITLES), policy) for policy in (QUESTION_POLICY, ANSWER_POLICY)]


@FAST
@given(ANY_TEXT)
def test_c1_lexer_never_crashes_and_stays_in_the_text(text):
    for linker in LINKERS:
        for ref in linker.link(text):
            assert 0 <= ref.start < ref.end <= len(text)


FILLER = st.text(alphabet="关于规定内容的是什么请问单位个人，。？ 0123", max_size=20)
# what follows a citation does not continue its numeral (第一条之一0 is another numeral)
AFTER = FILLER.filter(lambda s: not s[:1].isdigit())
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@FAST
@given(st.sampled_from(TITLES), st.integers(1, 1300), st.integers(0, 9), st.sampled_from(["cn", "arabic", "full"]),
       FILLER, AFTER)
def test_c2_quoted_citation_round_trip(title, number, sub, style, before, after):
    written = {"cn": int_to_cn(number), "arabic": str(number), "full": str(number).translate(FULLWIDTH)}[style]
    cite = f"《{title}》第{written}条" + (f"之{int_to_cn(sub)}" if sub else "")
    text = before + cite + after
    for linker in LINKERS:
        refs = [r for r in linker.link(text) if not r.item]
        assert [(r.title, r.number, r.sub) for r in refs] == [(title, number, sub)], text


@FAST
@given(st.integers(1, 9999), st.integers(0, 20))
def test_c3_label_round_trip(number, sub):
    assert parse_article_ref(article_label(number, sub)) == (number, sub)
