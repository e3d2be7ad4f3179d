"""A deterministic, model-free embedder for tests and for trying xuefa without a model."""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache

from knowledge.embedders.base import XuefaEmbedder


@lru_cache(maxsize=65536)
def _bucket(feature: str, dim: int) -> int:
    # hashlib rather than hash(): Python salts str hashes per process, and vectors must be
    # identical across runs (they are cached and persisted in Chroma).
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % dim


class FakeEmbedder(XuefaEmbedder):
    """Hashing embedder: character bigrams counted into ``dim`` buckets, L2-normalized.

    Texts sharing words share bigrams, so they come out closer than unrelated texts —
    enough for retrieval tests to be meaningful. Queries and passages are embedded alike.
    ``count_tokens`` is ``len(text) + 2`` (one token per character plus two specials).
    """

    def __init__(self, dim: int = 64, max_tokens: int = 512):
        if dim < 2:
            raise ValueError("dim must be >= 2")
        if max_tokens < 3:
            raise ValueError("max_tokens must be >= 3")
        self._dim = int(dim)
        self._max_tokens = int(max_tokens)
        self.embedder_id = f"fake-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        return len(text) + 2

    def _embed(self, text: str) -> list[float]:
        chars = "".join(text.lower().split())  # whitespace carries no meaning here
        if len(chars) >= 2:
            features = [chars[i:i + 2] for i in range(len(chars) - 1)]
        else:
            features = [chars]  # "" or a single character: one feature of its own
        vec = [0.0] * self._dim
        for feature in features:
            vec[_bucket(feature, self._dim)] += 1.0
        norm = math.sqrt(sum(x * x for x in vec))
        return [x / norm for x in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)
