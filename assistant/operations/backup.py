"""Backups of one deployment and their restore into an empty home.

A backup is one zip file:

* ``manifest.json``: when, from which engines, the embedder, the files inside;
* the article store and the records: a SQLite database is copied with SQLite's online
  backup API (consistent while the app runs); a PostgreSQL (or other server) database is
  dumped table by table through SQLAlchemy as JSON lines (``db/<name>.jsonl``), portable to
  any engine — a backup of PostgreSQL restores into SQLite and the other way round;
* the embedding cache (SQLite, online backup API): vectors of every text embedded so far,
  so re-embedding after a restore computes nothing;
* the embedded Chroma directory (not with a Chroma server: back up its ``--path``, or let
  the worker re-embed from the cache).

Restore refuses a home that already holds documents or users. After it, vectors the
restored ledger names but the vector index lacks are marked pending again (the worker or
``xuefa index embed`` fills them from the cache), and the lexical index rebuilds on start.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import MetaData, create_engine, func, insert, select, text
from sqlalchemy.engine import Engine

from knowledge.errors import XuefaError

FORMAT = 1


@dataclass(frozen=True)
class Database:
    """One database of the deployment: its name in the backup and its engine."""

    name: str  # "store" | "records"
    engine: Engine
    # rows here mean the database is in use: restore refuses to overwrite it
    guard_table: str

    @property
    def sqlite_path(self) -> Path | None:
        if self.engine.dialect.name != "sqlite":
            return None
        return Path(self.engine.url.database) if self.engine.url.database else None


@dataclass(frozen=True)
class BackupReport:
    path: Path
    files: list[str]
    rows: dict[str, int]


class BackupService:
    """``backup(out)`` and ``restore(file)`` for the databases, cache and vectors of a home.

    ``close_vectors`` releases the embedded Chroma files before they are replaced;
    ``after_restore`` re-checks the vector ledger (articles whose vectors are missing
    become pending again)."""

    def __init__(self, databases: list[Database], *, cache_path: Path, chroma_dir: Path | None,
                 embedder_id: str, close_vectors: Callable[[], None], after_restore: Callable[[], None]):
        self.databases = databases
        self.cache_path = cache_path
        self.chroma_dir = chroma_dir
        self.embedder_id = embedder_id
        self.close_vectors = close_vectors
        self.after_restore = after_restore

    # ---- backup ---------------------------------------------------------------------------
    def backup(self, out: Path | str) -> BackupReport:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        rows: dict[str, int] = {}
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            tmp = Path(tmp)
            for db in self.databases:
                rows[db.name] = self._dump_database(db, tmp, z)
            if self.cache_path.exists():
                _sqlite_copy(self.cache_path, tmp / "embedding_cache.sqlite")
                z.write(tmp / "embedding_cache.sqlite", "cache/embedding_cache.sqlite")
            if self.chroma_dir is not None and self.chroma_dir.exists():
                for f in sorted(p for p in self.chroma_dir.rglob("*") if p.is_file()):
                    z.write(f, f"chroma/{f.relative_to(self.chroma_dir).as_posix()}")
            files = z.namelist()
            z.writestr("manifest.json", json.dumps({
                "format": FORMAT, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "embedder": self.embedder_id, "rows": rows, "files": files,
                "engines": {db.name: db.engine.dialect.name for db in self.databases},
            }, ensure_ascii=False, indent=1))
        return BackupReport(out, files, rows)

    def _dump_database(self, db: Database, tmp: Path, z: zipfile.ZipFile) -> int:
        if db.sqlite_path is not None:
            target = tmp / f"{db.name}.sqlite"
            _sqlite_copy(db.sqlite_path, target)
            z.write(target, f"db/{db.name}.sqlite")
            return _count_rows(db.engine)
        n = 0
        with z.open(f"db/{db.name}.jsonl", "w") as fh, db.engine.connect() as conn:
            for line in _json_rows(conn):
                fh.write(line.encode("utf-8") + b"\n")
                n += 1
        return n

    # ---- restore --------------------------------------------------------------------------
    def restore(self, path: Path | str) -> dict:
        path = Path(path)
        try:
            z = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise XuefaError(f"{path}: 不是 xuefa 备份文件（{exc}）") from exc
        with z, tempfile.TemporaryDirectory() as tmp:
            manifest = json.loads(z.read("manifest.json")) if "manifest.json" in z.namelist() else None
            if not manifest or manifest.get("format") != FORMAT:
                raise XuefaError(f"{path}: 不是 xuefa 备份文件（缺少或不认识 manifest.json）")
            self._check_empty()
            names = set(z.namelist())
            for db in self.databases:
                self._restore_database(db, z, names, Path(tmp))
            self._restore_files(z, names, Path(tmp))
        self.after_restore()
        return manifest

    def _check_empty(self) -> None:
        for db in self.databases:
            meta = MetaData()
            meta.reflect(db.engine, only=lambda name, _m: name == db.guard_table)
            table = meta.tables.get(db.guard_table)
            if table is None:
                continue
            with db.engine.connect() as conn:
                if conn.execute(select(func.count()).select_from(table)).scalar_one():
                    raise XuefaError(f"目标已有数据（{db.name} 库的 {db.guard_table} 表不为空）："
                                     "只能恢复到空的 XUEFA_HOME / 空数据库。")

    def _restore_database(self, db: Database, z: zipfile.ZipFile, names: set[str], tmp: Path) -> None:
        file_name, rows_name = f"db/{db.name}.sqlite", f"db/{db.name}.jsonl"
        if file_name in names and db.sqlite_path is not None:
            z.extract(file_name, tmp)
            db.engine.dispose()
            _sqlite_copy(tmp / file_name, db.sqlite_path)
            db.engine.dispose()
            return
        if file_name in names:  # SQLite backup into a server database: copy table by table
            z.extract(file_name, tmp)
            source = create_engine(f"sqlite:///{tmp / file_name}")
            with source.connect() as conn:
                lines = list(_json_rows(conn))
            source.dispose()
        elif rows_name in names:
            lines = z.read(rows_name).decode("utf-8").splitlines()
        else:
            raise XuefaError(f"备份中没有 {db.name} 库")
        _load_rows(db.engine, lines)

    def _restore_files(self, z: zipfile.ZipFile, names: set[str], tmp: Path) -> None:
        if "cache/embedding_cache.sqlite" in names:
            z.extract("cache/embedding_cache.sqlite", tmp)
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(tmp / "cache/embedding_cache.sqlite", self.cache_path)
        chroma = sorted(n for n in names if n.startswith("chroma/") and not n.endswith("/"))
        if chroma and self.chroma_dir is not None:
            self.close_vectors()
            if self.chroma_dir.exists():
                shutil.rmtree(self.chroma_dir)
            for name in chroma:
                target = self.chroma_dir / name[len("chroma/"):]
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)


# ---- helpers ------------------------------------------------------------------------------
def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _count_rows(engine: Engine) -> int:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in meta.sorted_tables)


def _json_rows(conn) -> Iterator[str]:
    """Every row of every table, parents before children: ``{"t": table, "r": {column: value}}``."""
    meta = MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        for row in conn.execute(select(table)).mappings():
            yield json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}, ensure_ascii=False)


def _load_rows(engine: Engine, lines: list[str]) -> None:
    """Insert dumped rows into the tables of ``engine`` (created by the app's own models)."""
    meta = MetaData()
    meta.reflect(engine)
    by_table: dict[str, list[dict]] = {}
    for line in lines:
        if line.strip():
            item = json.loads(line)
            by_table.setdefault(item["t"], []).append({k: _decode(v) for k, v in item["r"].items()})
    with engine.begin() as conn:
        # the target is checked empty; what its first start wrote (the version row) gives way
        for table in reversed(meta.sorted_tables):
            if table.name in by_table:
                conn.execute(table.delete())
        for table in meta.sorted_tables:
            rows = by_table.get(table.name)
            if rows:
                known = set(table.c.keys())
                conn.execute(insert(table), [{k: v for k, v in r.items() if k in known} for r in rows])
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn, meta)


def _reset_sequences(conn, meta: MetaData) -> None:
    """Rows came with their ids: move each serial sequence past them."""
    for table in meta.sorted_tables:
        for col in table.primary_key.columns:
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": col.name}).scalar()
            if seq:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{col.name}") FROM "{table.name}"), 0) + 1,'
                                  " false)"), {"s": seq})


def _encode(value):
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, v), = value.items()
        if key == "$dt":
            return dt.datetime.fromisoformat(v)
        if key == "$d":
            return dt.date.fromisoformat(v)
        if key == "$b":
            return base64.b64decode(v)
    return value
