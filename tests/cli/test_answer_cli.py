"""`xuefa ask` and `xuefa chat` end to end on a real home (store + lexical index, no LLM)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from answer_fixtures import build_store
from assistant.cli.main import main


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    path = tmp_path_factory.mktemp("home")
    build_store(path / "knowledge.db", titles=("中华人民共和国劳动合同法", "中华人民共和国网络安全法"))
    return path


@pytest.fixture(autouse=True)
def env(home, monkeypatch):
    monkeypatch.setenv("XUEFA_HOME", str(home))
    monkeypatch.setenv("XUEFA_SEARCH_DENSE", "false")
    for k in ("XUEFA_LLM_BASE_URL", "XUEFA_LLM_MODEL", "XUEFA_LLM_API_KEY"):
        monkeypatch.delenv(k, raising=False)


def test_ask_json(home):
    result = CliRunner().invoke(main, ["ask", "试用期最长可以约定多久", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["found"] is True and data["answer"].startswith("结论：")
    assert data["mode"] == "extractive" and data["flags"] == []
    first = data["citations"][0]
    assert set(first) >= {"law", "article", "text", "status", "verified"}
    assert first["law"] == "中华人民共和国劳动合同法" and first["verified"] and first["status"] == "现行有效"
    assert first["text"] in data["answer"]


def test_ask_text_and_law_filter():
    result = CliRunner().invoke(main, ["ask", "网络运营者收集个人信息要遵守什么规定", "--law", "网安法"])
    assert result.exit_code == 0, result.output
    assert "结论：" in result.output and "《中华人民共和国网络安全法》" in result.output
    assert "劳动合同法" not in result.output


def test_ask_not_found_and_errors():
    result = CliRunner().invoke(main, ["ask", "如何做红烧肉", "--json"])
    data = json.loads(result.output)
    assert data["found"] is False and data["answer"].startswith("知识库中未找到相关规定")
    result = CliRunner().invoke(main, ["ask", "试用期", "--law", "不存在的法"])
    assert result.exit_code == 1 and "知识库中没有" in result.output


def test_chat_keeps_history_and_resets():
    lines = "网络运营者收集个人信息要遵守什么规定\n那违反了怎么处罚？\n/new\n那违反了怎么处罚？\n/quit\n"
    result = CliRunner().invoke(main, ["chat"], input=lines)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("结论：") >= 2
    assert "按上下文理解为：网络安全法" in out
    assert "已开始新对话" in out
    # after /new the same elliptic question has nothing to lean on
    after = out.split("已开始新对话", 1)[1]
    assert "按上下文理解为" not in after
