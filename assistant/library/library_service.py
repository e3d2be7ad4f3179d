"""Library service: what is in the knowledge base, read verbatim (for CLI, web app, answers),
and the state of its search indexes (counts, embedding runs, the background embedding)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from knowledge.errors import ConfigError, NotFoundError
from knowledge.legal.citations import parse_article_ref
from knowledge.legal.documents import Article, Document
from knowledge.legal.law_names import LawNameResolver
from knowledge.store.article_store import ArticleStore

if TYPE_CHECKING:
    import threading

    from assistant.library.indexing import BackgroundEmbedding, DenseIndexer, EmbedProgress, WorkerReport
    from knowledge.index.lexical_index import LexicalIndex
    from knowledge.index.vector_index import VectorIndex


@dataclass(frozen=True)
class LibraryIndexes:
    """The derived indexes of the store, and the thread that fills the vector index."""

    dense: DenseIndexer
    vectors: VectorIndex
    lexical: LexicalIndex
    background: BackgroundEmbedding


class LibraryService:
    """Find documents by any name, read articles exactly, report and update the indexes.

    ``indexes`` is called on the first index operation only: reading a law (``xuefa laws
    show``) must not load the embedding model. Without it the service only reads (tests)."""

    def __init__(self, store: ArticleStore, indexes: Callable[[], LibraryIndexes] | None = None):
        self.store = store
        self._indexes = indexes

    def find(self, name: str, *, include_history: bool = False) -> Document:
        try:
            return self.store.get_document(name)
        except NotFoundError:
            pass
        docs = self.store.list_documents(current_only=not include_history)
        title = LawNameResolver(d.title for d in docs).resolve(name)
        if title is None:
            raise NotFoundError(f"知识库中没有：{name}")
        matching = [d for d in docs if d.title == title]
        return next((d for d in matching if d.is_current), matching[-1])

    def article(self, doc_id: str, ref: str | int) -> Article:
        """An article by 第五十六条 / 第十条之一 / 56 / '56-1'; NotFoundError when absent."""
        number, sub = parse_article_ref(ref)
        art = self.store.find_article(doc_id, number, sub)
        if art is None:
            doc = self.store.get_document(doc_id)
            raise NotFoundError(f"《{doc.title}》中没有{ref if isinstance(ref, str) else f'第{ref}条'}")
        return art

    def full_text(self, doc: Document) -> str:
        """The whole document as text: headings when the path changes, then each article."""
        lines: list[str] = []
        if doc.preamble:
            lines.append(doc.preamble)
        path: list[str] = []
        for art in self.store.articles_of(doc.id):
            for depth, heading in enumerate(art.path):
                if depth >= len(path) or path[depth] != heading:
                    lines.append(heading)
            path = art.path
            sep = "" if art.label.endswith(("、", ".", "）")) else "　"
            lines.append(f"{art.label}{sep}{art.text}")
        return "\n".join(lines)

    # ---- browsing (web app 法规库) -------------------------------------------------
    def documents(self, *, query: str = "", doc_type: str | None = None,
                  include_history: bool = False) -> list[Document]:
        """Documents whose title contains ``query`` (any of its words), current ones by default."""
        words = [w for w in (query or "").replace("《", " ").replace("》", " ").split() if w]
        docs = self.store.list_documents(current_only=not include_history)
        if doc_type:
            docs = [d for d in docs if d.doc_type == doc_type]
        if words:
            docs = [d for d in docs if all(w.lower() in d.title.lower() for w in words)]
        return docs

    def document(self, doc_id: str) -> Document:
        return self.store.get_document(doc_id)

    def versions(self, doc: Document) -> list[Document]:
        """Every stored version of this title, newest first (by version date, then import)."""
        docs = self.store.list_documents(title=doc.title)
        return sorted(docs, key=lambda d: (d.version or d.publish_date or "", d.created_at), reverse=True)

    def articles(self, doc_id: str) -> list[Article]:
        return self.store.articles_of(doc_id)

    def chapters(self, doc_id: str) -> list[str]:
        """Top-level headings (编 or 章) in reading order; empty for a document without them."""
        seen: dict[str, None] = {}
        for art in self.store.articles_of(doc_id):
            if art.path:
                seen.setdefault(art.path[0], None)
        return list(seen)

    def article_by_id(self, article_id: int) -> tuple[Article, Document]:
        art = self.store.get_article(article_id)
        return art, self.store.get_document(art.doc_id)

    # ---- the search indexes (CLI `xuefa index`, admin page) -----------------------------
    def index_status(self) -> dict:
        idx = self._index()
        docs = self.store.list_documents()
        embedder_id = idx.dense.embedder_id
        progress = idx.dense.progress
        return {
            "documents": len(docs),
            "current_documents": sum(d.is_current for d in docs),
            "articles": self.store.count_articles(),
            "current_articles": self.store.count_articles(current_only=True),
            "embedder": embedder_id,
            "embedded": self.store.count_embedded(embedder_id),
            "pending": idx.dense.pending_count(),
            "vector_chunks": idx.vectors.count(),
            "worker": self.store.lease_holder(embedder_id),
            "embedding_running": progress.running,
            "embedding_rate": round(progress.rate, 1),
            "embedding_error": progress.error,
        }

    def sync_lexical(self) -> dict:
        """Bring the lexical index up to date now (else the first search pays for it)."""
        return self._index().lexical.sync()

    @property
    def embedder_id(self) -> str:
        return self._index().dense.embedder_id

    def pending_embeddings(self) -> int:
        """Articles not yet in the vector index (for the current embedder)."""
        return self._index().dense.pending_count()

    def embed(self, *, limit: int | None = None,
              on_batch: Callable[[EmbedProgress], None] | None = None) -> EmbedProgress:
        """Embed up to ``limit`` pending articles now (resumable: a killed run just continues)."""
        return self._index().dense.run(limit=limit, on_batch=on_batch)

    def run_worker(self, stop: threading.Event, *, holder: str, lease_seconds: float = 60,
                   poll_seconds: float = 5, once: bool = False,
                   on_batch: Callable[[EmbedProgress], None] | None = None) -> WorkerReport:
        """Be the deployment's embedding worker until ``stop`` (``once``: until nothing is
        pending). Only one worker holds the lease at a time; others wait for it."""
        from assistant.library.indexing import EmbeddingWorker

        worker = EmbeddingWorker(self._index().dense, holder=holder, lease_seconds=lease_seconds,
                                 poll_seconds=poll_seconds)
        return worker.run(stop, once=once, on_batch=on_batch)

    def embedding_worker(self) -> str | None:
        """The worker holding the embedding lease now, if any."""
        return self.store.lease_holder(self.embedder_id)

    def reconcile_vectors(self) -> int:
        """Drop vectors whose articles left the store; returns how many."""
        return self._index().dense.reconcile()

    def reset_vectors(self) -> None:
        """Empty the vector index and its ledger; the next ``embed`` starts over."""
        self._index().dense.reset()

    def start_background_embedding(self) -> bool:
        """Fill the vector index in a daemon thread; False when one is already running."""
        return self._index().background.start()

    def stop_background_embedding(self, timeout: float | None = None) -> None:
        self._index().background.stop(timeout)

    def _index(self) -> LibraryIndexes:
        if self._indexes is None:
            raise ConfigError("this LibraryService was built without its indexes")
        return self._indexes()
