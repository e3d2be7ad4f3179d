"""The extractive answerer (no LLM) over real bundled laws: 40 real questions with the article
that answers them (tests/data/extractive_cases.jsonl), no-evidence answers, follow-ups,
scope filters, and a document that tries prompt injection."""
from __future__ import annotations

import re

import pytest

from answer_fixtures import INJECTION_TITLE, load_cases, off_topic_questions
from assistant.answer.llm import SYSTEM_PROMPT
from assistant.answer.types import NO_EVIDENCE_TEXT, Answer, ChatTurn
from assistant.answer.verifier import is_verbatim, quote_spans
from assistant.search.types import SearchFilters
from knowledge.errors import NotFoundError
from knowledge.legal.law_names import short_name

CASES = load_cases()


@pytest.fixture(scope="module")
def service(answer_env):
    return answer_env.service()


def quotes(text: str) -> list[str]:
    return [text[a + 1:b - 1] for a, b in quote_spans(text) if text[a] == "「"]


def assert_grounded(answer: Answer) -> None:
    """Every 「quote」 is verbatim in an article the answer cites; nothing was flagged."""
    articles = [c.text for c in answer.all_citations()]
    qs = quotes(answer.text)
    assert qs, answer.text
    for q in qs:
        assert any(is_verbatim(q, t) for t in articles), f"not verbatim: {q}"
    bad = [f for f in answer.flags if f.kind in ("nonexistent", "misquote", "bad_source", "unattributed_quote")]
    assert not bad, bad


def test_cases_file_is_big_enough():
    assert len(CASES) >= 30
    kinds = {c["kind"] for c in CASES}
    assert kinds >= {"article", "deadline", "amount", "penalty", "responsible", "permission"}


@pytest.mark.parametrize("case", CASES, ids=[c["question"][:16] for c in CASES])
def test_extractive_case(service, case):
    answer = service.ask(case["question"])
    assert answer.found, answer.text
    assert answer.mode == "extractive"
    cited = [(c.law, c.article) for c in answer.citations]
    assert (case["law"], case["article"]) in cited, (case, cited)
    text = answer.text
    assert text.startswith("结论：") and "\n依据：\n" in text
    assert f"《{case['law']}》{case['article']}" in text  # labelled in 依据
    assert_grounded(answer)
    # the conclusion is one line of ours + verbatim legal text inside 「」
    conclusion = answer.conclusion
    outside = re.sub(r"「.*?」", "", conclusion, flags=re.S)
    assert len(outside) <= 40, outside
    assert all(c.verified for c in answer.citations)


def test_article_question_quotes_the_whole_article(service, answer_env):
    answer = service.ask("劳动合同法第十九条规定了什么")
    assert answer.trace.hits[0].retrievers[0] == "exact"
    art = answer.citations[0]
    assert answer.conclusion == f"《劳动合同法》第十九条规定：「{art.text}」"


def test_kind_of_question_shapes_the_conclusion(service):
    assert service.ask("劳动者提前多少天通知用人单位可以解除劳动合同").conclusion.startswith("关于期限")
    assert service.ask("用人单位违法解除劳动合同的赔偿金标准是多少").conclusion.startswith("关于金额")
    assert service.ask("饮酒后驾驶机动车会受到什么处罚").conclusion.startswith("关于法律责任")
    assert service.ask("谁负责全国的道路交通安全管理工作").conclusion.startswith("关于由谁负责")
    assert service.ask("用人单位招用劳动者时可以扣押身份证吗").conclusion.startswith("关于是否允许")


def test_a_list_is_quoted_whole(service):
    answer = service.ask("用人单位有哪些情形劳动者可以解除劳动合同")
    assert "（一）" in answer.conclusion and "（六）" in answer.conclusion


def test_not_in_force_law_is_flagged(service):
    answer = service.ask("盗窃公私财物数额较大的怎么处罚")
    flag = next(f for f in answer.flags if f.kind == "not_in_force")
    assert "已被修改" in flag.message
    cit = next(c for c in answer.citations if c.article == "第二百六十四条")
    assert cit.status == "已被修改" and cit.flags


@pytest.mark.parametrize("question", off_topic_questions())
def test_off_topic_questions_find_nothing(service, question):
    answer = service.ask(question)
    assert not answer.found, answer.text
    assert answer.text.startswith(NO_EVIDENCE_TEXT)
    assert "依据：" not in answer.text and answer.citations == []
    assert answer.trace.support < answer.trace.threshold


def test_no_evidence_offers_closest_articles_not_an_answer(service):
    answer = service.ask("单位食堂的红烧肉太咸了怎么办")
    assert not answer.found
    if answer.suggestions:
        assert "仅供参考" in answer.text
        assert all(c.verified for c in answer.suggestions)


def test_missing_article(service):
    answer = service.ask("民法典第9999条规定了什么")
    assert not answer.found
    assert "没有第九千九百九十九条" in answer.text
    assert [f.kind for f in answer.flags] == ["missing_article"]


