"""Deterministic, seedable question generators over one article.

Each generator looks at an :class:`ArticleContext` (the article, its law, its neighbors) and
returns a :class:`Question` or ``None`` when the article gives it nothing good to ask. Every
option is backed by a :class:`Claim` (verbatim in the article, or a controlled perturbation
that is provably absent from the law, or a real statement of a neighboring article), which
the quality checker verifies independently.

Generators (name → type):
  ``blank_element`` 填空 on periods, amounts, ratios, penalties, bodies, modal words;
  ``choice_element`` 单选: the same blank with three plausible wrong fillings;
  ``statement_match`` 单选: which statement matches 《X》第N条 (distractors: perturbations and
  statements of semantically close articles);
  ``article_locate`` 单选: which article provides "…" (options: close articles of the law);
  ``multi_statement`` 多选: true statements of the article vs perturbed ones;
  ``multi_enumeration`` 多选: which items an enumerating article lists (vs close articles' items);
  ``judge_statement`` 判断: a verbatim statement or a controlled perturbation of one.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from assistant.quiz.elements import NUMERIC_KINDS, Element, extract_elements, quantities
from assistant.quiz.perturbation import (
    Edit,
    _body_family,
    alternative_values,
    candidate_edits,
    same_body,
)
from assistant.quiz.text import (
    Sentence,
    contains_verbatim,
    is_fragment,
    leans_on_context,
    norm,
    render_number,
    shorten,
    similarity,
    split_sentences,
)
from assistant.quiz.types import BLANK, ELLIPSIS, LETTERS, Claim, Question
from knowledge.legal.documents import Article, Document
from knowledge.legal.law_names import short_name

MAX_STATEMENT = 90  # characters: longer statements are shortened (verbatim segments only)
MAX_OPTION = 70


@dataclass
class ArticleContext:
    """What a generator may look at: the article, its law, and its semantic neighbors."""

    article: Article
    document: Document
    neighbors: Callable[[int], list[Article]]  # k -> close articles (same law first)
    body_pool: list[str] = field(default_factory=list)  # bodies named anywhere in the law
    law_articles: list[Article] = field(default_factory=list)
    previous: Article | None = None  # the article's text before a revision (新修订 scopes)

    @cached_property
    def law_text(self) -> str:
        return "\n".join(a.text for a in self.law_articles) or self.article.text

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.article.text)

    @cached_property
    def statements(self) -> list[Sentence]:
        """Sentences that assert something on their own: not list items, not lead-ins (…：),
        not bare conditions (…的)."""
        return [s for s in self.sentences
                if not s.is_item and len(norm(s.text)) >= 12 and not is_fragment(s.text)]

    @property
    def law(self) -> str:
        return short_name(self.document.title)

    @property
    def chapter(self) -> str:
        return self.article.path[0] if self.article.path else ""

    def paragraph(self, index: int) -> str:
        paras = [p.strip() for p in self.article.text.split("\n") if p.strip()]
        return paras[index] if 0 <= index < len(paras) else self.article.text

    def absent_from_law(self, text: str) -> bool:
        """A changed statement is false only if the law nowhere says it."""
        return not contains_verbatim(self.law_text, text)


class Generator:
    """Base: a named, typed question maker over one article."""

    name = ""
    qtype = ""

    def generate(self, ctx: ArticleContext, rng: random.Random) -> Question | None:
        raise NotImplementedError

    def _question(self, ctx: ArticleContext, *, stem: str, options: list[str], answer, element: str,
                  quote: str, claims: list[Claim], reason: str, difficulty: int,
                  meta: dict | None = None) -> Question:
        explanation = f"{reason}\n依据《{ctx.document.title}》{ctx.article.label}：“{quote}”"
        return Question(qtype=self.qtype, stem=stem, options=options, answer=answer,
                        explanation=explanation, law=ctx.document.title, article=ctx.article.label,
                        article_id=ctx.article.id, doc_id=ctx.document.id, generator=self.name,
                        difficulty=difficulty, element=element, quote=quote, claims=claims,
                        chapter=ctx.chapter, meta=meta or {})


# ---- helpers ---------------------------------------------------------------------------
# Numbers are what the yearly exam asks most (期限, 罚款幅度…): prefer them when an article has any.
_KIND_WEIGHT = {"penalty": 6, "period": 6, "amount": 5, "ratio": 5, "date": 3, "age": 5, "count": 3,
                "body": 3, "modal": 1}
_KIND_NAME = {"penalty": "处罚幅度", "period": "期限", "amount": "金额", "ratio": "比例", "date": "日期",
              "age": "年龄", "count": "人数/次数", "body": "主管机关", "modal": "义务性用语"}


def _pick_weighted(rng: random.Random, items: list, weights: list[float]):
    if not items:
        return None
    return rng.choices(items, weights=weights, k=1)[0]


def _standalone_first(items: list, text=lambda x: x.text) -> list:
    """Statements readable on their own first (stable, so a prior shuffle still counts)."""
    return sorted(items, key=lambda x: leans_on_context(text(x)))


def _element_candidates(ctx: ArticleContext, kinds) -> list[tuple[Sentence, Element]]:
    out = []
    for s in ctx.statements:
        if s.is_item:
            continue  # an item's meaning depends on its lead-in; blanks read badly there
        for e in extract_elements(s.text):
            if e.kind in kinds:
                out.append((s, e))
    return out


def _shuffle_options(rng: random.Random, options: list[tuple[str, Claim]]) -> tuple[list[str], list[Claim], list[str]]:
    rng.shuffle(options)
    texts = [o for o, _ in options]
    claims = [c for _, c in options]
    answer = [LETTERS[i] for i, c in enumerate(claims) if c.holds]
    return texts, claims, answer


def _gives_away(statement: str, span: tuple[int, int]) -> bool:
    """The blank's answer is written elsewhere in the stem (…可以多于二十五年…)."""
    a, b = span
    return statement[a:b] in statement[:a] + "|" + statement[b:]


