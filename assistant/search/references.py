"""Explicit article references in a query: 《中华人民共和国民法典》第一千二百五十四条, 民法典第1254条,
刑法264条, 网络安全法第二十一条的内容是什么, 第十条之一, 民法商法公司法第六十条…

The law is the known name (full title, short title or alias from ``knowledge.legal.law_names``)
nearest before the article number, so a name buried in other words still resolves
("民法商法公司法第六十条" → 公司法). A number with no name of its own takes the law of the
reference just before it ("民法典第一条和第二条") or, failing that, the one law a search is
restricted to. Whether the article exists is for the caller to check (``SearchService``).
The lexing and linking are ``knowledge.legal.citations``' (with the question policy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from assistant.search.types import ArticleReference
from knowledge.legal.citations import QUESTION_POLICY, CitationLinker, CitedArticle
from knowledge.legal.law_names import LawMentionFinder

_FULLWIDTH = str.maketrans("０１２３４５６７８９()", "0123456789（）")
_MAX_RANGE = 20  # 第一条至第九百条 is not a list to expand


@dataclass
class ParsedQuery:
    """What the parser found: resolved references, unresolvable law names, the rest."""

    references: list[ArticleReference] = field(default_factory=list)
    unknown_laws: list[str] = field(default_factory=list)  # 《合同法》第五十二条 when not held
    residual: str = ""  # the query without the references (for the ordinary search)

    @property
    def found(self) -> bool:
        return bool(self.references or self.unknown_laws)


def normalize(text: str) -> str:
    return "".join((text or "").split()).translate(_FULLWIDTH)


class ReferenceParser:
    """Finds article references, resolving law names against the titles held."""

    def __init__(self, titles: Iterable[str]):
        self.linker = CitationLinker(LawMentionFinder(titles), QUESTION_POLICY)

    def parse(self, query: str, default_law: str | None = None) -> ParsedQuery:
        q = normalize(query)
        out = ParsedQuery()
        spans: list[tuple[int, int]] = []
        prev: CitedArticle | None = None
        for ref in self.linker.link(q, default_law=default_law):
            if ref.item or not ref.number:  # a question asks for articles (第零条 is none)
                continue
            spans.append((ref.start, ref.end))
            if ref.title is None:
                if ref.law_name not in out.unknown_laws:
                    out.unknown_laws.append(ref.law_name)
            else:
                out.references += _range_between(prev, ref) + [_reference(q, ref)]
            prev = ref
        out.references = _dedupe(out.references)
        out.residual = _cut(q, spans)
        return out


def _reference(q: str, ref: CitedArticle) -> ArticleReference:
    return ArticleReference(law=ref.title, number=ref.number, sub=ref.sub, raw=q[ref.start:ref.end])


def _range_between(prev: CitedArticle | None, ref: CitedArticle) -> list[ArticleReference]:
    """第一条至第三条: the articles the range skips over (第二条)."""
    if prev is None or not ref.closes_range or not 0 < ref.number - prev.number <= _MAX_RANGE:
        return []
    return [ArticleReference(law=ref.title, number=n, sub=0, raw=ref.separator)
            for n in range(prev.number + 1, ref.number)]


def _dedupe(refs: list[ArticleReference]) -> list[ArticleReference]:
    seen, out = set(), []
    for r in refs:
        key = (r.law, r.number, r.sub)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _cut(q: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return q
    out, pos = [], 0
    for s, e in sorted(spans):
        if s > pos:
            out.append(q[pos:s])
        pos = max(pos, e)
    out.append(q[pos:])
    return " ".join(x.strip("《》〈〉\"“”") for x in out if x.strip("《》〈〉\"“” "))
