"""The answerer that needs no LLM: a structured Chinese answer made only of retrieved text.

    结论：<lead for the kind of question>《X》第N条规定：「<most relevant sentences, verbatim>」
    依据：
    1. 《X》第N条（章节）
    「<the article, verbatim>」
    相关条文：
    - 《Y》第M条（章节）：「<its first sentence, verbatim>……」

Sentences are scored by the question's terms (jieba, weighted by IDF over the store) plus a
bonus for the element asked for: a deadline, an amount, a penalty, a responsible body, or
whether something is allowed (可以/不得/应当). Only labels and connective words are ours:
every word of legal text comes from the store, inside 「」, so it can be verified.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer.terms import (
    QuestionIntent,
    TermStats,
    content_terms,
    question_intent,
)
from assistant.search.types import Hit
from knowledge.legal.law_names import short_name
from knowledge.legal.numerals import NUMERAL

_ITEM_RE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]")
_NUMBER_RE = re.compile(rf"{NUMERAL}\s*(?:日|天|个月|月|年|元|倍|小时|周|工作日)")
_SENT_END = "。；！？"

LEADS = {
    "article": "", "deadline": "关于期限和时间，", "amount": "关于金额和标准，", "penalty": "关于法律责任，",
    "responsible": "关于由谁负责，", "permission": "关于是否允许，", "general": "",
}
QUOTE_OPEN, QUOTE_CLOSE = "「", "」"
ELLIPSIS = "……"
LIST_QUOTE_LIMIT = 400  # a list (lead-in and items) up to this long is quoted whole in the conclusion
PENALTY_CHAPTER_BONUS = 0.25  # a penalty question prefers articles of the 法律责任 chapter


@dataclass
class Unit:
    """A sentence of an article (or an item with its lead-in), with its place in the text."""

    text: str
    para: int
    index: int  # order within the article
    lead: str = ""  # the 款's opening sentence when this is an item: 有下列情形之一的，…：

    def quoted(self) -> str:
        """The verbatim text to quote: lead-in, an ellipsis, the item."""
        if self.lead:
            return f"{self.lead}{ELLIPSIS}{self.text}"
        return self.text


def split_units(text: str) -> list[Unit]:
    units: list[Unit] = []
    lead = ""
    for p, para in enumerate(x for x in text.split("\n") if x.strip()):
        para = para.strip()
        is_item = bool(_ITEM_RE.match(para))
        if not is_item:
            lead = ""
        pieces, buf = [], ""
        for ch in para:
            buf += ch
            if ch in _SENT_END:
                pieces.append(buf)
                buf = ""
        if buf.strip():
            pieces.append(buf)
        if is_item:  # an item is one unit, quoted with the lead-in of its list
            units.append(Unit(text=para, para=p, index=len(units), lead=lead))
            continue
        for piece in pieces:
            units.append(Unit(text=piece.strip(), para=p, index=len(units)))
        if para.endswith(("：", ":")):
            lead = pieces[-1].strip() if pieces else para
    return units


@dataclass
class ScoredArticle:
    hit: Hit
    coverage: float  # share of the question's term weight found in the article
    best_units: list[tuple[float, Unit]] = field(default_factory=list)
    combined: float = 0.0


@dataclass
class ExtractiveDraft:
    text: str
    conclusion: str
    supporting: list[Hit]
    related: list[Hit]
    intent: QuestionIntent


class ExtractiveAnswerer:
    """Builds the structured answer from hits; holds no state but the term statistics."""

    def __init__(self, stats: TermStats | None = None, *, max_supporting: int = 3, max_related: int = 4,
                 quote_limit: int = 600, rerank_depth: int = 5, retrieval_weight: float = 0.6):
        self.stats = stats
        self.max_supporting = max_supporting
        self.max_related = max_related
        self.quote_limit = quote_limit
        self.rerank_depth = rerank_depth
        self.retrieval_weight = retrieval_weight

    # ---- scoring -----------------------------------------------------------------
    def weights(self, question: str) -> dict[str, float]:
        terms = content_terms(question)
        if self.stats is None:
            return {t: 1.0 for t in terms}
        return {t: max(self.stats.idf(t), 0.3) for t in terms}

    def score_units(self, units: list[Unit], weights: dict[str, float], intent: QuestionIntent,
                    title: str = "") -> list[tuple[float, Unit]]:
        cues = intent.answer_cues()
        total = sum(weights.values()) or 1.0
        scored = []
        for u in units:
            hay = u.lead + u.text
            overlap = sum(w for t, w in weights.items() if t in hay) / total
            bonus = 0.0
            if cues:
                hit_cues = sum(1 for c in set(cues) if c in hay)
                bonus += min(hit_cues, 3) * 0.08
                if intent.kinds and intent.kinds[0] in ("deadline", "amount") and _NUMBER_RE.search(hay):
                    bonus += 0.2
            bonus += 0.03 if u.index == 0 else 0.0
            if len(hay) < 8:  # headings, bare list markers
                bonus -= 0.2
            scored.append((overlap + bonus, u))
        return scored

    def coverage(self, text: str, weights: dict[str, float]) -> float:
        total = sum(weights.values())
        if not total:
            return 0.0
        return sum(w for t, w in weights.items() if t in text) / total

    def rank(self, question: str, hits: list[Hit], weights: dict[str, float] | None = None,
             intent: QuestionIntent | None = None) -> list[ScoredArticle]:
        """Hits re-ordered: exact references first, then retrieval score blended with coverage
        of the question's terms (only within the first ``rerank_depth`` hits)."""
        intent = intent or question_intent(question)
        weights = weights if weights is not None else self.weights(question)
        top = max((h.score for h in hits), default=0.0) or 1.0
        scored: list[ScoredArticle] = []
        for rank, hit in enumerate(hits):
            hay = f"{short_name(hit.document.title)} {' '.join(hit.article.path)} {hit.article.text}"
            cov = self.coverage(hay, weights)
            units = self.score_units(split_units(hit.article.text), weights, intent)
            units.sort(key=lambda su: -su[0])
            s = ScoredArticle(hit=hit, coverage=cov, best_units=units)
            retrieval = max(hit.score, 0.0) / top
            rank_prior = 1.0 / (1 + rank * 0.15)
            s.combined = (self.retrieval_weight * (0.5 * retrieval + 0.5 * rank_prior)
                          + (1 - self.retrieval_weight) * cov)
            if intent.primary == "penalty" and _is_penalty_article(hit):
                s.combined += PENALTY_CHAPTER_BONUS
            if "exact" in hit.retrievers:
                s.combined += 10.0
            scored.append(s)
        # penalties live in the 法律责任 chapter: look deeper for them
        depth = len(scored) if intent.primary == "penalty" else self.rerank_depth
        head = sorted(scored[:depth], key=lambda s: -s.combined)
        return head + scored[depth:]

    # ---- writing -----------------------------------------------------------------
    def answer(self, question: str, hits: list[Hit], *, topic_question: str | None = None) -> ExtractiveDraft:
        """``question`` decides the kind of answer; ``topic_question`` (e.g. the rewritten,
        law-stripped question) gives the terms to match."""
        intent = question_intent(question)
        weights = self.weights(topic_question if topic_question is not None else question)
        ranked = self.rank(question, hits, weights, intent)
        if not ranked:
            return ExtractiveDraft("", "", [], [], intent)
        best = ranked[0]
        exact = [s for s in ranked if "exact" in s.hit.retrievers]
        if exact:
            supporting = exact[: self.max_supporting]
        else:
            supporting = [best] + [
                s for s in ranked[1:self.rerank_depth]
                if s.combined >= 0.8 * best.combined and s.coverage >= 0.5 * best.coverage
                and s.coverage > 0][: self.max_supporting - 1]
        conclusion = self._conclusion(best, intent, asked_article=bool(exact))
        related = [s.hit for s in ranked if s not in supporting][: self.max_related]

        lines = [f"结论：{conclusion}", "", "依据："]
        for i, s in enumerate(supporting, 1):
            lines.append(f"{i}. {self._label(s.hit, full=True)}{self._path(s.hit)}")
            lines.append(f"{QUOTE_OPEN}{self._body(s, intent)}{QUOTE_CLOSE}")
        if related:
            lines += ["", "相关条文："]
            for h in related:
                quote = f"{QUOTE_OPEN}{_first_sentence(h.article.text)}{QUOTE_CLOSE}"
                lines.append(f"- {self._label(h)}{self._path(h)}：{quote}")
        return ExtractiveDraft("\n".join(lines), conclusion, [s.hit for s in supporting], related, intent)

    def _conclusion(self, best: ScoredArticle, intent: QuestionIntent, *, asked_article: bool) -> str:
        label = self._label(best.hit)
        if asked_article or intent.primary == "article":
            return f"{label}规定：{QUOTE_OPEN}{self._clip(best.hit.article.text)}{QUOTE_CLOSE}"
        units = best.best_units
        if not units:
            return f"{label}规定：{QUOTE_OPEN}{self._clip(best.hit.article.text)}{QUOTE_CLOSE}"
        top_score, top = units[0]
        chosen = [top]
        for score, u in units[1:3]:
            if score >= 0.75 * top_score and score > 0 and len("".join(c.text for c in chosen + [u])) < 160:
                chosen.append(u)
        lead_text = top.lead or (top.text if top.text.endswith(("：", ":")) else "")
        if lead_text:  # a list: quote it whole when short, never a misleading part of it
            block = [u for _, u in units if u.text == lead_text or u.lead == lead_text]
            if sum(len(u.text) for u in block) <= LIST_QUOTE_LIMIT:
                chosen = block
        chosen.sort(key=lambda u: u.index)
        quote = _join_units(chosen)
        if intent.primary in ("deadline", "amount") and not _NUMBER_RE.search(quote):
            # asked for a period or an amount, found none: say so rather than imply an answer
            what = "期限" if intent.primary == "deadline" else "金额或标准"
            return (f"检索到的条文中没有直接规定所问{what}的内容；最相关的是{label}："
                    f"{QUOTE_OPEN}{quote}{QUOTE_CLOSE}")
        lead = LEADS.get(intent.primary, "")
        return f"{lead}{label}规定：{QUOTE_OPEN}{quote}{QUOTE_CLOSE}"

    def _body(self, s: ScoredArticle, intent: QuestionIntent) -> str:
        text = s.hit.article.text
        if len(text) <= self.quote_limit:
            return text
        # a long article: the 款 holding the best sentences, in order, with ellipses between
        keep = sorted({u.para for _, u in s.best_units[:3]})
        paras = [p.strip() for p in text.split("\n") if p.strip()]
        out, prev = [], None
        for p in keep:
            if prev is not None and p != prev + 1 or (prev is None and p != 0):
                out.append(ELLIPSIS)
            out.append(paras[p])
            prev = p
        if prev is not None and prev != len(paras) - 1:
            out.append(ELLIPSIS)
        return "\n".join(out)

    def _clip(self, text: str) -> str:
        return text if len(text) <= self.quote_limit else text[: self.quote_limit].rstrip() + ELLIPSIS

    @staticmethod
    def _label(hit: Hit, full: bool = False) -> str:
        title = hit.document.title if full else short_name(hit.document.title)
        return f"《{title}》{hit.article.label}"

    @staticmethod
    def _path(hit: Hit) -> str:
        return f"（{' '.join(hit.article.path)}）" if hit.article.path else ""