def _end(text: str) -> str:
    """A sentence end for a stem: 。 unless the statement already ends with ……."""
    return text if text.endswith(ELLIPSIS) else text + "。"


def _as_option(text: str) -> str:
    return norm(text) if "……" not in text else text.strip().rstrip("。；，")


def _statement_around(s: Sentence, span: tuple[int, int] | None = None, max_len: int = MAX_STATEMENT):
    span = span or (0, min(len(s.text), 4))
    return shorten(s.text, span, max_len)


def _first_element_span(text: str) -> tuple[int, int] | None:
    els = [e for e in extract_elements(text) if e.kind != "modal"] or extract_elements(text)
    return (els[0].start, els[0].end) if els else None


def _perturb(ctx: ArticleContext, statement: str, rng: random.Random,
             kinds: tuple[str, ...] = ("number", "subject", "modal", "range")) -> tuple[str, Edit] | None:
    """One controlled change of ``statement`` that the law nowhere states."""
    for edit in candidate_edits(statement, body_pool=ctx.body_pool, rng=rng, kinds=kinds):
        changed = edit.apply(statement)
        if norm(changed) != norm(statement) and ctx.absent_from_law(changed):
            return changed, edit
    return None


def _describe(edit: Edit) -> str:
    return f"原文为“{edit.old}”，而非“{edit.new}”。"


# ---- 填空 ---------------------------------------------------------------------------------
class BlankElement(Generator):
    """填空 on the element an exam would ask: a period, an amount, a penalty, a body…"""

    name = "blank_element"
    qtype = "填空"

    def generate(self, ctx, rng):
        cands = _element_candidates(ctx, _KIND_WEIGHT)
        if cands and all(e.kind == "modal" for _, e in cands) and rng.random() < 0.6:
            return None  # 应当/可以 alone is the weakest blank: let a richer article be asked
        weights = [_KIND_WEIGHT[e.kind] * (0.2 if leans_on_context(s.text) else 1.0) for s, e in cands]
        picked = _pick_weighted(rng, cands, weights)
        if picked is None:
            return None
        s, e = picked
        statement, (a, b) = _statement_around(s, (e.start, e.end))
        if statement[a:b] != e.text or _gives_away(statement, (a, b)):
            return None
        stem = f"根据《{ctx.law}》的规定，{statement[:a]}{BLANK}{_end(statement[b:])}"
        claim = Claim(statement, True, ctx.article.id)
        return self._question(
            ctx, stem=stem, options=[], answer=e.text, element=e.kind, quote=ctx.paragraph(s.paragraph),
            claims=[claim], reason=f"应填“{e.text}”（{_KIND_NAME[e.kind]}）。",
            difficulty=1 if e.kind == "modal" else 2, meta={"blank": e.text})


