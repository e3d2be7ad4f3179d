"""Word .docx files via python-docx: body paragraphs and table rows, in document order."""
from __future__ import annotations

import io
from pathlib import Path

from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.parsers.parsed import ParsedFile
from ingest.text_decoding import normalize_text
from knowledge.errors import IngestError

CORRUPT = "文件已损坏或不是有效的 .docx（旧版 .doc 请用 Word/WPS 另存为 .docx）"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_text(cell) -> str:
    parts = [p.text.strip() for p in cell.paragraphs]
    parts += [line for t in cell.tables for line in _table_lines(t)]
    return " ".join(p for p in parts if p)


def _table_lines(table: Table) -> list[str]:
    """One line per row, cells separated by a space (merged cells counted once)."""
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = _cell_text(cell)
            if text:
                cells.append(text)
        if cells:
            lines.append(" ".join(cells))
    return lines


def _block_lines(container, parent) -> list[str]:
    """Lines of a body-like element, descending into content controls (w:sdt)."""
    lines: list[str] = []
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(Paragraph(child, parent).text)
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(child, parent)))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_block_lines(content, parent))
    return lines


def parse(path: Path, data: bytes) -> ParsedFile:
    """Text of a .docx (headers, footers, footnotes and comments are left out).

    Title: the first paragraph styled "Title" (标题), else left to ``parse_file``.
    Note: automatic Word list numbering is not part of the paragraph text, so
    numbering produced that way (rare in statute files) is lost.
    """
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = _block_lines(document.element.body, document._body)
    except MemoryError:  # the sandbox's memory limit: reported as such, not as a corrupt file
        raise
    except Exception as exc:  # python-docx raises a zoo: BadZipFile, KeyError, lxml errors...
        raise IngestError(path, CORRUPT) from exc
    return ParsedFile(path=Path(path), text=normalize_text("\n".join(lines)), title=_styled_title(document),
                      format="docx")


def _styled_title(document) -> str | None:
    """Text of the first paragraph styled Title/标题, if any."""
    try:
        for para in document.paragraphs:
            style = (para.style.name if para.style is not None else "") or ""
            if style.lower() in ("title", "标题") and para.text.strip():
                return para.text.strip()
    except Exception:  # a broken styles part only costs us the title
        return None
    return None
