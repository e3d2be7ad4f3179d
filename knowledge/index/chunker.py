"""Split an article into embedding chunks that fit the embedder's window.

The article stays whole in the store (display, citation); only what is embedded is split,
by 款 first, then by sentence, so a chunk never crosses an article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")


@dataclass(frozen=True)
class Chunk:
    part: int
    text: str  # what the embedder sees (header + body slice)


def short_title(title: str) -> str:
    """中华人民共和国网络安全法 -> 网络安全法 (the prefix adds nothing to an embedding)."""
    return title[7:] if title.startswith("中华人民共和国") and len(title) > 9 else title


def chunk_header(title: str, path: list[str] | tuple[str, ...], label: str) -> str:
    return " ".join(x for x in (short_title(title), *path, label) if x)


def split_for_embedding(
    header: str,
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int,
) -> list[Chunk]:
    """Pack 款 (lines) of ``text`` into chunks of at most ``max_tokens`` (header included)."""
    whole = f"{header}\n{text}"
    if count_tokens(whole) <= max_tokens:
        return [Chunk(0, whole)]
    pieces: list[str] = []
    for para in (p for p in text.split("\n") if p.strip()):
        if count_tokens(f"{header}\n{para}") <= max_tokens:
            pieces.append(para)
            continue
        for sent in (s for s in _SENTENCE_END.split(para) if s):
            if count_tokens(f"{header}\n{sent}") <= max_tokens:
                pieces.append(sent)
            else:  # one endless sentence: cut by characters as a last resort
                pieces.extend(_hard_cut(header, sent, count_tokens, max_tokens))
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n{piece}" if current else piece
        if current and count_tokens(f"{header}\n{candidate}") > max_tokens:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [Chunk(i, f"{header}\n{body}") for i, body in enumerate(chunks)]


def _hard_cut(header: str, text: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[str]:
    out, start = [], 0
    step = max(16, max_tokens // 2)
    while start < len(text):
        end = min(len(text), start + step)
        while end < len(text) and count_tokens(f"{header}\n{text[start:end + 8]}") <= max_tokens:
            end += 8
        out.append(text[start:end])
        start = end
    return out


def article_chunks(
    header: str,
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    *,
    per_paragraph: bool = True,
) -> list[Chunk]:
    """The chunks embedded for one article: the whole article (packed by 款 when too long),
    plus — for an article of several 款 — each 款 on its own under the same header.

    A question usually matches one 款 of a long article; on its own that 款 is a much closer
    vector than the whole article (dev set dense R@5 0.146 -> 0.236 in
    ``benchmarks/retrieval_bench.py``). Search keeps an article's best chunk, so the extra parts only add recall.
    """
    chunks = split_for_embedding(header, text, count_tokens, max_tokens)
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if per_paragraph and len(paragraphs) > 1:
        for para in paragraphs:
            for piece in split_for_embedding(header, para, count_tokens, max_tokens):
                chunks.append(Chunk(len(chunks), piece.text))
    return chunks
