"""Keeps the vector index in step with the article store: resumable batched embedding.

The store records which articles are embedded (per embedder); a killed run simply leaves
them pending, and Chroma upserts by chunk id, so a rerun continues with no duplicates.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from knowledge.index.chunker import article_chunks, chunk_header
from knowledge.index.vector_index import ChunkRecord, VectorIndex
from knowledge.legal.documents import Article, Document
from knowledge.store.article_store import ArticleStore

log = logging.getLogger(__name__)


@dataclass
class EmbedProgress:
    """Snapshot of an embedding run, for progress bars and the admin page."""

    total: int = 0
    done: int = 0
    chunks: int = 0
    started: float = field(default_factory=time.monotonic)
    running: bool = False
    error: str = ""

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


def chunk_records(article: Article, doc: Document, embedder, *, per_paragraph: bool = True) -> list[ChunkRecord]:
    """The embedding chunks of one article: the whole article and, for several 款, each 款."""
    header = chunk_header(doc.title, article.path, article.label)
    chunks = article_chunks(header, article.text, embedder.count_tokens, embedder.max_tokens,
                            per_paragraph=per_paragraph)
    meta = {"doc_id": doc.id, "article_id": article.id, "doc_type": doc.doc_type,
            "status": doc.status, "is_current": doc.is_current, "is_internal": doc.is_internal}
    return [ChunkRecord(chunk_id=f"{article.id}:{c.part}", article_id=article.id, doc_id=doc.id,
                        text=c.text, metadata={**meta, "part": c.part}) for c in chunks]


class DenseIndexer:
    """Embeds pending articles into the vector index and mirrors store changes into it."""

    def __init__(self, store: ArticleStore, index: VectorIndex, embedder, batch_size: int = 32,
                 *, per_paragraph: bool = True):
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.per_paragraph = per_paragraph
        self.store = store
        self.index = index
        self.embedder = embedder
        self.batch_size = batch_size
        self.progress = EmbedProgress()
        self._run_lock = threading.Lock()

    @property
    def embedder_id(self) -> str:
        return self.embedder.embedder_id

    def pending_count(self) -> int:
        return self.store.count_articles() - self.store.count_embedded(self.embedder_id)

    def run(self, *, limit: int | None = None, on_batch: Callable[[EmbedProgress], None] | None = None,
            stop: threading.Event | None = None) -> EmbedProgress:
        """Embed up to ``limit`` pending articles (all by default), batch by batch."""
        with self._run_lock:
            pending = self.store.pending_embedding(self.embedder_id, limit=limit)
            self.progress = progress = EmbedProgress(total=len(pending), running=True)
            try:
                for i in range(0, len(pending), self.batch_size):
                    if stop is not None and stop.is_set():
                        break
                    batch = pending[i:i + self.batch_size]
                    records = [r for art, doc in batch
                               for r in chunk_records(art, doc, self.embedder, per_paragraph=self.per_paragraph)]
                    vectors = self.embedder.embed_documents([r.text for r in records])
                    self.index.add_chunks(records, vectors=vectors)
                    # ledger after Chroma: a crash in between re-embeds (upsert), never skips
                    self.store.mark_embedded([art.id for art, _ in batch], self.embedder_id)
                    progress.done += len(batch)
                    progress.chunks += len(records)
                    if on_batch:
                        on_batch(progress)
            except Exception as exc:  # recorded for the admin page; the caller decides
                progress.error = str(exc)
                raise
            finally:
                progress.running = False
            return progress

    def reset(self) -> None:
        """Empty this embedder's vector index and its ledger (e.g. after changing chunking);
        the next ``run`` re-embeds everything — unchanged text comes from the embedding cache."""
        with self._run_lock:
            self.index.reset()
            self.store.clear_embedded(self.embedder_id)

    # ---- mirror store changes -------------------------------------------------
    def documents_added(self, docs: list[Document]) -> None:
        """New articles are pending in the store's ledger: the next ``run`` embeds them."""
        return None

    def documents_removed(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.index.delete_document(doc_id)

    def documents_changed(self, docs: list[Document]) -> None:
        for doc in docs:
            self.index.update_document_metadata(doc.id, status=doc.status, is_current=doc.is_current)

    def reconcile(self) -> int:
        """Drop vectors whose articles left the store (e.g. a crash between the two deletes),
        and mark pending again the articles the ledger names but the index lacks (a restored
        home, a new Chroma server)."""
        held = self.index.article_ids()
        live = {a.id for a in self.store.get_articles(sorted(held))}
        orphans = held - live
        if orphans:
            self.index.delete_articles(sorted(orphans))
        missing = self.store.embedded_ids(self.embedder_id) - held
        if missing:
            self.store.clear_embedded(self.embedder_id, sorted(missing))
        return len(orphans)


class BackgroundEmbedding:
    """Runs ``DenseIndexer.run`` in a daemon thread (the web app stays usable meanwhile)."""

    def __init__(self, indexer: DenseIndexer):
        self.indexer = indexer
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> bool:
        if self._thread and self._thread.is_alive():
            return False
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name="xuefa-embedding", daemon=True)
        self._thread.start()
        return True

    def _work(self) -> None:
        try:
            self.indexer.reconcile()
            self.indexer.run(stop=self._stop)
        except Exception:  # surfaced through progress.error on the admin page
            log.exception("background embedding failed")

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())


