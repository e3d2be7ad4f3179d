"""PostgreSQL restarted under a running app: the app's pooled connections die with the server;
afterwards the next request works again without restarting anything (``pool_pre_ping``), for
the article store (shared by app instances) and the records alike.

The test runs its own throw-away cluster (``initdb`` as the postgres user, a free loopback
port), so the shared test database is never touched."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from assistant.container import Container
from assistant.settings import Settings
from deploy_harness import free_port

BIN = Path("/usr/lib/postgresql")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("su") is None or not any(BIN.glob("*/bin/initdb")),
    reason="needs root and the postgresql server binaries (initdb) to run a private cluster")


def _pg(args: str) -> None:
    binary = sorted(BIN.glob("*/bin"))[-1]
    subprocess.run(["su", "postgres", "-c", f"{binary}/{args}"], check=True, capture_output=True, timeout=120)


@pytest.fixture
def cluster():
    """(url, restart, stop, start) of a private PostgreSQL cluster with a database ``xuefa``."""
    root = Path(tempfile.mkdtemp(prefix="xuefa-pg-"))
    shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    _pg(f"initdb -D {data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8")
    opts = f'-o "-p {port} -k {root} -c listen_addresses=127.0.0.1"'
    start = lambda: _pg(f"pg_ctl -D {data} {opts} -l {root}/log -w start")  # noqa: E731
    stop = lambda: _pg(f"pg_ctl -D {data} -m fast -w stop")  # noqa: E731
    start()
    _pg(f"createdb -h 127.0.0.1 -p {port} -U postgres xuefa")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/xuefa", stop, start
    finally:
        subprocess.run(["su", "postgres", "-c", f"{sorted(BIN.glob('*/bin'))[-1]}/pg_ctl -D {data} -m immediate stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def test_the_app_works_again_after_postgresql_restarts(cluster, tmp_path):
    url, stop, start = cluster
    c = Container(Settings(_env_file=None, home=tmp_path / "home", embedder="fake", store_url=url,
                           database_url=url, search_dense=False, questions_bundled=False))
    c.ingestion.import_statutes(names=["网络安全法"])
    c.auth.create_user("restart-staff", "restart-pass-1")
    query = "网络运营者收集使用个人信息"
    before = [h.article.id for h in c.search.search(query, top_k=5).hits]
    assert before

    stop()
    with pytest.raises(OperationalError):  # while it is down, a request fails (the web edge says so)
        c.records.get_user("restart-staff")
    start()

    # the pooled connections died with the old server; the next checkout pings and reconnects
    assert c.records.get_user("restart-staff").name == "restart-staff"
    assert c.store.count_articles() == len(c.store.articles_of(c.library.find("网络安全法").id))
    c.auth.create_user("after-restart", "restart-pass-2")
    assert {u.name for u in c.auth.list_users()} >= {"restart-staff", "after-restart"}
    c.store.version()  # a fresh store read after the restart
    assert [h.article.id for h in c.search.search(query, top_k=5).hits] == before
