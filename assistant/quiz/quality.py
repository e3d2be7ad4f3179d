"""Automatic quality check of a generated question, independent of the generator.

It re-reads the source articles from the store and verifies what the question asserts:

``source_exists``       the article exists and its law/label are what the question says;
``key_in_options``      the key is well-formed and among the options (one for 单选, ≥2 for 多选);
``options_unique``      enough options, none empty, no two the same;
``key_matches_claims``  the options the key marks are exactly the claims that hold;
``claims_verbatim``     every claim said to hold is verbatim in its article;
``perturbation_changes``a perturbed claim differs from its original, which is verbatim;
``perturbation_false``  a false claim is absent from its article (and, when perturbed, from the law);
``distractor_real``     a distractor borrowed from another article is verbatim there;
``blank_verbatim``      the blank's answer is verbatim in the article and fills the stem correctly;
``explanation_verbatim``the explanation quotes the article verbatim;
``basis_verbatim``      (LLM items) the passage the key rests on is verbatim in the article;
``revision_contrast``   (新修订 items) the key is provable from the current text, the old value
                        from an earlier version of the same law (and from nowhere in the current law).

Checks that do not apply to a question are not reported for it. Besides these hard checks,
soft ``warnings`` flag what makes an item weaker without making it wrong (``context_dependent``:
a statement leaning on 前款/本条…; ``length_giveaway``: the key is by far the longest or
shortest option; ``paired_options``: two options nearly identical, hinting the key).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

from assistant.quiz.text import contains_verbatim, leans_on_context, norm, similarity
from assistant.quiz.types import BLANK, TRUE_FALSE, Question
from knowledge.errors import NotFoundError
from knowledge.legal.documents import Article, Document
from knowledge.store.article_store import ArticleStore

CHECKS = ("source_exists", "key_in_options", "options_unique", "key_matches_claims", "claims_verbatim",
          "perturbation_changes", "perturbation_false", "distractor_real", "blank_verbatim",
          "explanation_verbatim", "basis_verbatim", "revision_contrast")

MIN_OPTIONS = {"单选": 4, "多选": 4}
WARNINGS = ("context_dependent", "length_giveaway", "paired_options")


@dataclass
class QualityReport:
    question_id: str
    generator: str
    qtype: str
    results: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # soft: see WARNINGS

    @property
    def passed(self) -> bool:
        return all(self.results.values())

    def record(self, check: str, ok: bool, problem: str = "") -> None:
        self.results[check] = self.results.get(check, True) and ok
        if not ok and problem:
            self.problems.append(f"{check}: {problem}")


class QualityChecker:
    """Checks questions against the store (articles are read once and cached)."""

    def __init__(self, store: ArticleStore):
        self.store = store
        self._articles: dict[int, Article | None] = {}
        self._docs: dict[str, Document | None] = {}
        self._law_text: dict[str, str] = {}

    def article(self, article_id: int) -> Article | None:
        if article_id not in self._articles:
            try:
                self._articles[article_id] = self.store.get_article(article_id)
            except NotFoundError:
                self._articles[article_id] = None
        return self._articles[article_id]

    def law_text(self, doc_id: str) -> str:
        if doc_id not in self._law_text:
            self._law_text[doc_id] = "\n".join(a.text for a in self.store.articles_of(doc_id))
        return self._law_text[doc_id]

    def _document(self, doc_id: str) -> Document | None:
        if doc_id not in self._docs:
            try:
                self._docs[doc_id] = self.store.get_document(doc_id)
            except NotFoundError:
                self._docs[doc_id] = None
        return self._docs[doc_id]

    def check(self, q: Question) -> QualityReport:
        r = QualityReport(q.id, q.generator, q.qtype)
        art = self.article(q.article_id)
        doc = self._document(q.doc_id)
        r.record("source_exists", art is not None and doc is not None and art.label == q.article
                 and doc.title == q.law and art.doc_id == q.doc_id, f"{q.law}{q.article} 不存在或不符")
        if art is None:
            return r
        self._check_key(q, r)
        self._check_options(q, r)
        self._check_claims(q, r)
        if q.qtype == "填空" or "blank" in q.meta:
            self._check_blank(q, art, r)
        r.record("explanation_verbatim", bool(q.quote) and contains_verbatim(art.text, q.quote)
                 and norm(q.quote) in norm(q.explanation), "解析未逐字引用条文")
        self._lint(q, r)
        if "contrast" in q.meta:
            self._check_contrast(q, art, r)
        if "basis" in q.meta:
            basis = q.meta["basis"] or ""
            r.record("basis_verbatim", len(norm(basis)) >= 6 and contains_verbatim(art.text, basis),
                     f"依据不在条文中：{basis[:30]}")
        return r

    # ---- individual checks --------------------------------------------------------------
    def _check_key(self, q: Question, r: QualityReport) -> None:
        if q.qtype in ("单选", "多选"):
            ok = isinstance(q.answer, list) and all(a in q.letters for a in q.answer) \
                and len(set(q.answer)) == len(q.answer)
            ok = ok and (len(q.answer) == 1 if q.qtype == "单选" else 2 <= len(q.answer) <= len(q.options))
            r.record("key_in_options", ok, f"答案 {q.answer} 与选项 {q.letters} 不符")
        elif q.qtype == "判断":
            r.record("key_in_options", list(q.options) == list(TRUE_FALSE) and q.answer in TRUE_FALSE,
                     f"判断题答案应为正确/错误：{q.answer}")
        else:
            r.record("key_in_options", isinstance(q.answer, str) and bool(q.answer.strip())
                     and not q.options and q.stem.count(BLANK) == 1, "填空题应有一个空且答案非空")

    def _check_options(self, q: Question, r: QualityReport) -> None:
        if q.qtype not in ("单选", "多选"):
            return
        keys = [norm(o) for o in q.options]
        r.record("options_unique", len(keys) >= MIN_OPTIONS[q.qtype] and all(keys)
                 and len(set(keys)) == len(keys), f"选项过少、为空或重复：{q.options}")

    def _check_claims(self, q: Question, r: QualityReport) -> None:
        if not q.claims:
            return
        if q.qtype in ("单选", "多选"):
            holds = sorted(q.letters[i] for i, c in enumerate(q.claims) if c.holds) \
                if len(q.claims) == len(q.options) else None
            r.record("key_matches_claims", holds == sorted(q.answer or []),
                     f"答案 {q.answer} 与可证选项 {holds} 不符")
        elif q.qtype == "判断":
            r.record("key_matches_claims", len(q.claims) == 1
                     and (q.answer == "正确") == q.claims[0].holds, "判断答案与依据不符")
        else:
            r.record("key_matches_claims", len(q.claims) == 1 and q.claims[0].holds, "填空依据应为真")
        for c in q.claims:
            target = self.article(c.article_id)
            text = target.text if target else ""
            if c.holds:
                r.record("claims_verbatim", contains_verbatim(text, c.text), f"非原文：{c.text[:40]}")
                continue
            absent = not contains_verbatim(text, c.text)
            if c.original:
                absent = absent and not contains_verbatim(self.law_text(target.doc_id) if target else "", c.text)
                r.record("perturbation_changes", norm(c.original) != norm(c.text)
                         and contains_verbatim(text, c.original), f"改写未改变事实或原句非原文：{c.text[:40]}")
            r.record("perturbation_false", absent, f"错误选项其实在条文中：{c.text[:40]}")
            if c.origin_id is not None:
                origin = self.article(c.origin_id)
                r.record("distractor_real", origin is not None and contains_verbatim(origin.text, c.text),
                         f"干扰项不是其他条文的原文：{c.text[:40]}")

    def _lint(self, q: Question, r: QualityReport) -> None:
        shown = [c.text for c in q.claims] if q.qtype != "填空" else [q.stem]
        if q.generator == "article_locate":
            shown = []
        if any(leans_on_context(t, assertion=q.generator != "multi_enumeration") for t in shown):
            r.warnings.append("context_dependent")
        if q.qtype in ("单选", "多选") and len(q.options) >= 3:
            lengths = [len(o) for o in q.options]
            if q.qtype == "单选" and min(lengths) >= 8:
                key = lengths[q.letters.index(q.answer[0])] if q.answer and q.answer[0] in q.letters else 0
                others = [n for i, n in enumerate(lengths) if q.letters[i] not in q.answer]
                if others and (key >= 1.6 * max(others) or key <= 0.6 * min(others)):
                    r.warnings.append("length_giveaway")
            pairs = [(a, b) for i, a in enumerate(q.options) for b in q.options[i + 1:]]
            if any(len(a) >= 15 and len(b) >= 15 and similarity(a, b) >= 0.75 for a, b in pairs):
                r.warnings.append("paired_options")

    def _check_contrast(self, q: Question, art: Article, r: QualityReport) -> None:
        """修订后 X, 修订前 Y: X fills the stem to the current text, Y to the previous version's."""
        meta = q.meta.get("contrast") or {}
        prev = self.article(meta.get("previous_id") or -1)
        prev_doc = self._document(prev.doc_id) if prev else None
        doc = self._document(q.doc_id)
        earlier = prev_doc is not None and doc is not None and prev_doc.title == doc.title \
            and prev_doc.id != doc.id and doc.is_current
        new, old = meta.get("new", ""), meta.get("old", "")
        by_option = dict(zip(q.options, q.claims)) if len(q.claims) == len(q.options) else {}
        key = by_option.get(new)
        was = by_option.get(old)
        ok = earlier and new != old and key is not None and key.holds and was is not None and not was.holds
        ok = ok and [q.letters[q.options.index(new)]] == q.answer
        ok = ok and contains_verbatim(art.text, key.text) and contains_verbatim(prev.text, was.text)
        ok = ok and not contains_verbatim(self.law_text(q.doc_id), was.text)
        r.record("revision_contrast", ok, f"修订前后对比不成立：{new} / {old}")

    def _check_blank(self, q: Question, art: Article, r: QualityReport) -> None:
        blank = q.meta.get("blank") or (q.answer if isinstance(q.answer, str) else "")
        claim = next((c for c in q.claims if c.holds), None)
        ok = bool(blank) and blank in art.text and claim is not None and blank in claim.text
        if ok:
            filled = q.stem.replace(BLANK, blank, 1)
            ok = all(seg in norm(filled) for seg in (norm(p) for p in claim.text.split("……")) if seg)
        r.record("blank_verbatim", ok, f"空格答案“{blank}”不能逐字还原条文")


