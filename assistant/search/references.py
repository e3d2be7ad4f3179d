"""Explicit article references in a query: 《中华人民共和国民法典》第一千二百五十四条, 民法典第1254条,
刑法264条, 网络安全法第二十一条的内容是什么, 第十条之一, 民法商法公司法第六十条…

The law is the known name (full title, short title or alias from ``knowledge.legal.law_names``)
nearest before the article number, so a name buried in other words still resolves
("民法商法公司法第六十条" → 公司法). A number with no name of its own takes the law of the
reference just before it ("民法典第一条和第二条") or, failing that, the one law a search is
restricted to. Whether the article exists is for the caller to check (``SearchService``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from assistant.search.types import ArticleReference
from knowledge.legal.law_names import LawNameResolver
from knowledge.legal.numerals import cn_to_int

_CN = "零〇○一二两三四五六七八九十百千万"
_MARKER = re.compile(
    rf"(?P<di>第)?(?P<num>[0-9]+|[{_CN}]+)条(?!例|款项|件|约|文|令|目)(?:之(?P<sub>[0-9]+|[一二三四五六七八九十]+))?")
_RANGE_GAP = re.compile(r"^(?:至|到|-|—|～|~)$")
_LIST_GAP = re.compile(r"^(?:[、，,和及与或]|以及|或者|和第)?$")
_ADJACENT_GAP = re.compile(r"^[《》〈〉\"“”'‘’]*(?:的|中的|里的|中|里)?$")
_CLAUSE_END = re.compile(r"[。！？!?；;\n]")
_LAWISH = re.compile(r"([\u4e00-\u9fff（）]{2,20}?(?:法|条例|规定|办法|细则|准则|章程|决定|解释))$")
_LEADING_FILLER = re.compile(r"^(?:请问|请教|我想知道|想知道|想问|问一下|关于|根据|依据|依照|按照|查询|查看|查|看看|看|我国|国家)+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９()", "0123456789（）")
_MAX_GAP = 12
_MAX_RANGE = 20


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
        self.resolver = LawNameResolver(titles)
        names = {}
        for key, title in self.resolver.names().items():
            key = key.translate(_FULLWIDTH)
            if len(key) >= 2:
                names[key] = title
        self._names = names
        # longest first: at equal end position the longest name wins
        self._ordered = sorted(names, key=len, reverse=True)

    def resolve_law(self, name: str) -> str | None:
        return self.resolver.resolve(normalize(name))

    def parse(self, query: str, default_law: str | None = None) -> ParsedQuery:
        q = normalize(query)
        low = q.lower()
        occurrences = self._name_occurrences(low)
        out = ParsedQuery()
        spans: list[tuple[int, int]] = []
        prev_law: str | None = None
        prev_end = -1
        prev_num: int | None = None
        for m in _MARKER.finditer(q):
            num = cn_to_int(m.group("num"))
            if num is None or num <= 0:
                continue
            sub = cn_to_int(m.group("sub")) if m.group("sub") else 0
            start = m.start()
            has_di = m.group("di") is not None
            # without 第 (刑法264条) the name must be right before: 一共七十九条 is a count
            law, name_start = self._law_before(q, occurrences, start, adjacent_only=not has_di)
            if law is None and not has_di:
                continue
            quoted_unknown = None
            if law is None:
                quoted_unknown = self._unknown_name_before(q, start)
            if law is None and quoted_unknown is None:
                gap = q[prev_end:start] if prev_end >= 0 else None
                if prev_law and gap is not None and (_LIST_GAP.match(gap) or _RANGE_GAP.match(gap)):
                    law = prev_law
                    if _RANGE_GAP.match(gap) and prev_num is not None and 0 < num - prev_num <= _MAX_RANGE:
                        for n in range(prev_num + 1, num):
                            out.references.append(ArticleReference(law=law, number=n, sub=0, raw=q[prev_end:start]))
                elif default_law and m.group("di"):
                    law = default_law
                if law is None:
                    continue
                name_start = start
            if quoted_unknown is not None:
                out.unknown_laws.append(quoted_unknown[0])
                spans.append((quoted_unknown[1], m.end()))
                prev_law, prev_end, prev_num = None, m.end(), num
                continue
            out.references.append(ArticleReference(law=law, number=num, sub=sub, raw=q[name_start:m.end()]))
            spans.append((name_start, m.end()))
            prev_law, prev_end, prev_num = law, m.end(), num
        out.references = _dedupe(out.references)
        out.residual = _cut(q, spans)
        return out

    # ---- internals ---------------------------------------------------------------
    def _name_occurrences(self, low: str) -> list[tuple[int, int, str]]:
        """(start, end, title) of every known name in the query."""
        found = []
        for key in self._ordered:
            i = low.find(key)
            while i >= 0:
                found.append((i, i + len(key), self._names[key]))
                i = low.find(key, i + 1)
        return found

    def _law_before(self, q: str, occurrences, start: int, adjacent_only: bool = False) -> tuple[str | None, int]:
        best = None
        for s, e, title in occurrences:
            if e > start:
                continue
            gap = q[e:start]
            near = not adjacent_only and len(gap) <= _MAX_GAP and not _CLAUSE_END.search(gap) \
                and not _MARKER.search(gap)
            if not (_ADJACENT_GAP.match(gap) or near):
                continue
            key = (e, e - s)  # nearest end first, then the longest name
            if best is None or key > best[0]:
                best = (key, title, s)
        if best is None:
            return None, start
        return best[1], best[2]

    def _unknown_name_before(self, q: str, start: int) -> tuple[str, int] | None:
        """A law-like name right before the number that we do not hold: 《合同法》第五十二条."""
        head = q[:start]
        quoted = re.search(r"《([^《》]{2,40})》$", head)
        if quoted:
            return None if self._known(quoted.group(1)) else (quoted.group(1), quoted.start())
        m = _LAWISH.search(head)
        if not m:
            return None
        name = _LEADING_FILLER.sub("", m.group(1))
        if len(name) < 3 or self._known(name):
            return None
        return name, start - len(name)

    def _known(self, name: str) -> bool:
        return normalize(name).lower().strip("《》") in self._names


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
