"""Shared fixtures of the revision tests: a real article store holding laws with their
history from the bundled database, and an earlier 网络安全法 text.

The bundled database holds only the 2025 text of 网络安全法. Its earlier version is made the
way an admin would add one (a file ingested with status 已被修改), and the file is built from
real stored article texts only: the current articles without the four the 2025 decision added
(第三条, 第二十条, 第六十三条, 第七十三条), numbered in sequence. It is a test text, not the 2016
law (whose merged and amended articles cannot be rebuilt without inventing text); it does
reproduce the renumbering the decision made, e.g. 等级保护 第二十一条 → 第二十三条.
"""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from knowledge.legal.numerals import article_label
from knowledge.store.article_store import ArticleStore

HISTORY_LAWS = ("注册会计师法", "仲裁法", "海商法")
CYBER = "中华人民共和国网络安全法"
CYBER_ADDED_IN_2025 = (3, 20, 63, 73)


def earlier_cybersecurity_text() -> str:
    """The test's earlier 网络安全法 (see the module docstring): real article texts, renumbered."""
    from ingest.statute_source import StatuteSource

    source = StatuteSource()
    law = next(x for x in source.laws() if x.title == CYBER)
    lines, chapter, n = [CYBER, ""], "", 0
    for art in source.to_document(law, is_current=True).articles:
        if art.number in CYBER_ADDED_IN_2025:
            continue
        if art.path and art.path[0] != chapter:
            chapter = art.path[0]
            lines.append(chapter)
        n += 1
        paras = art.text.split("\n")
        lines.append(f"{article_label(n)}　{paras[0]}")
        lines += paras[1:]
    return "\n".join(lines) + "\n"


def write_earlier_cybersecurity(directory: Path) -> Path:
    path = directory / "网络安全法（修订前，测试用）.txt"
    path.write_text(earlier_cybersecurity_text(), encoding="utf-8")
    return path


@functools.lru_cache(maxsize=1)
def built_store_path() -> Path:
    """knowledge.db: three laws with history, and 网络安全法 with the earlier test text."""
    from assistant.library.ingestion_service import IngestionService, IngestOptions

    root = Path(tempfile.mkdtemp(prefix="xuefa-revision-tests-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    store = ArticleStore(root / "knowledge.db")
    ingestion = IngestionService(store, max_file_bytes=50 * 2 ** 20, listeners=[])
    ingestion.import_statutes(names=list(HISTORY_LAWS) + ["网络安全法"], include_history=True)
    outcome = ingestion.ingest_file(write_earlier_cybersecurity(root), IngestOptions(
        title=CYBER, doc_type="法律", status="已被修改", publish_date="2016-11-07", effective_date="2017-06-01"))
    assert outcome.result == "added" and outcome.articles == 77, outcome.error
    store.close()
    return root / "knowledge.db"


def copy_store(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "knowledge.db"
    shutil.copyfile(built_store_path(), target)
    return target
