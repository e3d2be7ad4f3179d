"""Semantically close articles: the source of hard distractors ("never trivially wrong").

A neighbors function is ``neighbors(article, k) -> list[Article]``. :class:`SearchNeighbors`
asks the search service (hybrid retrieval) within the article's law; :class:`TokenNeighbors`
needs nothing but the store: articles of the same law ranked by the jieba tokens they share
(idf-weighted, same chapter preferred). The search one falls back to the token one.
"""
from __future__ import annotations

import logging
import math
import threading
from typing import Callable, Protocol

from assistant.quiz.text import content_tokens
from knowledge.errors import XuefaError
from knowledge.legal.documents import Article
from knowledge.store.article_store import ArticleStore

log = logging.getLogger(__name__)

Neighbors = Callable[[Article, int], list[Article]]

_SAME_CHAPTER_BONUS = 1.3  # a neighbor in the same chapter is a closer, harder distractor


class TokenNeighbors:
    """Same-law articles sharing the most (idf-weighted) jieba tokens with the article."""

    def __init__(self, store: ArticleStore):
        self.store = store
        self._lock = threading.Lock()
        self._laws: dict[str, tuple[int, list[Article], dict[int, dict[str, float]]]] = {}

    def __call__(self, article: Article, k: int) -> list[Article]:
        articles, weights = self._law(article.doc_id)
        mine = weights.get(article.id) or {t: 1.0 for t in content_tokens(article.text)}
        norm_me = math.sqrt(sum(w * w for w in mine.values())) or 1.0
        scored = []
        for other in articles:
            if other.id == article.id:
                continue
            theirs = weights[other.id]
            shared = sum(w * theirs[t] for t, w in mine.items() if t in theirs)
            if shared <= 0:
                continue
            norm_other = math.sqrt(sum(w * w for w in theirs.values())) or 1.0
            score = shared / (norm_me * norm_other)
            if other.path[:1] == article.path[:1]:
                score *= _SAME_CHAPTER_BONUS
            scored.append((-score, abs(other.seq - article.seq), other.id, other))
        scored.sort(key=lambda x: x[:3])
        return [x[3] for x in scored[:k]]

    def _law(self, doc_id: str):
        version = self.store.version()
        with self._lock:
            cached = self._laws.get(doc_id)
            if cached and cached[0] == version:
                return cached[1], cached[2]
        articles = [a for a in self.store.articles_of(doc_id) if len(a.text) >= 10]
        bags = {a.id: content_tokens(a.text) for a in articles}
        df: dict[str, int] = {}
        for toks in bags.values():
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        n = len(articles) or 1
        weights = {aid: {t: math.log(1 + n / df[t]) for t in set(toks)} for aid, toks in bags.items()}
        with self._lock:
            self._laws[doc_id] = (version, articles, weights)
        return articles, weights


class _Search(Protocol):
    def search(self, query: str, top_k: int = 10, filters=None): ...


class SearchNeighbors:
    """Neighbors from the search service, restricted to the article's law; the fallback fills
    in when search fails (no index yet) or returns too few."""

    def __init__(self, search: _Search, store: ArticleStore, fallback: Neighbors | None = None,
                 query_chars: int = 300):
        self.search = search
        self.store = store
        self.fallback = fallback
        self.query_chars = query_chars

    def __call__(self, article: Article, k: int) -> list[Article]:
        from assistant.search.types import SearchFilters

        found: list[Article] = []
        try:
            doc = self.store.get_document(article.doc_id)
            result = self.search.search(article.text[:self.query_chars], top_k=k + 3,
                                        filters=SearchFilters(laws=[doc.title]))
            found = [h.article for h in result.hits
                     if h.article.id != article.id and h.article.doc_id == article.doc_id][:k]
        except Exception as exc:  # hard negatives are best effort: a paper must not fail on them
            if not isinstance(exc, XuefaError):
                log.warning("search neighbors failed, using the token fallback: %s", exc)
            found = []
        if len(found) < k and self.fallback is not None:
            seen = {a.id for a in found} | {article.id}
            found += [a for a in self.fallback(article, k + len(found)) if a.id not in seen][:k - len(found)]
        return found
