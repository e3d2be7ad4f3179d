"""The citation lexer: how articles are cited in questions, answers and labels a user types.

Pieces: law mentions (``LawMentionFinder``: titles, short titles, aliases, 《X》 held or not),
article markers 第N条 / N条 with Chinese, Arabic or full-width numerals and 之N, 第N款 / 第N项
suffixes, list (、 和 及 …) and range (至 到 - …) separators, back-references (本法, 该法; an
internal rule's 上位法 and its stated basis 根据《X》……制定本办法) and the items of decisions (《X》九、).

``CitationLinker`` gives each marker its law: the name before it, else the previous reference's
law when a list or range goes on, else the law 本法 points back to, else (questions) a law-like
name that is not held, or the one law a search is restricted to. Questions and answers differ
only in their ``LinkPolicy``: how far a name may be from its number, whether a bare 264条
counts, which words are taken for a law's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from knowledge.errors import XuefaError
from knowledge.legal.law_names import LawMention, LawMentionFinder, short_name
from knowledge.legal.numerals import NUMERAL, SUB_NUMERAL, cn_to_int

# 条例 条件 条约 条文 条令 条目 条款项 are words, not article numbers
_ARTICLE_TAIL = rf"(?P<num>{NUMERAL})\s*条(?!例|款项|件|约|文|令|目)(?:\s*之\s*(?P<sub>{SUB_NUMERAL}))?"
ARTICLE_MARKER_RE = re.compile(rf"(?:(?P<di>第)\s*)?{_ARTICLE_TAIL}")
CITED_ARTICLE_RE = re.compile(rf"第\s*{_ARTICLE_TAIL}")  # with 第: an article cited in any text
CLAUSE_RE = re.compile(rf"\s*第\s*[（(]?\s*{NUMERAL}\s*[)）]?\s*[款项目]")
LIST_SEPARATORS = ("、", "，", ",", "和", "及", "与", "或", "或者", "以及")
RANGE_SEPARATORS = ("至", "到", "-", "—", "～", "~")
BACK_REFERENCE_RE = re.compile(r"(?:本法|该法|同法|此法|上述法律|这部法律?)\s*$")
# an internal rule's 上位法 is the law it says it rests on (根据《X》……制定本办法), not the last one named
SUPERIOR_LAW_RE = re.compile(r"上位法律?\s*$")
_BASIS_SENTENCE_RE = re.compile(r"[^。；;\n]*制定本[^。；;\n]*")
_BASIS_LEAD_RE = re.compile(r"根据|依据|依照|按照|遵照|贯彻")
ITEM_RE = re.compile(r"([一二三四五六七八九十百]+)、")
# what may stand between a law's name and its number: 《民法典》的第一条, 民法典中第一条
_ADJACENT_GAP = re.compile(r"[\s《》〈〉\"“”'‘’]*(?:的|中的|里的|中|里)?\s*")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_LAW_LIKE_TAIL = re.compile(r"([\u4e00-\u9fff（）]{2,20}?(?:法|条例|规定|办法|细则|准则|章程|决定|解释))$")
_LEADING_FILLER = re.compile(
    r"^(?:请问|请教|我想知道|想知道|想问|问一下|关于|根据|依据|依照|按照|查询|查看|查|看看|看|我国|国家)+")
_DASHED = re.compile(r"(\d+)-(\d+)")


@dataclass(frozen=True)
class ArticleMarker:
    """第N条 / N条 / 第N条之M as written; the law it belongs to is the linker's business."""

    start: int
    end: int  # after 条 or 之M, before any 第N款
    number: int | None  # None when the numeral does not parse (一2条)
    sub: int
    prefixed: bool  # written with 第


@dataclass(frozen=True)
class CitedArticle:
    """One article reference in a text, linked to its law."""

    start: int  # where the law's name starts (the number's, for list items and defaults)
    end: int  # after the number and any 第N款 / 第N项
    number: int | None
    sub: int
    law_name: str  # as written, without 《》; a list item's is its list's, 本法's the short title
    title: str | None  # the held title; None when the law is not held
    separator: str | None = None  # a list or range item: 、 和 至 … ("" when none is written)
    item: bool = False  # an item of a decision (《X》三、), not a 第N条

    @property
    def listed(self) -> bool:
        return self.separator is not None

    @property
    def closes_range(self) -> bool:
        return self.separator in RANGE_SEPARATORS


