"""The search service: the one way answers, quizzes, the CLI and the web app find articles.

``search(query)`` puts articles the query names explicitly (民法典第1254条) at rank 1, then
what hybrid retrieval finds (``hybrid_retriever``); a named article that does not exist is
reported in ``SearchResult.missing`` and nothing else is returned. Filters restrict the
documents (laws, doc types, department, statutes/internal, history). Dense retrieval is
optional: with an empty or half-filled vector index, search is lexical for the articles
not embedded yet and improves as the index fills.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.search.expansion import QueryExpander, clean_query
from assistant.search.explain import Explanation, explain
from assistant.search.hybrid_retriever import STAGES, HybridRetriever, RetrievalConfig
from assistant.search.references import ReferenceParser
from assistant.search.retrieval_eval import EvalReport, evaluate, load_gold, write_misses
from assistant.search.types import ArticleReference, Hit, SearchFilters, SearchResult
from knowledge.errors import NotFoundError
from knowledge.index.chunker import chunk_header, short_title
from knowledge.index.lexical_index import LexicalIndex
from knowledge.legal.citations import parse_article_ref
from knowledge.legal.documents import INTERNAL_TYPES, STATUTE_TYPES, Document
from knowledge.legal.law_names import LawMentionFinder, LawNameResolver
from knowledge.legal.numerals import article_label
from knowledge.limits import bounded
from knowledge.store.article_store import ArticleStore

# what remains of "网络安全法第二十一条的内容是什么" once the reference is cut out
_TRIVIAL_REST = re.compile(
    r"^(?:的|之|中|里|关于|有关|规定|条文|条款|原文|全文|内容|具体|说的|讲的|说了|讲了|写的|规定了|是|是什么|什么|"
    r"怎么|如何|哪些|有哪些|啥|一下|查|查询|查看|看|看看|显示|给我|告诉我|请问|请|吗|呢|啊|呀|\s|[，,。？?！!：:、])*$")


@dataclass
class _Scope:
    version: int
    documents: dict[str, Document]  # every stored document
    resolver: LawNameResolver
    parser: ReferenceParser
    mentions: LawMentionFinder  # law names written in a question (scope the question bank)


class SearchService:
    """Explicit references, then hybrid retrieval, within filters.

    Args:
        store: the article store (source of truth; documents and article text).
        lexical_index: the BM25 index (kept in step with the store on each search).
        vector_index: the dense index, or None for lexical-only search.
        questions: the question-bank matcher (``QuestionMatcher``), or None.
        config: retrieval weights and switches (``RetrievalConfig``).
        revisions: notes on renumbered articles (``RevisionService.reference_note``), or None.
        max_query_chars: longer queries are refused (InputTooLongError) before any work; None
            for internal searches (quiz distractors search with article text).
    """

    def __init__(self, store: ArticleStore, lexical_index: LexicalIndex, vector_index=None, *,
                 config: RetrievalConfig | None = None, expander: QueryExpander | None = None,
                 questions=None, revisions=None, max_query_chars: int | None = None):
        self.store = store
        self.revisions = revisions
        self.max_query_chars = max_query_chars
        self.lexical = lexical_index
        self.vector_index = vector_index
        embedded = embedded_ids = None
        if vector_index is not None and hasattr(vector_index, "embedder"):
            embedder_id = vector_index.embedder.embedder_id
            # the store's ledger counts embedded articles; fall back to the index's own count
            embedded = lambda: store.count_embedded(embedder_id) or vector_index.count()  # noqa: E731
            embedded_ids = lambda: store.embedded_ids(embedder_id)  # noqa: E731
        self.retriever = HybridRetriever(lexical_index, vector_index, config, expander, embedded, questions,
                                         embedded_ids=embedded_ids)
        self._scope: _Scope | None = None
        self._lock = threading.Lock()

    @property
    def config(self) -> RetrievalConfig:
        return self.retriever.config

    # ---- search -------------------------------------------------------------------
    def search(self, query: str, top_k: int = 10, filters: SearchFilters | None = None, *,
               stage: str = "full") -> SearchResult:
        """Best ``top_k`` articles for ``query`` within ``filters``.

        ``stage`` (lexical / dense / fused / full) is for evaluation; explicit references
        are honoured in every stage.
        """
        started = time.perf_counter()
        filters = filters or SearchFilters()
        if self.max_query_chars is not None:
            bounded(query, self.max_query_chars, "检索语句")
        query = (query or "").strip()
        result = SearchResult(query=query, hits=[])
        if not query or top_k <= 0:
            return result
        scope = self._current_scope()
        docs = self._filtered_documents(scope, filters, result)
        if docs is None:  # a law filter named nothing we hold
            return result
        # 1. explicit references
        parsed, exact = self._explicit_hits(scope, query, filters, docs, result)
        result.hits.extend(exact[:top_k])
        rest = parsed.residual if parsed.found else query
        # 2. hybrid retrieval over the wanted documents (explicit references ignore the filters)
        if not _references_suffice(result, exact, rest) and docs and len(result.hits) < top_k:
            self._add_retrieved(scope, result, rest, exact, docs, filters, top_k, stage)
        result.timings_ms["total_ms"] = _ms(started)
        return result

    def _explicit_hits(self, scope: _Scope, query: str, filters: SearchFilters, docs: dict[str, Document],
                       result: SearchResult):
        """(parsed query, articles it names): references and what is missing go into ``result``."""
        t = time.perf_counter()
        default_law = None  # "第十条" within a search restricted to one law
        if filters.laws and len({d.title for d in docs.values()}) == 1:
            default_law = next(iter(docs.values())).title
        parsed = scope.parser.parse(query, default_law=default_law)
        exact: list[Hit] = []
        for ref in parsed.references:
            result.references.append(ref)
            hit = self._reference_hit(scope, ref, filters)
            if hit is None:
                result.missing.append(f"《{ref.law}》没有{ref.label}")
            elif all(h.article.id != hit.article.id for h in exact):
                exact.append(hit)
            self._revision_note(ref, result)
        for name in parsed.unknown_laws:
            result.missing.append(f"知识库中没有《{name}》")
        result.timings_ms["references_ms"] = _ms(t)
        return parsed, exact

    def _revision_note(self, ref, result: SearchResult) -> None:
        """A note when the number asked for belonged to another article in an earlier version."""
        note = self.revisions.reference_note(ref.law, ref.number, ref.sub) if self.revisions else None
        if note and note not in result.notes:
            result.notes.append(note)

    def _add_retrieved(self, scope: _Scope, result: SearchResult, rest: str, exact: list[Hit],
                       docs: dict[str, Document], filters: SearchFilters, top_k: int, stage: str) -> None:
        """Fill ``result`` up to ``top_k`` with what hybrid retrieval finds for ``rest``."""
        where = self._where(filters, docs)
        if exact:  # keep the law in the question: 依据劳动合同法第三十九条，… → 劳动合同法 …
            rest = " ".join([*dict.fromkeys(short_title(h.document.title) for h in exact), rest])
        named = set(scope.mentions.titles_in(rest))
        got = self.retriever.retrieve(rest, top_k + len(exact), doc_ids=docs.keys(),
                                      documents=scope.documents, stage=stage, where=where,
                                      named_docs=[d.id for d in docs.values() if d.title in named])
        result.named_laws = sorted(named)
        result.retrieval = got
        result.timings_ms.update(got.timings)
        if got.expansion is not None:
            result.expansions = list(got.expansion.terms)
        result.similar_questions = {v.article_id: list(v.questions) for v in got.question_votes}
        seen = {h.article.id for h in result.hits}
        wanted = [s for s in got.hits if s.article_id not in seen][: top_k - len(result.hits)]
        arts = {a.id: a for a in self.store.get_articles([s.article_id for s in wanted])}
        for s in wanted:
            art = arts.get(s.article_id)
            doc = scope.documents.get(art.doc_id) if art else None
            if art is not None and doc is not None:
                result.hits.append(Hit(article=art, document=doc, score=s.score, retrievers=s.retrievers))
        if exact and len(result.hits) > len(exact):  # keep scores decreasing down the list
            lift = max(h.score for h in result.hits[len(exact):]) + 1.0
            for h in result.hits[:len(exact)]:
                h.score = lift

    def explain(self, result: SearchResult) -> Explanation:
        """Why each retrieved hit of ``result`` ranks where it does (``xuefa search --explain``)."""
        return explain(result, self._current_scope().documents, self.store.get_article)

    def lookup(self, law: str, ref: str | int, *, include_history: bool = False) -> Hit:
        """One article by law name (full, short, alias) and number (第五十六条, 56, 第十条之一, '10-1')."""
        scope = self._current_scope()
        title = scope.resolver.resolve(law)
        if title is None:
            raise NotFoundError(f"知识库中没有：{law}")
        number, sub = parse_article_ref(ref)
        hit = self._reference_hit(scope, ArticleReference(law=title, number=number, sub=sub, raw=str(ref)),
                                  SearchFilters(include_history=include_history))
        if hit is None:
            raise NotFoundError(f"《{title}》没有{article_label(number, sub)}")
        return hit

    def similar_articles(self, article_id: int, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        """Articles closest in meaning to one article (quiz distractors): dense neighbours when
        the vector index has any, BM25 over the article's own words otherwise (or to fill up)."""
        art = self.store.get_article(article_id)
        scope = self._current_scope()
        filters = filters or SearchFilters()
        docs = self._filtered_documents(scope, filters, SearchResult(query="", hits=[])) or {}
        doc = scope.documents.get(art.doc_id)
        found: list[tuple[int, float, str]] = []
        if doc is not None:
            text = f"{chunk_header(doc.title, art.path, art.label)}\n{art.text}"
            for aid, sim in self.retriever.dense_neighbours(text, k * 3 + 5, self._where(filters, docs)):
                found.append((aid, sim, "dense"))
        if len(found) < k + 1:
            terms = self.lexical.tokenize(art.text)
            for aid, score in self.lexical.search(terms, k * 3 + 5, doc_ids=docs.keys()):
                found.append((aid, score, "lexical"))
        out: list[Hit] = []
        seen = {article_id}
        arts = {a.id: a for a in self.store.get_articles([f[0] for f in found])}
        for aid, score, how in found:
            a = arts.get(aid)
            if aid in seen or a is None or a.doc_id not in docs or a.text.strip() == art.text.strip():
                continue
            seen.add(aid)
            out.append(Hit(article=a, document=docs[a.doc_id], score=score, retrievers=[how]))
            if len(out) >= k:
                break
        return out

    def warm_up(self) -> None:
        """Load tokenizer, lexical index and (if any) the embedding model before the first user."""
        self.search("劳动合同 解除", top_k=1)
        if self.retriever.questions is not None:
            self.retriever.questions.prepare()

    def evaluate(self, gold: str | Path, *, top_k: int = 10, stage: str = "full",
                 misses_path: str | Path | None = None) -> EvalReport:
        """R@k, MRR@10 and latency over a gold file (``xuefa eval retrieval``); the queries
        not ranked first are written to ``misses_path`` when given."""
        def run(query, k):
            return [(h.document.title, h.article.label) for h in self.search(query, top_k=k, stage=stage).hits]

        report = evaluate(run, load_gold(gold), k=top_k)
        if misses_path:
            write_misses(report, misses_path)
        return report

    # ---- internals ----------------------------------------------------------------
    def _current_scope(self) -> _Scope:
        version = self.store.version()
        scope = self._scope
        if scope is None or scope.version != version:
            with self._lock:
                scope = self._scope
                if scope is None or scope.version != version:
                    docs = {d.id: d for d in self.store.list_documents()}
                    # every held title, current or not: 网络安全法第二十一条 still resolves (and shows
                    # its status) after the law was marked 已废止
                    titles = sorted({d.title for d in docs.values()})
                    scope = _Scope(version=version, documents=docs, resolver=LawNameResolver(titles),
                                   parser=ReferenceParser(titles), mentions=LawMentionFinder(titles))
                    self._scope = scope
        return scope

    def _filtered_documents(self, scope: _Scope, filters: SearchFilters,
                            result: SearchResult) -> dict[str, Document] | None:
        docs = [d for d in scope.documents.values() if filters.include_history or d.is_current]
        if filters.laws:
            titles = set()
            for name in filters.laws:
                title = scope.resolver.resolve(name)
                if title is None:
                    result.missing.append(f"知识库中没有：{name}")
                else:
                    titles.add(title)
            if not titles:
                return None
            docs = [d for d in docs if d.title in titles]
        if filters.doc_types:
            docs = [d for d in docs if d.doc_type in set(filters.doc_types)]
        if filters.department:
            docs = [d for d in docs if filters.department in (d.department or "")]
        if filters.scope == "statutes":
            docs = [d for d in docs if d.doc_type in STATUTE_TYPES]
        elif filters.scope == "internal":
            docs = [d for d in docs if d.doc_type in INTERNAL_TYPES]
        return {d.id: d for d in docs}

    @staticmethod
    def _where(filters: SearchFilters, docs: dict[str, Document]) -> dict | None:
        """The vector index filter. An unfiltered search asks Chroma without one and drops
        what falls outside the wanted documents (Chroma's metadata filter costs ~60 ms over
        the full corpus, the plain query ~10 ms); a narrowed search names its documents."""
        broad = not (filters.laws or filters.doc_types or filters.department) and filters.scope == "all"
        if broad:
            return None
        if len(docs) == 1:
            return {"doc_id": next(iter(docs))}
        return {"doc_id": {"$in": sorted(docs)}}

    def _reference_hit(self, scope: _Scope, ref: ArticleReference, filters: SearchFilters) -> Hit | None:
        versions = [d for d in scope.documents.values() if d.title == ref.law]
        # the current text first, then the newest history
        versions.sort(key=lambda d: (d.is_current, d.version or d.publish_date, d.created_at), reverse=True)
        for doc in versions[:1] if not filters.include_history else versions:
            art = self.store.find_article(doc.id, ref.number, ref.sub)
            if art is not None:
                return Hit(article=art, document=doc, score=1.0, retrievers=["exact"])
        return None


def _references_suffice(result: SearchResult, exact: list[Hit], rest: str) -> bool:
    """Nothing to retrieve: a named article is missing (never substitute another one), or the
    question asks for the named articles and nothing more."""
    if result.missing and not exact:
        return True
    return bool(exact) and bool(_TRIVIAL_REST.match(clean_query(rest) if rest else ""))


def hit_json(hit: Hit) -> dict:
    """The compact shape of the batch CLI: law, article label, number, score, text."""
    return {"law": hit.document.title, "article": hit.article.label, "article_number": hit.article.number,
            "score": round(float(hit.score), 6), "text": hit.article.text}


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)


__all__ = ["SearchService", "RetrievalConfig", "STAGES", "hit_json"]