def _is_penalty_article(hit: Hit) -> bool:
    path = " ".join(hit.article.path)
    return ("法律责任" in path or "罚则" in path) and any(
        w in hit.article.text for w in ("处罚", "罚款", "处分", "追究", "拘留", "吊销", "责令"))


def _join_units(units: list[Unit]) -> str:
    """Chosen sentences in article order, verbatim, "……" where text was skipped; an item is
    preceded by its list's lead-in unless that lead-in was already quoted."""
    out = ""
    prev: Unit | None = None
    quoted_leads = {u.text for u in units if not u.lead}
    for u in units:
        if u.lead and u.lead not in quoted_leads and (prev is None or prev.lead != u.lead):
            piece = u.quoted()
            quoted_leads.add(u.lead)
            contiguous = False
        else:
            piece = u.text
            contiguous = prev is not None and u.index == prev.index + 1
        if prev is None:
            out = piece
        elif contiguous and (u.para == prev.para or u.lead):
            out += ("\n" if u.para != prev.para else "") + piece
        else:
            out += ELLIPSIS + piece
        prev = u
    return out


def _first_sentence(text: str, limit: int = 60) -> str:
    first = text.split("\n", 1)[0]
    for i, ch in enumerate(first):
        if ch in _SENT_END and i >= 8:
            first = first[: i + 1]
            break
    if len(first) > limit:
        return first[:limit] + ELLIPSIS
    return first + (ELLIPSIS if len(first) < len(text.strip()) else "")


def format_suggestions(hits: list[Hit], limit: int = 3) -> str:
    """The 'closest articles' list of a not-found answer (labels and verbatim openings)."""
    lines = []
    for h in hits[:limit]:
        path = f"（{' '.join(h.article.path)}）" if h.article.path else ""
        lines.append(f"- 《{short_name(h.document.title)}》{h.article.label}{path}："
                     f"{QUOTE_OPEN}{_first_sentence(h.article.text)}{QUOTE_CLOSE}")
    return "\n".join(lines)
