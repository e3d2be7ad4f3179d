"""Has a law an internal rule cites changed since the rule was written?

The version a rule meant is the one in force at the rule's date (its publish date, else its
effective date, else the day it was imported), as ``RevisionService.in_force_on`` tells: a text
published before the rule but taking effect after it was not yet the law the rule applied.
Each cited article is followed from that version to the current one:

* both versions held: the revision engine aligns them by content (``align``), so 第二十一条 is
  found wherever its text went, and ``word_diff`` shows what changed inside it;
* only the current text held (the bundled 网络安全法 is the 2025 text): the amendment decisions
  between the two dates (关于修改《X》的决定, held as 修改决定) give the old numbering
  (``amendments.renumbering``); an article the decisions do not reword has today's text under
  its new number, one they reword is reported with the decision's item (the old wording is
  not held, so there is no word diff);
* neither: the article is reported as 无法比对, the rule as needing review.
"""
from __future__ import annotations

from assistant.citations.changes import LawChanges, LawDelta, doc_date
from assistant.citations.types import ArticleReview, LawReview, RuleReview
from knowledge.legal.amendments import Renumbering
from knowledge.legal.documents import Document
from knowledge.legal.numerals import article_label
from knowledge.legal.revisions import ArticleChange, word_diff
from knowledge.store.article_store import ArticleStore
from knowledge.store.citation_links import CitationLink


def rule_date(rule: Document) -> str:
    return (rule.publish_date or rule.effective_date or rule.created_at or "")[:10]


class CitationReviewer:
    """Compares what a rule cites in the version it meant with the current version."""

    def __init__(self, store: ArticleStore):
        self.store = store
        self.changes = LawChanges(store)

    def review(self, rule: Document, links: list[CitationLink]) -> RuleReview:
        date = rule_date(rule)
        out = RuleReview(rule.id, rule.title, date)
        by_law: dict[str, list[CitationLink]] = {}
        for link in links:
            if link.law_title:
                by_law.setdefault(link.law_title, []).append(link)
        for title, law_links in by_law.items():
            law = self._law(title, date, law_links)
            if law is not None:
                out.laws.append(law)
        return out

    def _law(self, title: str, date: str, links: list[CitationLink]) -> LawReview | None:
        delta = self.changes.since(title, date)
        if delta is None:
            return None
        then, current = delta.then, delta.current
        articles = [x for x in links if x.number is not None]
        law = LawReview(title, doc_date(then) if then else "", doc_date(current), delta.revised, current.status,
                        whole_law=len(articles) < len(links))
        cited = list({(x.number, x.sub): x for x in articles}.values())
        if not delta.revised:
            law.articles = [self._as_is(current, x) for x in cited]
        elif delta.by_text:
            law.articles = self._by_text(delta, cited)
            law.note = f"按 {doc_date(then)} 版与现行 {doc_date(current)} 版逐条比对"
        else:
            law.articles, law.note = self._by_decisions(delta, cited)
        return law

    # ---- the version the rule meant is current -------------------------------------------------
    def _as_is(self, current: Document, link: CitationLink) -> ArticleReview:
        art = self.store.find_article(current.id, link.number, link.sub)
        label = article_label(link.number, link.sub)
        if art is None:
            return ArticleReview(label, "missing", note="现行文本中没有这一条", rule_article=link.rule_article,
                                 quote=link.quote)
        return ArticleReview(label, "unchanged", [art.label], [("equal", art.text)], rule_article=link.rule_article,
                             quote=link.quote)

    # ---- both versions held: align their texts -----------------------------------------------------
    def _by_text(self, delta: LawDelta, cited: list[CitationLink]) -> list[ArticleReview]:
        out = []
        for link in cited:
            label = article_label(link.number, link.sub)
            change = next((c for c in delta.changes
                           if any((a.number, a.sub) == (link.number, link.sub) for a in c.old)), None)
            review = _from_change(label, change) if change else ArticleReview(
                label, "missing", note=f"{doc_date(delta.then)} 版中没有这一条")
            review.rule_article, review.quote = link.rule_article, link.quote
            out.append(review)
        return out

    # ---- only the current text held: the amendment decisions tell the old numbering ------------
    def _by_decisions(self, delta: LawDelta, cited: list[CitationLink]) -> tuple[list[ArticleReview], str]:
        if not delta.decisions:
            note = f"库中没有 {delta.date} 时施行的文本，也没有其后的修改决定，无法逐条比对"
            return [ArticleReview(article_label(x.number, x.sub), "unknown", note=note, rule_article=x.rule_article,
                                  quote=x.quote) for x in cited], note
        out = []
        for link in cited:
            review = self._decided(delta.current, link, delta.numbering)
            review.note = f"按{delta.decision_names}推算" + (f"；{review.note}" if review.note else "")
            review.rule_article, review.quote = link.rule_article, link.quote
            out.append(review)
        return out, f"库中没有 {delta.date} 时施行的文本；按其后的修改决定推算条号"

    def _decided(self, current: Document, link: CitationLink, numbering: list[Renumbering]) -> ArticleReview:
        label = article_label(link.number, link.sub)
        number: int | None = link.number
        changed, item = False, ""
        for r in numbering:
            if number in r.deleted:
                return ArticleReview(label, "deleted", note=_item(r, number))
            if number in r.merged:
                target = self.store.find_article(current.id, r.merged[number], 0)
                now = [target.label] if target else []
                return ArticleReview(label, "merged", now, note=_item(r, number))
            changed = changed or number in r.changed
            item = item or r.items.get(number, "")
            number = r.new_number(number) if link.sub == 0 else None
            if number is None:
                return ArticleReview(label, "unknown", note="修改决定未说明这一条的新条号")
        art = self.store.find_article(current.id, number, 0)
        if art is None:
            return ArticleReview(label, "missing", note=f"现行文本中没有{article_label(number)}")
        if changed:  # the old wording is not held: no diff, the decision's item says what changed
            return ArticleReview(label, "changed", [art.label], note=f"修改决定：{item[:200]}")
        status = "renumbered" if art.label != label else "unchanged"
        return ArticleReview(label, status, [art.label], [("equal", art.text)],
                             note="修改决定未改动其文字" if status == "renumbered" else "")


def _item(r: Renumbering, number: int) -> str:
    text = r.items.get(number, "")
    return f"修改决定：{text[:200]}" if text else ""


def _from_change(label: str, change: ArticleChange) -> ArticleReview:
    now = change.new_labels
    old_text = "\n".join(a.text for a in change.old)
    new_text = "\n".join(a.text for a in change.new)
    if change.kind == "deleted":
        return ArticleReview(label, "deleted", [], [("delete", old_text)])
    diff = word_diff(old_text, new_text)
    if change.kind == "unchanged":
        status = "renumbered" if change.renumbered else "unchanged"
    else:
        status = change.kind  # changed / split / merged
    return ArticleReview(label, status, now, diff)
