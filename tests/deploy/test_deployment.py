"""One deployment for an organisation, as real processes: two `xuefa serve` instances and the
`xuefa worker` on one PostgreSQL database and one Chroma server (tests/deploy_harness.py).

A document ingested through one instance is searchable through the other (its lexical index
follows the shared store's version; the worker puts it in the shared vector index); a login
session from one instance is valid on the other; killing the worker with SIGKILL at random
points leaves every article in every index exactly once."""
from __future__ import annotations

import json
import random
import re
import signal
import time

import pytest
from gradio_client import handle_file
from sqlalchemy import create_engine, func, select

from deploy_fixtures import CHROMA_URL, PG_URL, drop_store_tables
from deploy_harness import ADMIN, STAFF, Deployment, client
from records_fixtures import _drop_all
from web_harness import RULES_DOCX_LINES, write_docx

pytestmark = pytest.mark.skipif(not (PG_URL and CHROMA_URL),
                                reason="needs XUEFA_TEST_POSTGRES_URL and XUEFA_TEST_CHROMA_URL (.ci/run sets both)")


@pytest.fixture
def deployment(tmp_path):
    drop_store_tables(PG_URL)
    _drop_all(PG_URL)
    dep = Deployment(PG_URL, CHROMA_URL)
    yield dep
    dep.stop()
    drop_store_tables(PG_URL)
    _drop_all(PG_URL)


def _status(dep: Deployment, home) -> dict:
    return json.loads(dep.cli(home, "index", "status", "--json"))


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_document_ingested_on_one_instance_is_found_on_the_other(deployment, tmp_path):
    dep = deployment
    dep.prepare(tmp_path / "setup", ["网络安全法"])
    dep.start_worker(tmp_path / "worker")
    url_a = dep.start_instance(tmp_path / "a")
    url_b = dep.start_instance(tmp_path / "b")

    staff_b = client(url_b, STAFF)
    assert "公文流转" not in staff_b.predict("公文流转 涉密公文 保密员", "全部", api_name="/library_search")

    docx = write_docx(tmp_path / "公文流转管理办法.docx", RULES_DOCX_LINES)
    rows, summary, *_ = client(url_a, ADMIN).predict([handle_file(str(docx))], "", "内部制度", "办公室", "2024-01-02",
                                                 "2024-02-01", "自动识别", api_name="/admin_ingest")
    assert "成功导入" in str(rows), (rows, summary)

    # instance B's lexical index follows the store's version: the next search sees the rule
    html = staff_b.predict("涉密公文 保密员 互联网邮箱", "全部", api_name="/library_search")
    assert "某局公文流转管理办法" in html and "第四条" in html
    # the worker (not the instances) embedded it into the shared Chroma server
    status = _wait(lambda: (s := _status(dep, tmp_path / "setup"))["pending"] == 0 and s, 120, "the worker")
    assert status["embedded"] == status["articles"] and status["vector_chunks"] >= status["articles"]
    answer = staff_b.predict("涉密公文可以用互联网邮箱传吗", [], "全部法规与制度", [], api_name="/chat_send")
    assert "公文流转管理办法" in json.dumps(answer, ensure_ascii=False)


def test_a_login_session_from_one_instance_is_valid_on_the_other(deployment, tmp_path):
    dep = deployment
    dep.prepare(tmp_path / "setup", ["网络安全法"])
    url_a = dep.start_instance(tmp_path / "a")
    url_b = dep.start_instance(tmp_path / "b")
    on_a = client(url_a, STAFF)
    cookie = "; ".join(f"{k}={v}" for k, v in on_a.cookies.items())
    assert cookie
    from gradio_client import Client

    on_b = Client(url_b, headers={"Cookie": cookie}, verbose=False)  # no password: A's session only
    assert "网络安全法" in on_b.predict("网络运营者 个人信息", "全部", api_name="/library_search")


def _index_contents(dep: Deployment, home):
    """(articles in the store, chunk ids expected, chunk ids in Chroma, ledger) for the embedder."""
    from assistant.container import Container
    from assistant.library.indexing import chunk_records
    from assistant.settings import Settings

    env = dep.env(home)
    c = Container(Settings(_env_file=None, **{k[6:].lower(): v for k, v in env.items() if k.startswith("XUEFA_")}))
    expected = {r.chunk_id for art, doc in c.store.iter_articles(current_only=False)
                for r in chunk_records(art, doc, c.embedder, per_paragraph=c.settings.embed_paragraphs)}
    col = c.vector_index._collection
    got = col.get(include=[], limit=100000)["ids"]
    articles = c.store.count_articles()
    ledger = c.store.embedded_ids(c.embedder.embedder_id)
    lexical = c.lexical_index.snapshot().article_ids.tolist()
    c.vector_index.close()
    c.store.close()
    return articles, expected, got, ledger, lexical


def _embedded(engine) -> int:
    from knowledge.store.article_store import embedded

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(embedded)).scalar_one()


def test_worker_killed_at_random_points_leaves_every_article_once(deployment, tmp_path):
    dep = deployment
    home = tmp_path / "setup"
    dep.prepare(home, ["网络安全法", "保守国家秘密法", "公务员法"])
    total = _status(dep, home)["articles"]
    rng = random.Random(14)
    slow = {"XUEFA_EMBED_BATCH_SIZE": "2"}
    engine = create_engine(PG_URL)
    for point in sorted(rng.sample(range(5, total - 20), 3)):  # SIGKILL mid-embedding, three times
        worker = dep.start_worker(tmp_path / "worker", **slow)
        _wait(lambda: _embedded(engine) >= point or worker.poll() is not None, 120, f"{point} articles embedded")
        time.sleep(rng.uniform(0, 0.3))
        assert worker.poll() is None, "the worker ended before it could be killed"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    engine.dispose()
    mid = _status(dep, home)
    assert 0 < mid["embedded"] < mid["articles"], mid

    # two workers at once: one holds the lease, the other waits and takes over when it ends
    first = dep.start_worker(tmp_path / "worker", "--once", **slow)
    second = dep.start_worker(tmp_path / "worker", "--once", **slow)
    assert first.wait(300) == 0 and second.wait(300) == 0
    articles, expected, got, ledger, lexical = _index_contents(dep, home)
    assert len(got) == len(set(got)) and set(got) == expected  # every chunk once, none missing or extra
    assert len(ledger) == articles
    assert len(lexical) == len(set(lexical)) == articles
    logs = [p.read_text() for p in sorted(tmp_path.glob("worker-*.log"))[-2:]]
    done = [int(re.search(r"本次向量化 (\d+) 条", log).group(1)) for log in logs]
    assert sum(done) == mid["pending"], logs  # the two workers never embedded the same article twice
