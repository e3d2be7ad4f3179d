"""AnswerService: question (+ history, + scope) -> a grounded, verified ``Answer``.

    rewrite follow-up -> search -> enough evidence? -> extractive or LLM answer -> verify

- ``ask(question, history=None, filters=None) -> Answer``
- ``ask_stream(...)`` yields ``str`` deltas (already verified, sentence by sentence), then the
  final ``Answer`` as its last item.

The container chooses the answerer from settings: an OpenAI-compatible endpoint when
XUEFA_LLM_BASE_URL and XUEFA_LLM_MODEL are set, else the extractive answerer (no LLM). When retrieval support is
below the calibrated threshold the answer is '知识库中未找到相关规定' with the closest articles
as suggestions, never a guess. When the LLM endpoint fails, the extractive answer is given
with the error as a flag (``fallback_to_extractive``), so a dead endpoint never leaves staff
without an answer.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Protocol

from assistant.answer.evidence import (
    NO_EVIDENCE_THRESHOLD,
    measure_support,
    own_terms_unmatched,
)
from assistant.answer.extractive import (
    ExtractiveAnswerer,
    ExtractiveDraft,
    format_suggestions,
)
from assistant.answer.follow_ups import QuestionRewriter, Rewrite
from assistant.answer.terms import TermStats
from assistant.answer.types import (
    NO_EVIDENCE_TEXT,
    Answer,
    Citation,
    Flag,
    RetrievalTrace,
    TraceHit,
)
from assistant.answer.verifier import CitationVerifier, Source
from assistant.search.types import Hit, SearchFilters, SearchResult
from knowledge.errors import BackendError, NotFoundError
from knowledge.legal.citations import CITED_ARTICLE_RE
from knowledge.legal.law_names import short_name
from knowledge.store.article_store import ArticleStore

if TYPE_CHECKING:
    from assistant.answer.llm import LLMAnswerer

log = logging.getLogger(__name__)

STATS_FILE = "answer_term_stats.json"


class Searcher(Protocol):
    def search(self, query: str, top_k: int = 10, filters: SearchFilters | None = None) -> SearchResult: ...


class AnswerService:
    """Thread-safe; build one per store (``Container.answerer``) and share it."""

    def __init__(self, store: ArticleStore, search: Searcher, *, verifier: CitationVerifier | None = None,
                 llm_answerer: LLMAnswerer | None = None, rewriter: QuestionRewriter | None = None,
                 top_k: int = 8, llm_sources: int = 6, threshold: float = NO_EVIDENCE_THRESHOLD,
                 term_stats: TermStats | None = None, stats_cache: Path | None = None,
                 fallback_to_extractive: bool = True):
        """With an ``llm_answerer`` answers are written by the LLM (mode "llm"), else they are
        extracted from the articles. Without a ``rewriter``, follow-ups are rewritten by rules."""
        self.store = store
        self.search = search
        self.verifier = verifier or CitationVerifier(store)
        self.rewriter = rewriter or QuestionRewriter(self.verifier.finder)
        self._llm_answerer = llm_answerer
        self.mode = "llm" if llm_answerer is not None else "extractive"
        self.top_k = top_k
        self.llm_sources = llm_sources
        self.threshold = threshold
        self.fallback_to_extractive = fallback_to_extractive
        self._stats_cache = stats_cache
        self._stats = term_stats
        self._stats_fixed = term_stats is not None
        self._lock = threading.Lock()

    # ---- term statistics (weights for sentence choice and the evidence check) -------
    @property
    def stats(self) -> TermStats:
        with self._lock:
            if self._stats is None or (not self._stats_fixed and self._stats.version != self.store.version()):
                self._stats = TermStats.for_store(self.store, self._stats_cache)
            return self._stats

    def warm_up(self) -> None:
        """Build term statistics (~10 s for the whole statute base, then cached under
        XUEFA_HOME) and warm the search before the first user asks."""
        _ = self.stats
        self.verifier.finder()
        warm = getattr(self.search, "warm_up", None)
        if callable(warm):
            warm()

    def extractive(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.stats)

    # ---- public API ---------------------------------------------------------------
    def ask(self, question: str, history: Iterable[Any] | None = None,
            filters: SearchFilters | None = None) -> Answer:
        answer = None
        for item in self.ask_stream(question, history, filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: Iterable[Any] | None = None,
                   filters: SearchFilters | None = None) -> Iterator[str | Answer]:
        question = (question or "").strip()
        if not question:
            raise NotFoundError("请输入问题。")
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        filters = self._check_filters(filters)
        rewrite = self.rewriter.rewrite(question, history)
        timings["rewrite"] = _ms(t0)
        t = time.perf_counter()
        result = self.search.search(rewrite.standalone, top_k=self.top_k, filters=filters)
        timings["search"] = _ms(t)
        hits, missing = self._with_references(question, rewrite, result)
        topic = self._topic(rewrite.standalone)
        support = measure_support(topic, hits, self.stats, result.expansions)
        if rewrite.changed and not support.exact:
            # words carried over from earlier turns must not make an unrelated question look
            # answerable (今天天气怎么样 after a question on 网络安全法): the question's own
            # words, when it has any, must be found too
            own = measure_support(self._topic(question), hits, self.stats)
            if own_terms_unmatched(own):
                support = dataclasses.replace(support, score=min(support.score, own.score))
        trace = RetrievalTrace(
            query=question, rewritten_query=rewrite.standalone, rewrite_method=rewrite.method,
            hits=[TraceHit(h.law, h.label, h.article.id, h.score, list(h.retrievers)) for h in hits],
            support=support.score, threshold=self.threshold,
            filters=dataclasses.asdict(filters) if filters else {}, missing=missing, timings_ms=timings)
        if missing and not support.exact:
            stream = self._not_found(question, hits, trace, missing=missing)
        elif not support.enough(self.threshold):
            stream = self._not_found(question, hits, trace)
        elif self.mode == "llm":
            stream = self._llm(question, rewrite, hits, topic, trace)
        else:
            stream = self._extractive(question, hits, topic, trace)
        yield from _with_notes(stream, [Flag("renumbered", n) for n in result.notes])
        timings["total"] = _ms(t0)

    # ---- pieces --------------------------------------------------------------------
    def _check_filters(self, filters: SearchFilters | None) -> SearchFilters | None:
        if filters and filters.laws:
            unknown = [n for n in filters.laws if self.verifier.resolve_law(n) is None
                       and not self.store.find_documents(n, current_only=False)]
            if unknown:
                raise NotFoundError(f"知识库中没有：{'、'.join(unknown)}")
        return filters

    def _topic(self, text: str) -> str:
        return self.verifier.finder().strip(CITED_ARTICLE_RE.sub(" ", text))

    def _with_references(self, question: str, rewrite: Rewrite, result: SearchResult) -> tuple[list[Hit], list[str]]:
        """The search hits with every explicitly asked article first (looked up exactly)."""
        hits = list(result.hits)
        missing = list(result.missing)
        exact: list[Hit] = []
        seen: set[int] = set()
        for text in dict.fromkeys([question, rewrite.standalone]):
            for ref in self.verifier.find_references(text):
                if ref.title is None or ref.number is None:
                    continue
                doc, art = self.verifier.lookup(ref.title, ref.number, ref.sub, item=ref.item)
                if art is None and ref.item:
                    continue
                if art is None:
                    from knowledge.legal.numerals import article_label

                    note = f"《{ref.title}》没有{article_label(ref.number, ref.sub)}"
                    if note not in missing:
                        missing.append(note)
                    continue
                if art.id in seen:
                    continue
                seen.add(art.id)
                found = next((h for h in hits if h.article.id == art.id), None)
                retrievers = list(dict.fromkeys(["exact", *(found.retrievers if found else [])]))
                exact.append(Hit(article=art, document=doc, score=max(found.score if found else 1.0, 1.0),
                                 retrievers=retrievers))
        rest = [h for h in hits if h.article.id not in seen]
        # a search service may already mark exact hits: keep them first too
        marked = [h for h in rest if "exact" in h.retrievers]
        rest = [h for h in rest if "exact" not in h.retrievers]
        return exact + marked + rest, missing

    def _citation(self, hit: Hit, session_citations: dict[int, Citation] | None = None) -> Citation:
        if session_citations and hit.article.id in session_citations:
            return session_citations[hit.article.id]
        return Citation.from_article(hit.article, hit.document)

    def _not_found(self, question: str, hits: list[Hit], trace: RetrievalTrace,
                   missing: list[str] | None = None) -> Iterator[str | Answer]:
        flags: list[Flag] = []
        if missing:
            head = f"{NO_EVIDENCE_TEXT}：{'；'.join(missing)}。"
            flags = [Flag("missing_article", m) for m in missing]
        else:
            head = f"{NO_EVIDENCE_TEXT}。"
        suggestions = [h for h in hits if "exact" not in h.retrievers][:3]
        text = head
        if suggestions:
            text += "\n\n以下条文与问题最接近，仅供参考（并非对问题的回答）：\n" + format_suggestions(suggestions)
        checked = self.verifier.verify(text)
        yield checked.text
        yield Answer(text=checked.text, found=False, citations=[], flags=flags + checked.flags, trace=trace,
                     mode=self.mode, suggestions=[self._citation(h) for h in suggestions])

    def _extractive_draft(self, question: str, hits: list[Hit], topic: str) -> ExtractiveDraft:
        return self.extractive().answer(question, hits, topic_question=topic)

    def _extractive(self, question: str, hits: list[Hit], topic: str, trace: RetrievalTrace,
                    extra_flags: list[Flag] | None = None, prefix: str = "") -> Iterator[str | Answer]:
        t = time.perf_counter()
        draft = self._extractive_draft(question, hits, topic)
        trace.timings_ms["answer"] = _ms(t)
        t = time.perf_counter()
        session = self.verifier.session()
        parts: list[str] = []
        if prefix:
            parts.append(prefix)
            yield prefix
        for line in draft.text.splitlines(keepends=True):
            out = session.feed(line)
            if out:
                parts.append(out)
                yield out
        out = session.finish()
        if out:
            parts.append(out)
            yield out
        trace.timings_ms["verify"] = _ms(t)
        by_id = {c.article_id: c for c in session.citations()}
        yield Answer(text="".join(parts), found=True,
                     citations=[self._citation(h, by_id) for h in draft.supporting],
                     related=[self._citation(h, by_id) for h in draft.related],
                     flags=list(extra_flags or []) + list(session.flags), trace=trace, mode="extractive",
                     conclusion=draft.conclusion)

    def _llm(self, question: str, rewrite: Rewrite, hits: list[Hit], topic: str,
             trace: RetrievalTrace) -> Iterator[str | Answer]:
        from assistant.answer.llm import SYSTEM_PROMPT

        sources = [Source(i, h.article, h.document) for i, h in enumerate(hits[: self.llm_sources], 1)]
        session = self.verifier.session(sources, forbidden=[SYSTEM_PROMPT])
        parts: list[str] = []
        t = time.perf_counter()
        standalone = rewrite.standalone if rewrite.changed else None
        try:
            for delta in self._llm_answerer.stream(question, sources, standalone):
                out = session.feed(delta)
                if out:
                    parts.append(out)
                    yield out
        except BackendError as exc:
            if not self.fallback_to_extractive:
                raise
            trace.timings_ms["answer"] = _ms(t)
            log.warning("LLM answer failed, answering extractively: %s", exc)
            out = session.finish()
            shown = "".join(parts) + out
            prefix = (out + "\n\n" if shown.strip() else "") + f"〔{exc}已改为直接摘录条文作答。〕\n\n"
            yield from self._extractive(question, hits, topic, trace,
                                        extra_flags=[Flag("llm_error", str(exc))], prefix=prefix)
            return
        out = session.finish()
        if out:
            parts.append(out)
            yield out
        trace.timings_ms["answer"] = _ms(t)
        text = "".join(parts)
        flags = list(session.flags)
        cited = session.citations()
        found = NO_EVIDENCE_TEXT not in text
        trailer = ""
        related_hits = [s for s in sources if all(c.article_id != s.article.id for c in cited)]
        if found and not cited:
            # the model ignored the sources: say so, and show the text it should have used
            flags.append(Flag("uncited", "模型的回答没有引用任何检索到的条文，内容无法核实；请以下列条文原文为准。"))
            draft = self._extractive_draft(question, hits, topic)
            checked = self.verifier.verify(draft.text)
            flags.extend(checked.flags)
            trailer = "\n\n【核验提示】以上回答没有引用知识库中的条文，无法核实，请以下列原文为准：\n" + checked.text
            cited = [self._citation(h) for h in draft.supporting]
        elif cited:
            lines = []
            for c in cited:
                mark = f"[{c.source_index}] " if c.source_index else ""
                state = "" if c.verified else "（引文未通过核验）"
                lines.append(f"{mark}《{short_name(c.law)}》{c.article}{state}")
            trailer = "\n\n来源：\n" + "\n".join(lines)
        if trailer:
            yield trailer
        suggestions = [] if found else [self._citation(Hit(s.article, s.document, 0.0)) for s in sources[:3]]
        yield Answer(text=text + trailer, found=found, citations=cited if found else [],
                     flags=flags, trace=trace, mode="llm",
                     related=[self._citation(Hit(s.article, s.document, 0.0)) for s in related_hits] if found else [],
                     suggestions=suggestions)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def _with_notes(stream: Iterator[str | Answer], notes: list[Flag]) -> Iterator[str | Answer]:
    """The answer stream, its final Answer carrying ``notes`` (an asked-for number renumbered since)."""
    for item in stream:
        if notes and isinstance(item, Answer):
            item.flags = [*notes, *item.flags]
        yield item
