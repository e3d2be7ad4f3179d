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


def test_one_library_service_is_shared_by_services_web_and_cli(tmp_path, monkeypatch):
    """The container builds exactly one LibraryService; quiz, questions, the web app's
    services and CLI commands all use that one."""
    from click.testing import CliRunner

    from assistant.cli.main import main
    from assistant.library.library_service import LibraryService
    from assistant.web import build_app

    built = []
    real_init = LibraryService.__init__

    def init(self, *args, **kwargs):
        built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(LibraryService, "__init__", init)
    c = Container(Settings(home=tmp_path, embedder="fake", _env_file=None))
    c.ingestion.import_statutes(names=["网络安全法"])
    build_app(c.services).close()
    runner = CliRunner()
    for args in (["laws", "list"], ["laws", "show", "网络安全法", "--article", "21"], ["index", "status", "--json"],
                 ["quiz", "generate", "--law", "网络安全法", "-n", "2", "--seed", "1"]):
        r = runner.invoke(main, args, obj={"container": c})
        assert r.exit_code == 0, r.output
    assert built == [c.library]
    assert c.quiz.library is c.library and c.questions.library is c.library and c.services.library is c.library
