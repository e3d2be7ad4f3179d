"""Every text input is bounded: a 1 M-character question is refused fast, with a clear
message, through the service, the web handler (over HTTP) and the CLI."""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from answer_fixtures import build_store
from knowledge.limits import InputTooLongError, bounded

HUGE = "劳动合同" * 250_000  # 1,000,000 characters


def test_bounded_says_how_long_and_the_limit():
    assert bounded("短", 5, "问题") == "短"
    with pytest.raises(InputTooLongError) as err:
        bounded("x" * 12, 5, "问题")
    assert "问题过长" in str(err.value) and "12" in str(err.value) and "5" in str(err.value)


def test_service_refuses_fast(answer_env):
    service = answer_env.service()
    started = time.monotonic()
    with pytest.raises(InputTooLongError, match="最多 2,000"):
        service.ask(HUGE)
    assert time.monotonic() - started < 1.0
    assert service.ask("劳" * 10 + "用人单位可以扣押身份证吗").found is not None  # within the limit: answered


def test_search_service_refuses_long_query(tmp_path):
    from assistant.container import Container
    from assistant.settings import Settings

    c = Container(Settings(home=tmp_path, embedder="fake", search_dense=False, max_query_chars=100, _env_file=None))
    started = time.monotonic()
    with pytest.raises(InputTooLongError, match="检索语句过长"):
        c.search.search(HUGE)
    assert time.monotonic() - started < 1.0


def test_ingest_options_are_bounded():
    from assistant.library.ingestion_service import IngestOptions

    with pytest.raises(InputTooLongError, match="标题过长"):
        IngestOptions(title="标" * 201)


def test_web_chat_refuses_and_stores_nothing():
    from gradio_client.exceptions import AppError

    from web_harness import STAFF, running_app

    app = running_app()
    staff = app.client(STAFF)
    user = app.container.auth.get_user(STAFF[0])
    before = len(app.container.conversations.list(user.id))
    started = time.monotonic()
    with pytest.raises(AppError) as err:
        staff.predict(HUGE, [], "全部法规与制度", [], api_name="/chat_send")
    assert time.monotonic() - started < 5.0  # 3 MB over loopback included; the check itself is instant
    assert "问题过长" in str(err.value)
    assert len(app.container.conversations.list(user.id)) == before
    # the handler itself, without the transfer
    from types import SimpleNamespace

    from assistant.web.chat_tab import ChatTab

    s = app.container.services
    tab = ChatTab(s.answerer, s.conversations, s.questions, s.library, s.auth)
    started = time.monotonic()
    with pytest.raises(Exception, match="问题过长"):
        next(tab.send(HUGE, [], "", "全部法规与制度", [], SimpleNamespace(username=STAFF[0])))
    assert time.monotonic() - started < 1.0


def test_cli_ask_and_search_refuse_with_exit_code(tmp_path, monkeypatch):
    from assistant.cli.main import main

    home = tmp_path / "home"
    build_store(home / "knowledge.db", titles=("中华人民共和国劳动合同法",), with_injection=False)
    monkeypatch.setenv("XUEFA_HOME", str(home))
    monkeypatch.setenv("XUEFA_SEARCH_DENSE", "false")
    for args in (["ask", HUGE], ["search", HUGE]):
        started = time.monotonic()
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and "过长" in result.output, result.output[:300]
        assert time.monotonic() - started < 5.0
