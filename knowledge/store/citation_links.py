"""Which national laws and articles each internal rule cites (its 上位法), in the article store.

One row per (rule, rule article, law, cited article): the law by title, the article by number
(``number`` None when the rule names the law as a whole), never by article id, so the links
outlive re-imports and new versions of the law; which version the rule meant is decided when
the links are checked, from the rule's date. A rule's links are replaced together in one
transaction, and deleting the rule deletes them (foreign key, cascading).

The table lives in the article store's database (it relates documents of that store) and is
created on first use.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, delete, insert, select

from knowledge.store.article_store import ArticleStore, metadata

citation_links = Table(
    "citation_links", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rule_article", Text, default=""),  # label of the rule's article that cites ("" preamble)
    Column("law_title", Text, nullable=False, index=True),  # held title ("" when the law is not held)
    Column("law_name", Text, default=""),  # as written
    Column("number", Integer, nullable=True),  # None: the law as a whole
    Column("sub", Integer, default=0),
    Column("via", String(10), default="named"),  # named | basis | superior (上位法/本法)
    Column("quote", Text, default=""),  # the citation as written (bounded)
)

MAX_QUOTE = 120


@dataclass(frozen=True)
class CitationLink:
    """One law or article an internal rule cites."""

    rule_id: str
    rule_article: str
    law_title: str
    law_name: str
    number: int | None
    sub: int = 0
    via: str = "named"
    quote: str = ""

    @property
    def whole_law(self) -> bool:
        return self.number is None


class CitationLinks:
    """Repository of the links (table created on first use)."""

    def __init__(self, store: ArticleStore):
        self.store = store
        metadata.create_all(store.engine, tables=[citation_links])

    def replace(self, rule_id: str, links: list[CitationLink]) -> None:
        """The rule's links become exactly ``links`` (re-linking a rule is idempotent)."""
        rows = list({_key(x): x for x in links}.values())
        with self.store._lock, self.store.engine.begin() as conn:
            conn.execute(delete(citation_links).where(citation_links.c.rule_id == rule_id))
            if rows:
                conn.execute(insert(citation_links), [
                    dict(rule_id=rule_id, rule_article=x.rule_article, law_title=x.law_title,
                         law_name=x.law_name, number=x.number, sub=x.sub, via=x.via,
                         quote=x.quote[:MAX_QUOTE]) for x in rows])

    def forget(self, rule_ids: list[str]) -> None:
        with self.store._lock, self.store.engine.begin() as conn:
            conn.execute(delete(citation_links).where(citation_links.c.rule_id.in_(rule_ids)))

    def of_rule(self, rule_id: str) -> list[CitationLink]:
        return self._select(select(citation_links).where(citation_links.c.rule_id == rule_id))

    def citing(self, law_title: str) -> list[CitationLink]:
        return self._select(select(citation_links).where(citation_links.c.law_title == law_title))

    def unresolved(self) -> list[CitationLink]:
        """Citations of laws the store did not hold when their rule was linked."""
        return self._select(select(citation_links).where(citation_links.c.law_title == ""))

    def all(self) -> list[CitationLink]:
        return self._select(select(citation_links))

    def _select(self, stmt) -> list[CitationLink]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(citation_links.c.rule_id, citation_links.c.id)).mappings().all()
        return [CitationLink(r["rule_id"], r["rule_article"] or "", r["law_title"], r["law_name"] or "",
                             r["number"], r["sub"] or 0, r["via"] or "named", r["quote"] or "") for r in rows]


def _key(x: CitationLink) -> tuple:
    return x.rule_article, x.law_title or x.law_name, x.number, x.sub
