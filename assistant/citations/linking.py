"""Finding the national laws and articles an internal rule cites, with the one citation lexer.

A rule names its basis in a sentence like 为了……，根据《中华人民共和国保守国家秘密法》，制定本办法;
its articles then cite 《保密法》第十条, 网络安全法第二十一条, or 上位法第N条 / 本法第N条, which
mean the stated basis. Only laws the store holds as national texts (not other internal rules)
are linked; a 《X》 that names no held law is kept with an empty title, so that a later import of
that law can resolve it.
"""
from __future__ import annotations

from knowledge.legal.citations import RULE_POLICY, CitationLinker, stated_basis
from knowledge.legal.documents import Document
from knowledge.legal.law_names import LawMention, LawMentionFinder
from knowledge.store.article_store import ArticleStore
from knowledge.store.citation_links import CitationLink

_BACK_WORDS = ("上位法", "本法", "该法", "上述法律")


class RuleLinker:
    """The citation links of one internal rule, against the titles the store holds now."""

    def __init__(self, store: ArticleStore):
        self.store = store
        self._finder: tuple[int, LawMentionFinder] | None = None

    def finder(self) -> LawMentionFinder:
        """The names of the national texts held (rebuilt when the store changes)."""
        version = self.store.version()
        if self._finder is None or self._finder[0] != version:
            statutes = {d.title for d in self.store.list_documents() if not d.is_internal}
            self._finder = version, LawMentionFinder(statutes)
        return self._finder[1]

    def links(self, rule: Document) -> list[CitationLink]:
        finder = self.finder()
        linker = CitationLinker(finder, RULE_POLICY)
        parts = [("", rule.preamble)] + [(a.label, a.text) for a in self.store.articles_of(rule.id)]
        basis_label, basis = self._basis(finder, parts)
        out: list[CitationLink] = []
        for label, text in parts:
            cited = self._article_links(rule, label, text, linker, basis)
            starts = {text.find(x.quote) for x in cited}
            out += cited
            out += self._whole_laws(rule, label, text, finder, basis if label == basis_label else [], starts)
        return out

    @staticmethod
    def _basis(finder: LawMentionFinder, parts: list[tuple[str, str]]) -> tuple[str, list[LawMention]]:
        """Where the rule states its basis, and the laws it names there."""
        for label, text in parts[:4]:  # the basis sentence opens a rule: preamble or first articles
            found = stated_basis(text, finder.mentions(text, loose=True))
            if found:
                return label, found
        return "", []

    @staticmethod
    def _article_links(rule: Document, label: str, text: str, linker: CitationLinker,
                       basis: list[LawMention]) -> list[CitationLink]:
        first = basis[0].title if basis else None
        out = []
        for ref in linker.link(text, last_title=first, basis=first):
            if ref.number is None or ref.item:
                continue
            via = "superior" if text.startswith(_BACK_WORDS, ref.start) else "named"
            out.append(CitationLink(rule.id, label, ref.title or "", ref.law_name, ref.number, ref.sub,
                                    via, text[ref.start:ref.end]))
        return out

    @staticmethod
    def _whole_laws(rule: Document, label: str, text: str, finder: LawMentionFinder,
                    basis: list[LawMention], article_starts: set[int]) -> list[CitationLink]:
        """《X》 named for itself (依据《X》, 遵守《X》), not as the name of a cited article:
        quoted names only, so that ordinary words (宪法意识) are never taken for a citation."""
        names = {(m.start, m.end) for m in basis}
        out = []
        for m in finder.mentions(text, loose=True):
            if m.quoted and m.title and m.start not in article_starts:
                via = "basis" if (m.start, m.end) in names else "named"
                out.append(CitationLink(rule.id, label, m.title, m.name, None, 0, via, text[m.start:m.end]))
        return out
