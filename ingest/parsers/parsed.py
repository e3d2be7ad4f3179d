"""The result of parsing one file: plain text plus what we could learn about the document."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ParsedFile:
    """A parsed file.

    ``text`` is normalized plain text: one paragraph (or table row) per line, ``\\n`` line
    ends, never more than one blank line in a row. ``metadata`` keys, all optional:
    ``publish_date`` / ``effective_date`` (ISO ``YYYY-MM-DD``), ``issuer`` (发布机关) and
    ``doc_number`` (发文字号, e.g. 国发〔2023〕1号). ``format`` is the parser that read it:
    txt, md, docx, pdf or html.
    """

    path: Path
    text: str
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    format: str = "txt"