# ---- 单选 ---------------------------------------------------------------------------------
class ChoiceElement(Generator):
    """单选: the blank of :class:`BlankElement` with three plausible wrong fillings (other values
    of the same unit, other bodies of the same law), each provably absent from the law."""

    name = "choice_element"
    qtype = "单选"
    kinds = NUMERIC_KINDS | {"body"}

    def generate(self, ctx, rng):
        cands = _element_candidates(ctx, self.kinds)
        rng.shuffle(cands)
        # stable sorts: keep the shuffle within equal keys
        cands.sort(key=lambda c: (leans_on_context(c[0].text), -_KIND_WEIGHT[c[1].kind]))
        for s, e in cands[:6]:
            if e.kind == "body" and e.text.endswith("工会"):
                continue  # no other body can stand in for a trade union: the options read absurd
            statement, (a, b) = _statement_around(s, (e.start, e.end))
            if statement[a:b] != e.text or _gives_away(statement, (a, b)):
                continue
            wrong = self._wrong_fillings(ctx, e, statement, (a, b), rng)
            if len(wrong) < 3:
                continue
            options = [(e.text, Claim(statement, True, ctx.article.id))]
            kind = "subject" if e.kind == "body" else "number"
            for w in wrong[:3]:
                filled = statement[:a] + w + statement[b:]
                options.append((w, Claim(filled, False, ctx.article.id, original=statement, perturbation=kind)))
            texts, claims, answer = _shuffle_options(rng, options)
            stem = f"根据《{ctx.law}》的规定，{statement[:a]}{BLANK}{_end(statement[b:])}"
            return self._question(
                ctx, stem=stem, options=texts, answer=answer, element=e.kind,
                quote=ctx.paragraph(s.paragraph), claims=claims,
                reason=f"正确答案为“{e.text}”（{_KIND_NAME[e.kind]}）。", difficulty=2,
                meta={"blank": e.text})
        return None

    def _wrong_fillings(self, ctx, e: Element, statement: str, span: tuple[int, int], rng) -> list[str]:
        """Up to three fillings of the blank that the law nowhere states."""
        a, b = span
        out: list[str] = []
        candidates = _other_bodies(ctx, e, statement, rng) if e.kind == "body" else _other_numbers(e, rng)
        for text in candidates:  # lazy: stop drawing from ``rng`` once three are found
            filled = statement[:a] + text + statement[b:]
            if text != e.text and text not in out and ctx.absent_from_law(filled):
                out.append(text)
            if len(out) == 3:
                break
        return out


def _other_bodies(ctx: ArticleContext, e: Element, statement: str, rng) -> list[str]:
    """Other bodies of the law, those of the same family (…部门 for …部门) first."""
    pool = [x for x in ctx.body_pool if x not in statement and not same_body(x, e.text)]
    same = [x for x in pool if _body_family(x) == _body_family(e.text)]
    other = [x for x in pool if x not in same]
    rng.shuffle(same)
    rng.shuffle(other)
    return same + other


def _other_numbers(e: Element, rng):
    """The element with one quantity changed (a bound of a range, the year of a date)."""
    inner = quantities(e.text)
    if not inner:
        return
    for attempt in range(4):
        q = inner[attempt % len(inner)] if e.kind == "penalty" else inner[0]
        for value in alternative_values(q, e.text, 3, rng):
            yield e.text[:q.start] + render_number(value, q.numeral) + e.text[q.end:]


