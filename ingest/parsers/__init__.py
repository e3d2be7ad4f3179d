"""Entry point: ``parse_file`` picks the parser by suffix and enforces size/emptiness rules."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from ingest.metadata import extract_metadata
from ingest.parsers import docx_parser, html_parser, md_parser, pdf_parser, txt_parser
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
_SUPPORTED_HINT = "（支持 .txt .md .docx .pdf .html）"
_CONVERT_HINTS = {
    ".doc": "，请用 Word/WPS 另存为 .docx",
    ".wps": "，请用 WPS 另存为 .docx",
    ".rtf": "，请另存为 .docx 或 .txt",
}


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.1f}".removesuffix(".0") if mb >= 0.1 else f"{mb:.3f}".rstrip("0")


def parse_file(path: str | Path, max_bytes: int) -> ParsedFile:
    """Parse one file into a :class:`ParsedFile`.

    Raises ``IngestError`` (with a Chinese, user-facing reason) for unsupported types,
    missing/unreadable files, files above ``max_bytes``, empty files, files with no
    extractable text, and the format-specific failures (corrupt, encrypted, scanned...).
    Title and metadata the parser did not find are filled in from the text.
    """
    path = Path(path)
    parser = _parser_for(path)
    data = _read(path, max_bytes)
    try:
        parsed = parser(path, data)
    except IngestError:
        raise
    except Exception as exc:  # a parser bug or an exotic file must not abort a batch import
        raise IngestError(path, f"解析失败（{type(exc).__name__}: {exc}）") from exc
    if not parsed.text.strip():
        raise IngestError(path, "未解析出任何文本")
    title, metadata = extract_metadata(parsed.text)
    parsed.title = parsed.title or title
    for key, value in metadata.items():
        parsed.metadata.setdefault(key, value)
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
