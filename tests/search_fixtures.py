"""Small real corpora for the search tests: a few bundled laws in a temporary store."""
from __future__ import annotations

from functools import lru_cache

from ingest.statute_source import StatuteSource
from knowledge.legal.documents import NewArticle, NewDocument
from knowledge.store.article_store import ArticleStore

LAWS = ("中华人民共和国网络安全法", "中华人民共和国劳动合同法", "中华人民共和国个人信息保护法",
        "中华人民共和国刑法", "中华人民共和国公司法")


@lru_cache(maxsize=None)
def statute_documents(titles: tuple[str, ...] = LAWS) -> tuple:
    src = StatuteSource()
    chosen = {law.title: law for law in src.select() if law.title in titles}
    return tuple((f"cl-{chosen[t].law_id}", src.to_document(chosen[t], is_current=True)) for t in titles)


def make_store(path, titles: tuple[str, ...] = LAWS) -> ArticleStore:
    store = ArticleStore(path)
    for doc_id, doc in statute_documents(titles):
        store.add_document(doc, doc_id=doc_id)
    return store


def internal_rule(title: str = "某局公务用车管理办法", texts: tuple[str, ...] | None = None,
                  content_hash: str | None = None) -> NewDocument:
    texts = texts or (
        "为了规范公务用车管理，节约行政经费，制定本办法。",
        "公务用车实行集中管理、统一调度，严禁公车私用。",
        "驾驶员饮酒后不得驾驶公务用车，违者给予处分。",
    )
    labels = ("第一条", "第二条", "第三条", "第四条", "第五条")
    arts = [NewArticle(number=i + 1, sub=0, label=labels[i], path=["第一章 总则"], text=t)
            for i, t in enumerate(texts)]
    return NewDocument(title=title, doc_type="内部制度", department="办公室",
                       content_hash=content_hash or f"{title}:{len(texts)}:{texts[0]}", articles=arts)