class StatementMatch(Generator):
    """单选 "which statement matches 《X》第N条": one verbatim statement; distractors are a
    perturbation of another sentence of the article and statements of close articles, of
    similar length so that the key does not stand out."""

    name = "statement_match"
    qtype = "单选"

    def generate(self, ctx, rng):
        if not ctx.statements:
            return None
        statements = list(ctx.statements)
        rng.shuffle(statements)
        statements = _standalone_first(statements)
        true_s = statements[0]
        true_text, _ = _statement_around(true_s, _first_element_span(true_s.text), MAX_OPTION)
        options = [(_as_option(true_text), Claim(true_text, True, ctx.article.id))]
        changed = self._perturbed_sibling(ctx, statements[1:], true_text, rng)
        if changed is not None:
            options.append(changed)
        for text, other in self._neighbour_statements(ctx, true_text):
            if len(options) >= 4:
                break
            if any(similarity(text, c.text) >= 0.6 for _, c in options):
                continue
            options.append((_as_option(text), Claim(text, False, ctx.article.id, origin_id=other.id,
                                                     perturbation="other_article")))
        if len(options) < 4:
            return None
        texts, claims, answer = _shuffle_options(rng, options[:4])
        stem = f"下列表述中，符合《{ctx.law}》{ctx.article.label}规定的是："
        return self._question(ctx, stem=stem, options=texts, answer=answer, element="statement",
                              quote=ctx.paragraph(true_s.paragraph), claims=claims,
                              reason=f"正确答案为{answer[0]}项，其余选项或改动了条文内容，或为其他条文的规定。",
                              difficulty=2)

    @staticmethod
    def _perturbed_sibling(ctx, statements: list[Sentence], true_text: str, rng) -> tuple[str, Claim] | None:
        """A perturbed other sentence of the same article: sounds right, is provably wrong."""
        for s in statements:
            text, _ = _statement_around(s, _first_element_span(s.text), MAX_OPTION)
            if leans_on_context(text) or not 0.5 <= len(text) / len(true_text) <= 2:
                continue
            changed = _perturb(ctx, text, rng)
            if changed and similarity(changed[0], true_text) < 0.6:
                return (_as_option(changed[0]), Claim(changed[0], False, ctx.article.id,
                                                      original=text, perturbation=changed[1].kind))
        return None

    @staticmethod
    def _neighbour_statements(ctx, true_text: str) -> list[tuple[str, Article]]:
        """One statement per close article, closest in meaning first; a very different length
        from the key is a giveaway, so such statements come last."""
        picks = []
        for rank, other in enumerate(ctx.neighbors(8)):
            best = _closest_in_length(ctx, other, true_text)
            if best is not None:
                picks.append((best[0] > 0.5, rank, best[1], other))
        picks.sort(key=lambda p: p[:2])
        return [(text, other) for _, _, text, other in picks]


def _closest_in_length(ctx: ArticleContext, other: Article, true_text: str) -> tuple[float, str] | None:
    """(relative length gap, statement) of ``other``'s statement nearest in length to the key,
    among those that are standalone and not like anything of the article itself."""
    best = None
    for s in split_sentences(other.text):
        if len(norm(s.text)) < 12 or s.text.rstrip().endswith("：") or s.is_item:
            continue
        text, _ = _statement_around(s, _first_element_span(s.text), MAX_OPTION)
        if leans_on_context(text) or contains_verbatim(ctx.article.text, text):
            continue
        if any(similarity(text, x.text) >= 0.5 for x in ctx.sentences):
            continue
        gap = abs(len(text) - len(true_text)) / len(true_text)
        if best is None or gap < best[0]:
            best = (gap, text)
    return best


