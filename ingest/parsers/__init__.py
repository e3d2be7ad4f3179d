"""Entry point: ``parse_file`` picks the parser by suffix and enforces size/emptiness rules."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from ingest.metadata import extract_metadata
from ingest.parsers import docx_parser, html_parser, md_parser, pdf_parser, sandbox, txt_parser
from ingest.parsers.limits import ParseLimits, check_text, check_zip
from ingest.parsers.parsed import ParsedFile
from knowledge.errors import IngestError

_PARSERS: dict[str, Callable[[Path, bytes], ParsedFile]] = {
    ".txt": txt_parser.parse,
    ".md": md_parser.parse,
    ".markdown": md_parser.parse,
    ".docx": docx_parser.parse,
    ".pdf": pdf_parser.parse,
    ".html": html_parser.parse,
    ".htm": html_parser.parse,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_PARSERS)
__all__ = ["ParseLimits", "ParsedFile", "SUPPORTED_SUFFIXES", "iter_files", "parse_contents", "parse_file"]
_SUPPORTED_HINT = "（支持 .txt .md .docx .pdf .html）"
_CONVERT_HINTS = {
    ".doc": "，请用 Word/WPS 另存为 .docx",
    ".wps": "，请用 WPS 另存为 .docx",
    ".rtf": "，请另存为 .docx 或 .txt",
}


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.1f}".removesuffix(".0") if mb >= 0.1 else f"{mb:.3f}".rstrip("0")


def parse_file(path: str | Path, max_bytes: int, *, limits: ParseLimits | None = None) -> ParsedFile:
    """Parse one file into a :class:`ParsedFile`.

    Raises ``IngestError`` (with a Chinese, user-facing reason) for unsupported types,
    missing/unreadable files, files above ``max_bytes``, empty files, files with no
    extractable text, the format-specific failures (corrupt, encrypted, scanned...) and
    files beyond ``limits`` (zip bombs, too many pages, a parse too slow or too big: see
    ``ingest.parsers.limits``). The parse runs in a child process with a timeout and a memory
    limit unless ``limits.isolate`` is off. Title and metadata the parser did not find are
    filled in from the text.
    """
    path = Path(path)
    _parser_for(path)  # an unsupported type needs no child process to say so
    limits = limits or ParseLimits()
    if limits.isolate and sandbox.available():
        parsed = sandbox.run(parse_contents, path, max_bytes, limits)
    else:
        parsed = parse_contents(path, max_bytes, limits)
    title, metadata = extract_metadata(parsed.text)
    parsed.title = parsed.title or title
    for key, value in metadata.items():
        parsed.metadata.setdefault(key, value)
    return parsed


def parse_contents(path: Path, max_bytes: int, limits: ParseLimits) -> ParsedFile:
    """Read and parse the file with the structural limits (what runs in the child)."""
    parser = _parser_for(path)
    data = _read(path, max_bytes)
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            check_zip(path, data, limits, docx_parser.CORRUPT)
            parsed = parser(path, data)
        elif suffix == ".pdf":
            parsed = pdf_parser.parse(path, data, max_pages=limits.max_pdf_pages)
        elif suffix in (".html", ".htm"):
            parsed = html_parser.parse(path, data, limits=limits)
        else:
            parsed = parser(path, data)
    except IngestError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a parser bug or an exotic file must not abort a batch import
        raise IngestError(path, f"解析失败（{type(exc).__name__}: {str(exc)[:200]}）") from exc
    if not parsed.text.strip():
        raise IngestError(path, "未解析出任何文本")
    check_text(path, parsed.text, limits)
    return parsed


def _parser_for(path: Path) -> Callable[[Path, bytes], ParsedFile]:
    suffix = path.suffix.lower()
    parser = _PARSERS.get(suffix)
    if parser is None:
        shown = suffix or "（无扩展名）"
        raise IngestError(path, f"不支持的文件类型 {shown}{_SUPPORTED_HINT}{_CONVERT_HINTS.get(suffix, '')}")
    return parser


def _read(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; IngestError when it is missing, not a file, empty or too big."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError(path, "文件不存在") from None
    except OSError as exc:
        raise IngestError(path, f"无法读取文件：{exc.strerror or exc}") from exc
    if not path.is_file():
        raise IngestError(path, "不是文件")
    if size > max_bytes:
        raise IngestError(path, f"文件超过大小上限 {_mb(max_bytes)} MB（实际 {_mb(size)} MB）")
    if size == 0:
        raise IngestError(path, "文件为空")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"无法读取文件：{exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew since stat()
        raise IngestError(path, f"文件超过大小上限 {_mb(max_bytes)} MB")
    return data


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")  # ~$x.docx: Office lock file


def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories (recursively, sorted, supported suffixes, no hidden files/dirs).

    Explicitly named files are kept as given, even unsupported or missing ones, so that
    ``parse_file`` reports a clear error for them instead of silently skipping them.
    Duplicates are dropped, first occurrence wins.
    """
    result: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            result.append(p)

    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            add(p)
            continue
        found = []
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = [d for d in dirnames if not _hidden(d)]
            for name in filenames:
                if not _hidden(name) and Path(name).suffix.lower() in _PARSERS:
                    found.append(Path(dirpath) / name)
        for f in sorted(found):
            add(f)
    return result
