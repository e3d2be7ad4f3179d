"""Run one file's parse in a child process with a timeout and a memory limit.

Why a process: a parser stuck in C code (lxml, zlib) cannot be interrupted from a thread,
and Python cannot bound one thread's memory. A child can be killed, and
``resource.setrlimit(RLIMIT_AS)`` caps its address space, so a bomb ends in a MemoryError
(or the kernel ending the child) instead of an exhausted server.

The children are forked from a ``forkserver``: a small clean process (no threads, no
database connections, no model) that imported the parsers once, so each parse starts in
milliseconds and forking never copies the server's threads. Where forkserver is missing
(Windows), parsing runs in-process with the structural limits only.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import threading
from pathlib import Path
from typing import Callable

from ingest.parsers.limits import MB, ParseLimits
from ingest.parsers.parsed import ParsedFile
from knowledge.errors import IngestError

_PRELOAD = ["ingest.parsers", "docx", "pypdf", "bs4", "lxml.html"]
_context = None
_context_lock = threading.Lock()


def available() -> bool:
    """Forkserver exists here, and a child can re-import ``__main__`` as multiprocessing
    does (a script read from stdin cannot be: such callers parse in-process)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None):
        return True
    path = getattr(main, "__file__", None)
    return path is None or os.path.exists(path)


def _ctx():
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(_PRELOAD)
        return _context


def _address_space() -> int:
    """This process's current virtual size in bytes (the limit is set above it)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _apply_limits(limits: ParseLimits) -> None:
    try:
        ceiling = _address_space() + limits.memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    except (OSError, ValueError):  # no /proc (macOS): the timeout still holds
        pass
    cpu = int(limits.seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _child(conn, parse: Callable, path: str, max_bytes: int, limits: ParseLimits) -> None:
    _apply_limits(limits)
    try:
        conn.send(("ok", parse(Path(path), max_bytes, limits)))
    except IngestError as exc:
        conn.send(("error", exc.reason))
    except MemoryError:
        conn.send(("error", f"解析时内存超过上限 {limits.memory_mb} MB，文件可能过于复杂或为恶意构造"))
    except Exception as exc:  # a parser bug or an exotic file: one line, not a traceback
        conn.send(("error", f"解析失败（{type(exc).__name__}: {str(exc)[:200]}）"))
    finally:
        conn.close()


def run(parse: Callable[[Path, int, ParseLimits], ParsedFile], path: Path, max_bytes: int,
        limits: ParseLimits) -> ParsedFile:
    """``parse(path, max_bytes, limits)`` in a child; IngestError on timeout or a crash."""
    ctx = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, parse, str(path), max_bytes, limits), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise IngestError(path, f"解析超时（超过 {limits.seconds:g} 秒），文件可能过于复杂或为恶意构造")
        kind, value = receiver.recv()
    except EOFError:  # the child died: the kernel's OOM killer, RLIMIT_CPU, a crash in C code
        raise IngestError(path, f"解析进程异常退出（可能超出内存上限 {limits.memory_mb} MB 或时间上限），"
                                "文件可能过于复杂或为恶意构造") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
        child.close() if child.exitcode is not None else None
    if kind == "error":
        raise IngestError(path, value)
    return value