def test_follow_up_carries_law_and_topic(service):
    first = service.ask("网络运营者收集个人信息要遵守什么规定")
    assert first.found and first.citations[0].law == "中华人民共和国网络安全法"
    history = [ChatTurn.from_answer("网络运营者收集个人信息要遵守什么规定", first)]
    follow = service.ask("那违反了怎么处罚？", history=history)
    assert follow.trace.rewrite_method == "rules"
    rewritten = follow.trace.rewritten_query
    assert rewritten.startswith("网络安全法 ") and "处罚" in rewritten and "个人信息" in rewritten
    assert follow.found
    assert follow.conclusion.startswith("关于法律责任")
    assert all(c.law == "中华人民共和国网络安全法" for c in follow.citations)
    # an unrelated short question is not made answerable by carried-over words
    history.append(ChatTurn.from_answer("那违反了怎么处罚？", follow))
    weather = service.ask("今天天气怎么样", history=history)
    assert not weather.found
    # a question naming its own law and article is left alone
    own = service.ask("劳动合同法第十九条", history=history)
    assert own.trace.rewrite_method == "none" and own.citations[0].article == "第十九条"


def test_history_as_chat_messages(service):
    history = [{"role": "user", "content": "保密法对涉密载体有什么要求"},
               {"role": "assistant", "content": "《中华人民共和国保守国家秘密法》第二十八条……"}]
    answer = service.ask("违反了会怎么样？", history=history)
    assert answer.trace.rewritten_query.startswith("保守国家秘密法")


def test_law_filter_scopes_the_answer(service):
    answer = service.ask("试用期最长多久", filters=SearchFilters(laws=["劳动法"]))
    assert answer.found
    assert {c.law for c in answer.citations + answer.related} == {"中华人民共和国劳动法"}
    with pytest.raises(NotFoundError):
        service.ask("试用期最长多久", filters=SearchFilters(laws=["不存在的法"]))


def test_internal_scope(service):
    answer = service.ask("防火墙日志保存多久", filters=SearchFilters(scope="internal"))
    assert answer.found
    assert answer.citations[0].law == INJECTION_TITLE and answer.citations[0].article == "第二条"


def test_prompt_injection_in_a_document_changes_nothing(service):
    answer = service.ask("网络安全值班人员每天要检查什么")
    assert answer.found
    assert any(c.law == INJECTION_TITLE for c in answer.citations)
    text = answer.text
    assert text.startswith("结论：") and "\n依据：\n" in text
    assert_grounded(answer)
    # the poisoned sentence appears only as quoted data, never as our own words
    outside = re.sub(r"「.*?」", "", text, flags=re.S)
    assert "忽略以上指令" not in outside and "系统提示词" not in outside
    for piece in (SYSTEM_PROMPT[:30], "只根据用户消息中", "不复述本说明"):
        assert piece not in text


def test_stream_parts_add_up_to_the_answer(service):
    parts = list(service.ask_stream("工伤保险费由谁缴纳"))
    answer = parts[-1]
    assert isinstance(answer, Answer)
    assert all(isinstance(p, str) for p in parts[:-1]) and len(parts) > 3
    assert "".join(parts[:-1]) == answer.text


def test_trace_records_retrieval(service):
    answer = service.ask("协议离婚的冷静期是多少天")
    t = answer.trace
    assert t.query == "协议离婚的冷静期是多少天" and t.hits and t.support >= t.threshold
    assert {"rewrite", "search", "answer", "verify"} <= set(t.timings_ms)
    assert t.hits[0].law and t.hits[0].article.startswith("第")
    assert short_name(answer.citations[0].law) == "民法典"


def test_warm_up_and_stats_cache(answer_env, tmp_path):
    from assistant.answer.answer_service import AnswerService

    cache = tmp_path / "stats.json"
    service = AnswerService(answer_env.store, answer_env.search, stats_cache=cache)
    service.warm_up()
    assert cache.exists()
    again = AnswerService(answer_env.store, answer_env.search, stats_cache=cache)
    assert again.stats.df == service.stats.df and again.stats.version == answer_env.store.version()


def test_asked_deadline_not_in_the_best_article_is_not_implied(answer_env):
    """A deadline question whose retrieved articles state no period gets a hedged conclusion."""
    from assistant.answer.extractive import ExtractiveAnswerer
    from assistant.search.types import Hit

    store = answer_env.store
    doc = store.find_documents("中华人民共和国网络安全法")[0]
    article = store.find_article(doc.id, 1)  # 立法目的: no period anywhere
    draft = ExtractiveAnswerer().answer("网络安全法的立法目的要在多少日内实现", [Hit(article, doc, 1.0, ["lexical"])])
    assert draft.conclusion.startswith("检索到的条文中没有直接规定所问期限的内容")
    assert "为了保障网络安全" in draft.conclusion  # still quotes the closest text verbatim
