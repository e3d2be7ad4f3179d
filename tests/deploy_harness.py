"""Several xuefa processes on shared engines, as an organisation deploys them: app instances
(`xuefa serve`, each with its own XUEFA_HOME for the lexical index) and the embedding worker
(`xuefa worker`) on one PostgreSQL database and one Chroma server. Used by
tests/deploy/ and benchmarks/load_bench.py. Every process is a real subprocess on 127.0.0.1."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
ADMIN = ("admin", "admin-pass-123")
STAFF = ("zhang", "staff-pass-123")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Deployment:
    """Shared engines: the database URL (store and records) and a Chroma server database."""

    database_url: str
    chroma_url: str
    chroma_database: str = field(default_factory=lambda: f"xuefa_deploy_{uuid.uuid4().hex[:10]}")
    embedder: str = "fake"
    procs: list[subprocess.Popen] = field(default_factory=list)

    def env(self, home: Path, **extra: str) -> dict:
        chroma = urlparse(self.chroma_url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("XUEFA_")}
        env.update({
            "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            "XUEFA_HOME": str(home), "XUEFA_EMBEDDER": self.embedder, "XUEFA_STORE_URL": self.database_url,
            "XUEFA_DATABASE_URL": self.database_url, "XUEFA_CHROMA_HOST": chroma.hostname or "127.0.0.1",
            "XUEFA_CHROMA_PORT": str(chroma.port or 8000), "XUEFA_CHROMA_DATABASE": self.chroma_database,
            "XUEFA_EMBED_IN_BACKGROUND": "false", "XUEFA_ADMIN_PASSWORD": ADMIN[1],
            "XUEFA_WORKER_POLL_SECONDS": "0.5", "XUEFA_WORKER_LEASE_SECONDS": "8",
        })
        env.update(extra)
        return env

    def create_chroma_database(self) -> None:
        import chromadb
        from chromadb.config import Settings

        chroma = urlparse(self.chroma_url)
        admin = chromadb.AdminClient(Settings(chroma_api_impl="chromadb.api.fastapi.FastAPI",
                                              chroma_server_host=chroma.hostname,
                                              chroma_server_http_port=chroma.port, anonymized_telemetry=False))
        admin.create_database(self.chroma_database)

    def cli(self, home: Path, *args: str, timeout: float = 600, **extra: str) -> str:
        out = subprocess.run([sys.executable, "-m", "assistant", *args], env=self.env(home, **extra),
                             capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if out.returncode != 0:
            raise RuntimeError(f"xuefa {' '.join(args)} failed ({out.returncode}): {out.stderr[-2000:]}")
        return out.stdout

    def prepare(self, home: Path, laws: list[str], users: list[tuple[str, str, str]] = ()) -> None:
        """Laws (text and lexical only; the worker embeds) and accounts, through the CLI."""
        self.create_chroma_database()
        self.cli(home, "import-statutes", "--no-embed", *[a for law in laws for a in ("--law", law)])
        for name, password, role in [ADMIN + ("admin",), STAFF + ("staff",), *users]:
            self.cli(home, "users", "add", name, "--password", password, "--role", role)

    def start_instance(self, home: Path, port: int | None = None, timeout: float = 120, **extra: str) -> str:
        """`xuefa serve` in a subprocess; returns its URL once it answers."""
        port = port or free_port()
        log = open(home.parent / f"serve-{port}.log", "w")
        home.mkdir(parents=True, exist_ok=True)
        self.procs.append(subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                                           env=self.env(home, **extra), stdout=log, stderr=subprocess.STDOUT,
                                           cwd=ROOT))
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[-1].poll() is not None:
                raise RuntimeError(f"serve exited: {(home.parent / f'serve-{port}.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url + "config", timeout=2)
                return url
            except urllib.error.HTTPError:  # answering (behind the login)
                return url
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"{url} did not answer in {timeout} s")

    def start_worker(self, home: Path, *args: str, **extra: str) -> subprocess.Popen:
        home.mkdir(parents=True, exist_ok=True)
        log = open(home.parent / f"worker-{len(self.procs)}.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "worker", *args], env=self.env(home, **extra),
                                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


def client(url: str, auth=STAFF):
    from gradio_client import Client

    return Client(url, auth=auth, verbose=False, httpx_kwargs={"timeout": 120})
