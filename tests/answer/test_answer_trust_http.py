"""Through the real local OpenAI-compatible HTTP server: a model that makes an unsupported
claim and writes a phishing link and HTML, and sources that include an internal rule."""
from __future__ import annotations

import re
import threading

import pytest
from test_answer_llm_http import FakeOpenAI, QuietServer, settings_for

from assistant.web import render

WECHAT = ("结论：可以传输。\n涉密文件可以通过微信等即时通讯工具传输[2]。\n"
          "详见[官方说明](http://evil.example/login)，<img src=x onerror=alert(1)>请登录 https://evil.example/a 核对。")
INTERNAL_Q = "网络安全值班人员应当每日检查防火墙日志吗"


class HostileOpenAI(FakeOpenAI):
    @staticmethod
    def _reply(body: dict) -> str:
        if body.get("model") == "wechat":
            return WECHAT
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        m = re.search(r'<source id="1"[^>]*>\n(?:（[^\n]*）\n)?(.*?)\n</source>', user, re.S)
        first = re.split(r"[。；\n]", m.group(1) if m else "")[0]
        return f"依据规定，「{first}」[1]。"


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), HostileOpenAI)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_unsupported_claim_and_link_through_http(server, tmp_path, answer_env):
    service = answer_env.service(settings=settings_for(tmp_path, server, "wechat"))
    parts = list(service.ask_stream("涉密文件能不能用微信传输"))
    answer = parts[-1]
    kinds = [f.kind for f in answer.flags]
    assert "unsupported" in kinds and "markup_removed" in kinds
    assert not any(c.verified for c in answer.citations if c.source_index == 2)
    streamed = "".join(p for p in parts[:-1])
    for text in (answer.text, streamed):
        assert "evil.example" not in text and "<img" not in text and "](" not in text
    assert "〔未能在所引条文中核实〕" in answer.text and "官方说明" in answer.text
    cards = render.cards([render.citation_item(c) for c in answer.citations])
    assert render.VERIFIED_NOTE not in cards


def test_internal_rule_is_labelled_to_the_model_and_on_the_card(server, tmp_path, answer_env):
    HostileOpenAI.requests.clear()
    service = answer_env.service(settings=settings_for(tmp_path, server, "faithful"))
    answer = service.ask(INTERNAL_Q)
    user = HostileOpenAI.requests[-1]["messages"][1]["content"]
    block = re.search(r'<source id="\d+"[^>]*law="某局网络安全管理办法"[^>]*>\n[^\n]*', user)
    assert block and 'kind="内部制度"' in block.group(0) and "不是国家法律" in block.group(0)
    assert re.search(r'<source id="\d+"[^>]*law="中华人民共和国[^"]*"[^>]*kind="法律"', user)
    internal = [c for c in answer.citations + answer.related if c.law == "某局网络安全管理办法"]
    assert internal
    assert "xf-internal" in render.cards([render.citation_item(c) for c in internal])


def test_faithful_quote_is_verified(server, tmp_path, answer_env):
    service = answer_env.service(settings=settings_for(tmp_path, server, "faithful"))
    answer = service.ask("用人单位招用劳动者时可以扣押身份证吗")
    cited = [c for c in answer.citations if c.source_index == 1]
    assert cited and cited[0].verified and not any(f.kind == "unsupported" for f in answer.flags)
