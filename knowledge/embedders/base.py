"""Common interface of xuefa's embedders.

Every embedder is a LangChain ``Embeddings`` (so it plugs straight into
``langchain_chroma.Chroma`` or any retriever) plus the few facts the rest of xuefa needs:
a stable id (embedding-cache key and Chroma collection suffix), the vector size, the
model's token window and a token counter for the chunker.
"""
from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod

from langchain_core.embeddings import Embeddings

# Chroma collection names: 3-63 chars of [a-zA-Z0-9._-], alphanumeric at both ends.
# The collection is f"articles-{embedder_id}" (9 chars), which leaves 54 for the id.
MAX_EMBEDDER_ID_LEN = 54
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def sanitize_id(raw: str, max_len: int = MAX_EMBEDDER_ID_LEN) -> str:
    """Lower-case ``raw`` into a string usable as embedder id / collection-name suffix.

    Over-long names are cut and suffixed with a short hash so two different long model
    names never collapse to the same id.
    """
    text = _UNSAFE.sub("-", raw.lower())
    text = re.sub(r"[-_.]{2,}", "-", text).strip("-_.") or "model"
    if len(text) > max_len:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
        text = f"{text[: max_len - 9].rstrip('-_.')}-{digest}"
    return text


class XuefaEmbedder(Embeddings, ABC):
    """A LangChain ``Embeddings`` with an id, a dimension, a token window and a token counter.

    Contract shared by all implementations (see tests/test_embedders.py):

    * ``embed_documents`` embeds passages, ``embed_query`` embeds search queries (models
      trained with prefixes such as E5 add ``passage: `` / ``query: `` themselves);
    * vectors are L2-normalized ``list[float]`` of length ``dim`` and deterministic;
    * ``count_tokens(text)`` is what the model really feeds for ``text`` as a passage,
      prefix and special tokens included, so the chunker can keep every chunk within
      ``max_tokens`` (beyond it the model truncates or windows and precision drops);
    * heavy models load lazily on first use: building an embedder is cheap and never
      fails because of the model itself.
    """

    #: stable identifier: embedding-cache key and Chroma collection suffix
    embedder_id: str

    @property
    @abstractmethod
    def dim(self) -> int:
        """Length of the vectors."""

    @property
    @abstractmethod
    def max_tokens(self) -> int:
        """Largest passage (in ``count_tokens`` units) the model embeds without loss."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model feeds for ``text`` embedded as a passage (incl. specials)."""

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (articles, chunks)."""

    @abstractmethod
    def embed_query(self, text: str) -> list[float]:
        """Embed a search query."""

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed several texts as queries (models with batching override this)."""
        return [self.embed_query(t) for t in texts]

    @property
    def loaded(self) -> bool:
        """True once the underlying model is in memory (always True for pure-Python ones)."""
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.embedder_id!r})"