def pass_rates(reports: list[QualityReport], key: Callable[[QualityReport], str]) -> dict[str, dict[str, float]]:
    """Per group (by ``key``): the pass rate of every check that applied, plus ``all``."""
    groups: dict[str, list[QualityReport]] = {}
    for rep in reports:
        groups.setdefault(key(rep), []).append(rep)
    out: dict[str, dict[str, float]] = {}
    for name, reps in sorted(groups.items()):
        row: dict[str, float] = {"n": float(len(reps)), "all": sum(r.passed for r in reps) / len(reps)}
        for check in CHECKS:
            applied = [r.results[check] for r in reps if check in r.results]
            if applied:
                row[check] = sum(applied) / len(applied)
        for w in WARNINGS:
            row[f"warn:{w}"] = sum(w in r.warnings for r in reps) / len(reps)
        out[name] = row
    return out


CORRUPTIONS = ("wrong_key", "duplicate_option", "undo_perturbation", "misquote", "invented_claim")


def corrupt(q: Question, how: str) -> Question | None:
    """A broken copy of ``q`` (negative control for the quality checker); None when the
    corruption does not apply to this question."""
    breaker = _CORRUPTERS.get(how)
    if breaker is None:
        raise ValueError(how)
    bad = copy.deepcopy(q)
    return bad if breaker(q, bad) else None