class ArticleLocate(Generator):
    """单选 "which article provides …": the options are close articles of the same law, none
    of which contains the quoted words."""

    name = "article_locate"
    qtype = "单选"

    def generate(self, ctx, rng):
        if ctx.article.kind != "article":
            return None
        statements = [s for s in ctx.statements if 15 <= len(norm(s.text)) and not s.is_item]
        rng.shuffle(statements)
        others = [a for a in ctx.law_articles if a.id != ctx.article.id]
        for s in statements[:3]:
            quote, _ = _statement_around(s, _first_element_span(s.text), 60)
            if any(contains_verbatim(o.text, quote) for o in others):
                continue  # said in another article too: which one "provides" it is ambiguous
            near = [a for a in ctx.neighbors(8)
                    if a.doc_id == ctx.article.doc_id and a.kind == "article" and a.label != ctx.article.label]
            labels, picked = {ctx.article.label}, []
            for a in near:
                if a.label not in labels and not contains_verbatim(a.text, quote):
                    labels.add(a.label)
                    picked.append(a)
                if len(picked) == 3:
                    break
            if len(picked) < 3:
                return None
            arts = sorted([ctx.article, *picked], key=lambda a: (a.number, a.sub))
            texts = [a.label for a in arts]
            claims = [Claim(quote, a.id == ctx.article.id, a.id) for a in arts]
            answer = [LETTERS[i] for i, c in enumerate(claims) if c.holds]
            stem = f"《{ctx.law}》中，规定“{quote}”的条文是："
            return self._question(ctx, stem=stem, options=texts, answer=answer, element="locate",
                                  quote=ctx.paragraph(s.paragraph), claims=claims,
                                  reason=f"该内容规定在{ctx.article.label}。", difficulty=3)
        return None


# ---- 多选 ---------------------------------------------------------------------------------
def _units(text: str) -> list[str]:
    """Self-contained statements of an article: sentences, or 分号 clauses of long ones;
    statements leaning on their context (前款…, 但是…) are left out."""
    out = []
    for s in split_sentences(text):
        if s.is_item or len(norm(s.text)) < 12 or s.text.rstrip().endswith(("：", ":")):
            continue
        if len(s.text) <= MAX_OPTION:
            out.append(norm(s.text))
            continue
        pos = 0
        for clause in s.text.split("；"):
            start, pos = pos, pos + len(clause) + 1
            if len(norm(clause)) < 10:
                continue
            inner = _first_element_span(clause) or (0, 4)
            # shortened within the sentence, so a later clause keeps the sentence's subject
            short, _ = shorten(s.text, (start + inner[0], start + inner[1]), MAX_OPTION)
            out.append(short)
    seen, unique = set(), []
    for u in out:
        if norm(u) not in seen and not leans_on_context(u):
            seen.add(norm(u))
            unique.append(u)
    return unique


class MultiStatement(Generator):
    """多选: two or three true statements vs one or two perturbed ones. Taken from the article
    when it says enough (stem names the article), else also from its close articles of the
    same law (stem names the law; every true option is verbatim in its own article)."""

    name = "multi_statement"
    qtype = "多选"

    def generate(self, ctx, rng):
        units = [(u, ctx.article) for u in _units(ctx.article.text)]
        rng.shuffle(units)
        law_level = len(units) < 4
        if law_level:
            if not units:
                return None
            units = _with_neighbour_units(ctx, units, rng)
        if len(units) < 4:
            return None
        false_opts, used = _false_options(ctx, units, law_level, rng)
        if not false_opts:
            return None
        true_units = [(u, a) for i, (u, a) in enumerate(units) if i not in used][:4 - len(false_opts)]
        if len(true_units) < 2:
            return None
        options = [(_as_option(u), Claim(u, True, a.id)) for u, a in true_units] + false_opts
        texts, claims, answer = _shuffle_options(rng, options)
        where = f"《{ctx.law}》" if law_level else f"《{ctx.law}》{ctx.article.label}"
        stem = f"根据{where}的规定，下列说法正确的有："
        notes = _option_notes(claims, {a.id: a.label for _, a in units}, law_level)
        return self._question(ctx, stem=stem, options=texts, answer=answer, element="statements",
                              quote=_quote_of(ctx, claims) or ctx.article.text, claims=claims,
                              reason=f"正确答案为{'、'.join(answer)}。{'；'.join(notes)}。", difficulty=3)


