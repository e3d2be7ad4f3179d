"""Citation service: which national laws internal rules cite, and which rules need review.

It links an internal rule when it is ingested (as an ingestion listener: ``documents_added``),
replaces the links when the rule is ingested again, and re-links rules whose citations named a
law the store did not hold when that law arrives. ``refresh`` re-links every rule (a backfill
for rules ingested before links existed); ``review`` compares what each rule cites in the
version it meant with the current version (see ``review.CitationReviewer``).
"""
from __future__ import annotations

import logging

from assistant.citations.linking import RuleLinker
from assistant.citations.review import CitationReviewer
from assistant.citations.types import RuleReview
from knowledge.errors import NotFoundError
from knowledge.legal.documents import Document
from knowledge.legal.law_names import LawNameResolver
from knowledge.store.article_store import ArticleStore
from knowledge.store.citation_links import CitationLink, CitationLinks

log = logging.getLogger(__name__)


class CitationService:
    def __init__(self, store: ArticleStore, links: CitationLinks):
        self.store = store
        self.links = links
        self.linker = RuleLinker(store)
        self.reviewer = CitationReviewer(store)

    # ---- linking ----------------------------------------------------------------------------
    def link(self, rule: Document) -> list[CitationLink]:
        """Find and store the citations of one internal rule (replacing its previous links)."""
        found = self.linker.links(rule) if rule.is_internal else []
        self.links.replace(rule.id, found)
        return found

    def refresh(self) -> int:
        """Re-link every internal rule of the store; returns how many rules were linked."""
        rules = [d for d in self.store.list_documents() if d.is_internal]
        for rule in rules:
            self.link(rule)
        return len(rules)

    def rules(self) -> list[Document]:
        """Current internal rules (a superseded version of a rule is no longer applied)."""
        return [d for d in self.store.list_documents(current_only=True) if d.is_internal]

    # ---- ingestion listener -----------------------------------------------------------------------
    def documents_added(self, docs: list[Document]) -> None:
        rules = [d for d in docs if d.is_internal]
        laws = [d.title for d in docs if not d.is_internal]
        unresolved = self.links.unresolved() if laws else []
        if unresolved:  # rules that named one of these laws before it was held link to it now
            resolver = LawNameResolver(laws)
            waiting = {x.rule_id for x in unresolved if resolver.resolve(x.law_name)}
            rules += [self.store.get_document(i) for i in sorted(waiting - {r.id for r in rules})]
        for rule in rules:
            self.link(rule)

    def documents_changed(self, docs: list[Document]) -> None:
        return None  # links name laws by title: status changes are read when checking

    def documents_removed(self, doc_ids: list[str]) -> None:
        self.links.forget(doc_ids)  # the foreign key cascades too; this covers other databases

    # ---- review ----------------------------------------------------------------------------------
    def review(self, *, flagged_only: bool = True, rule: str | None = None) -> list[RuleReview]:
        """Every internal rule that cites a national law (only those needing review by default)."""
        rules = self.rules()
        if rule is not None:
            rules = [r for r in rules if rule in (r.id, r.title)]
            if not rules:
                raise NotFoundError(f"知识库中没有这份内部制度：{rule}")
        by_rule: dict[str, list[CitationLink]] = {}
        for link in self.links.all():
            by_rule.setdefault(link.rule_id, []).append(link)
        out = []
        for r in rules:
            review = self.reviewer.review(r, by_rule.get(r.id, []))
            if review.laws and (review.needs_review or not flagged_only):
                out.append(review)
        return out
