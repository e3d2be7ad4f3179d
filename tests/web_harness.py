"""One running xuefa web app for all web tests (started once per test process).

A tmp XUEFA_HOME with the fake embedder, four bundled laws imported, background embedding
started (as `xuefa serve` does), an admin and two staff accounts; the app listens on
127.0.0.1 at a free port in this process, exactly as `launch()` serves it.
"""
from __future__ import annotations

import atexit
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LAWS = ["网络安全法", "保守国家秘密法", "劳动合同法", "公务员法"]
ADMIN = ("admin", "admin-pass-123")
STAFF = ("zhang", "staff-pass-123")
STAFF2 = ("li", "staff-pass-456")

_lock = threading.Lock()
_app: "RunningApp | None" = None


@dataclass
class RunningApp:
    url: str
    container: object
    demo: object
    home: Path
    startup_seconds: float

    def client(self, auth):
        from gradio_client import Client

        return Client(self.url, auth=auth, verbose=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def running_app() -> RunningApp:
    global _app
    with _lock:
        if _app is None:
            _app = _start()
            atexit.register(_stop, _app)
        return _app


def _start() -> RunningApp:
    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web import build_app, launch

    started = time.monotonic()
    home = Path(tempfile.mkdtemp(prefix="xuefa-web-"))
    # as behind a reverse proxy on this host: tests give each simulated client its own address; a
    # short heartbeat, so the study e2e sees active minutes grow within seconds
    c = Container(Settings(home=home, embedder="fake", embed_batch_size=64, trusted_proxies="127.0.0.1",
                           study_heartbeat_seconds=5,
                           _env_file=None))
    c.ingestion.import_statutes(names=LAWS)
    for name, password, role in (ADMIN + ("admin",), STAFF + ("staff",), STAFF2 + ("staff",)):
        c.auth.create_user(name, password, role=role)
    c.library.start_background_embedding()
    port = free_port()
    demo = build_app(c.services)
    launch(demo, c.auth, c.settings, host="127.0.0.1", port=port, root_path="", block=False, quiet=True)
    return RunningApp(f"http://127.0.0.1:{port}/", c, demo, home, time.monotonic() - started)


def _stop(app: RunningApp) -> None:
    try:
        app.container.library.stop_background_embedding(timeout=10)
        app.demo.close()
    finally:
        shutil.rmtree(app.home, ignore_errors=True)


def write_docx(path: Path, lines: list[str]) -> Path:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(path)
    return path


RULES_DOCX_LINES = [
    "某局公文流转管理办法",
    "第一章　总　则",
    "第一条　为规范本局公文流转，提高办文效率，制定本办法。",
    "第二条　本办法适用于本局各处室的公文办理工作。",
    "第二章　流　转",
    "第三条　收文应当在登记后两个工作日内送交承办处室拟办。",
    "第四条　涉密公文的流转应当经保密员登记，严禁通过互联网邮箱传递。",
    "第五条　本办法自印发之日起施行。",
]
