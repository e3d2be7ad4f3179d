"""A Chroma server stopped and started while the app is in use: search goes on (keyword
side only) and the index status says in Chinese that the vector service cannot be reached
while it is down; semantic search is back once it is, without restarting anything. The test
runs its own `chroma run` (chromadb's server) on a free loopback port."""
from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request

import pytest

from assistant.container import Container
from assistant.settings import Settings
from deploy_harness import free_port
from knowledge.errors import BackendError

pytestmark = pytest.mark.skipif(shutil.which("chroma") is None, reason="the chroma command (chromadb) is missing")


def _start(path, port) -> subprocess.Popen:
    proc = subprocess.Popen(["chroma", "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError("chroma run did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def test_chroma_server_down_then_back(tmp_path):
    port = free_port()
    server = _start(tmp_path / "chroma-data", port)
    try:
        c = Container(Settings(_env_file=None, home=tmp_path / "home", embedder="fake", chroma_host="127.0.0.1",
                               chroma_port=port, questions_bundled=False))
        c.ingestion.import_statutes(names=["网络安全法"])
        c.library.embed()
        query = "网络运营者收集使用个人信息"
        before = [h.article.id for h in c.search.search(query, top_k=5).hits]
        assert before and c.library.index_status()["pending"] == 0

        _stop(server)
        assert c.search.search(query, top_k=5).hits  # keyword search still answers
        with pytest.raises(BackendError) as down:
            c.library.index_status()  # what the admin page and `xuefa index status` show
        assert "向量索引服务（Chroma）暂时无法连接" in str(down.value)

        server = _start(tmp_path / "chroma-data", port)  # same data, same port
        assert [h.article.id for h in c.search.search(query, top_k=5).hits] == before
        assert c.library.index_status()["vector_chunks"] > 0
    finally:
        _stop(server)
