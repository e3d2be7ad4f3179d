"""Typed inputs and outputs of the search service (shared by answers, quizzes, the app)."""
from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.legal.documents import Article, Document


@dataclass
class SearchFilters:
    """Scope of a search. Default: current texts of every document."""

    laws: list[str] | None = None  # titles or short names / aliases
    doc_types: list[str] | None = None
    department: str | None = None
    scope: str = "all"  # all | statutes | internal
    include_history: bool = False  # also superseded / abolished versions

    def __post_init__(self):
        if self.scope not in ("all", "statutes", "internal"):
            raise ValueError(f"scope must be all/statutes/internal, not {self.scope!r}")


@dataclass
class Hit:
    """One retrieved article with everything needed to cite it."""

    article: Article
    document: Document
    score: float
    retrievers: list[str] = field(default_factory=list)  # exact / lexical / dense

    @property
    def law(self) -> str:
        return self.document.title

    @property
    def label(self) -> str:
        return self.article.label

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def citation(self) -> str:
        return f"《{self.document.title}》{self.article.label}"

    def to_dict(self) -> dict:
        return {
            "law": self.document.title, "article": self.article.label,
            "article_number": self.article.number, "article_sub": self.article.sub,
            "article_id": self.article.id, "path": self.article.path, "text": self.article.text,
            "status": self.document.status_on(), "effective_date": self.document.effective_date,
            "doc_type": self.document.doc_type, "score": round(float(self.score), 6),
            "retrievers": list(self.retrievers),
        }


@dataclass
class ArticleReference:
    """An explicit reference found in a query: 《民法典》第一千二百五十四条, 刑法264条."""

    law: str  # resolved full title
    number: int
    sub: int = 0
    raw: str = ""

    @property
    def label(self) -> str:
        from knowledge.legal.numerals import article_label

        return article_label(self.number, self.sub)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    references: list[ArticleReference] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # e.g. "《中华人民共和国民法典》没有第九千九百九十九条"
    expansions: list[str] = field(default_factory=list)  # legal terms added to a colloquial query
    # article id -> question-bank questions that resemble the query and link to that article
    similar_questions: dict[int, list[str]] = field(default_factory=dict)
    # an explicit reference to a number the law has renumbered since: 原第二十一条，现为第二十三条
    notes: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    named_laws: list[str] = field(default_factory=list)  # laws the question names (scope the bank)
    retrieval: object | None = None  # the retriever's Retrieval: evidence and scoring (``--explain``)
