"""`xuefa users ...` and `xuefa serve`: accounts from the command line, no app without a way
to log in, bundled statutes imported into an empty store, and a real `xuefa serve` process
that answers a question through gradio_client with no LLM configured."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from assistant.cli.main import main
from assistant.cli.serve import ensure_first_admin, import_bundled_if_empty
from assistant.library.ingestion_service import IngestionService
from knowledge.errors import XuefaError
from web_harness import free_port


@pytest.fixture
def env(tmp_path, monkeypatch):
    home = tmp_path / "home"
    for key in list(os.environ):
        if key.startswith("XUEFA_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XUEFA_HOME", str(home))
    monkeypatch.setenv("XUEFA_EMBEDDER", "fake")
    monkeypatch.chdir(tmp_path)  # no stray .env
    return home


def test_users_disable_and_enable(env):
    from assistant.container import Container
    from assistant.settings import Settings

    runner = CliRunner()
    runner.invoke(main, ["users", "add", "admin", "--role", "admin", "--password", "admin-pass-1"])
    runner.invoke(main, ["users", "add", "zhang", "--password", "zhang-pass-1"])
    token = Container(Settings()).auth.login("zhang", "zhang-pass-1").token
    r = runner.invoke(main, ["users", "disable", "zhang"])
    assert r.exit_code == 0 and "已停用 zhang" in r.output
    auth = Container(Settings()).auth
    assert auth.session_user(token) is None and auth.login("zhang", "zhang-pass-1").outcome == "disabled"
    assert "zhang\tstaff（已停用）" in runner.invoke(main, ["users", "list"]).output
    r = runner.invoke(main, ["users", "disable", "admin"])
    assert r.exit_code == 1 and "管理员" in r.output
    assert runner.invoke(main, ["users", "enable", "zhang"]).exit_code == 0
    assert Container(Settings()).auth.login("zhang", "zhang-pass-1").ok
    actions = [a.action for a in Container(Settings()).audit.recent()]
    assert "user.disable" in actions and "user.enable" in actions


def test_users_commands(env):
    runner = CliRunner()
    r = runner.invoke(main, ["users", "add", "admin", "--role", "admin", "--password", "admin-pass-1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["users", "add", "zhang"], input="zhang-pass-1\nzhang-pass-1\n")
    assert r.exit_code == 0 and "已创建用户 zhang" in r.output
    r = runner.invoke(main, ["users", "add", "li", "--password", "short"])
    assert r.exit_code == 1 and "至少" in r.output
    r = runner.invoke(main, ["users", "passwd", "zhang", "--password", "zhang-pass-2"])
    assert r.exit_code == 0
    r = runner.invoke(main, ["users", "role", "admin", "staff"])
    assert r.exit_code == 1 and "至少需要保留一名管理员" in r.output
    r = runner.invoke(main, ["users", "list"])
    assert "admin\tadmin" in r.output and "zhang\tstaff" in r.output and "共 2 个用户" in r.output
    from assistant.container import Container
    from assistant.settings import Settings

    assert Container(Settings()).auth.authenticate("zhang", "zhang-pass-2") is not None


def test_first_admin_gets_a_generated_password_when_none_is_set(env, monkeypatch):
    from assistant.container import Container
    from assistant.settings import Settings

    monkeypatch.delenv("XUEFA_ADMIN_PASSWORD", raising=False)
    c = Container(Settings())
    name, generated = ensure_first_admin(c)
    assert name == "admin" and len(generated) >= 12
    assert c.auth.authenticate("admin", generated) is not None
    saved = (c.settings.home / "initial_admin_password.txt")
    assert saved.read_text(encoding="utf-8").split() == ["admin", generated]
    assert saved.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert ensure_first_admin(c) is None


def test_first_admin_from_environment(env, monkeypatch):
    from assistant.container import Container
    from assistant.settings import Settings

    c = Container(Settings())
    monkeypatch.setenv("XUEFA_ADMIN_PASSWORD", "first-admin-pass")
    assert ensure_first_admin(c) == ("admin", None)
    assert c.auth.get_user("admin").is_admin and c.auth.authenticate("admin", "first-admin-pass")
    assert ensure_first_admin(c) is None  # users exist: nothing to do
    monkeypatch.setenv("XUEFA_ADMIN_PASSWORD", "short")
    c2 = Container(Settings(home=env.parent / "other"))
    with pytest.raises(XuefaError, match="至少"):
        ensure_first_admin(c2)


def test_bundled_statutes_are_imported_only_into_an_empty_store():
    calls = []

    def import_statutes(on_law):
        for i, t in enumerate(["甲法", "乙法"], 1):
            on_law(i, 2, t)
        calls.append(1)
        return SimpleNamespace(laws=2, articles=30, seconds=0.1)

    said = []
    ingestion = IngestionService(SimpleNamespace(count_articles=lambda: 0), max_file_bytes=1)
    ingestion.import_statutes = import_statutes
    assert import_bundled_if_empty(ingestion, echo=said.append) is True
    assert calls == [1] and "已导入 2 部、30 条" in said[-1]
    ingestion.store = SimpleNamespace(count_articles=lambda: 5)
    assert import_bundled_if_empty(ingestion, echo=said.append) is False and calls == [1]


def test_xuefa_serve_process_answers_without_llm(tmp_path):
    """A real `xuefa serve` (a store with one law already, first admin from the environment)."""
    from assistant.container import Container
    from assistant.settings import Settings

    home = tmp_path / "home"
    Container(Settings(home=home, embedder="fake", _env_file=None)).ingestion.import_statutes(names=["保守国家秘密法"])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEFA_")}
    env.update(XUEFA_HOME=str(home), XUEFA_EMBEDDER="fake", XUEFA_ADMIN_PASSWORD="serve-admin-1",
               GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-c", "from assistant.cli.main import main; main()",
           "serve", "--port", str(port), "--root-path", "/xuefa"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
            assert proc.poll() is None, proc.stdout.read()
        else:
            pytest.fail("xuefa serve did not start within 60 s")
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", auth=("admin", "serve-admin-1"), verbose=False)
        history, cards, *_ = client.predict("涉密载体应当如何管理？", [], "全部法规与制度", [], api_name="/chat_send")
        assert "保守国家秘密法" in str(history[-1]) and "data-article-id" in cards
        status = client.predict(api_name="/admin_index_status")
        assert "未配置" in status  # no LLM: extractive answers
    finally:
        proc.terminate()
        try:
            out = proc.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0]
    assert "已创建初始管理员 admin" in out and "学法已启动" in out
