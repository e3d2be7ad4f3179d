"""LLM scenario questions with fake chat models: valid JSON accepted, invalid JSON and
unsupported keys rejected and counted, nothing reaches the network."""
from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage

from assistant.library.library_service import LibraryService
from assistant.quiz.llm_cases import GENERATOR_NAME, ScenarioGenerator, parse_reply
from assistant.quiz.quality import QualityChecker
from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import QuizScope
from knowledge.errors import BackendError, ConfigError


@pytest.fixture(scope="module")
def art37(quiz_store, quiz_service):
    doc = quiz_service.library.find("劳动合同法")
    return quiz_store.find_article(doc.id, 37), doc


def item(**overrides):
    base = {
        "stem": "某公司员工小王已转正，因个人原因打算辞职，他至少应当提前多少日以书面形式通知公司？",
        "options": ["三日", "十五日", "三十日", "六十日"],
        "answer": "C",
        "basis": "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同",
        "explanation": "转正后的劳动者提前三十日书面通知即可解除劳动合同。",
    }
    base.update(overrides)
    return base


def reply(*items) -> str:
    return "```json\n" + json.dumps({"questions": list(items)}, ensure_ascii=False) + "\n```"


def test_valid_json_is_accepted_and_passes_the_quality_check(art37, quiz_store):
    article, doc = art37
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply(item()))]))
    report = ScenarioGenerator(model).generate(article, doc, 1)
    assert report.rejected == 0 and len(report.questions) == 1
    q = report.questions[0]
    assert q.generator == GENERATOR_NAME and q.qtype == "单选" and q.answer == ["C"]
    assert q.options[2] == "三十日" and q.meta["basis"] in article.text
    assert article.text in q.explanation  # quotes the article verbatim
    assert QualityChecker(quiz_store).check(q).passed


def test_invalid_json_is_rejected_counted_and_asked_again(art37):
    article, doc = art37
    model = FakeListChatModel(responses=["对不起，我不能输出 JSON。", reply(item())])
    report = ScenarioGenerator(model, max_rounds=2).generate(article, doc, 1)
    assert report.rounds == 2 and report.rejected == 1 and len(report.questions) == 1
    assert report.reasons[0].startswith("invalid_json")
    with pytest.raises(ValueError):
        parse_reply('{"questions": [{"stem": "缺少选项"}]}')


@pytest.mark.parametrize("bad, reason", [
    (item(basis="劳动者提前十五日以书面形式通知用人单位"), "basis_not_verbatim"),  # invented basis
    (item(options=["三日", "十五日", "四十五日", "六十日"], answer="C"), "key_numbers_not_in_article"),
    (item(options=["三日", "三日", "三十日", "六十日"]), "options_not_distinct"),
    (item(options=["三日", "十五日", "三十日", "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同"]),
     "distractor_in_article"),
    (item(options=["向法院起诉", "申请仲裁", "立即离职并索要赔偿金", "找工会调解"], answer="C"), "key_not_supported"),
])
def test_unsupported_items_are_rejected(art37, bad, reason):
    article, doc = art37
    model = FakeListChatModel(responses=[reply(bad)])
    report = ScenarioGenerator(model, max_rounds=1).generate(article, doc, 1)
    assert report.questions == [] and report.rejected == 1 and report.reasons == [reason]


def test_duplicate_stems_and_retrieval_check(art37):
    article, doc = art37
    model = FakeListChatModel(responses=[reply(item(), item())])
    report = ScenarioGenerator(model, max_rounds=1).generate(article, doc, 2)
    assert len(report.questions) == 1 and report.reasons == ["duplicate_stem"]
    model = FakeListChatModel(responses=[reply(item())])
    missed = ScenarioGenerator(model, max_rounds=1, retrieve=lambda stem, d: [article.id + 1]).generate(article, doc, 1)
    assert missed.reasons == ["not_retrieved"]
    model = FakeListChatModel(responses=[reply(item())])
    found = ScenarioGenerator(model, max_rounds=1, retrieve=lambda stem, d: [article.id]).generate(article, doc, 1)
    assert len(found.questions) == 1


def test_model_failures_become_backend_errors(art37):
    article, doc = art37

    class Broken:
        def invoke(self, messages):
            raise TimeoutError("endpoint timed out")

    with pytest.raises(BackendError):
        ScenarioGenerator(Broken()).generate(article, doc, 1)


def test_prompt_is_chinese_and_carries_the_article(art37):
    article, doc = art37
    msgs = ScenarioGenerator(FakeListChatModel(responses=["{}"])).messages(article, doc, 2, ["已有题目甲"])
    text = msgs[1].content
    assert "案例分析单项选择题" in text and article.text in text and "已有题目甲" in text and "JSON" in text


def test_quiz_service_scenarios(quiz_store, art37):
    article, _doc = art37
    with pytest.raises(ConfigError):
        QuizService(quiz_store, LibraryService(quiz_store)).generate_scenarios(QuizScope(article_ids=[article.id]), 1)
    model = FakeListChatModel(responses=[reply(item())])
    service = QuizService(quiz_store, LibraryService(quiz_store), scenarios=ScenarioGenerator(model, max_rounds=1))
    report = service.generate_scenarios(QuizScope(article_ids=[article.id]), 1, seed=1)
    assert len(report.questions) == 1 and report.questions[0].stem.startswith("【案例】")
