"""Quiz service: papers of checked questions drawn from a scope of the knowledge base.

It resolves a :class:`QuizScope` to articles, runs the generators with one seeded random
source (same store + same seed → same paper), keeps only questions that pass every quality
check, and makes "fresh variants" of an article for spaced review (another generator or
element than last time, never a question already asked).
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from assistant.citations.changes import ChangedArticle, LawChanges
from assistant.library.library_service import LibraryService
from assistant.quiz.elements import bodies, extract_elements
from assistant.quiz.export import add_paper_docx, docx_document, export_paper, ordered_paper
from assistant.quiz.generators import (
    CONTRAST,
    GENERATOR_WEIGHTS,
    ArticleContext,
    Generator,
    generators_for,
)
from assistant.quiz.key_points import KeyPoint, key_point
from assistant.quiz.neighbours import Neighbors, TokenNeighbors
from assistant.quiz.quality import QualityChecker, QualityReport
from assistant.quiz.types import QTYPES, Question, QuizScope
from knowledge.errors import ConfigError, NotFoundError, XuefaError
from knowledge.legal.documents import Article, Document
from knowledge.store.article_store import ArticleStore

if TYPE_CHECKING:
    from assistant.quiz.llm_cases import ScenarioGenerator, ScenarioReport

# Types of amendment texts: their "articles" are edit instructions, not rules to learn.
SKIPPED_DOC_TYPES = frozenset({"修正案", "修改决定"})
MIN_ARTICLE_CHARS = 15
DEFAULT_MIX = {"单选": 4, "多选": 2, "判断": 3, "填空": 1}  # practice: some of every type
EXAM_MIX = {"单选": 5, "多选": 2, "判断": 3}  # the yearly exam has no 填空 (not machine-gradable online)


@dataclass
class GenerationReport:
    """What a generation run did: questions kept, candidates rejected by the quality check."""

    questions: list[Question] = field(default_factory=list)
    rejected: list[QualityReport] = field(default_factory=list)
    attempts: int = 0
    seed: int = 0


def parse_types(text: str | Iterable[str] | None) -> list[str]:
    """'单选,判断' / ['单选'] -> validated types; None/empty -> []."""
    if not text:
        return []
    parts = text.replace("，", ",").replace("、", ",").split(",") if isinstance(text, str) else list(text)
    types = [p.strip() for p in parts if p.strip()]
    bad = [t for t in types if t not in QTYPES]
    if bad:
        raise XuefaError(f"未知题型：{'、'.join(bad)}（可选：{'、'.join(QTYPES)}）")
    return list(dict.fromkeys(types))


def allocate(n: int, mix: dict[str, float]) -> list[str]:
    """``n`` slots distributed by ``mix`` weights (largest remainder), grouped by type."""
    total = sum(mix.values())
    raw = {t: n * w / total for t, w in mix.items()}
    counts = {t: int(v) for t, v in raw.items()}
    for t in sorted(raw, key=lambda t: (-(raw[t] - counts[t]), QTYPES.index(t)))[: n - sum(counts.values())]:
        counts[t] += 1
    return [t for t in QTYPES if t in counts for _ in range(counts[t])]


MAX_ATTEMPTS_PER_SLOT = 40  # articles tried for one question before giving up on that slot
ARTICLES_PER_GENERATOR = 8  # articles the drawn generator may try before the next one


def min_use(used: dict[int, int], pairs: list) -> int:
    """How often the least-used article of the scope has been asked (0 while some are fresh)."""
    return min(used.values()) if len(used) >= len(pairs) else 0


def _mix(chosen_types: list[str], exam: bool) -> dict[str, float]:
    """Slots per type: the practice or exam mix, restricted to ``chosen_types`` when given."""
    base = EXAM_MIX if exam else DEFAULT_MIX
    return {t: base.get(t, 1) for t in chosen_types} if chosen_types else base


class _Draw:
    """One paper being drawn: the scope's articles in seeded order, a cursor walking them
    round, and what the paper already asks (questions and how often each article)."""

    def __init__(self, service: "QuizService", pairs: list[tuple[Article, Document]], rng: random.Random,
                 report: GenerationReport, exclude_ids: Iterable[str], previous: dict[int, Article] | None = None):
        self.service = service
        self.pairs = pairs
        self.previous = previous or {}  # 新修订: article id → its text before the revision
        self.rng = rng
        self.report = report
        self.seen_ids = set(exclude_ids)
        self.used_articles: dict[int, int] = {}
        self.cursor = 0

    def next_question(self, qtype: str) -> Question | None:
        """A new question of ``qtype``, or None when the scope has none left."""
        order = generators_for(qtype, self.rng)
        if qtype == CONTRAST.qtype and self.previous:
            order = [CONTRAST, *order]  # 修订后…: what changed is what a 新修订 paper asks first
        # the drawn generator gets a few articles before the next one is tried, so the mix
        # of question kinds follows the weights; fresh articles first, then any
        for fresh_only in (True, False):
            for gen in order:
                # every revised article may offer its contrast before the usual kinds are drawn
                budget = len(self.pairs) if gen is CONTRAST else ARTICLES_PER_GENERATOR
                q = self._attempt(qtype, [gen], fresh_only, budget)
                if q is not None:
                    return q
            q = self._attempt(qtype, order, fresh_only, MAX_ATTEMPTS_PER_SLOT)
            if q is not None:
                return q
        return None

    def keep(self, q: Question) -> None:
        self.seen_ids.add(q.id)
        self.used_articles[q.article_id] = self.used_articles.get(q.article_id, 0) + 1
        self.report.questions.append(q)

    def _attempt(self, qtype: str, generators: list[Generator], fresh_only: bool, budget: int) -> Question | None:
        """The next article (from the cursor) on which one of ``generators`` succeeds."""
        pairs = self.pairs
        tried = 0
        for step in range(len(pairs)):
            index = (self.cursor + step) % len(pairs)
            article, doc = pairs[index]
            if fresh_only and self.used_articles.get(article.id, 0) > min_use(self.used_articles, pairs):
                continue
            if tried >= budget:
                break
            tried += 1
            q = self.service._make(article, doc, qtype, self.rng, self.report, generators=generators,
                                   previous=self.previous.get(article.id))
            if q is not None and q.id not in self.seen_ids:
                self.cursor = index + 1
                return q
        return None


class QuizService:
    """Generates quality-checked questions from the article store."""

    def __init__(self, store: ArticleStore, library: LibraryService, *, neighbors: Neighbors | None = None,
                 checker: QualityChecker | None = None, scenarios: ScenarioGenerator | None = None,
                 changes: LawChanges | None = None):
        self.store = store
        self.changes = changes or LawChanges(store)  # 新修订 scopes: what changed since a date
        self.library = library  # resolves law names (short names, aliases) in a scope
        self.scenarios = scenarios  # LLM case questions, when an LLM is configured
        self.neighbors = neighbors or TokenNeighbors(store)
        self.checker = checker or QualityChecker(store)
        self._lock = threading.Lock()
        self._articles: dict[str, tuple[int, list[Article]]] = {}
        self._pools: dict[str, tuple[int, list[str]]] = {}

    # ---- scope --------------------------------------------------------------------------
    def resolve_scope(self, scope: QuizScope | None = None) -> list[tuple[Article, Document]]:
        """The articles a scope covers, in (document, article) order.

        NotFoundError for a law name the knowledge base does not hold; an empty list when
        the filters leave nothing.
        """
        scope = scope or QuizScope()
        if scope.article_ids:
            arts = self.store.get_articles(list(scope.article_ids))
            docs = {d: self.store.get_document(d) for d in {a.doc_id for a in arts}}
            pairs = [(a, docs[a.doc_id]) for a in arts]
        elif scope.laws:
            docs = list({d.id: d for d in (self.library.find(name) for name in scope.laws)}.values())
            if scope.doc_types:
                docs = [d for d in docs if d.doc_type in scope.doc_types]
            pairs = [(a, d) for d in docs for a in self.law_articles(d.id)]
        else:  # everything current: one pass over the store
            wanted = set(scope.doc_types) if scope.doc_types else None
            pairs = [(a, d) for a, d in self.store.iter_articles(current_only=True)
                     if d.doc_type not in SKIPPED_DOC_TYPES and (wanted is None or d.doc_type in wanted)]
        if scope.chapters:
            pairs = [(a, d) for a, d in pairs if any(c in h for c in scope.chapters for h in a.path)]
        pairs = [(a, d) for a, d in pairs if len(a.text) >= MIN_ARTICLE_CHARS]
        if scope.changes_since:
            changed = self.changed_since(list({d.id: d for _, d in pairs}.values()), scope.changes_since)
            pairs = [(a, d) for a, d in pairs if a.id in changed]
            if not pairs:
                raise NotFoundError(f"所选范围内没有 {scope.changes_since} 以来修改或新增的条文"
                                    "（库中须有该日施行的文本或其后的修改决定）")
        return pairs

    def changed_since(self, docs: list[Document], since: str) -> dict[int, ChangedArticle]:
        """Article id → what changed, for the articles of ``docs`` added or reworded since ``since``."""
        out: dict[int, ChangedArticle] = {}
        for doc in docs:
            delta = self.changes.since(doc.title, since, earliest_after=True) if doc.is_current else None
            if delta is not None and delta.revised:
                out.update((c.article.id, c) for c in self.changes.changed_articles(delta))
        return out

    def law_articles(self, doc_id: str) -> list[Article]:
        """Every article of a document (cached until the store changes)."""
        version = self.store.version()
        with self._lock:
            cached = self._articles.get(doc_id)
            if cached and cached[0] == version:
                return cached[1]
        articles = self.store.articles_of(doc_id)
        with self._lock:
            self._articles[doc_id] = (version, articles)
        return articles

    def body_pool(self, doc_id: str) -> list[str]:
        """The bodies a law names, most frequent first: the wrong fillings and subject swaps
        of its questions (computed on first use: it reads every article)."""
        version = self.store.version()
        with self._lock:
            cached = self._pools.get(doc_id)
            if cached and cached[0] == version:
                return cached[1]
        counts: dict[str, int] = {}
        for a in self.law_articles(doc_id):
            for b in bodies(a.text):
                counts[b.text] = counts.get(b.text, 0) + 1
        pool = sorted(counts, key=lambda b: (-counts[b], b))
        with self._lock:
            self._pools[doc_id] = (version, pool)
        return pool

    def context(self, article: Article, document: Document, previous: Article | None = None) -> ArticleContext:
        """Everything a generator needs about one article (law-level data is cached)."""
        return ArticleContext(article=article, document=document,
                              neighbors=lambda k, a=article: self.neighbors(a, k),
                              body_pool=self.body_pool(document.id), law_articles=self.law_articles(document.id),
                              previous=previous)

    # ---- generation ---------------------------------------------------------------------
    def generate(self, scope: QuizScope | None = None, n: int = 10, types: Iterable[str] | str | None = None,
                 seed: int | None = None, *, exam: bool = False, exclude_ids: Iterable[str] = (),
                 shuffle: bool = False) -> list[Question]:
        """``n`` questions of the given types (default: a practice or exam mix), each passing
        every quality check, at most one per article while the scope allows. Deterministic
        for a given store and ``seed``; fewer than ``n`` when the scope is too small."""
        return self.generate_report(scope, n, types, seed, exam=exam, exclude_ids=exclude_ids,
                                    shuffle=shuffle).questions

    def generate_report(self, scope: QuizScope | None = None, n: int = 10,
                        types: Iterable[str] | str | None = None, seed: int | None = None, *,
                        exam: bool = False, exclude_ids: Iterable[str] = (),
                        shuffle: bool = False) -> GenerationReport:
        """As :meth:`generate`, with the rejected candidates and the seed used."""
        if n <= 0:
            return GenerationReport()
        mix = _mix(parse_types(types), exam)
        seed = seed if seed is not None else random.SystemRandom().randrange(2 ** 31)
        rng = random.Random(seed)
        pairs = self.resolve_scope(scope)
        report = GenerationReport(seed=seed)
        if not pairs:
            raise NotFoundError("所选范围内没有可出题的条文")
        previous = self._previous_texts(scope, pairs)
        rng.shuffle(pairs)
        draw = _Draw(self, pairs, rng, report, exclude_ids, previous)
        for qtype in allocate(n, mix):
            q = draw.next_question(qtype)
            if q is not None:  # else the scope has nothing more of this type
                draw.keep(q)
        if shuffle:
            rng.shuffle(report.questions)
        return report

    def _previous_texts(self, scope: QuizScope | None, pairs: list[tuple[Article, Document]]) -> dict[int, Article]:
        """新修订: each changed article's text before the revision, where the store holds it."""
        if scope is None or not scope.changes_since:
            return {}
        changed = self.changed_since(list({d.id: d for _, d in pairs}.values()), scope.changes_since)
        return {i: c.previous for i, c in changed.items() if c.previous is not None and c.kind == "changed"}

    def _make(self, article: Article, doc: Document, qtype: str, rng: random.Random,
              report: GenerationReport, *, generators: list[Generator] | None = None, previous: Article | None = None,
              avoid_generators: frozenset[str] = frozenset(), avoid_elements: frozenset[str] = frozenset(),
              avoid_ids: frozenset[str] = frozenset()) -> Question | None:
        ctx = self.context(article, doc, previous)
        for gen in generators or generators_for(qtype, rng, avoid_generators):
            report.attempts += 1
            q = gen.generate(ctx, rng)
            if q is None or q.id in avoid_ids:
                continue
            if q.element in avoid_elements and gen.name in avoid_generators:
                continue  # the very same kind of question as last time: try another
            verdict = self.checker.check(q)
            if not verdict.passed:
                report.rejected.append(verdict)
                continue
            return q
        return None

    def variant(self, article_id: int, *, types: Iterable[str] | str | None = None,
                avoid_generators: Iterable[str] = (), avoid_elements: Iterable[str] = (),
                avoid_ids: Iterable[str] = (), seed: int | None = None) -> Question | None:
        """A fresh question on one article for spaced review: another generator and element
        than last time when the article allows, and never one of ``avoid_ids``."""
        article = self.store.get_article(article_id)
        doc = self.store.get_document(article.doc_id)
        rng = random.Random(seed if seed is not None else random.SystemRandom().randrange(2 ** 31))
        chosen = parse_types(types) or [t for t in ("单选", "判断", "多选", "填空")]
        avoid_g, avoid_e, avoid_q = frozenset(avoid_generators), frozenset(avoid_elements), frozenset(avoid_ids)
        order = sorted(chosen, key=lambda t: (all(g in avoid_g for g in GENERATOR_WEIGHTS[t]), rng.random()))
        report = GenerationReport()
        for strict in (True, False):
            for qtype in order:
                for _ in range(3):  # the same generator with another draw may pick another element
                    q = self._make(article, doc, qtype, rng, report,
                                   avoid_generators=avoid_g if strict else frozenset(),
                                   avoid_elements=avoid_e if strict else frozenset(), avoid_ids=avoid_q)
                    if q is not None and (not strict or (q.generator not in avoid_g or q.element not in avoid_e)):
                        return q
        return None

    @staticmethod
    def key_point(text: str) -> KeyPoint | None:
        """The article's key sentence (verbatim) and what it carries: penalty, deadline, amount, duty."""
        return key_point(text)

    # ---- LLM scenario questions ---------------------------------------------------------
    def generate_scenarios(self, scope: QuizScope | None = None, n: int = 5, seed: int | None = None, *,
                           existing_stems: Iterable[str] = ()) -> "ScenarioReport":
        """``n`` 案例题 from the configured LLM on articles of the scope that state concrete
        rules (deadlines, bodies, obligations), each validated against its article and the
        quality check; ConfigError without an LLM. Rejections are counted in the report."""
        from assistant.quiz.llm_cases import ScenarioReport

        if self.scenarios is None:
            raise ConfigError("未配置大模型（XUEFA_LLM_BASE_URL / XUEFA_LLM_MODEL），无法生成案例题")
        rng = random.Random(seed if seed is not None else random.SystemRandom().randrange(2 ** 31))
        pairs = [(a, d) for a, d in self.resolve_scope(scope)
                 if any(e.kind != "modal" for e in extract_elements(a.text)) or "应当" in a.text]
        if not pairs:
            raise NotFoundError("所选范围内没有适合出案例题的条文")
        rng.shuffle(pairs)
        total = ScenarioReport()
        stems = list(existing_stems)
        for article, doc in pairs:
            if len(total.questions) >= n:
                break
            got = self.scenarios.generate(article, doc, 1, existing_stems=stems)
            total.rounds += got.rounds
            total.rejected += got.rejected
            total.reasons += got.reasons
            for q in got.questions:
                verdict = self.checker.check(q)
                if verdict.passed:
                    total.questions.append(q)
                    stems.append(q.stem)
                else:
                    total.rejected += 1
                    total.reasons += verdict.problems
            if total.rounds >= 3 * n + 3:
                break  # a model that keeps failing: stop spending calls
        return total

    # ---- papers for offline exams -------------------------------------------------------
    @staticmethod
    def export_paper(questions: list[Question], path: str | Path, *, title: str = "学法考试试卷",
                     with_key: bool = True, time_limit_minutes: float | None = None) -> Path:
        """Write a paper (and its answer key) to .docx or .xlsx, by the path's suffix."""
        return export_paper(questions, path, title=title, with_key=with_key, time_limit_minutes=time_limit_minutes)

    @staticmethod
    def paper_docx(papers: list[tuple[str, list[Question]]], *, total_points: float = 100,
                   time_limit_minutes: float | None = None, points: dict[str, float] | None = None,
                   preface: list[tuple[str, list[str]]] = ()):
        """A .docx document (python-docx, not saved) holding ``preface`` sections (heading,
        lines) and then each (title, questions) paper with its key, one after another."""
        doc = docx_document()
        for heading, lines in preface:
            doc.add_heading(heading, level=0)
            for line in lines:
                doc.add_paragraph(line)
        for i, (title, questions) in enumerate(papers):
            if i or preface:
                doc.add_page_break()
            add_paper_docx(doc, ordered_paper(questions), title, total_points=total_points,
                           time_limit_minutes=time_limit_minutes, points=points)
        return doc
