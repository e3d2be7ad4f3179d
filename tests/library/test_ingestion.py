"""Ingestion end to end: real files -> parsers -> splitter -> store (+ a real Chroma index)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import docx
import pytest

from assistant.library.indexing import DenseIndexer
from assistant.library.ingestion_service import IngestionService, IngestOptions
from knowledge.embedders import build_embedder
from knowledge.index.vector_index import VectorIndex
from knowledge.store.article_store import ArticleStore

RULES = textwrap.dedent("""\
    某市档案管理办法
    （2023年3月1日市政府第5次常务会议通过　自2023年5月1日起施行）
    第一章　总　则
    第一条　为了加强档案管理，制定本办法。
    第二条　本办法适用于本市行政区域内的档案工作。
    依照本办法第一条规定开展工作的单位，应当建立制度。
    第二章　管　理
    第三条　档案应当在形成后三十日内归档。
    第三条之一　电子档案应当异地备份。
    第四条　本办法自2023年5月1日起施行。
    """)


@pytest.fixture
def env(tmp_path):
    store = ArticleStore(tmp_path / "k.db")
    embedder = build_embedder("fake")
    index = VectorIndex(tmp_path / "chroma", embedder)
    indexer = DenseIndexer(store, index, embedder, batch_size=4)
    service = IngestionService(store, max_file_bytes=1024 * 1024, listeners=[indexer])
    return store, index, indexer, service


def _write_docx(path: Path, lines: list[str]) -> Path:
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(path)
    return path


def test_txt_ingest_structure_metadata_and_noop(env, tmp_path):
    store, _, _, service = env
    f = tmp_path / "rules.txt"
    f.write_bytes(RULES.encode("gbk"))
    out = service.ingest_file(f)
    assert out.result == "added", out.error
    doc = store.get_document(out.doc_id)
    assert doc.title == "某市档案管理办法"
    assert doc.effective_date == "2023-05-01"
    assert doc.preamble.startswith("（2023年3月1日")  # the title is not repeated as preamble
    labels = [a.label for a in store.articles_of(doc.id)]
    assert labels == ["第一条", "第二条", "第三条", "第三条之一", "第四条"]
    second = store.find_article(doc.id, 2)
    assert "依照本办法第一条规定" in second.text  # an in-sentence reference is not an article
    assert store.find_article(doc.id, 3, 1).path == ["第二章 管理"]
    again = service.ingest_file(f)
    assert again.result == "unchanged" and again.doc_id == doc.id
    assert len(store.list_documents()) == 1


def test_docx_and_overrides_and_changed_version_supersedes(env, tmp_path):
    store, index, indexer, service = env
    v1 = _write_docx(tmp_path / "v1.docx", ["保密工作规定", "一、各单位应当指定专人负责保密工作。",
                                            "二、涉密载体应当登记管理。"])
    o1 = service.ingest_file(v1, IngestOptions(doc_type="内部制度", issuer="办公室"))
    assert o1.result == "added", o1.error
    indexer.run()
    assert index.count() == 2
    v2 = _write_docx(tmp_path / "v2.docx", ["保密工作规定", "一、各单位应当指定专人负责保密工作。",
                                            "二、涉密载体应当登记并定期清查。"])
    o2 = service.ingest_file(v2)
    assert o2.result == "added" and o2.superseded == [o1.doc_id]
    old = store.get_document(o1.doc_id)
    assert old.status == "已被修改" and not old.is_current and old.issuer == "办公室"
    indexer.run()
    current = index.search("涉密载体登记", k=5, where={"is_current": True})
    assert {store.get_article(a).doc_id for a, _, _ in current} == {o2.doc_id}
    # deleting removes it from every index; the old version becomes current again
    service.delete(o2.doc_id)
    assert all(store.get_article(a).doc_id == o1.doc_id for a, _, _ in index.search("涉密载体", k=5))
    assert store.get_document(o1.doc_id).is_current


def test_bad_files_fail_alone_with_reasons(env, tmp_path):
    store, _, _, service = env
    good = tmp_path / "good.md"
    good.write_text("# 请假管理制度\n\n第一条 职工请假应当提前申请。\n\n第二条 病假需附证明。\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(os.urandom(2048))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "big.txt").write_bytes("第一条 内容。\n".encode() * 200_000)
    (tmp_path / "law.txt").write_text("某某法\n这是一段没有条文结构的说明文字，长度足够但没有第几条。",
                                      encoding="utf-8")
    outcomes = {Path(o.path).name: o for o in service.ingest_paths([tmp_path], IngestOptions())}
    assert outcomes["good.md"].result == "added"
    for name in ("empty.txt", "junk.txt", "broken.docx", "big.txt", "law.txt"):
        assert outcomes[name].result == "failed", name
        assert outcomes[name].error, name
    assert "大小" in outcomes["big.txt"].error
    assert "条文结构" in outcomes["law.txt"].error
    assert [d.title for d in store.list_documents()] == ["请假管理制度"]


def test_import_statutes_matches_database_counts(env):
    import sqlite3

    from ingest.statute_source import bundled_db_path

    store, _, _, service = env
    report = service.import_statutes(names=["网安法", "刑法"])
    assert report.laws == 2
    con = sqlite3.connect(bundled_db_path())
    for title in ("中华人民共和国网络安全法", "中华人民共和国刑法"):
        expected = con.execute("SELECT COUNT(*) FROM articles a JOIN laws l USING(law_id) "
                               "WHERE l.law_name=? AND l.law_id IN (SELECT law_id FROM laws WHERE law_name=? "
                               "ORDER BY status='现行有效' DESC, version_date DESC LIMIT 1)",
                               (title, title)).fetchone()[0]
        doc = store.find_documents(title)[0]
        assert doc.article_count == expected
    criminal = store.find_documents("中华人民共和国刑法")[0]
    assert criminal.is_current and criminal.status == "已被修改"
    assert any("修正案（十二）" in n for n in criminal.notes)
    assert store.find_article(criminal.id, 133, 1).label == "第一百三十三条之一"
    again = service.import_statutes(names=["网络安全法"])
    assert again.laws == 0 and again.unchanged == 1


def test_killed_embedding_run_resumes_without_duplicates(tmp_path):
    """kill -9 in the middle of embedding; a rerun completes with no duplicate vectors."""
    home = tmp_path / "home"
    env = {**os.environ, "XUEFA_HOME": str(home), "XUEFA_EMBEDDER": "fake", "XUEFA_EMBED_BATCH_SIZE": "8"}
    subprocess.run([sys.executable, "-m", "assistant", "import-statutes", "--law", "网络安全法", "--no-embed"],
                   env=env, check=True, capture_output=True)
    script = textwrap.dedent("""
        import time
        from assistant.container import Container
        c = Container()
        c.library.embed(on_batch=lambda p: (print(p.done, flush=True), time.sleep(0.2)))
        """)
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # at least one batch committed
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert int(first) >= 8
    status = subprocess.run([sys.executable, "-m", "assistant", "index", "status", "--json"],
                            env=env, check=True, capture_output=True, text=True)
    import json

    partial = json.loads(status.stdout)
    assert 0 < partial["embedded"] < partial["articles"]
    subprocess.run([sys.executable, "-m", "assistant", "index", "embed"], env=env, check=True,
                   capture_output=True)
    final = json.loads(subprocess.run([sys.executable, "-m", "assistant", "index", "status", "--json"],
                                      env=env, check=True, capture_output=True, text=True).stdout)
    assert final["pending"] == 0
    assert final["embedded"] == final["articles"]
    # no duplicates: exactly the chunks the articles make (whole article + each 款 of multi-款 ones)
    from assistant.container import Container
    from assistant.library.indexing import chunk_records
    from assistant.settings import Settings

    c = Container(Settings(home=home, embedder="fake"))
    expected = sum(len(chunk_records(a, d, c.embedder)) for a, d in c.store.iter_articles())
    assert final["vector_chunks"] == expected > final["articles"]


def test_include_history_keeps_old_versions_out_of_default_search(env):
    store, _, _, service = env
    report = service.import_statutes(names=["仲裁法"], include_history=True)
    assert report.laws == 2
    versions = store.list_documents(title="中华人民共和国仲裁法")
    current = [d for d in versions if d.is_current]
    history = [d for d in versions if not d.is_current]
    assert len(current) == 1 and current[0].status == "现行有效"
    assert len(history) == 1 and history[0].status == "已被修改"  # the db says 历史版本
    assert history[0].version < current[0].version
    assert [d.id for d in store.list_documents(current_only=True)] == [current[0].id]
