"""Persistent cache of passage embeddings keyed by (embedder id, text hash).

Re-importing a law, a new version that changes a few articles, or rebuilding the vector
index then embeds only text never seen before: on 2 cores embedding is the slow step.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from knowledge.private_files import private_sqlite


def text_key(embedder_id: str, text: str) -> str:
    return hashlib.sha1(f"{embedder_id}\x00{text}".encode("utf-8")).hexdigest()


class EmbeddingCache:
    """SQLite file of float32 vectors; safe to share between threads of one process."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        private_sqlite(self.path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, data BLOB)"
        )
        self._conn.commit()

    def get_many(self, embedder_id: str, texts: list[str]) -> list[np.ndarray | None]:
        keys = [text_key(embedder_id, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                rows = self._conn.execute(
                    f"SELECT key, data FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
                ).fetchall()
                for key, data in rows:
                    found[key] = np.frombuffer(data, dtype=np.float32)
        return [found.get(k) for k in keys]

    def put_many(self, embedder_id: str, texts: list[str], vectors) -> None:
        rows = [
            (text_key(embedder_id, t), len(v), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors)
        ]
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
            self._conn.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