@dataclass(frozen=True)
class LinkPolicy:
    """What questions and answers do differently when linking a number to its law."""

    name_gap: int = 0  # characters allowed between a law's name and 第N条 (else only 的/中/quotes)
    bare_numbers: bool = False  # 刑法264条 without 第 (only right after a law's name)
    every_name: bool = False  # any held name or alias counts unquoted, not only names that read as a law's
    loose_quotes: bool = False  # 《X》 may be part of a held title (《个人信息保护》), not only a held name
    guess_unknown: bool = False  # an unquoted law-like name that is not held (继承法第十条) is reported


# a question names its law loosely (劳动合同法关于试用期的第十九条, 刑法264条); an answer is
# checked against the store, so only what is plainly a citation is taken for one
QUESTION_POLICY = LinkPolicy(name_gap=12, bare_numbers=True, every_name=True, guess_unknown=True)
ANSWER_POLICY = LinkPolicy(loose_quotes=True)
# an internal rule cites formally, like an answer: 《X》第N条, X法第N条, 上位法第N条
RULE_POLICY = LinkPolicy(loose_quotes=True)


def article_markers(text: str) -> list[ArticleMarker]:
    return [ArticleMarker(m.start(), m.end(), cn_to_int(m.group("num")), _sub(m), m.group("di") is not None)
            for m in ARTICLE_MARKER_RE.finditer(text)]


def clause_end(text: str, pos: int) -> int:
    """End of the 第N款 / 第（N）项 suffixes starting at ``pos`` (``pos`` when there are none)."""
    m = CLAUSE_RE.match(text, pos)
    while m:
        pos = m.end()
        m = CLAUSE_RE.match(text, pos)
    return pos


def separator(gap: str) -> str | None:
    """The list or range separator ``gap`` is (第N款 suffixes aside); "" for no gap; None if not one."""
    rest = CLAUSE_RE.sub("", gap)
    if not rest:
        return ""
    word = rest.strip()
    return word if word in LIST_SEPARATORS or word in RANGE_SEPARATORS else None


def decision_items(text: str, mentions: list[LawMention]) -> list[CitedArticle]:
    """《X》三、: items of decisions and amendments, labelled 一、 二、 in the store."""
    out = []
    for law in mentions:
        m = ITEM_RE.match(text, law.end)
        if m and law.title is not None:
            out.append(CitedArticle(law.start, m.end(), cn_to_int(m.group(1)), 0, law.name, law.title, item=True))
    return out


class _Law(NamedTuple):
    start: int
    name: str
    title: str | None
    separator: str | None = None


