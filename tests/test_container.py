"""The container builds each component once, lazily, even when threads race for it."""
import threading

from assistant.container import Container
from assistant.settings import Settings


def test_components_are_built_once_and_lazily(tmp_path):
    c = Container(Settings(home=tmp_path, embedder="fake"))
    assert "search" not in c.__dict__ and "embedder" not in c.__dict__  # nothing built yet
    seen, barrier = [], threading.Barrier(8)

    def grab():
        barrier.wait()
        seen.append(c.search)

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in seen}) == 1
    assert c.search.store is c.store


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("XUEFA_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    monkeypatch.setenv("XUEFA_MAX_FILE_MB", "2")
    s = Settings()
    assert s.home == (tmp_path / "h").resolve() and s.embedder == "fake"
    assert s.max_file_bytes == 2 * 1024 * 1024
    assert s.records_url.endswith("/h/records.db") and not s.llm_configured
