"""The real HTTP path: a small OpenAI-compatible server on 127.0.0.1 (POST /v1/chat/completions,
streaming SSE and not) driven end to end through langchain-openai, including a timeout and an
HTTP 500 — each a clear Chinese message, never a crash."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from answer_fixtures import build_store
from assistant.answer.llm import SYSTEM_PROMPT, LLMAnswerer, build_chat_model
from assistant.answer.types import Answer
from assistant.answer.verifier import Source
from assistant.settings import Settings
from knowledge.errors import BackendError

QUESTION = "用人单位招用劳动者时可以扣押身份证吗"
SLOW_SECONDS = 3.0


class FakeOpenAI(BaseHTTPRequestHandler):
    """Behaviour by model name: ok (answers from source [1], quoting it), slow, error."""

    requests: list[dict] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_POST(self):
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        FakeOpenAI.requests.append(body)
        model = body.get("model", "")
        if model == "error":
            payload = json.dumps({"error": {"message": "internal error", "type": "server_error"}}).encode()
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if model == "slow":
            time.sleep(SLOW_SECONDS)
        reply = self._reply(body)
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            pieces = [reply[i:i + 7] for i in range(0, len(reply), 7)]
            for i, piece in enumerate(pieces):
                delta = {"content": piece} if i else {"role": "assistant", "content": piece}
                chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
                         "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()
            end = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
            self.wfile.flush()
            return
        payload = json.dumps({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    @staticmethod
    def _reply(body: dict) -> str:
        """Quote the first sentence of source [1] verbatim, as a well-behaved model would."""
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        m = re.search(r'<source id="1"[^>]*>\n(.*?)\n</source>', user, re.S)
        text = m.group(1) if m else ""
        first = re.split(r"[。；\n]", text)[0]
        return f"结论：请看条文。\n依据规定，「{first}」[1]。\n以上仅依据所给条文。"


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that timed out hung up: fine
        pass


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def settings_for(tmp_path, base_url: str, model: str, timeout: float = 10) -> Settings:
    return Settings(home=tmp_path, llm_base_url=base_url, llm_model=model, llm_timeout=timeout,
                    llm_api_key=None)


def sources(env) -> list[Source]:
    hits = env.search.search(QUESTION, top_k=6).hits
    return [Source(i, h.article, h.document) for i, h in enumerate(hits, 1)]


def test_non_streaming_round_trip(server, tmp_path, answer_env):
    FakeOpenAI.requests.clear()
    llm = LLMAnswerer.from_settings(settings_for(tmp_path, server, "ok"))
    src = sources(answer_env)
    text = llm.invoke(QUESTION, src)
    assert "[1]" in text and "「" in text
    body = FakeOpenAI.requests[-1]
    assert body["model"] == "ok" and not body.get("stream")
    assert body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    user = body["messages"][1]["content"]
    assert user.count("<source id=") == len(src) and "</sources>" in user and QUESTION in user


def test_streaming_through_the_service(server, tmp_path, answer_env):
    FakeOpenAI.requests.clear()
    service = answer_env.service(settings=settings_for(tmp_path, server, "ok"))
    assert service.mode == "llm"
    parts = list(service.ask_stream(QUESTION))
    answer = parts[-1]
    assert isinstance(answer, Answer)
    deltas = parts[:-1]
    assert len(deltas) >= 3 and "".join(deltas) == answer.text
    assert FakeOpenAI.requests[-1]["stream"] is True
    assert answer.found and answer.valid and answer.flags == []
    assert answer.citations and answer.citations[0].source_index == 1 and answer.citations[0].verified


def test_api_key_defaults_to_a_placeholder(tmp_path, server):
    model = build_chat_model(settings_for(tmp_path, server, "ok"))
    assert model.openai_api_key.get_secret_value() == "EMPTY"


def test_timeout_is_a_clear_error(server, tmp_path, answer_env):
    llm = LLMAnswerer.from_settings(settings_for(tmp_path, server, "slow", timeout=0.4))
    started = time.monotonic()
    with pytest.raises(BackendError) as err:
        list(llm.stream(QUESTION, sources(answer_env)))
    assert "超时" in str(err.value) and "XUEFA_LLM_TIMEOUT" in str(err.value)
    assert time.monotonic() - started < SLOW_SECONDS * 1.5


def test_timeout_in_the_service_falls_back_to_extracts(server, tmp_path, answer_env):
    service = answer_env.service(settings=settings_for(tmp_path, server, "slow", timeout=0.4))
    answer = service.ask(QUESTION)
    assert [f.kind for f in answer.flags][0] == "llm_error"
    assert "超时" in answer.text and "结论：" in answer.text
    assert answer.mode == "extractive" and answer.found
    assert any(c.article == "第九条" for c in answer.citations)


def test_http_500_is_a_clear_error(server, tmp_path, answer_env):
    llm = LLMAnswerer.from_settings(settings_for(tmp_path, server, "error"))
    with pytest.raises(BackendError) as err:
        llm.invoke(QUESTION, sources(answer_env))
    assert "HTTP 500" in str(err.value)
    with pytest.raises(BackendError):
        list(llm.stream(QUESTION, sources(answer_env)))
    strict = answer_env.service(settings=settings_for(tmp_path, server, "error"), fallback_to_extractive=False)
    with pytest.raises(BackendError):
        strict.ask(QUESTION)


def test_unreachable_endpoint_is_a_clear_error(tmp_path, answer_env):
    llm = LLMAnswerer.from_settings(settings_for(tmp_path, "http://127.0.0.1:9/v1", "ok", timeout=2))
    with pytest.raises(BackendError) as err:
        llm.invoke(QUESTION, sources(answer_env))
    assert "无法连接" in str(err.value) or "超时" in str(err.value)


def test_cli_ask_with_failing_endpoint(server, tmp_path, monkeypatch):
    from assistant.cli.main import main

    home = tmp_path / "home"
    build_store(home / "knowledge.db", titles=("中华人民共和国劳动合同法",), with_injection=False)
    for k, v in {"XUEFA_HOME": str(home), "XUEFA_SEARCH_DENSE": "false", "XUEFA_LLM_BASE_URL": server,
                 "XUEFA_LLM_MODEL": "error", "XUEFA_LLM_TIMEOUT": "5"}.items():
        monkeypatch.setenv(k, v)
    result = CliRunner().invoke(main, ["ask", QUESTION])
    assert result.exit_code == 0, result.output
    assert "HTTP 500" in result.output and "结论：" in result.output
    monkeypatch.setenv("XUEFA_LLM_MODEL", "ok")
    result = CliRunner().invoke(main, ["ask", QUESTION, "--json"])
    data = json.loads(result.output)
    assert data["mode"] == "llm" and data["found"] and data["citations"][0]["verified"]
