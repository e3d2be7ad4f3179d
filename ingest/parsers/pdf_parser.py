"""PDF files via pypdf's text layer, re-joining lines the page width broke apart."""
from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

from ingest.metadata import extract_metadata
from ingest.parsers.parsed import ParsedFile
from ingest.text_decoding import normalize_text
from knowledge.errors import IngestError
from knowledge.legal.numerals import NUMERAL_CHARS

_ENCRYPTED = "PDF 已加密，请先移除密码（或另存为未加密的 PDF）再导入"
_NO_TEXT = "PDF 没有文本层（可能是扫描件），请先 OCR"
_CORRUPT = "文件已损坏或不是有效的 .pdf"

_NUM = NUMERAL_CHARS
# A line ending in one of these ends its paragraph (or is a heading line like 第一章：).
_TERMINALS = tuple("。；：！？」”）)』】;:!?.")
_HEADING_RE = re.compile(
    rf"^(?:第[{_NUM}]+(?:条|章|节|编|分编|部分)"
    r"|[一二三四五六七八九十百]+[、．.]"
    r"|[（(][一二三四五六七八九十百]+[）)]"
    r"|[（(][0-9０-９]+[）)]"
    r"|[0-9０-９]+(?:[、．]|\.(?![0-9]))"
    r"|附件|附则|附表)"
)
_PAGE_NUMBER_RES = [
    re.compile(r"^[-—–－~\s]*[0-9０-９]{1,4}[-—–－~\s]*$"),  # - 3 -, —3—, 3
    re.compile(r"^(?:共\s*\d+\s*页\s*[,，/]?\s*)?第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^\d+\s*/\s*\d+$"),
    re.compile(r"^(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?$", re.I),
]
_JUNK_TITLE_RE = re.compile(r"(?:\.(?:docx?|wps|pdf|txt)$|^Microsoft Word|^untitled$|^无标题)", re.I)


def _is_page_number(line: str) -> bool:
    return any(r.match(line) for r in _PAGE_NUMBER_RES)


def _is_ascii_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove headers/footers: the same text at the top or bottom of most pages."""
    if len(pages) < 3:
        return pages
    key = lambda s: re.sub(r"\d+", "#", s)  # noqa: E731 — "第 3 页"-like variants count as one
    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({key(s) for s in lines[:2] + lines[-2:]})
    running = {k for k, n in edges.items() if n >= max(3, len(pages) // 2 + 1)}
    if not running:
        return pages
    cleaned = []
    for lines in pages:
        n = len(lines)
        cleaned.append([s for i, s in enumerate(lines) if not ((i < 2 or i >= n - 2) and key(s) in running)])
    return cleaned


def join_lines(lines: list[str]) -> list[str]:
    """Join lines that the page width (not the author) broke.

    A line is continued by the next one when it is about as wide as a full line, does not
    end a sentence (。；：！？」” …) and the next line is not a heading (第X条/章/节/编,
    一、, （一）, 1.). The width test keeps short title and heading lines on their own.
    """
    if not lines:
        return []
    widths = sorted(_width(s) for s in lines)
    full = widths[min(len(widths) - 1, int(len(widths) * 0.9))]
    out: list[str] = []
    continues = False
    for line in lines:
        if out and continues and not _HEADING_RE.match(line):
            prev = out[-1]
            words = _is_ascii_word_char(prev[-1:]) and _is_ascii_word_char(line[:1])
            out[-1] = prev + (" " if words else "") + line  # Latin words need their space back
        else:
            out.append(line)
        continues = _width(line) >= 0.8 * full and not line.endswith(_TERMINALS)
    return out


def parse(path: Path, data: bytes, *, max_pages: int = 3000) -> ParsedFile:
    """Text layer of a PDF. Encrypted (unless the user password is empty), image-only or
    longer than ``max_pages`` PDFs raise ``IngestError`` with advice."""
    reader = _open(path, data)
    pages = _page_lines(path, reader, max_pages)
    lines = [s for page in _drop_running_lines(pages) for s in page]
    text = normalize_text("\n".join(join_lines(lines)))
    title = extract_metadata(text)[0]
    if title is None:
        title = _info_title(reader)
    return ParsedFile(path=Path(path), text=text, title=title, format="pdf")


def _open(path: Path, data: bytes):
    """A readable ``PdfReader``, decrypted with the empty password when needed."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError... on junk
        raise IngestError(path, _CORRUPT) from exc
    if encrypted:
        try:
            ok = reader.decrypt("")  # many PDFs only carry an owner password
        except DependencyError as exc:
            raise IngestError(path, _ENCRYPTED + "（解密需要 cryptography 库）") from exc
        except Exception as exc:
            raise IngestError(path, _ENCRYPTED) from exc
        if not ok:
            raise IngestError(path, _ENCRYPTED)
    return reader


def _page_lines(path: Path, reader, max_pages: int) -> list[list[str]]:
    """The non-empty lines of every page, page numbers left out."""
    pages: list[list[str]] = []
    failures = 0
    try:
        count = len(reader.pages)
        if count > max_pages:
            raise IngestError(path, f"PDF 页数过多（{count} 页，上限 {max_pages} 页），请拆分后导入")
        page_list = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(path, _CORRUPT) from exc
    for page in page_list:
        try:
            raw = page.extract_text() or ""
        except Exception:  # one broken content stream should not lose the whole file
            failures += 1
            raw = ""
        lines = [s.strip() for s in normalize_text(raw).split("\n")]
        pages.append([s for s in lines if s and not _is_page_number(s)])
    if not any(pages):
        raise IngestError(path, _CORRUPT if failures else _NO_TEXT)
    return pages


def _info_title(reader) -> str | None:
    """The document-info title, unless it is a file name or a word processor's placeholder."""
    try:
        info_title = (reader.metadata or {}).get("/Title")
    except Exception:
        info_title = None
    info_title = str(info_title).strip() if info_title else ""
    if info_title and not _JUNK_TITLE_RE.search(info_title):
        return info_title
    return None
