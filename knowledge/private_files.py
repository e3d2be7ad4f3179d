"""Files and directories only their owner can read: the state under XUEFA_HOME holds staff
answers, password hashes and an organisation's internal rules.

SQLite creates a database's -wal, -shm and -journal files with the database file's own
permissions, so creating the database 0600 before SQLite opens it covers them; files left
from older versions are tightened here too.
"""
from __future__ import annotations

import os
from pathlib import Path

SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path | str) -> Path:
    """Create ``path`` (and parents) and make it 0700."""
    path = Path(path).expanduser()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path | str) -> Path:
    """Create ``path`` empty with mode 0600 if missing (never readable by others, not even for
    a moment), and make an existing one 0600."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def private_sqlite(path: Path | str) -> Path:
    """An SQLite database file (and any -wal/-shm/-journal next to it) that only its owner reads."""
    path = private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, 0o600)
    return path


def write_secret(path: Path | str, text: str) -> Path:
    """Write ``text`` to a new file created 0600 atomically (O_EXCL on a temporary name, then
    renamed), so the secret is never on disk with wider permissions."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
