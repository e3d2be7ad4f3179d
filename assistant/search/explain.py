"""Why each hit ranks where it does: the share every step of ``scoring`` gave it."""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.search.scoring import nearness
from assistant.search.types import SearchResult


@dataclass(frozen=True)
class HitEvidence:
    article_id: int
    lexical: float  # BM25 as a share of the best row (question words + expansion terms)
    dense: float | None  # cosine similarity of the article's pooled chunks; None: not returned
    routing: float  # what the law/chapter vote of the best candidates added
    named_law: float  # what naming its law in the question added
    bank: float  # what the question bank's vote added
    held_by: str | None = None  # citation of the article a bank vote could not pass (more lexical
    # and more dense evidence, within the named law)


@dataclass
class Explanation:
    named_laws: list[str] = field(default_factory=list)  # laws the question names
    field_law: str | None = None  # title of the evident field, when the bank was scoped by it
    votes: int = 0  # bank votes that counted
    dropped: int = 0  # bank votes ignored: outside the named laws or the field
    bank_led: bool | None = None  # the bank could decide first place (None: a law named or no vote)
    bank_similarity: float = 0.0  # the closest bank question's cosine similarity to the query
    text_similarity: float | None = None  # the nearest statute chunk's (None: no vector found)
    kept_first: str | None = None  # citation of the question's own first article, kept first
    hits: dict[int, HitEvidence] = field(default_factory=dict)  # article id -> evidence


def explain(result: SearchResult, documents: dict, get_article) -> Explanation:
    """The evidence behind ``result``'s retrieved hits (explicit references need none);
    ``documents`` maps document ids to documents, ``get_article(id)`` reads an article."""
    got = result.retrieval
    out = Explanation(named_laws=list(result.named_laws))
    if got is None or got.scoring is None or got.evidence is None:
        return out
    sc, ev = got.scoring, got.evidence
    out.votes, out.dropped = len(sc.votes), len(sc.dropped)
    out.bank_led = sc.bank_led
    out.bank_similarity, out.text_similarity = nearness(ev)
    if sc.kept_first is not None:
        out.kept_first = _citation(int(ev.article_ids[sc.kept_first]), documents, get_article)
    if sc.field_doc is not None:
        doc = documents.get(ev.doc_ids[sc.field_doc])
        out.field_law = doc.title if doc else ev.doc_ids[sc.field_doc]
    top = float(sc.lexical.max()) if sc.lexical is not None and sc.lexical.size else 0.0
    for hit in result.hits:
        row = ev.row_of.get(hit.article.id)
        if row is None or "exact" in hit.retrievers:
            continue
        held = sc.capped.get(row)
        out.hits[hit.article.id] = HitEvidence(
            article_id=hit.article.id,
            lexical=float(sc.lexical[row]) / top if top > 0 else 0.0,
            dense=sc.dense.get(row), routing=_lift(sc, "routing", row), named_law=_lift(sc, "named_law", row),
            bank=_lift(sc, "bank", row),
            held_by=_citation(int(ev.article_ids[held]), documents, get_article) if held is not None else None)
    return out


def _lift(scoring, name: str, row: int) -> float:
    arr = scoring.lifts.get(name)
    return float(arr[row]) if arr is not None else 0.0


def _citation(article_id: int, documents: dict, get_article) -> str:
    art = get_article(article_id)
    doc = documents.get(art.doc_id)
    return f"《{doc.title if doc else art.doc_id}》{art.label}"
