"""BM25 over jieba tokens, persisted under ``Settings.lexical_dir`` and kept in step with the store.

Design (measured on the full corpus of current laws, ~25k articles, 2 cores):

* Tokenizing every article with jieba takes ~7 s; turning cached tokens into BM25
  postings takes ~0.1 s. So the index caches the tokens of every article (flat
  int32 token ids + lengths, ``tokens.npz``) and rebuilds only the postings after a change:
  importing one regulation tokenizes just its articles.
* Documents are immutable in the store (a new version is a new document), so syncing is
  per document: a signature (first article id, article count) per document tells which
  documents are new or gone. ``ensure_current`` compares ``store.version()`` (one tiny
  query) before every search; ``documents_removed`` drops rows at once (listener API).
  Status changes need nothing here: the index covers every stored version and searches
  are restricted to the wanted documents by the caller.
* The tokenizer is a ``LegalTokenizer`` of its own (knowledge/legal/tokenizer.py): the
  legal dictionary plus the law titles, short names, aliases and terms the corpus defines
  (``本法所称X，是指…``). Words added by later documents apply to their own articles;
  ``rebuild()`` re-tokenizes everything with the current dictionary.
* Each row also carries how many other articles of the same document cite it
  (``依照本法第四十七条…``): hub articles are a useful prior for colloquial questions.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from sqlalchemy import func, select

from knowledge.index.chunker import short_title
from knowledge.legal.citations import article_markers
from knowledge.legal.documents import Article, Document
from knowledge.legal.law_names import ALIASES
from knowledge.legal.numerals import NUMERAL
from knowledge.legal.tokenizer import LegalTokenizer, fingerprint
from knowledge.store.article_store import ArticleStore
from knowledge.store.article_store import articles as articles_table

log = logging.getLogger(__name__)

FORMAT = 4
_DEFINITION = re.compile(
    r"(?:^|[。；\n“”])(?:本法|本条例|本规定|本办法|本决定|本细则)?所称(?:的)?"
    r"([\u4e00-\u9fff]{2,10}?)(?:，|,)?(?:是指|指|包括)")
_QUOTED_TERM = re.compile(r"“([\u4e00-\u9fff]{2,8})”")


def document_words(doc: Document, arts: Sequence[Article] = ()) -> list[str]:
    """Dictionary words a document brings: its title, short name, defined terms."""
    words = [doc.title, short_title(doc.title)]
    title = doc.title
    for alias, full in ALIASES.items():
        if full == title:
            words.append(alias)
    for art in arts:
        for m in _DEFINITION.finditer(art.text):
            words.append(m.group(1))
        for m in _QUOTED_TERM.finditer(art.text):
            words.append(m.group(1))
    return [w for w in words if 2 <= len(w) <= 20]


def inbound_citations(arts: Sequence[Article]) -> list[int]:
    """For each article, how many other articles of the same document cite it by number."""
    where = {(a.number, a.sub): i for i, a in enumerate(arts)}
    counts = [0] * len(arts)
    for i, art in enumerate(arts):
        seen = set()
        for marker in article_markers(art.text):
            j = where.get((marker.number, marker.sub)) if marker.prefixed else None
            if j is not None and j != i and j not in seen:
                seen.add(j)
                counts[j] += 1
    return counts


# ---- the index --------------------------------------------------------------------
@dataclass
class Snapshot:
    """An immutable view of the index; searches use one without locking."""

    article_ids: np.ndarray  # int64, one per row
    row_doc: np.ndarray  # int32 index into doc_ids
    doc_ids: list[str]
    cited: np.ndarray  # int32 inbound citations per row
    row_chapter: np.ndarray  # int32 index of the row's (document, first heading) group
    vocab: dict[str, int]
    # inverted index: the postings of term j are rows post_rows[ptr[j]:ptr[j+1]] with BM25
    # weights post_w[...] (numpy only: no scipy needed for a few hundred thousand postings)
    ptr: np.ndarray
    post_rows: np.ndarray
    post_w: np.ndarray
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @property
    def size(self) -> int:
        return len(self.article_ids)

    @cached_property
    def row_of(self) -> dict[int, int]:
        """article id -> row"""
        return {int(a): i for i, a in enumerate(self.article_ids)}

    def doc_rows(self, doc_ids: Iterable[str] | None) -> np.ndarray | None:
        """Boolean row mask for the given documents (None: every row)."""
        if doc_ids is None:
            return None
        wanted = set(doc_ids)
        doc_mask = np.array([d in wanted for d in self.doc_ids], dtype=bool)
        return doc_mask[self.row_doc] if len(doc_mask) else np.zeros(self.size, dtype=bool)

    def scores(self, terms: dict[str, float] | Sequence[str]) -> np.ndarray:
        """BM25 score of every row for weighted query terms (a list counts repeats)."""
        if isinstance(terms, dict):
            weighted = terms
        else:
            weighted = Counter(terms)
        out = np.zeros(self.size, dtype=np.float32)
        for term, w in weighted.items():
            j = self.vocab.get(term)
            if j is None or not w:
                continue
            lo, hi = self.ptr[j], self.ptr[j + 1]
            out[self.post_rows[lo:hi]] += np.float32(w) * self.post_w[lo:hi]  # rows unique per term
        return out


class LexicalIndex:
    """BM25 over jieba tokens of title + chapter path + text of every stored article."""

    def __init__(self, store: ArticleStore, directory: Path | str, *, k1: float = 1.5, b: float = 0.5,
                 title_tokens: bool = True):
        self.store = store
        self.title_tokens = bool(title_tokens)
        self.directory = Path(directory)
        self.k1, self.b = float(k1), float(b)
        self._lock = threading.RLock()
        self._tokenizer: LegalTokenizer | None = None
        # token cache (row-aligned)
        self._article_ids = np.zeros(0, dtype=np.int64)
        self._row_doc = np.zeros(0, dtype=np.int32)
        self._cited = np.zeros(0, dtype=np.int32)
        self._row_chapter = np.zeros(0, dtype=np.int32)
        self._chapters: dict[str, int] = {}
        self._tok_flat = np.zeros(0, dtype=np.int32)
        self._tok_len = np.zeros(0, dtype=np.int32)
        self._vocab: dict[str, int] = {}
        self._doc_ids: list[str] = []
        self._doc_sig: dict[str, list[int]] = {}
        self._words: list[str] = []
        self._synced_version: int | None = None
        self._snapshot: Snapshot | None = None
        self.last_sync: dict = {}

    # ---- public ---------------------------------------------------------------------
    @property
    def tokenizer(self) -> LegalTokenizer:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = LegalTokenizer()
        return self._tokenizer

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer.content_terms(text)

    def snapshot(self) -> Snapshot:
        """The current index, synced with the store first if the store changed."""
        self.ensure_current()
        assert self._snapshot is not None
        return self._snapshot

    def ensure_current(self) -> None:
        version = self.store.version()
        if self._snapshot is not None and version == self._synced_version:
            return
        with self._lock:
            if self._snapshot is None:
                self._load()
            if version != self._synced_version:
                self.sync(version)

    def search(self, query: str | Sequence[str] | dict[str, float], k: int = 10,
               doc_ids: Iterable[str] | None = None) -> list[tuple[int, float]]:
        """Best ``k`` articles: ``(article_id, bm25 score)``, optionally within documents."""
        snap = self.snapshot()
        terms = self.tokenize(query) if isinstance(query, str) else query
        scores = snap.scores(terms)
        mask = snap.doc_rows(doc_ids)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, snap.size)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(snap.article_ids[i]), float(scores[i])) for i in top if scores[i] > 0]

    def sync(self, version: int | None = None) -> dict:
        """Bring the index in step with the store: tokenize new documents, drop gone ones."""
        with self._lock:
            started = time.monotonic()
            if self._tokenizer is None:
                self._tokenizer = LegalTokenizer(self._words)
            version = self.store.version() if version is None else version
            live = self._store_signatures()
            docs = {d.id: d for d in self.store.list_documents()}
            gone = [d for d, sig in self._doc_sig.items() if live.get(d) != sig]
            new = [d for d, sig in live.items() if self._doc_sig.get(d) != sig and d in docs]
            if gone:
                self._drop_docs(gone)
            added_rows = 0
            if new:
                added_rows = self._add_docs([docs[d] for d in new])
            if gone or new or self._snapshot is None:
                self._build_matrix()
            self._synced_version = version
            if gone or new:
                self._save()
            else:
                self._save_meta()
            self.last_sync = {"added_documents": len(new), "removed_documents": len(gone),
                              "added_articles": added_rows, "rows": len(self._article_ids),
                              "seconds": round(time.monotonic() - started, 3)}
            if gone or new:
                log.info("lexical index synced: %s", self.last_sync)
            return self.last_sync

    def rebuild(self) -> dict:
        """Forget the cache and re-tokenize every article (e.g. after a dictionary change)."""
        with self._lock:
            self._reset()
            self._tokenizer = LegalTokenizer()
            return self.sync()

    # listener API (IngestionService): removals are applied at once, the rest on next use
    def documents_removed(self, doc_ids: list[str]) -> None:
        with self._lock:
            if self._snapshot is None:
                self._load()
            held = [d for d in doc_ids if d in self._doc_sig]
            if held:
                self._drop_docs(held)
                self._build_matrix()
                self._save()

    def documents_changed(self, docs: list[Document]) -> None:
        """Status / is_current changes: nothing to re-index (filters read the store)."""
        return None

    def documents_added(self, docs: list[Document]) -> None:
        """New documents are indexed on next use (``ensure_current`` sees the store's version)."""
        return None

    def stats(self) -> dict:
        snap = self.snapshot()
        return {"articles": snap.size, "documents": len(self._doc_sig), "vocabulary": len(snap.vocab),
                "dictionary_words": len(self.tokenizer.words), "directory": str(self.directory)}

    # ---- internals --------------------------------------------------------------------
    def _reset(self) -> None:
        self._article_ids = np.zeros(0, dtype=np.int64)
        self._row_doc = np.zeros(0, dtype=np.int32)
        self._cited = np.zeros(0, dtype=np.int32)
        self._row_chapter = np.zeros(0, dtype=np.int32)
        self._chapters = {}
        self._tok_flat = np.zeros(0, dtype=np.int32)
        self._tok_len = np.zeros(0, dtype=np.int32)
        self._vocab, self._doc_ids, self._doc_sig, self._words = {}, [], {}, []
        self._synced_version, self._snapshot = None, None

    def _store_signatures(self) -> dict[str, list[int]]:
        stmt = select(articles_table.c.doc_id, func.min(articles_table.c.id), func.count()).group_by(
            articles_table.c.doc_id)
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return {doc_id: [int(first), int(n)] for doc_id, first, n in rows}

    def _add_docs(self, docs: list[Document]) -> int:
        tok = self.tokenizer
        per_doc = [(d, self.store.articles_of(d.id)) for d in docs]
        # dictionary first: a new law's own name and defined terms tokenize as words
        new_words = tok.add_words(w for d, arts in per_doc for w in document_words(d, arts))
        self._words.extend(new_words)
        ids, row_doc, cited, flat, lens, chapters = [], [], [], [], [], []
        vocab = self._vocab
        for doc, arts in per_doc:
            if not arts:
                continue
            di = len(self._doc_ids)
            self._doc_ids.append(doc.id)
            self._doc_sig[doc.id] = [min(a.id for a in arts), len(arts)]
            title_toks = tok.content_terms(short_title(doc.title)) if self.title_tokens else []
            path_cache: dict[tuple, list[str]] = {}
            for art, n_cited in zip(arts, inbound_citations(arts)):
                key = tuple(art.path)
                if key not in path_cache:
                    path_cache[key] = tok.content_terms(" ".join(_heading(p) for p in art.path))
                toks = tok.content_terms(art.text) + path_cache[key] + title_toks
                flat.extend(vocab.setdefault(t, len(vocab)) for t in toks)
                lens.append(len(toks))
                ids.append(art.id)
                row_doc.append(di)
                cited.append(n_cited)
                group = f"{doc.id}\x1f{art.path[0] if art.path else ''}"
                chapters.append(self._chapters.setdefault(group, len(self._chapters)))
        if ids:
            self._article_ids = np.concatenate([self._article_ids, np.asarray(ids, dtype=np.int64)])
            self._row_doc = np.concatenate([self._row_doc, np.asarray(row_doc, dtype=np.int32)])
            self._cited = np.concatenate([self._cited, np.asarray(cited, dtype=np.int32)])
            self._row_chapter = np.concatenate([self._row_chapter, np.asarray(chapters, dtype=np.int32)])
            self._tok_flat = np.concatenate([self._tok_flat, np.asarray(flat, dtype=np.int32)])
            self._tok_len = np.concatenate([self._tok_len, np.asarray(lens, dtype=np.int32)])
        return len(ids)

    def _drop_docs(self, doc_ids: list[str]) -> None:
        drop = set(doc_ids)
        doc_keep = np.array([d not in drop for d in self._doc_ids], dtype=bool)
        row_keep = doc_keep[self._row_doc] if len(self._row_doc) else np.zeros(0, dtype=bool)
        tok_keep = np.repeat(row_keep, self._tok_len)
        remap = np.cumsum(doc_keep) - 1
        self._article_ids = self._article_ids[row_keep]
        self._row_doc = remap[self._row_doc[row_keep]].astype(np.int32)
        self._cited = self._cited[row_keep]
        self._row_chapter = self._row_chapter[row_keep]
        self._tok_flat = self._tok_flat[tok_keep]
        self._tok_len = self._tok_len[row_keep]
        self._doc_ids = [d for d, k in zip(self._doc_ids, doc_keep) if k]
        for d in doc_ids:
            self._doc_sig.pop(d, None)

    def _build_matrix(self) -> None:
        """BM25 postings from the cached tokens (no tokenizing): ~0.1 s for 25k articles."""
        n, v = len(self._article_ids), len(self._vocab)
        ptr = np.zeros(v + 1, dtype=np.int64)
        post_rows, post_w = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        idf = np.zeros(v, dtype=np.float32)
        if n and v and len(self._tok_flat):
            rows = np.repeat(np.arange(n, dtype=np.int64), self._tok_len)
            pairs, tf = np.unique(self._tok_flat.astype(np.int64) * n + rows, return_counts=True)
            term, row = pairs // n, (pairs % n).astype(np.int32)  # sorted by term, then row
            df = np.bincount(term, minlength=v).astype(np.float32)
            idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
            dl = self._tok_len.astype(np.float32)
            avgdl = max(float(dl.mean()), 1.0)
            tf = tf.astype(np.float32)
            norm = self.k1 * (1.0 - self.b + self.b * dl[row] / avgdl)
            post_w = (idf[term] * tf * (self.k1 + 1.0) / (tf + norm)).astype(np.float32)
            post_rows = row
            ptr[1:] = np.cumsum(df.astype(np.int64))
        self._snapshot = Snapshot(article_ids=self._article_ids.copy(), row_doc=self._row_doc.copy(),
                                  doc_ids=list(self._doc_ids), cited=self._cited.copy(),
                                  row_chapter=self._row_chapter.copy(), vocab=dict(self._vocab),
                                  ptr=ptr, post_rows=post_rows, post_w=post_w, idf=idf)

    # ---- persistence ------------------------------------------------------------------
    def _meta_path(self) -> Path:
        return self.directory / "index.json"

    def _arrays_path(self) -> Path:
        return self.directory / "tokens.npz"

    def _config_key(self) -> str:
        return f"{FORMAT}:{int(self.title_tokens)}:{fingerprint()}"

    def _save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        generation = hashlib.sha1(f"{time.time_ns()}:{len(self._article_ids)}".encode()).hexdigest()[:16]
        tmp = self.directory / f".tokens-{generation}.npz"
        with open(tmp, "wb") as fh:
            np.savez(fh, article_ids=self._article_ids, row_doc=self._row_doc, cited=self._cited,
                     row_chapter=self._row_chapter,
                     tok_flat=self._tok_flat, tok_len=self._tok_len)
        os.replace(tmp, self._arrays_path())
        self._generation = generation
        self._save_meta()

    def _save_meta(self) -> None:
        if not getattr(self, "_generation", None):
            return
        vocab = [""] * len(self._vocab)
        for t, i in self._vocab.items():
            vocab[i] = t
        meta = {"format": self._config_key(), "generation": self._generation,
                "store_version": self._synced_version, "doc_ids": self._doc_ids,
                "doc_sig": self._doc_sig, "words": self._words, "vocab": vocab,
                "chapters": list(self._chapters),
                "k1": self.k1, "b": self.b, "rows": int(len(self._article_ids))}
        tmp = self.directory / f".index-{self._generation}.json"
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self._meta_path())

    def _load(self) -> None:
        """Read the persisted cache; anything inconsistent means starting from scratch."""
        self._reset()
        try:
            meta = json.loads(self._meta_path().read_text(encoding="utf-8"))
            if meta.get("format") != self._config_key() or meta.get("k1") != self.k1 or meta.get("b") != self.b:
                raise ValueError("format or settings changed")
            with np.load(self._arrays_path()) as z:
                arrays = {k: z[k] for k in z.files}
            if len(arrays["article_ids"]) != meta["rows"] or int(arrays["tok_len"].sum()) != len(arrays["tok_flat"]):
                raise ValueError("arrays do not match the metadata")
        except FileNotFoundError:
            return
        except Exception as exc:  # a torn or old cache is rebuilt, never trusted
            log.warning("lexical index cache at %s unusable (%s): rebuilding", self.directory, exc)
            return
        self._article_ids = arrays["article_ids"].astype(np.int64)
        self._row_doc = arrays["row_doc"].astype(np.int32)
        self._cited = arrays["cited"].astype(np.int32)
        self._row_chapter = arrays["row_chapter"].astype(np.int32)
        self._chapters = {c: i for i, c in enumerate(meta["chapters"])}
        self._tok_flat = arrays["tok_flat"].astype(np.int32)
        self._tok_len = arrays["tok_len"].astype(np.int32)
        self._vocab = {t: i for i, t in enumerate(meta["vocab"])}
        self._doc_ids = list(meta["doc_ids"])
        self._doc_sig = {k: list(v) for k, v in meta["doc_sig"].items()}
        self._words = list(meta["words"])
        self._generation = meta["generation"]
        self._tokenizer = LegalTokenizer(self._words)
        self._synced_version = None  # always verified against the store's signatures
        self._build_matrix()


def _heading(path_item: str) -> str:
    """'第三章 劳动合同的解除和终止' -> '劳动合同的解除和终止' (the numbering is noise)."""
    return re.sub(rf"^第{NUMERAL}[编分章节条]\s*", "", path_item)
