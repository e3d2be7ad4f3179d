"""Passage embeddings through the persistent EmbeddingCache."""
from __future__ import annotations

import numpy as np

from knowledge.embedders.base import XuefaEmbedder
from knowledge.embedders.embedding_cache import EmbeddingCache


class CachedEmbedder(XuefaEmbedder):
    """Wraps an embedder so ``embed_documents`` only computes texts never seen before.

    The cache key is ``inner.embedder_id`` plus the text, so the wrapper is transparent:
    same id, dim, token window and counter as ``inner`` (it indexes into the same Chroma
    collection). A single search query (``embed_query``) is not cached: it is one-off and
    cheap. Batches of queries (``embed_queries``: the question bank, reused on every start)
    are cached under ``inner.embedder_id + "#query"``.

    ``hits`` / ``misses`` count texts served from the cache / computed.
    """

    def __init__(self, inner: XuefaEmbedder, cache: EmbeddingCache):
        self.inner = inner
        self.cache = cache
        self.embedder_id = inner.embedder_id
        self.hits = 0
        self.misses = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def max_tokens(self) -> int:
        return self.inner.max_tokens

    @property
    def loaded(self) -> bool:
        return self.inner.loaded

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._through_cache(f"{self.embedder_id}#query", texts, self.inner.embed_queries)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._through_cache(self.embedder_id, texts, self.inner.embed_documents)

    def _through_cache(self, cache_id: str, texts: list[str], compute) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        found = self.cache.get_many(cache_id, texts)
        # each distinct missing text is embedded once, even if repeated in the batch
        missing = list(dict.fromkeys(t for t, v in zip(texts, found) if v is None))
        fresh: dict[str, np.ndarray] = {}
        if missing:
            vectors = np.asarray(compute(missing), dtype=np.float32)
            if vectors.shape != (len(missing), self.dim):
                raise ValueError(
                    f"{self.embedder_id}: expected {len(missing)} vectors of {self.dim}, got {vectors.shape}"
                )
            self.cache.put_many(cache_id, missing, vectors)
            fresh = dict(zip(missing, vectors))
        self.misses += len(missing)
        self.hits += len(texts) - sum(1 for v in found if v is None)
        return [
            (v if v is not None else fresh[t]).astype(np.float32, copy=False).tolist()
            for t, v in zip(texts, found)
        ]