def _with_neighbour_units(ctx: ArticleContext, units: list[tuple[str, Article]],
                          rng) -> list[tuple[str, Article]]:
    """``units`` plus up to two statements of each close article of the same law; the first
    unit stays first, the article's own ones follow it."""
    for other in ctx.neighbors(4):
        if other.doc_id != ctx.article.doc_id:
            continue
        have = {norm(u) for u, _ in units}
        # boilerplate (构成犯罪的，依法追究刑事责任) is too short to tell anything apart
        more = [u for u in _units(other.text) if len(norm(u)) >= 15 and norm(u) not in have]
        rng.shuffle(more)
        units += [(u, other) for u in more[:2]]
    return units[:1] + sorted(units[1:], key=lambda x: x[1].id != ctx.article.id)


def _false_options(ctx: ArticleContext, units: list[tuple[str, Article]], law_level: bool,
                   rng) -> tuple[list[tuple[str, Claim]], set[int]]:
    """One or two perturbed units as wrong options, and the indexes of the units used."""
    want_false = rng.choice((1, 2))
    false_opts: list[tuple[str, Claim]] = []
    used = set()
    for i, (u, art) in enumerate(units):
        if len(false_opts) == want_false:
            break
        if i == 0 and law_level:
            continue  # the anchor article keeps a true statement: the question is about it
        changed = _perturb(ctx, u, rng)
        if changed:
            false_opts.append((_as_option(changed[0]), Claim(changed[0], False, art.id,
                                                              original=u, perturbation=changed[1].kind)))
            used.add(i)
    return false_opts, used


def _option_notes(claims: list[Claim], labels: dict[int, str], law_level: bool) -> list[str]:
    """What the explanation says of each option: the change of a wrong one, the article of a
    true one when the options come from several articles."""
    notes = []
    for i, c in enumerate(claims):
        if not c.holds:
            notes.append(_describe_claim(c, LETTERS[i]))
        elif law_level:
            notes.append(f"{LETTERS[i]}项见{labels[c.article_id]}")
    return notes


def _quote_of(ctx: ArticleContext, claims: list[Claim]) -> str:
    """The article, or for a long one the paragraphs its options come from."""
    mine = [c for c in claims if c.article_id == ctx.article.id]
    if len(ctx.article.text) <= 500 or not mine:
        return ctx.article.text
    return ELLIPSIS.join(p for p in ctx.article.text.split("\n")
                         if any(contains_verbatim(p, c.original or c.text) for c in mine))


def _describe_claim(c: Claim, letter: str) -> str:
    if c.original:
        return f"{letter}项改动了条文，原文为“{norm(c.original)}”"
    return f"{letter}项并非本条规定"


class MultiEnumeration(Generator):
    """多选 on an enumerating article (…下列措施：（一）…（二）…): which items it lists, against
    items of close articles' lists (or perturbed items when the neighbors have none)."""

    name = "multi_enumeration"
    qtype = "多选"

    def generate(self, ctx, rng):
        items = _listed_items(ctx)
        if items is None:
            return None
        rng.shuffle(items)
        n_true = min(len(items), rng.choice((2, 3, 3, 4)))
        options = [(t, Claim(t, True, ctx.article.id)) for t in (_item_text(s.text) for s in items[:n_true])]
        want = n_true + (max(1, 4 - n_true) if n_true < 4 else 1)
        _add_neighbour_items(ctx, options, [x.text for x in items], want)
        for s in items[n_true:]:  # perturbed unused items when neighbors gave too few
            if len(options) >= want:
                break
            t = _item_text(s.text)
            changed = _perturb(ctx, t, rng)
            if changed:
                options.append((norm(changed[0]), Claim(changed[0], False, ctx.article.id, original=t,
                                                        perturbation=changed[1].kind)))
        if len(options) < 4 or len(options) - n_true < 1:
            return None
        texts, claims, answer = _shuffle_options(rng, options)
        head = norm(items[0].lead)
        stem = f"《{ctx.law}》{ctx.article.label}规定：“{head}……”下列属于该条所列内容的有："
        return self._question(ctx, stem=stem, options=texts, answer=answer, element="enumeration",
                              quote=ctx.article.text, claims=claims,
                              reason=f"正确答案为{'、'.join(answer)}。其余选项不在该条所列之中。",
                              difficulty=3)


