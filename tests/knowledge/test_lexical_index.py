"""The BM25 index: real laws, persistence, incremental updates, listener API."""
from __future__ import annotations

import json

import numpy as np
import pytest

from knowledge.index.lexical_index import LexicalIndex, document_words, inbound_citations
from knowledge.legal import tokenizer as tokenizer_module
from knowledge.legal.documents import Article, Document
from knowledge.legal.tokenizer import LegalTokenizer, load_legal_terms
from search_fixtures import internal_rule, make_store

TWO = ("中华人民共和国网络安全法", "中华人民共和国劳动合同法")


@pytest.fixture
def env(tmp_path):
    store = make_store(tmp_path / "k.db", TWO)
    index = LexicalIndex(store, tmp_path / "lexical")
    yield store, index
    store.close()


def _labels(store, hits):
    arts = {a.id: a for a in store.get_articles([a for a, _ in hits])}
    docs = {d.id: d for d in store.list_documents()}
    return [(docs[arts[a].doc_id].title, arts[a].label) for a, _ in hits]


def test_bm25_finds_the_article(env):
    store, index = env
    top = _labels(store, index.search("用人单位拖欠劳动报酬 支付令", k=3))
    assert ("中华人民共和国劳动合同法", "第三十条") in top
    top = _labels(store, index.search("关键信息基础设施的运营者 每年 检测评估", k=3))
    assert top[0] == ("中华人民共和国网络安全法", "第四十条")


def test_user_dictionary_keeps_legal_terms_whole():
    tok = LegalTokenizer(["网络安全法"])
    words = tok.content_terms("依照网络安全法保护个人信息和劳动报酬")
    assert "网络安全法" in words and "个人信息" in words and "劳动报酬" in words
    assert "的" not in tok.content_terms("网络的安全")  # stopwords dropped


def test_document_words_and_citations():
    doc = Document(id="d", title="中华人民共和国网络安全法", doc_type="法律", status="现行有效", is_current=True)
    arts = [Article(id=1, doc_id="d", seq=0, number=1, sub=0, label="第一条", path=[],
                    text="本法所称网络运营者，是指网络的所有者。"),
            Article(id=2, doc_id="d", seq=1, number=2, sub=0, label="第二条", path=[],
                    text="违反本法第一条规定的，依照本法第一条处罚。"),
            Article(id=3, doc_id="d", seq=2, number=3, sub=0, label="第三条", path=[],
                    text="依照本法第一条、第二条的规定。")]
    words = document_words(doc, arts)
    assert {"中华人民共和国网络安全法", "网络安全法", "网安法", "网络运营者"} <= set(words)
    assert inbound_citations(arts) == [2, 1, 0]


def test_persisted_and_reloaded_without_tokenizing(env, monkeypatch):
    store, index = env
    index.ensure_current()
    assert index.last_sync["added_documents"] == 2
    meta = json.loads((index.directory / "index.json").read_text(encoding="utf-8"))
    assert meta["rows"] == store.count_articles()

    again = LexicalIndex(store, index.directory)
    calls = []
    original = LegalTokenizer.content_terms
    monkeypatch.setattr(LegalTokenizer, "content_terms", lambda self, t: calls.append(t) or original(self, t))
    again.ensure_current()
    assert again.last_sync["added_documents"] == 0 and not calls  # nothing re-tokenized
    assert again.search("支付令", k=1) == index.search("支付令", k=1)


def test_a_dictionary_change_re_tokenizes_the_cache(env, tmp_path, monkeypatch):
    store, index = env
    index.ensure_current()
    terms = tmp_path / "legal_terms.txt"
    terms.write_text("\n".join(load_legal_terms()) + "\n检测评估\n", encoding="utf-8")
    monkeypatch.setattr(tokenizer_module, "LEGAL_TERMS_FILE", terms)
    again = LexicalIndex(store, index.directory)
    again.ensure_current()
    assert again.last_sync["added_documents"] == 2  # the old tokens were not trusted
    assert "检测评估" in again.snapshot().vocab and "检测评估" not in index.snapshot().vocab


def test_new_document_tokenizes_only_its_articles(env, monkeypatch):
    store, index = env
    index.ensure_current()
    rows_before = index.snapshot().size
    calls = []
    original = LegalTokenizer.content_terms
    monkeypatch.setattr(LegalTokenizer, "content_terms", lambda self, t: calls.append(t) or original(self, t))
    doc, _ = store.add_document(internal_rule())
    hits = index.search("公车私用", k=3)  # the store version changed: synced on use
    assert index.last_sync == {**index.last_sync, "added_documents": 1, "removed_documents": 0, "added_articles": 3}
    assert index.snapshot().size == rows_before + 3
    assert _labels(store, hits)[0] == ("某局公务用车管理办法", "第二条")
    assert len(calls) <= 3 + 3  # three bodies, a path, a title: no other article re-tokenized


def test_removal_through_listener_and_through_the_store(env):
    store, index = env
    index.ensure_current()
    doc, _ = store.add_document(internal_rule())
    assert index.search("公车私用", k=1)
    store.delete_document(doc.id)
    index.documents_removed([doc.id])  # what IngestionService tells its listeners
    assert index.snapshot().size == store.count_articles()
    assert all(store.get_articles([a])[0].doc_id != doc.id for a, _ in index.search("公车私用", k=5))
    # a deletion made by another process (no listener) is seen through the store version
    other = [d for d in store.list_documents() if "网络安全" in d.title][0]
    store.delete_document(other.id)
    index.ensure_current()
    assert index.last_sync["removed_documents"] == 1
    assert index.snapshot().size == store.count_articles()


def test_restricting_to_documents(env):
    store, index = env
    labour = [d.id for d in store.list_documents() if "劳动" in d.title]
    hits = index.search("个人信息 保护", k=10, doc_ids=labour)
    arts = store.get_articles([a for a, _ in hits])
    assert arts and all(a.doc_id in labour for a in arts)


def test_torn_cache_is_rebuilt(env):
    store, index = env
    index.ensure_current()
    (index.directory / "tokens.npz").write_bytes(b"not a zip")
    again = LexicalIndex(store, index.directory)
    assert again.search("支付令", k=1)
    assert again.last_sync["added_documents"] == 2


def test_scores_are_bm25(env):
    _, index = env
    snap = index.snapshot()
    s1 = snap.scores(["支付令"])
    s2 = snap.scores({"支付令": 2.0})
    assert np.allclose(s2, 2 * s1) and s1.max() > 0
    assert snap.scores(["完全不存在的词语"]).max() == 0
