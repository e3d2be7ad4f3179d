"""Plain-text files (UTF-8, GBK/GB18030, Big5...)."""
from __future__ import annotations

from pathlib import Path

from ingest.parsers.parsed import ParsedFile
from ingest.text_decoding import decode_bytes


def parse(path: Path, data: bytes) -> ParsedFile:
    """Decode and normalize a .txt file; title/metadata are filled in by ``parse_file``."""
    return ParsedFile(path=Path(path), text=decode_bytes(data, path), format="txt")
