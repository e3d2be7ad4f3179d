"""Ingestion under races and against impostor texts: one file ingested at once by several
threads or processes is stored once; a file that claims a bundled national law's title does
not replace it without an explicit confirmation that shows both sources; every ingest,
replacement and deletion is in the audit log; the home and its databases are private."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli.main import main
from assistant.container import Container
from assistant.library.ingestion_service import IngestionService, IngestOptions
from assistant.settings import Settings
from knowledge.legal.documents import BUNDLED_SOURCE
from knowledge.store.article_store import ArticleStore
from knowledge.store.audit import AuditLog
from knowledge.store.records import Records

RULES = "某局车辆管理办法\n第一条　公务用车应当登记。\n第二条　车辆应当定期保养。\n第三条　本办法自发布之日起施行。\n"
IMPOSTOR = ("<html><head><title>网络安全法</title></head><body><h1>中华人民共和国网络安全法</h1>"
            "<p>第一条　网络运营者可以任意收集用户信息。</p><p>第二条　本法自发布之日起施行。</p></body></html>")
CYBER = "中华人民共和国网络安全法"


@pytest.fixture
def env(tmp_path):
    store = ArticleStore(tmp_path / "k.db")
    audit = AuditLog(Records(f"sqlite:///{tmp_path / 'records.db'}"))
    return store, IngestionService(store, max_file_bytes=1024 * 1024, audit=audit), audit


def test_one_file_ingested_by_four_threads_is_stored_once(env, tmp_path):
    store, service, _ = env
    f = tmp_path / "车辆管理办法.txt"
    f.write_text(RULES, encoding="utf-8")
    barrier = threading.Barrier(4)

    def ingest(_):
        barrier.wait()
        return service.ingest_file(f, actor="admin")

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(ingest, range(4)))
    assert sorted(o.result for o in outcomes) == ["added", "unchanged", "unchanged", "unchanged"]
    assert len({o.doc_id for o in outcomes}) == 1
    assert len(store.list_documents()) == 1 and store.count_articles() == 3


def test_one_file_ingested_by_three_processes_is_stored_once(tmp_path):
    f = tmp_path / "车辆管理办法.txt"
    f.write_text(RULES, encoding="utf-8")
    db = tmp_path / "k.db"
    ArticleStore(db).close()  # the schema exists before the race
    code = ("import sys\nfrom assistant.library.ingestion_service import IngestionService\n"
            "from knowledge.store.article_store import ArticleStore\n"
            "s = IngestionService(ArticleStore(sys.argv[1]), max_file_bytes=10**6)\n"
            "print(s.ingest_file(sys.argv[2]).result)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(f)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    assert sorted(out.strip() for out, _ in results) == ["added", "unchanged", "unchanged"]
    store = ArticleStore(db)
    assert len(store.list_documents()) == 1 and store.count_articles() == 3


def test_a_file_does_not_silently_replace_a_bundled_law(env, tmp_path):
    store, service, audit = env
    service.import_statutes(names=["网安法"], actor="admin")
    official = store.find_documents(CYBER)[0]
    page = tmp_path / "网络安全法.html"
    page.write_text(IMPOSTOR, encoding="utf-8")

    out = service.ingest_file(page, actor="admin")
    assert out.result == "needs_confirmation" and not out.ok
    assert "--replace" in out.error and "内置国家法律库" in out.error
    [existing], incoming = out.conflict.existing, out.conflict.incoming
    assert existing.source == BUNDLED_SOURCE and existing.article_count == official.article_count == 81
    assert existing.effective_date == official.effective_date and existing.title == CYBER
    assert incoming.article_count == 2 and incoming.source.endswith("网络安全法.html")
    # nothing changed: the official text is current, searched and alone
    assert [d.id for d in store.find_documents(CYBER)] == [official.id]
    assert store.get_document(official.id).status == "现行有效"

    confirmed = service.ingest_file(page, IngestOptions(replace=True), actor="admin")
    assert confirmed.result == "added" and confirmed.superseded == [official.id]
    new = store.get_document(confirmed.doc_id)
    assert any("不是内置国家法律库的官方文本" in n for n in new.notes)
    assert not store.get_document(official.id).is_current
    actions = {(a.action, a.actor) for a in audit.recent()}
    assert {("statutes.import", "admin"), ("doc.ingest", "admin"), ("doc.replace", "admin")} <= actions
    replaced = audit.recent(action="doc.replace")[0]
    assert replaced.detail["old_source"] == BUNDLED_SOURCE and replaced.detail["old_id"] == official.id

    service.delete(confirmed.doc_id, actor="admin")  # the official text is current again
    assert store.get_document(official.id).is_current
    deleted = audit.recent(action="doc.delete")[0]
    assert deleted.actor == "admin" and deleted.detail["restored"] == [official.id]


def test_a_new_version_of_an_own_file_needs_no_confirmation(env, tmp_path):
    store, service, _ = env
    v1, v2 = tmp_path / "v1.txt", tmp_path / "v2.txt"
    v1.write_text(RULES, encoding="utf-8")
    v2.write_text(RULES.replace("定期保养", "每年保养"), encoding="utf-8")
    first = service.ingest_file(v1)
    second = service.ingest_file(v2)
    assert second.result == "added" and second.superseded == [first.doc_id]


def test_cli_ingest_asks_for_replace_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("XUEFA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    run = CliRunner().invoke
    assert run(main, ["import-statutes", "--law", "网安法", "--no-embed"]).exit_code == 0
    page = tmp_path / "网络安全法.html"
    page.write_text(IMPOSTOR, encoding="utf-8")
    refused = run(main, ["ingest", str(page), "--no-embed"])
    assert refused.exit_code == 1
    assert "未导入" in refused.output and "--replace" in refused.output and "内置国家法律库" in refused.output
    done = run(main, ["ingest", str(page), "--no-embed", "--replace"])
    assert done.exit_code == 0 and "取代旧版本 1 个" in done.output
    c = Container(Settings(home=tmp_path / "home"))
    assert [a.actor for a in c.audit.recent(action="doc.replace")] == ["cli"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_home_and_databases_are_private(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    c = Container(Settings(home=home, embedder="fake"))
    c.ingestion.import_statutes(names=["网安法"])
    c.records.ensure_user("张三")
    assert _mode(home) == 0o700
    files = [home / "knowledge.db", home / "records.db"]
    files += [f.with_name(f.name + s) for f in files for s in ("-wal", "-shm") if f.with_name(f.name + s).exists()]
    assert len(files) >= 4  # WAL mode: -wal and -shm exist while open
    assert {str(f.name): _mode(f) for f in files} == {str(f.name): 0o600 for f in files}


def test_first_admin_password_file_is_private_and_removed_after_change(tmp_path):
    c = Container(Settings(home=tmp_path / "home", embedder="fake"))
    name, generated = c.auth.ensure_first_admin("admin", "", password_file=c.settings.initial_password_path)
    path = c.settings.initial_password_path
    assert _mode(path) == 0o600 and path.read_text(encoding="utf-8") == f"admin\n{generated}\n"
    assert not list(path.parent.glob(".*.tmp"))  # written atomically, no temporary left
    c.auth.set_password("admin", "a-new-password-2026")
    assert not path.exists()
