"""Dense index of article chunks in a Chroma collection: embedded (a local, persistent
directory) or on a Chroma server that several app instances share.

One collection per embedder (``articles-<embedder_id>``): switching models never mixes
vectors of different spaces, and switching back finds the old index intact. Chunk ids are
``"<article_id>:<part>"`` and writes are upserts, so re-running an interrupted import
never duplicates anything. Metadata carried by every chunk (doc_id, article_id, part,
doc_type, status, is_current, is_internal) lets searches filter on Chroma's side.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from knowledge.embedders.base import XuefaEmbedder
from knowledge.errors import BackendError, XuefaError

COLLECTION_PREFIX = "articles-"
# identity of a chunk: derived from the record, never changed by a metadata update
_IDENTITY_KEYS = ("doc_id", "article_id", "part")
_SCALARS = (str, int, float, bool)
_PAGE = 5000


def chunk_id_for(article_id: int, part: int) -> str:
    return f"{int(article_id)}:{int(part)}"


def _clean_metadata(meta: dict[str, Any], where: str) -> dict[str, Any]:
    """Chroma takes only str/int/float/bool values: check them (numpy scalars converted)."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(key, str) or not isinstance(value, _SCALARS):
            raise ValueError(
                f"{where}: metadata {key!r}={value!r} must be a str key with a str/int/float/bool value"
            )
        out[key] = value
    return out


@dataclass
class ChunkRecord:
    """One embedded chunk of an article, as stored in the vector index.

    ``chunk_id`` is ``f"{article_id}:{part}"``; ``metadata`` holds the filterable fields
    (doc_type, status, is_current, is_internal, ...); doc_id, article_id and part are
    added to it from the record itself when stored.
    """

    chunk_id: str
    article_id: int
    doc_id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, article_id: int, part: int, doc_id: str, text: str, **metadata: Any) -> "ChunkRecord":
        """Build a record with a consistent chunk id and identity metadata."""
        meta = {**metadata, "doc_id": doc_id, "article_id": int(article_id), "part": int(part)}
        return cls(chunk_id_for(article_id, part), int(article_id), doc_id, text, meta)

    @property
    def part(self) -> int:
        if "part" in self.metadata:
            return int(self.metadata["part"])
        head, sep, tail = self.chunk_id.rpartition(":")
        if not sep or not tail.isdigit():
            raise ValueError(f"chunk id {self.chunk_id!r} is not '<article_id>:<part>'")
        return int(tail)

    def stored_metadata(self) -> dict[str, Any]:
        """The metadata written to Chroma (validated, identity fields included)."""
        part = self.part
        if self.chunk_id != chunk_id_for(self.article_id, part):
            raise ValueError(
                f"chunk id {self.chunk_id!r} does not match article {self.article_id} part {part}"
            )
        if self.metadata.get("doc_id", self.doc_id) != self.doc_id:
            raise ValueError(f"chunk {self.chunk_id}: metadata doc_id differs from the record's")
        meta = {**self.metadata, "doc_id": self.doc_id, "article_id": int(self.article_id), "part": part}
        return _clean_metadata(meta, f"chunk {self.chunk_id}")


def normalize_where(where: dict[str, Any] | None) -> dict[str, Any] | None:
    """Accept the simple ``{"is_current": True, "doc_type": "法律"}`` form.

    Chroma wants a single top-level key, so several plain equalities become an ``$and``.
    Operator filters (``{"$or": [...]}``, ``{"status": {"$ne": "废止"}}``) pass through.
    """
    if not where:
        return None
    if len(where) == 1 or any(k.startswith("$") for k in where):
        return where
    return {"$and": [{k: v} for k, v in where.items()]}