class CitationLinker:
    """Finds the article references of a text under one ``LinkPolicy``."""

    def __init__(self, finder: LawMentionFinder, policy: LinkPolicy):
        self.finder = finder
        self.policy = policy

    def link(self, text: str, *, last_title: str | None = None, default_law: str | None = None,
             basis: str | None = None) -> list[CitedArticle]:
        """References in text order. ``last_title``: the law 本法 means before any is named here;
        ``default_law``: the law of a 第N条 that names none and continues no list; ``basis``:
        the law 上位法 means (an internal rule's stated basis)."""
        mentions = self.finder.mentions(text, every_name=self.policy.every_name, loose=self.policy.loose_quotes)
        refs: list[CitedArticle] = []
        context = last_title
        for marker in article_markers(text):
            law = self._law_of(text, marker, mentions, refs[-1] if refs else None, context, default_law, basis)
            if law is not None:
                refs.append(CitedArticle(law.start, clause_end(text, marker.end), marker.number, marker.sub,
                                         law.name, law.title, law.separator))
                context = law.title or context
        refs += decision_items(text, mentions)
        return sorted(refs, key=lambda r: r.start)

    def _law_of(self, text: str, marker: ArticleMarker, mentions: list[LawMention],
                prev: CitedArticle | None, context: str | None, default_law: str | None,
                basis: str | None = None) -> _Law | None:
        if not (marker.prefixed or self.policy.bare_numbers):
            return None
        named = self._name_before(text, mentions, marker.start, adjacent_only=not marker.prefixed)
        if named is not None:
            return _Law(named.start, named.name, named.title)
        if not marker.prefixed:  # 一共七十九条 counts articles, it cites none
            return None
        return (self._continued(text, prev, marker.start) or _superior(text, marker.start, basis)
                or self._back_reference(text, marker.start, context)
                or self._guessed(text, marker.start)
                or (_Law(marker.start, short_name(default_law), default_law) if default_law else None))

    def _name_before(self, text: str, mentions: list[LawMention], start: int,
                     adjacent_only: bool) -> LawMention | None:
        """The law named nearest before ``start`` (the longest at equal distance), if close enough."""
        best = None
        for law in mentions:
            if law.end > start or not self._attaches(text[law.end:start], adjacent_only):
                continue
            if best is None or (law.end, law.end - law.start) > (best.end, best.end - best.start):
                best = law
        return best

    def _attaches(self, gap: str, adjacent_only: bool) -> bool:
        if _ADJACENT_GAP.fullmatch(gap):
            return True
        # a name further away holds only within the clause and with no other number between
        return (not adjacent_only and len(gap) <= self.policy.name_gap and not _SENTENCE_END.search(gap)
                and not ARTICLE_MARKER_RE.search(gap))

    @staticmethod
    def _continued(text: str, prev: CitedArticle | None, start: int) -> _Law | None:
        """第十条、第十二条 / 第一条至第三条: the previous reference's law."""
        sep = separator(text[prev.end:start]) if prev is not None else None
        return _Law(start, prev.law_name, prev.title, sep) if sep is not None else None

    @staticmethod
    def _back_reference(text: str, start: int, context: str | None) -> _Law | None:
        m = BACK_REFERENCE_RE.search(text, max(0, start - 8), start)
        return _Law(m.start(), short_name(context), context) if m and context else None

    def _guessed(self, text: str, start: int) -> _Law | None:
        """继承法第十条: a law-like name right before the number that is not held."""
        m = _LAW_LIKE_TAIL.search(text, 0, start) if self.policy.guess_unknown else None
        name = _LEADING_FILLER.sub("", m.group(1)) if m else ""
        if len(name) < 3 or self.finder.is_name(name):
            return None
        return _Law(start - len(name), name, None)


def _superior(text: str, start: int, basis: str | None) -> _Law | None:
    m = SUPERIOR_LAW_RE.search(text, max(0, start - 6), start)
    return _Law(m.start(), short_name(basis), basis) if m and basis else None


def stated_basis(text: str, mentions: list[LawMention]) -> list[LawMention]:
    """The held laws a rule says it rests on: those named after 根据/依据/依照/按照 in a
    sentence that goes on to 制定本办法 (规定, 制度…), in order."""
    out: list[LawMention] = []
    for sentence in _BASIS_SENTENCE_RE.finditer(text or ""):
        lead = _BASIS_LEAD_RE.search(sentence.group(0))
        if lead is None:
            continue
        lo, hi = sentence.start() + lead.start(), sentence.end()
        out += [m for m in mentions if m.title and lo <= m.start and m.end <= hi and m not in out]
    return out


def parse_article_label(label: str) -> tuple[int, int] | None:
    """'第十条之一' -> (10, 1); '第10条' -> (10, 0); anything else -> None."""
    m = CITED_ARTICLE_RE.fullmatch((label or "").strip().replace(" ", ""))
    return _numbers(m) if m else None


def parse_article_ref(ref: str | int) -> tuple[int, int]:
    """(number, sub) of an article as a user types it: 第五十六条, 56, 五十六, 第十条之一, 56-1."""
    if isinstance(ref, int):
        return ref, 0
    text = ref.strip().replace(" ", "")
    dashed = _DASHED.fullmatch(text)
    if dashed:
        return int(dashed.group(1)), int(dashed.group(2))
    m = ARTICLE_MARKER_RE.fullmatch(text)
    parsed = _numbers(m) if m else None
    if parsed is None and re.fullmatch(NUMERAL, text) and cn_to_int(text) is not None:
        parsed = cn_to_int(text), 0
    if parsed is None:
        raise XuefaError(f"看不懂的条号：{ref}（例：第五十六条、56、第十条之一）")
    return parsed


def _sub(m: re.Match) -> int:
    return (cn_to_int(m.group("sub")) or 0) if m.group("sub") else 0


def _numbers(m: re.Match) -> tuple[int, int] | None:
    number = cn_to_int(m.group("num"))
    sub = cn_to_int(m.group("sub")) if m.group("sub") else 0
    return None if number is None or sub is None else (number, sub)
