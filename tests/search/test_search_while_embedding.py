"""A rule ingested a moment ago is found by its words at once, before the embedding catches up:
articles without a vector yet get a neutral dense share instead of losing to every embedded
article (real store, real embedded Chroma, the fake embedder)."""
from __future__ import annotations

from assistant.container import Container
from assistant.library.ingestion_service import IngestOptions
from assistant.settings import Settings
from web_harness import RULES_DOCX_LINES, write_docx

QUERY = "涉密公文 保密员 互联网邮箱"


def test_a_rule_not_embedded_yet_is_found_by_its_words(tmp_path):
    c = Container(Settings(_env_file=None, home=tmp_path / "home", embedder="fake", questions_bundled=False))
    c.ingestion.import_statutes(names=["网络安全法"])
    c.library.embed()
    out = c.ingestion.ingest_file(write_docx(tmp_path / "公文流转管理办法.docx", RULES_DOCX_LINES),
                                  IngestOptions(doc_type="内部制度"))
    assert out.result == "added" and c.library.pending_embeddings() == out.articles  # not embedded yet
    first = c.search.search(QUERY, top_k=3).hits[0]
    assert (first.article.doc_id, first.article.label) == (out.doc_id, "第四条")
    c.library.embed()  # once embedded, dense evidence takes over and it stays first
    first = c.search.search(QUERY, top_k=3).hits[0]
    assert (first.article.doc_id, first.article.label) == (out.doc_id, "第四条")