def _listed_items(ctx: ArticleContext) -> list[Sentence] | None:
    """The items of the article's first list (at least three), or None."""
    items = [s for s in ctx.sentences if s.is_item and s.lead and len(norm(s.text)) >= 6]
    if len(items) < 3:
        return None
    items = [s for s in items if s.lead == items[0].lead]
    return items if len(items) >= 3 else None


def _add_neighbour_items(ctx: ArticleContext, options: list[tuple[str, Claim]], own: list[str], want: int) -> None:
    """Wrong options from close articles' lists, one per article, unlike the article's own
    items (``own``) and the options so far, until there are ``want`` options."""
    for other in ctx.neighbors(10):
        if len(options) >= want:
            break
        for s in split_sentences(other.text):
            if not s.is_item or len(norm(s.text)) < 6:
                continue
            t = _item_text(s.text)
            if contains_verbatim(ctx.article.text, t) or any(similarity(t, x) >= 0.5 for x in own):
                continue
            if any(similarity(t, o) >= 0.6 for o, _ in options):
                continue
            options.append((t, Claim(t, False, ctx.article.id, origin_id=other.id, perturbation="other_article")))
            break


def _item_text(text: str) -> str:
    t, _ = shorten(text, (0, min(4, len(text))), MAX_OPTION)
    return norm(t)


# ---- 判断 ---------------------------------------------------------------------------------
class JudgeStatement(Generator):
    """判断: a verbatim statement (正确) or one controlled change of it (错误)."""

    name = "judge_statement"
    qtype = "判断"

    def __init__(self, true_ratio: float = 0.45):
        self.true_ratio = true_ratio

    def generate(self, ctx, rng):
        statements = [s for s in ctx.statements if not s.is_item]
        if not statements:
            return None
        rng.shuffle(statements)
        statements = _standalone_first(statements)
        want_true = rng.random() < self.true_ratio
        for s in statements[:4]:
            span = _first_element_span(s.text)
            if span is None and not want_true:
                continue
            statement, _ = _statement_around(s, span)
            if want_true:
                return self._make(ctx, s, statement, Claim(statement, True, ctx.article.id),
                                  "正确。题干与条文一致。", "statement", 1)
            changed = _perturb(ctx, statement, rng)
            if changed:
                text, edit = changed
                claim = Claim(text, False, ctx.article.id, original=statement, perturbation=edit.kind)
                return self._make(ctx, s, text, claim, f"错误。{_describe(edit)}", edit.kind,
                                  1 if edit.kind == "modal" else 2)
        return None

    def _make(self, ctx, s, text, claim, reason, element, difficulty):
        stem = f"根据《{ctx.law}》的规定，{_end(text.rstrip('。；，'))}"
        answer = "正确" if claim.holds else "错误"
        return self._question(ctx, stem=stem, options=["正确", "错误"], answer=answer, element=element,
                              quote=ctx.paragraph(s.paragraph), claims=[claim], reason=reason,
                              difficulty=difficulty)


