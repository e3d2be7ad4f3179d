"""Limits that keep a hostile file from exhausting the machine while it is parsed.

The size limit on the file itself (``XUEFA_MAX_FILE_MB``) is not enough: a 100 KB .docx can
inflate to hundreds of MB of XML (a "zip bomb"), a PDF can declare a million pages, a page of
nested tags can take minutes to build. So, before any parser touches a file:

* .docx (a zip): the central directory is checked first: number of members, each member's
  and the total declared uncompressed size, and the compression ratio of large members.
  Python's ``zipfile`` never inflates a member beyond its declared size, so the declared
  sizes bound what parsing can read.
* .pdf: a page-count limit (checked by the parser before extracting text).
* .html: a limit on decoded characters and on the number of tags.
* every format: a limit on the extracted text.

and every parse runs in a child process with a wall-clock timeout and an address-space limit
(``ingest.parsers.sandbox``), so whatever slips through is stopped, not waited for.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import IngestError

MB = 1024 * 1024


@dataclass(frozen=True)
class ParseLimits:
    seconds: float = 60.0  # wall clock for one file's parse
    memory_mb: int = 1024  # address space a parse may add to its process
    isolate: bool = True  # parse in a child process (Linux/macOS); False: in this process
    max_pdf_pages: int = 3000
    max_html_chars: int = 20_000_000  # after decoding
    max_html_tags: int = 1_000_000
    max_text_chars: int = 10_000_000  # extracted text of any format (民法典 is ~110,000)
    zip_members: int = 2000
    zip_member_mb: int = 100  # uncompressed, per member
    zip_total_mb: int = 300  # uncompressed, all members
    zip_ratio: float = 100.0  # uncompressed / compressed, for members over 1 MB


def _mb(n: int) -> str:
    return f"{n / MB:.1f}"


def check_zip(path: Path, data: bytes, limits: ParseLimits, corrupt: str) -> None:
    """Refuse an archive whose central directory promises too much, before opening a member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise IngestError(path, corrupt) from exc
    if len(infos) > limits.zip_members:
        raise IngestError(path, f"压缩包内文件过多（{len(infos)} 个，"
                                f"上限 {limits.zip_members} 个），疑似恶意构造的文件")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.zip_member_mb * MB:
            raise IngestError(path, f"文件内部的 {info.filename[:60]} 解压后过大（{_mb(size)} MB，"
                                    f"上限 {limits.zip_member_mb} MB），疑似压缩炸弹")
        if size > MB and size > limits.zip_ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise IngestError(path, f"文件内部的 {info.filename[:60]} 压缩比异常（{ratio:.0f} 倍，"
                                    f"上限 {limits.zip_ratio:.0f} 倍），疑似压缩炸弹")
    if total > limits.zip_total_mb * MB:
        raise IngestError(path, f"文件解压后总大小 {_mb(total)} MB 超过上限 {limits.zip_total_mb} MB，疑似压缩炸弹")


def check_html(path: Path, text: str, limits: ParseLimits) -> None:
    if len(text) > limits.max_html_chars:
        raise IngestError(path, f"HTML 解码后过大（{len(text):,} 字符，上限 {limits.max_html_chars:,}）")
    tags = text.count("<")
    if tags > limits.max_html_tags:
        raise IngestError(path, f"HTML 标签过多（约 {tags:,} 个，上限 {limits.max_html_tags:,}），疑似恶意构造的页面")


def check_text(path: Path, text: str, limits: ParseLimits) -> None:
    if len(text) > limits.max_text_chars:
        raise IngestError(path, f"提取出的文字过多（{len(text):,} 字符，上限 {limits.max_text_chars:,}），"
                                "请拆分成多个文件导入")
