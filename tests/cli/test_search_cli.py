"""`xuefa search` (single, --json, --batch) and `xuefa eval retrieval` through the real CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import main


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    env = {"XUEFA_HOME": str(home), "XUEFA_EMBEDDER": "fake"}
    out = CliRunner().invoke(main, ["import-statutes", "--law", "网络安全法", "--law", "劳动合同法", "--no-embed"],
                             env=env)
    assert out.exit_code == 0, out.output
    return env


def run(env, *args):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_search_text_and_json(home):
    out = run(home, "search", "网安法第二十一条")
    assert out.startswith("1. 《中华人民共和国网络安全法》第二十一条")
    data = json.loads(run(home, "search", "公司拖欠工资", "--top-k", "3", "--json"))
    assert len(data["hits"]) == 3 and "劳动报酬" in data["expansions"]
    hit = data["hits"][0]
    assert {"law", "article", "article_number", "path", "text", "status", "effective_date", "score",
            "retrievers"} <= set(hit)
    out = run(home, "search", "网络安全法第九百条")
    assert "没有第九百条" in out
    out = run(home, "search", "个人信息", "--law", "劳动合同法", "--top-k", "2", "--explain")
    assert "网络安全法" not in out and "耗时" in out
    assert out.count("依据：词面") == 2  # each retrieved hit shows what made its score


def test_explain_names_the_law_that_scopes_the_bank(home):
    out = run(home, "search", "依照劳动合同法，试用期最长多久", "--top-k", "2", "--explain")
    assert "问题点名了《中华人民共和国劳动合同法》" in out and "依据：词面" in out


def test_batch_output_format_and_order(home, tmp_path):
    queries = [{"id": "a", "query": "劳动合同法第十条"}, {"id": 7, "query": "网络运营者 收集 个人信息"},
               {"id": "c", "query": "试用期 工资"}]
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in queries) + "\n\nnot json\n", encoding="utf-8")
    lines = [json.loads(x) for x in run(home, "search", "--batch", str(f), "--top-k", "2").splitlines()]
    assert [x["id"] for x in lines] == ["a", 7, "c", 5]
    first = lines[0]["hits"][0]
    assert first == {"law": "中华人民共和国劳动合同法", "article": "第十条", "article_number": 10,
                     "score": first["score"], "text": first["text"]}
    assert first["text"].startswith("建立劳动关系")
    assert len(lines[0]["hits"]) == 1  # a bare reference returns just that article
    assert all(len(x["hits"]) == 2 for x in lines[1:3]) and "error" in lines[3]


def test_eval_retrieval(home, tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [{"id": "1", "query": "网安法第二十一条", "law": "中华人民共和国网络安全法", "article": "第二十一条"},
            {"id": "2", "query": "试用期最长多久", "law": "中华人民共和国劳动合同法", "article": "第十九条"},
            {"id": "3", "query": "完全无关的天文问题", "law": "中华人民共和国劳动合同法", "article": "第九十八条"}]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    misses = tmp_path / "misses.jsonl"
    out = run(home, "eval", "retrieval", "--gold", str(gold), "--misses", str(misses))
    assert "R@1" in out and "R@5" in out and "R@10" in out and "MRR@10" in out and "p95" in out
    missed = [json.loads(x) for x in misses.read_text(encoding="utf-8").splitlines()]
    assert "3" in [m["id"] for m in missed]
    assert {"query", "expected", "got", "rank"} <= set(missed[0])
    data = json.loads(run(home, "eval", "retrieval", "--gold", str(gold), "--json", "--stage", "lexical"))
    assert data["n"] == 3 and data["R@1"] >= 1 / 3
