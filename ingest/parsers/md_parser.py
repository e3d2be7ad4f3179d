"""Markdown files: strip the syntax, keep the words (and the legal numbering 一、 （一） 1.)."""
from __future__ import annotations

import html
import re
from pathlib import Path

from ingest.parsers.parsed import ParsedFile
from ingest.text_decoding import decode_bytes, normalize_text

_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_ATX_EMPTY_RE = re.compile(r"^\s{0,3}#{1,6}\s*$")
_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_HR_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE_RE = re.compile(r"^\s{0,3}(?:>\s?)+")
# Only real Markdown bullets; "1." and "一、" are legal numbering and stay.
_BULLET_RE = re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)+\|?\s*$")
_REF_DEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_FRONT_MATTER_KEY_RE = re.compile(r"^(\w+)\s*:\s*(.*?)\s*$")

_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<![A-Za-z0-9_])__(?=\S)(.+?)(?<=\S)__(?![A-Za-z0-9_])"), r"\1"),
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), r"\1"),
    (re.compile(r"(?<![A-Za-z0-9_])_(?=\S)(.+?)(?<=\S)_(?![A-Za-z0-9_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
]


def _inline(text: str) -> str:
    for regex, repl in _INLINE:
        text = regex.sub(repl, text)
    return html.unescape(text)


def _table_row(line: str) -> str:
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)]
    return " ".join(_inline(c) for c in cells if c)


def _front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """YAML front matter (--- … ---) as flat key/values, and the index where the body starts."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            fields = {}
            for line in lines[1:end]:
                m = _FRONT_MATTER_KEY_RE.match(line)
                if m and m.group(2):
                    fields[m.group(1).lower()] = m.group(2).strip("'\"")
            return fields, end + 1
    return {}, 0


def parse(path: Path, data: bytes) -> ParsedFile:
    """Markdown -> plain text. Title: front-matter ``title`` or the first level-1 heading."""
    lines = decode_bytes(data, path, normalize=False).split("\n")
    front, start = _front_matter(lines)
    reader = _Reader(lines, start, front.get("title"))
    for i in range(start, len(lines)):
        reader.feed(i)
    return ParsedFile(path=Path(path), text=normalize_text("\n".join(reader.out)), title=reader.title,
                      format="md")


def _table_rows(lines: list[str], start: int) -> set[int]:
    """Indexes of the lines of pipe tables (header, separator, body rows)."""
    rows: set[int] = set()
    for i, line in enumerate(lines):
        if i > start and _TABLE_SEP_RE.match(line) and "|" in lines[i - 1]:
            rows.add(i - 1)
            j = i + 1
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.add(j)
                j += 1
    return rows


class _Reader:
    """Markdown body lines to plain-text lines (``out``), noting the title on the way."""

    def __init__(self, lines: list[str], start: int, title: str | None):
        self.lines = lines
        self.start = start
        self.title = title
        self.table_rows = _table_rows(lines, start)
        self.out: list[str] = []
        self.fence: str | None = None  # the opening fence of the code block we are in

    def feed(self, i: int) -> None:
        line = self.lines[i]
        m = _FENCE_RE.match(line)
        if self.fence is not None:  # inside a code block: keep verbatim, drop the fences
            if m and m.group(1)[0] == self.fence[0] and len(m.group(1)) >= len(self.fence):
                self.fence = None
            else:
                self.out.append(line)
        elif m:
            self.fence = m.group(1)
        elif i in self.table_rows:
            if not _TABLE_SEP_RE.match(line):
                self.out.append(_table_row(line))
        elif not (_TABLE_SEP_RE.match(line) or self._setext_underline(i) or _is_markup_only(line)):
            self.out.append(self._text(line))

    def _setext_underline(self, i: int) -> bool:
        """Is line ``i`` the === / --- under a setext heading (a level-1 one may be the title)?"""
        setext = _SETEXT_RE.match(self.lines[i])
        out = self.out
        if not (setext and out and out[-1].strip() and i > self.start and self.lines[i - 1].strip()):
            return False
        if setext.group(1)[0] == "=" and self.title is None:
            self.title = out[-1].strip()
        return True

    def _text(self, line: str) -> str:
        line = _QUOTE_RE.sub("", line)
        heading = _ATX_RE.match(line)
        if not heading:
            return _inline(_BULLET_RE.sub("", line))
        text = _inline(heading.group(2))
        if heading.group(1) == "#" and self.title is None and text.strip():
            self.title = text.strip()
        return text


def _is_markup_only(line: str) -> bool:
    """A rule, a link reference definition or an empty heading: nothing to read."""
    return bool(_HR_RE.match(line) or _REF_DEF_RE.match(line) or _ATX_EMPTY_RE.match(line))