@dataclass
class WorkerReport:
    """What an embedding worker did: articles embedded, rounds waiting for another holder."""

    embedded: int = 0
    chunks: int = 0
    rounds: int = 0
    waited: int = 0
    lost_lease: int = 0


class _Halt:
    """Stops a run when the caller stops the worker or the lease was lost."""

    def __init__(self, stop: threading.Event):
        self.stop, self.lost = stop, False

    def is_set(self) -> bool:
        return self.lost or self.stop.is_set()


class EmbeddingWorker:
    """The one embedding process of a deployment (`xuefa worker`).

    App instances leave embedding to it (``XUEFA_EMBED_IN_BACKGROUND=false``). A lease in the
    store's database (one holder per embedder, renewed after every batch) means a second
    worker only stands by: it takes over when the first stops or, after a kill -9, when its
    lease runs out. Progress is the store's ledger and Chroma writes are upserts by chunk id,
    so a killed worker leaves nothing half-done that a successor would duplicate.
    """

    def __init__(self, indexer: DenseIndexer, *, holder: str, lease_seconds: float = 60,
                 poll_seconds: float = 5, round_batches: int = 20):
        self.indexer = indexer
        self.holder = holder
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.round_size = indexer.batch_size * max(1, round_batches)  # then look for newer documents

    @property
    def _store(self) -> ArticleStore:
        return self.indexer.store

    def run(self, stop: threading.Event, *, once: bool = False,
            on_batch: Callable[[EmbedProgress], None] | None = None) -> WorkerReport:
        """Embed until ``stop`` is set (``once``: until nothing is pending)."""
        report = WorkerReport()
        reconciled = False
        try:
            while not stop.is_set():
                if not self._renew():
                    report.waited += 1
                    stop.wait(self.poll_seconds)
                    continue
                if not reconciled:
                    self.indexer.reconcile()
                    reconciled = True
                done = self._round(stop, report, on_batch)
                if done == 0:
                    if once:
                        break
                    stop.wait(self.poll_seconds)
        finally:
            self._store.release_lease(self.indexer.embedder_id, self.holder)
        return report

    def _round(self, stop: threading.Event, report: WorkerReport, on_batch) -> int:
        halt = _Halt(stop)

        def after_batch(progress: EmbedProgress) -> None:
            if not self._renew():
                halt.lost = True  # another worker holds it now: stop before the next batch
            if on_batch:
                on_batch(progress)

        progress = self.indexer.run(limit=self.round_size, on_batch=after_batch, stop=halt)
        report.rounds += 1
        report.embedded += progress.done
        report.chunks += progress.chunks
        report.lost_lease += int(halt.lost)
        return progress.done

    def _renew(self) -> bool:
        return self._store.acquire_lease(self.indexer.embedder_id, self.holder, self.lease_seconds)
