"""A fresh article store per test with real bundled laws, and the citation service listening
to its ingestion the way the container wires it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.citations.citation_service import CitationService
from assistant.library.ingestion_service import IngestionService, IngestOptions
from knowledge.store.article_store import ArticleStore
from knowledge.store.citation_links import CitationLinks

# 网络安全法 is bundled only as its 2025 text, with the decision that amended it;
# 仲裁法 has its 2017 and 2025 texts; 保守国家秘密法 only its 2024 text
LAWS = ["网络安全法", "关于修改《中华人民共和国网络安全法》的决定", "保守国家秘密法", "仲裁法"]
CYBER = "中华人民共和国网络安全法"


@dataclass
class Env:
    store: ArticleStore
    ingestion: IngestionService
    citations: CitationService
    folder: Path

    def rule(self, name: str, text: str, date: str = "2020-05-01", **options):
        path = self.folder / f"{name}.txt"
        path.write_text(f"{name}\n{text}", encoding="utf-8")
        opts = IngestOptions(doc_type=options.pop("doc_type", "内部制度"), publish_date=date or None, **options)
        outcome = self.ingestion.ingest_file(path, opts)
        assert outcome.ok, outcome.error
        return outcome


@pytest.fixture
def env(tmp_path) -> Env:
    store = ArticleStore(tmp_path / "knowledge.db")
    citations = CitationService(store, CitationLinks(store))
    ingestion = IngestionService(store, max_file_bytes=1 << 20, listeners=[citations])
    ingestion.import_statutes(names=LAWS, include_history=True)
    yield Env(store, ingestion, citations, tmp_path)
    store.close()