@dataclass(frozen=True)
class ChromaServer:
    """Where a Chroma server listens. Chroma's own server has no authentication; ``token``
    is sent in ``auth_header`` (``Authorization: Bearer …``) for a proxy in front of it."""

    host: str
    port: int = 8000
    ssl: bool = False
    token: str | None = None
    auth_header: str = "Authorization"
    tenant: str = "default_tenant"
    database: str = "default_database"

    @property
    def address(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"

    def headers(self) -> dict[str, str]:
        if not self.token:
            return {}
        value = f"Bearer {self.token}" if self.auth_header.lower() == "authorization" else self.token
        return {self.auth_header: value}

    def client(self, settings):
        import chromadb

        return chromadb.HttpClient(host=self.host, port=self.port, ssl=self.ssl, headers=self.headers(),
                                   settings=settings, tenant=self.tenant, database=self.database)


class VectorIndex:
    """Article chunks of one embedder in a persistent Chroma collection.

    The Chroma client and the LangChain ``Chroma`` store are created on first use (with
    telemetry off: the index must never touch the network). ``store`` exposes the
    LangChain vector store for retrievers; xuefa itself uses the methods below, which
    speak in article ids.

    Args:
        persist_dir: Chroma's directory (created if missing), when embedded.
        embedder: embeds passages (``add_chunks`` without vectors) and queries.
        overfetch: chunks fetched per wanted article in ``search`` before collapsing
            the chunks of one article to its best.
        server: a Chroma server to use instead of ``persist_dir`` (shared by app instances).
    """

    def __init__(self, persist_dir: Path | str, embedder: XuefaEmbedder, *, overfetch: int = 3,
                 server: ChromaServer | None = None):
        self.persist_dir = Path(persist_dir)
        self.server = server
        self.embedder = embedder
        self.collection_name = f"{COLLECTION_PREFIX}{embedder.embedder_id}"
        self.overfetch = max(1, int(overfetch))
        self._client = None
        self._store = None
        self._lock = threading.RLock()

    # -- lifecycle -------------------------------------------------------------------
    def _open(self):
        with self._lock:
            if self._store is None:
                with _backend("open"):
                    import chromadb
                    from chromadb.config import Settings
                    from langchain_chroma import Chroma

                    settings = Settings(anonymized_telemetry=False)
                    if self.server is not None:
                        client = self.server.client(settings)
                    else:
                        self.persist_dir.mkdir(parents=True, exist_ok=True)
                        client = chromadb.PersistentClient(path=str(self.persist_dir), settings=settings)
                    self._store = Chroma(
                        client=client,
                        collection_name=self.collection_name,
                        embedding_function=self.embedder,
                        collection_metadata={"hnsw:space": "cosine"},
                    )
                    self._client = client
            return self._store

    @property
    def store(self):
        """The ``langchain_chroma.Chroma`` vector store (opened on first access)."""
        return self._open()

    @property
    def _collection(self):
        # the chromadb Collection behind the LangChain store: its id-level API (upsert with
        # precomputed vectors, metadata update, paging) is what the methods below need
        return self._open()._collection

    def close(self) -> None:
        """Release Chroma's files; the index reopens transparently on next use."""
        with self._lock:
            client, self._client, self._store = self._client, None, None
        if client is not None and hasattr(client, "close"):
            client.close()

    def __enter__(self) -> "VectorIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------
    def add_chunks(
        self,
        items: Sequence[ChunkRecord],
        vectors: Sequence[Sequence[float]] | np.ndarray | None = None,
    ) -> int:
        """Upsert chunks (by ``chunk_id``): re-adding replaces, never duplicates.

        ``vectors`` are precomputed passage embeddings aligned with ``items`` (the caller
        batch-embeds with a progress bar and the embedding cache); without them the chunks
        are embedded here with ``embedder.embed_documents``. Returns the chunks written.
        """
        items = list(items)
        if vectors is not None:
            vecs = np.asarray(vectors, dtype=np.float32)
            if vecs.ndim != 2 or len(vecs) != len(items):
                raise ValueError(f"expected {len(items)} vectors, got array of shape {vecs.shape}")
            if len(items) and vecs.shape[1] != self.embedder.dim:
                raise ValueError(f"vectors have {vecs.shape[1]} dims, "
                                 f"{self.embedder.embedder_id} has {self.embedder.dim}")
        else:
            vecs = None
        # the same id twice in one upsert is an error for Chroma: the last record wins
        last: dict[str, int] = {}
        for i, rec in enumerate(items):
            last[rec.chunk_id] = i
        order = sorted(last.values())
        if not order:
            return 0
        metas = [items[i].stored_metadata() for i in order]  # validate all before writing
        col = self._collection
        batch = self._batch_size()
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            texts = [items[i].text for i in idx]
            if vecs is not None:
                emb = vecs[idx]
            else:
                emb = np.asarray(self.embedder.embed_documents(texts), dtype=np.float32)
            with _backend("add"):
                col.upsert(
                    ids=[items[i].chunk_id for i in idx],
                    embeddings=emb,
                    documents=texts,
                    metadatas=metas[start:start + batch],
                )
        return len(order)

    def delete_document(self, doc_id: str) -> int:
        """Remove every chunk of a document; returns how many were removed."""
        col = self._collection
        with _backend("delete"):
            ids = col.get(where={"doc_id": doc_id}, include=[])["ids"]
            batch = self._batch_size()
            for start in range(0, len(ids), batch):
                col.delete(ids=ids[start:start + batch])
        return len(ids)

    def delete_articles(self, article_ids: Sequence[int]) -> int:
        """Remove every chunk of these articles (reconciling orphans); returns chunks removed."""
        wanted = sorted({int(a) for a in article_ids})
        col = self._collection
        removed = 0
        with _backend("delete"):
            batch = self._batch_size()
            for start in range(0, len(wanted), 500):  # keep the $in list reasonable
                part = wanted[start:start + 500]
                ids = col.get(where={"article_id": {"$in": part}}, include=[])["ids"]
                for i in range(0, len(ids), batch):
                    col.delete(ids=ids[i:i + batch])
                removed += len(ids)
        return removed

    def update_document_metadata(self, doc_id: str, **fields: Any) -> int:
        """Set metadata fields on every chunk of a document, without re-embedding.

        E.g. when a newer version supersedes it:
        ``update_document_metadata(doc_id, status="已被修改", is_current=False)``.
        Returns the number of chunks updated.
        """
        bad = [k for k in fields if k in _IDENTITY_KEYS]
        if bad:
            raise ValueError(f"cannot change identity fields {bad} of indexed chunks")
        fields = _clean_metadata(fields, f"document {doc_id}")
        if not fields:
            return 0
        col = self._collection
        with _backend("update"):
            got = col.get(where={"doc_id": doc_id}, include=["metadatas"])
            ids, metas = got["ids"], [{**(m or {}), **fields} for m in got["metadatas"]]
            batch = self._batch_size()
            for start in range(0, len(ids), batch):
                col.update(ids=ids[start:start + batch], metadatas=metas[start:start + batch])
        return len(ids)

    def reset(self) -> None:
        """Drop and recreate this embedder's collection (other embedders' are untouched)."""
        store = self._open()
        with self._lock, _backend("reset"):
            store.reset_collection()

    # -- reading ---------------------------------------------------------------------
    def search(self, query: str, k: int = 10, where: dict[str, Any] | None = None) -> list[tuple[int, int, float]]:
        """Best ``k`` articles for ``query``: ``(article_id, best part, similarity)``.

        Similarity is cosine (1 - Chroma's cosine distance), highest first; an article
        split in several chunks appears once, with its best chunk. ``where`` is a Chroma
        metadata filter (see ``normalize_where`` for the plain-dict shorthand).
        """
        if k <= 0 or self.count() == 0:  # no query embedding for an empty index
            return []
        return self.search_by_vector(self.embedder.embed_query(query), k, where)

    def search_by_vector(
        self, vector: Sequence[float] | np.ndarray, k: int = 10, where: dict[str, Any] | None = None
    ) -> list[tuple[int, int, float]]:
        """Like ``search`` with an already embedded query."""
        best: dict[int, tuple[int, int, float]] = {}
        for article_id, part, sim in self.search_chunks(vector, k, where):
            if article_id not in best or sim > best[article_id][2]:
                best[article_id] = (article_id, part, sim)
        ranked = sorted(best.values(), key=lambda t: (-t[2], t[0], t[1]))
        return ranked[:k]

    def search_chunks(
        self, vector: Sequence[float] | np.ndarray, k: int = 10, where: dict[str, Any] | None = None
    ) -> list[tuple[int, int, float]]:
        """Every chunk returned while looking for the best ``k`` articles: ``(article_id, part,
        similarity)``, most similar first; an article may appear with several parts."""
        if k <= 0:
            return []
        total = self.count()
        if total == 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        where = normalize_where(where)
        col = self._collection
        n = min(total, k * self.overfetch)
        while True:
            with _backend("search"):
                res = col.query(query_embeddings=query, n_results=n, where=where,
                                include=["metadatas", "distances"])
            chunks = [(int(meta["article_id"]), int(meta["part"]), 1.0 - float(dist))
                      for meta, dist in zip(res["metadatas"][0], res["distances"][0])]
            # too many chunks of the same articles: fetch deeper until k articles or all
            if len({c[0] for c in chunks}) >= k or n >= total or len(res["ids"][0]) < n:
                return sorted(chunks, key=lambda t: (-t[2], t[0], t[1]))
            n = min(total, n * 4)

    def count(self) -> int:
        """Number of chunks in the collection."""
        with _backend("count"):
            return self._collection.count()

    def article_ids(self, where: dict[str, Any] | None = None) -> set[int]:
        """Ids of the articles having at least one chunk (to reconcile with the store)."""
        col = self._collection
        where = normalize_where(where)
        out: set[int] = set()
        offset = 0
        with _backend("list"):
            while True:
                got = col.get(where=where, include=["metadatas"], limit=_PAGE, offset=offset)
                out.update(int(m["article_id"]) for m in got["metadatas"])
                if len(got["ids"]) < _PAGE:
                    return out
                offset += _PAGE

    def _batch_size(self) -> int:
        self._open()
        try:
            return max(1, min(_PAGE, int(self._client.get_max_batch_size())))
        except Exception:  # older/other clients: a conservative size
            return 1000


_OPERATIONS = {"open": "连接", "add": "写入", "delete": "删除", "update": "更新", "reset": "重置",
               "search": "检索", "count": "统计", "list": "读取"}


@contextmanager
def _backend(operation: str) -> Iterator[None]:
    """Report Chroma failures as BackendError (one-line user message), keeping the cause."""
    try:
        yield
    except XuefaError:
        raise
    except Exception as exc:
        what = _OPERATIONS.get(operation, operation)
        if _unreachable(exc):
            raise BackendError(f"向量索引服务（Chroma）暂时无法连接（{what}）：请稍后再试，"
                               "或请管理员检查 Chroma 服务是否在运行。") from exc
        raise BackendError(f"向量索引{what}失败：{type(exc).__name__}: {exc}") from exc


def _unreachable(exc: BaseException) -> bool:
    """A connection-level failure (server stopped, restarting, unreachable)?"""
    text = f"{type(exc).__name__} {exc}".lower()
    return any(w in text for w in ("connect", "refused", "unreachable", "timeout", "timed out",
                                   "disconnected", "reset by peer", "could not"))
