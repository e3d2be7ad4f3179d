"""The article store: atomic documents, supersession, exact lookup, the embedding ledger and the
worker's lease — on SQLite and on PostgreSQL (tests/deploy_fixtures.py)."""
import pytest
from sqlalchemy.exc import IntegrityError

from knowledge.errors import NotFoundError
from knowledge.legal.documents import NewArticle, NewDocument
from knowledge.store.article_store import ArticleStore


def _doc(title="测试管理办法", texts=("第一款内容。", "第二款内容。"), **kw):
    arts = [NewArticle(number=i + 1, sub=0, label=f"第{'一二三四五'[i]}条", path=["第一章 总则"], text=t)
            for i, t in enumerate(texts)]
    return NewDocument(title=title, doc_type="内部制度", content_hash=kw.pop("content_hash", title + "".join(texts)),
                       articles=arts, **kw)


@pytest.fixture
def store(store_location):
    s = ArticleStore(store_location)
    yield s
    s.close()


def test_add_and_exact_lookup(store):
    doc, superseded = store.add_document(_doc())
    assert superseded == []
    assert doc.article_count == 2 and doc.is_current
    art = store.find_article(doc.id, 2)
    assert art.label == "第二条" and art.text == "第二款内容。" and art.path == ["第一章 总则"]
    assert store.find_article(doc.id, 3) is None
    assert [a.seq for a in store.articles_of(doc.id)] == [0, 1]


def test_document_is_stored_whole_or_not_at_all(store):
    bad = _doc()
    bad.articles.append(NewArticle(number=3, sub=0, label="第三条", path=[], text=None))  # NOT NULL violation
    with pytest.raises(IntegrityError):
        store.add_document(bad)
    assert store.list_documents() == []
    assert store.count_articles() == 0


def test_new_version_supersedes_old_and_delete_restores_it(store):
    old, _ = store.add_document(_doc(content_hash="v1"))
    new, superseded = store.add_document(_doc(texts=("修改后的第一条。",), content_hash="v2"))
    assert superseded == [old.id]
    old_now = store.get_document(old.id)
    assert old_now.status == "已被修改" and not old_now.is_current and old_now.superseded_by == new.id
    assert [d.id for d in store.list_documents(current_only=True)] == [new.id]
    # old articles stay as history
    assert store.find_article(old.id, 2).text == "第二款内容。"
    store.delete_document(new.id)
    assert store.restore_predecessor(new) == [old.id]
    restored = store.get_document(old.id)
    assert restored.is_current and restored.status == "现行有效"


def test_embedding_ledger_and_pending(store):
    doc, _ = store.add_document(_doc())
    pending = store.pending_embedding("emb")
    assert [a.label for a, _ in pending] == ["第一条", "第二条"]
    store.mark_embedded([pending[0][0].id], "emb")
    store.mark_embedded([pending[0][0].id], "emb")  # idempotent
    assert store.count_embedded("emb") == 1
    assert [a.label for a, _ in store.pending_embedding("emb")] == ["第二条"]
    assert len(store.pending_embedding("other")) == 2
    store.delete_document(doc.id)
    assert store.count_embedded("emb") == 0


def test_version_counter_moves_on_every_change(store):
    v0 = store.version()
    doc, _ = store.add_document(_doc())
    v1 = store.version()
    store.set_status(doc.id, "已废止", is_current=False)
    v2 = store.version()
    assert v0 < v1 < v2
    with pytest.raises(NotFoundError):
        store.get_document("nope")


def test_version_bumps_are_never_lost_across_connections(store):
    from concurrent.futures import ThreadPoolExecutor

    other = ArticleStore(store.path or str(store.engine.url.render_as_string(hide_password=False)))
    v0 = store.version()
    docs = [store.add_document(_doc(title=f"办法{i}", content_hash=f"h{i}"))[0] for i in range(4)]
    with ThreadPoolExecutor(4) as pool:  # two stores ≈ two app instances on one database
        list(pool.map(lambda d: (store if d.title[-1] in "02" else other).set_status(d.id, "已废止"), docs))
    assert store.version() == other.version() == v0 + 8
    other.close()


def test_existing_home_keeps_working(tmp_path):
    path = tmp_path / "old.db"
    first = ArticleStore(path)
    doc, _ = first.add_document(_doc())
    version = first.version()
    first.close()
    again = ArticleStore(str(path))  # a plain path string, as older homes are opened
    assert again.path == path and again.is_sqlite
    assert again.version() == version and again.get_document(doc.id).title == doc.title
    again.close()


def test_worker_lease_has_one_holder_until_it_expires(store):
    assert store.acquire_lease("emb", "worker-a", 60)
    assert not store.acquire_lease("emb", "worker-b", 60)  # held by a
    assert store.acquire_lease("emb", "worker-a", 60)  # renewal
    assert store.lease_holder("emb") == "worker-a"
    assert store.acquire_lease("other-embedder", "worker-b", 60)  # per embedder
    store.release_lease("emb", "worker-b")  # not b's: no effect
    assert store.lease_holder("emb") == "worker-a"
    assert store.acquire_lease("emb", "worker-a", -1)  # let it run out (as after kill -9)
    assert store.lease_holder("emb") is None
    assert store.acquire_lease("emb", "worker-b", 60)
    store.release_lease("emb", "worker-b")
    assert store.lease_holder("emb") is None


def test_status_on_marks_future_effective_dates():
    import datetime as dt

    from knowledge.legal.documents import Document

    d = Document(id="x", title="t", doc_type="法律", status="现行有效", is_current=True,
                 effective_date="2027-01-01")
    assert d.status_on(dt.date(2026, 11, 27)) == "尚未生效"
    assert d.status_on(dt.date(2027, 1, 1)) == "现行有效"