def _wrong_key(q: Question, bad: Question) -> bool:
    if q.qtype == "判断":
        bad.answer = "正确" if q.answer == "错误" else "错误"
    elif q.qtype == "填空":
        bad.answer = q.answer + "以上" if not q.answer.endswith("以上") else q.answer[:-2]
        bad.meta = dict(bad.meta, blank=bad.answer)
    elif q.qtype == "单选":
        bad.answer = [x for x in q.letters if x not in q.answer][:1]
    else:
        bad.answer = sorted(set(q.letters) - set(q.answer)) + q.answer[:1]
    return True


def _duplicate_option(q: Question, bad: Question) -> bool:
    if q.qtype not in ("单选", "多选"):
        return False
    bad.options = [q.options[0], q.options[0]] + q.options[2:]
    return True


def _undo_perturbation(q: Question, bad: Question) -> bool:
    targets = [c for c in bad.claims if not c.holds and c.original]
    if targets:
        targets[0].text = targets[0].original
    return bool(targets)


def _misquote(q: Question, bad: Question) -> bool:
    if len(q.quote) < 4:
        return False
    bad.quote = q.quote[:2] + ("甲" if q.quote[2] != "甲" else "乙") + q.quote[3:]
    bad.explanation = q.explanation.replace(q.quote, bad.quote)
    return True


def _invented_claim(q: Question, bad: Question) -> bool:
    targets = [c for c in bad.claims if c.holds]
    if targets:
        targets[0].text = targets[0].text[:-1] + "并报国务院备案"
    return bool(targets)


# each breaks ``bad`` (a copy of ``q``) in place; False when its corruption does not apply
_CORRUPTERS: dict[str, Callable[[Question, Question], bool]] = {
    "wrong_key": _wrong_key, "duplicate_option": _duplicate_option, "undo_perturbation": _undo_perturbation,
    "misquote": _misquote, "invented_claim": _invented_claim,
}