# ---- 新修订 -------------------------------------------------------------------------------
class RevisionContrast(Generator):
    """单选 "修订后，……为（　　）": a value the revision changed (期限, 金额, 罚款, 主管机关…).
    The key is verbatim in the current article, the old value is a distractor verbatim in the
    article's previous text (and absent from the current law), two more wrong fillings are
    absent from both. Only for articles whose previous text is known (``ctx.previous``)."""

    name = "revision_contrast"
    qtype = "单选"
    kinds = (NUMERIC_KINDS | {"body"}) - {"date"}  # a new 施行日期 is no change of substance

    def generate(self, ctx, rng):
        if ctx.previous is None:
            return None
        cands = _element_candidates(ctx, self.kinds)
        rng.shuffle(cands)
        for s, e in cands:
            statement, (a, b) = _statement_around(s, (e.start, e.end))
            if statement[a:b] != e.text or _gives_away(statement, (a, b)):
                continue
            old = self._old_value(ctx, e, statement, (a, b))
            if old is None:
                continue
            wrong = [w for w in ChoiceElement()._wrong_fillings(ctx, e, statement, (a, b), rng)
                     if w != old and not contains_verbatim(ctx.previous.text, statement[:a] + w + statement[b:])]
            if len(wrong) < 2:
                continue
            return self._contrast(ctx, s, e, statement, (a, b), old, wrong[:2], rng)
        return None

    @staticmethod
    def _old_value(ctx: ArticleContext, e: Element, statement: str, span: tuple[int, int]) -> str | None:
        """The value the previous text had where the current one has ``e``, if it says so verbatim."""
        a, b = span
        for old in extract_elements(ctx.previous.text):
            filled = statement[:a] + old.text + statement[b:]
            if old.kind != e.kind or old.text in e.text or e.text in old.text:
                continue  # 中华人民共和国国务院…主管部门 → 国务院…主管部门 is the same body
            if contains_verbatim(ctx.previous.text, filled) and ctx.absent_from_law(filled):
                return old.text
        return None

    def _contrast(self, ctx, s: Sentence, e: Element, statement: str, span: tuple[int, int], old: str,
                  wrong: list[str], rng) -> Question:
        a, b = span
        prev = ctx.previous
        kind = "subject" if e.kind == "body" else "number"
        options = [(e.text, Claim(statement, True, ctx.article.id)),
                   (old, Claim(statement[:a] + old + statement[b:], False, ctx.article.id, origin_id=prev.id,
                               perturbation="previous_version"))]
        options += [(w, Claim(statement[:a] + w + statement[b:], False, ctx.article.id, original=statement,
                              perturbation=kind)) for w in wrong]
        texts, claims, answer = _shuffle_options(rng, options)
        stem = f"《{ctx.law}》修订后，{statement[:a]}{BLANK}{_end(statement[b:])}"
        reason = (f"修订后为“{e.text}”（{_KIND_NAME[e.kind]}）；修订前的{prev.label}为“{old}”：“"
                  f"{statement[:a] + old + statement[b:]}”。")
        return self._question(ctx, stem=stem, options=texts, answer=answer, element=e.kind,
                              quote=ctx.paragraph(s.paragraph), claims=claims, reason=reason, difficulty=3,
                              meta={"blank": e.text, "contrast": {"previous_id": prev.id, "old": old, "new": e.text}})


GENERATORS: dict[str, Generator] = {g.name: g for g in (
    BlankElement(), ChoiceElement(), StatementMatch(), ArticleLocate(),
    MultiStatement(), MultiEnumeration(), JudgeStatement(),
)}
# only for articles whose previous text is known (新修订 scopes), tried first there; not in the default draw
CONTRAST = RevisionContrast()

# How often each generator of a type is tried first (the rest follow as fallbacks).
GENERATOR_WEIGHTS: dict[str, dict[str, float]] = {
    "填空": {"blank_element": 1.0},
    "单选": {"choice_element": 0.5, "statement_match": 0.35, "article_locate": 0.15},
    "多选": {"multi_enumeration": 0.5, "multi_statement": 0.5},
    "判断": {"judge_statement": 1.0},
}


def generators_for(qtype: str, rng: random.Random, avoid: set[str] | frozenset[str] = frozenset()) -> list[Generator]:
    """The generators of ``qtype`` in a seed-determined order (weighted), avoided ones last."""
    weights = dict(GENERATOR_WEIGHTS[qtype])
    order = []
    while weights:
        names = sorted(weights)
        name = rng.choices(names, weights=[weights[n] for n in names], k=1)[0]
        order.append(name)
        del weights[name]
    # the weighted pick first, then the others by weight; avoided ones last
    order = order[:1] + sorted(order[1:], key=lambda n: -GENERATOR_WEIGHTS[qtype][n])
    order.sort(key=lambda n: n in avoid)  # stable: keeps that order otherwise
    return [GENERATORS[n] for n in order]
