"""The article store and the vector index under test in every deployment mode (a pytest
plugin, see tests/conftest.py): the store on SQLite (default) and PostgreSQL, the vector
index embedded (default) and on a Chroma server. .ci/run starts both servers and sets
XUEFA_TEST_POSTGRES_URL and XUEFA_TEST_CHROMA_URL; elsewhere the server runs skip."""
from __future__ import annotations

import os
import uuid
from urllib.parse import urlparse

import pytest
from sqlalchemy import create_engine

from knowledge.store import article_store, citation_links, question_bank  # noqa: F401 - every store table, so drop_all is whole

PG_URL = os.environ.get("XUEFA_TEST_POSTGRES_URL")
CHROMA_URL = os.environ.get("XUEFA_TEST_CHROMA_URL")


def drop_store_tables(url: str) -> None:
    engine = create_engine(url)
    question_bank.metadata.drop_all(engine)
    article_store.metadata.drop_all(engine)
    engine.dispose()


def chroma_address() -> tuple[str, int]:
    parsed = urlparse(CHROMA_URL or "")
    return parsed.hostname or "127.0.0.1", parsed.port or 8000


def _admin():
    import chromadb
    from chromadb.config import Settings

    host, port = chroma_address()
    return chromadb.AdminClient(Settings(chroma_api_impl="chromadb.api.fastapi.FastAPI", chroma_server_host=host,
                                         chroma_server_http_port=port, anonymized_telemetry=False))


def fresh_chroma_database():
    """A ChromaServer naming a new, empty database on the test server (one per test, so tests
    never see each other's collections), and a function dropping it."""
    from knowledge.index.vector_index import ChromaServer

    if not CHROMA_URL:
        pytest.skip("XUEFA_TEST_CHROMA_URL not set (.ci/run starts a Chroma server and sets it)")
    name = f"xuefa_test_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    admin.create_database(name)
    host, port = chroma_address()
    return ChromaServer(host=host, port=port, database=name), lambda: admin.delete_database(name)


@pytest.fixture(params=["embedded", "server"])
def open_vector_index(request, tmp_path):
    """``open_vector_index(embedder)``: a VectorIndex at one location for the whole test (a
    tmp directory, or a fresh database on the Chroma server); several calls share it."""
    from knowledge.index.vector_index import VectorIndex

    server, drop = (None, None)
    if request.param == "server":
        server, drop = fresh_chroma_database()
    opened = []

    def open_(embedder, **kw):
        idx = VectorIndex(tmp_path / "chroma", embedder, server=server, **kw)
        opened.append(idx)
        return idx

    open_.server = server
    yield open_
    for idx in opened:
        idx.close()
    if drop:
        drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path):
    """Where an ArticleStore lives: a SQLite file, or a clean schema on PostgreSQL."""
    if request.param == "sqlite":
        yield tmp_path / "k.db"
        return
    if not PG_URL:
        pytest.skip("XUEFA_TEST_POSTGRES_URL not set (.ci/run starts PostgreSQL and sets it)")
    drop_store_tables(PG_URL)
    yield PG_URL
    drop_store_tables(PG_URL)
