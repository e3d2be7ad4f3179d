"""Checks every citation in an answer against the store before the user sees it.

- 《X》第N条 (also 第N条之一, Arabic numerals, short names and aliases, 《》 or bare, lists
  such as 《X》第十条、第十二条, 本法/该法第N条) and [n] source markers are resolved: an
  article or law that does not exist, or a source number that was never given, is removed from
  the text and flagged.
- Text quoted in 「」 “” "" 『』 must be verbatim in the article it is attributed to (the [n]
  right after it, else the nearest citation); otherwise it is flagged and the real text shown.
- A cited article whose document is not 现行有效 (or not the current version) is flagged with
  its status.
- With numbered sources (an LLM answer): each sentence carrying a [n] marker must be supported
  by source n (``assistant.answer.support``); otherwise it is flagged "未能在所引条文中核实".
  Links and HTML are stripped from the model's text first (``assistant.answer.markup``).

``Citation.verified`` ("已与原文核对") means exactly: the citation resolved in the store, at
least one check on it passed — a quotation attributed to it matched its text verbatim, or a
claim made with its [n] was supported — and no check on it failed. A citation merely
mentioned, with nothing checked against it, is not verified.

Works on a whole text or incrementally on a stream (``VerificationSession.feed``): text is
released one sentence at a time, after that sentence was checked, so an invented citation is
never streamed to the user either.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable

from assistant.answer.markup import strip_markup
from assistant.answer.support import claim_support
from assistant.answer.types import IN_FORCE, Citation, Flag
from knowledge.errors import NotFoundError, XuefaError
from knowledge.legal.citations import ANSWER_POLICY, CitationLinker, parse_article_ref
from knowledge.legal.documents import Article, Document
from knowledge.legal.law_names import LawMentionFinder, short_name
from knowledge.legal.numerals import article_label
from knowledge.legal.text_match import appear_in_order
from knowledge.store.article_store import ArticleStore

_SOURCE_RE = re.compile(r"[\[［【]\s*(\d{1,3}(?:\s*[,，、;；]\s*\d{1,3})*)\s*[\]］】]")
QUOTE_PAIRS = {"「": "」", "“": "”", '"': '"', "『": "』"}
_ASCII_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？",
                                "!": "！"})
_ELLIPSIS_RE = re.compile(r"……|…|\.\.\.+|。。。+|⋯+")
_EDGE_PUNCT = "。，；：、,.;:！？!?\u3000 \n"
MIN_QUOTE_CHARS = 6  # shorter quotes are terms ("用人单位"), not quotations
REMOVED_MARK = "〔已删除一处无法核实的条文引用〕"
UNSUPPORTED_MARK = "〔未能在所引条文中核实〕"
UNSUPPORTED_NOTE = "未能在所引条文中核实"
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def normalize_for_match(text: str) -> str:
    """Whitespace removed, ASCII punctuation as full-width: the form compared for 'verbatim'."""
    return "".join((text or "").split()).translate(_ASCII_TO_FULL)


def is_verbatim(quote: str, article_text: str) -> bool:
    """Every part of ``quote`` (parts split at …… ellipses) occurs, in order, in the article."""
    parts = [p.strip(_EDGE_PUNCT) for p in _ELLIPSIS_RE.split(normalize_for_match(quote))]
    return appear_in_order(normalize_for_match(article_text), [p for p in parts if p])


def closest_passage(quote: str, article_text: str, limit: int = 120) -> str:
    """The article's sentence (or 款) most like ``quote``: the real text shown with a misquote."""
    if len(article_text) <= limit:
        return article_text
    pieces = [p for p in re.split(r"(?<=[。；\n])", article_text) if p.strip()]
    best = max(pieces, key=lambda p: difflib.SequenceMatcher(None, quote, p).ratio(), default="")
    return best.strip() or article_text[:limit]


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of outermost quotations, marks included; an unclosed one runs to the end."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in QUOTE_PAIRS:
            close = QUOTE_PAIRS[ch]
            depth, j = 1, i + 1
            while j < n:
                if text[j] == close:
                    depth -= 1
                    if depth == 0:
                        break
                elif text[j] == ch and close != ch:
                    depth += 1
                j += 1
            spans.append((i, min(j + 1, n)))
            i = j + 1
        else:
            i += 1
    return spans


@dataclass
class Source:
    """One numbered source given to the LLM: [index] is this article of this document."""

    index: int
    article: Article
    document: Document

    @property
    def citation_label(self) -> str:
        return f"《{self.document.title}》{self.article.label}"


@dataclass
class _Ref:
    start: int
    end: int
    raw: str
    law_raw: str  # as written
    title: str | None  # resolved full title, None when the law is not held
    number: int | None
    sub: int
    listed: bool = False  # an item of a list (《X》第十条、第十二条): raw has no law name
    item: bool = False  # an item label of a decision (《X》三、), not a 第N条
    from_source: int | None = None  # [n]
    article: Article | None = None
    document: Document | None = None

    @property
    def ok(self) -> bool:
        return self.article is not None


@dataclass
class VerificationResult:
    text: str
    citations: list[Citation]
    flags: list[Flag]

    @property
    def valid(self) -> bool:
        return not any(f.kind in ("nonexistent", "misquote", "bad_source") for f in self.flags)


class CitationVerifier:
    """Resolves citations against an ``ArticleStore``; one instance per store, reusable."""

    def __init__(self, store: ArticleStore):
        self.store = store
        self._finder: LawMentionFinder | None = None
        self._linker: CitationLinker | None = None
        self._finder_version = -1
        self._docs: dict[str, list[Document]] = {}

    # ---- law and article resolution -------------------------------------------
    def finder(self) -> LawMentionFinder:
        version = self.store.version()
        if self._finder is None or version != self._finder_version:
            docs = self.store.list_documents()
            self._docs = {}
            for d in docs:
                self._docs.setdefault(d.title, []).append(d)
            self._finder = LawMentionFinder(self._docs)
            self._linker = CitationLinker(self._finder, ANSWER_POLICY)
            self._finder_version = version
        return self._finder

    def resolve_law(self, name: str) -> str | None:
        return self.finder().resolver.resolve(name)

    def document_for(self, title: str) -> Document | None:
        self.finder()
        versions = self._docs.get(title) or []
        return next((d for d in versions if d.is_current), versions[-1] if versions else None)

    def lookup(self, title: str, number: int, sub: int = 0, *, item: bool = False
               ) -> tuple[Document | None, Article | None]:
        """(document, article) for 《title》第number条之sub — or, with ``item``, the item
        labelled 一、 二、 … of a decision; article None when it does not exist."""
        doc = self.document_for(title)
        if doc is None:
            return None, None
        art = self.store.find_article(doc.id, number, sub)
        if art is not None and item != (art.kind == "item" or art.label.endswith("、")):
            art = None
        return doc, art

    # ---- entry points ------------------------------------------------------------
    def session(self, sources: Iterable[Source] | None = None, *,
                forbidden: Iterable[str] = ()) -> "VerificationSession":
        return VerificationSession(self, list(sources or []), forbidden=forbidden)

    def verify(self, text: str, sources: Iterable[Source] | None = None, *,
               forbidden: Iterable[str] = ()) -> VerificationResult:
        s = self.session(sources, forbidden=forbidden)
        out = s.feed(text) + s.finish()
        return VerificationResult(out, s.citations(), list(s.flags))

    def find_references(self, text: str, last_title: str | None = None) -> list[_Ref]:
        """Every 《X》第N条-style reference outside quotations (not resolved to articles yet);
        ``last_title`` is the law 本法 means until the text names one."""
        self.finder()
        return [_Ref(start=c.start, end=c.end, raw=text[c.start:c.end], law_raw=c.law_name, title=c.title,
                     number=c.number, sub=c.sub, listed=c.listed, item=c.item)
                for c in self._linker.link(_mask_quotes(text), last_title=last_title)]


def _mask_quotes(text: str) -> str:
    """Quotations blanked out (same length): what is quoted is checked as a quote, not cited."""
    chars = list(text)
    for a, b in quote_spans(text):
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = "\u3000"
    return "".join(chars)


@dataclass
class _Segment:
    """One segment being checked: its text, the edits to make, the citations resolved in it."""

    text: str
    edits: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, replacement)
    resolved: list[tuple[int, int, Article, Document, str]] = field(default_factory=list)  # quotes' anchors
    markers: list[tuple[int, int, list[int]]] = field(default_factory=list)  # [n] outside quotes


class VerificationSession:
    """Incremental verification: ``feed`` deltas, get back checked text ready to show."""

    def __init__(self, verifier: CitationVerifier, sources: list[Source], *, forbidden: Iterable[str] = ()):
        self.v = verifier
        self.sources = {s.index: s for s in sources}
        self.flags: list[Flag] = []
        self._buf = ""
        self._citations: dict[tuple, Citation] = {}
        self._order: list[tuple] = []
        self._last_title: str | None = None
        self._last_article: tuple[Article, Document] | None = None
        self._status_flagged: set[int] = set()
        self._flag_keys: set[tuple] = set()
        self._grams = _ngrams(forbidden, 16)
        self.source_markers = 0
        self.text_out = ""
        self._passed: set[int] = set()  # article ids with a check that passed
        self._failed: set[int] = set()  # ... and with one that failed
        self._prev_sentence = ""  # the last sentence of the previous segment (a [n] may follow it)

    # ---- streaming ---------------------------------------------------------------
    def feed(self, delta: str) -> str:
        self._buf += delta or ""
        cut = _safe_cut(self._buf)
        if cut <= 0:
            return ""
        segment, self._buf = self._buf[:cut], self._buf[cut:]
        return self._emit(self._check(segment))

    def finish(self) -> str:
        segment, self._buf = self._buf, ""
        return self._emit(self._check(segment)) if segment else ""

    def _emit(self, text: str) -> str:
        self.text_out += text
        return text

    def citations(self) -> list[Citation]:
        out = [self._citations[k] for k in self._order]
        for c in out:
            c.verified = c.article_id in self._passed and c.article_id not in self._failed
        return out

    @property
    def cited_any(self) -> bool:
        return bool(self._order)

    # ---- checks ------------------------------------------------------------------
    def _flag(self, flag: Flag) -> None:
        key = (flag.kind, flag.citation, flag.message)
        if key not in self._flag_keys:
            self._flag_keys.add(key)
            self.flags.append(flag)

    def _cite(self, article: Article, document: Document, source_index: int | None = None) -> Citation:
        key = (article.id,)
        if key not in self._citations:
            self._citations[key] = Citation.from_article(article, document, source_index=source_index)
            self._order.append(key)
        elif source_index is not None and self._citations[key].source_index is None:
            self._citations[key].source_index = source_index
        return self._citations[key]

    def _check(self, segment: str) -> str:
        """``segment`` as shown: each citation, source marker and quotation in it checked."""
        if self._grams and _leaks(segment, self._grams):
            return self._prompt_leak(segment)
        if self.sources:  # a model's text: no links or HTML reach the reader
            segment = self._strip_markup(segment)
        seg = _Segment(segment)
        self._check_source_markers(seg)
        for ref in self.v.find_references(segment, self._last_title):
            self._check_reference(ref, seg)
        seg.resolved.sort(key=lambda r: r[0])
        for a, b in quote_spans(segment):
            self._check_quote(a, b, seg)
        self._check_claims(seg)
        if seg.resolved:
            last = seg.resolved[-1]
            self._last_article = (last[2], last[3])
        return _apply(segment, seg.edits)

    def _strip_markup(self, segment: str) -> str:
        clean = strip_markup(segment)
        if clean != segment:
            self._flag(Flag("markup_removed", "回答中的链接或网页代码已删除（只显示文字）。"))
        return clean

    # ---- claims: each sentence with a [n] must be supported by source n ---------------
    def _check_claims(self, seg: _Segment) -> None:
        bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(seg.text)]
        prev_end = 0
        for start, end, nums in seg.markers:
            sentence = max(b for b in bounds if b <= start)
            claim = _claim_text(seg.text[max(sentence, prev_end):start])
            if not claim:  # the marker follows its sentence: 「……」。[2]
                earlier = [b for b in bounds if b < sentence]
                claim = _claim_text(seg.text[earlier[-1]:sentence] if earlier else self._prev_sentence)
            prev_end = end
            if claim:
                self._check_claim(claim, nums, end, seg)
        pieces = [_claim_text(seg.text[a:b]) for a, b in zip(bounds, bounds[1:] + [len(seg.text)])]
        self._prev_sentence = next((p for p in reversed(pieces) if p), self._prev_sentence)

    def _check_claim(self, claim: str, nums: list[int], at: int, seg: _Segment) -> None:
        cited = [self.sources[n] for n in nums]
        text = "\n".join(s.article.text for s in cited)
        context = " ".join(f"{s.document.title} {s.article.label} {' '.join(s.article.path)}" for s in cited)
        result = claim_support(claim, text, context=context)
        ids = {s.article.id for s in cited}
        if result.supported:
            self._passed |= ids
            return
        self._failed |= ids
        labels = "、".join(f"[{s.index}]《{short_name(s.document.title)}》{s.article.label}" for s in cited)
        shown = claim if len(claim) <= 40 else claim[:40] + "……"
        self._flag(Flag("unsupported", f"“{shown}”未能在所引条文{labels}中核实：{result.reason}。",
                        citation=labels))
        for s in cited:
            cit = self._cite(s.article, s.document, source_index=s.index)
            if UNSUPPORTED_NOTE not in cit.flags:
                cit.flags.append(UNSUPPORTED_NOTE)
        seg.edits.append((at, at, UNSUPPORTED_MARK))

    def _prompt_leak(self, segment: str) -> str:
        self._flag(Flag("prompt_leak", "回答中出现了系统指令的内容，已删除该段。"))
        return "〔已删除一段疑似系统指令的内容〕" + ("\n" if segment.endswith("\n") else "")

    def _check_source_markers(self, seg: _Segment) -> None:
        """[n]: the source given as n, or flagged and removed when no source n was given."""
        for m in _SOURCE_RE.finditer(seg.text):
            if _inside_quote(seg.text, m.start()):
                continue
            nums = [int(x) for x in re.split(r"[,，、;；\s]+", m.group(1)) if x]
            good = [n for n in nums if n in self.sources]
            self._bad_sources(m, good, [n for n in nums if n not in self.sources], seg)
            if good:
                seg.markers.append((m.start(), m.end(), good))
            for n in good:
                src = self.sources[n]
                self._cite(src.article, src.document, source_index=n)
                seg.resolved.append((m.start(), m.end(), src.article, src.document, f"[{n}]"))
                self._last_title = src.document.title
                self._not_in_force(src.article, src.document, m.end(), seg)
            self.source_markers += len(good)

    def _bad_sources(self, marker: re.Match, good: list[int], bad: list[int], seg: _Segment) -> None:
        for n in bad:
            self._flag(Flag("bad_source", f"引用了不存在的来源 [{n}]，已删除。", citation=f"[{n}]"))
        if bad:
            seg.edits.append((marker.start(), marker.end(), "".join(f"[{n}]" for n in good)))

    def _check_reference(self, ref: _Ref, seg: _Segment) -> None:
        """《X》第N条: cited when it exists, else flagged and removed."""
        label = ref.raw.strip()
        if ref.listed:  # an item of a list: 《X》第十条、第十二条
            label = f"《{ref.law_raw.strip('《》')}》{label}"
        if ref.title is None:
            law = ref.law_raw.strip("《》")
            self._nonexistent(ref, label, f"知识库中没有《{law}》，无法核实“{label}”，已从回答中删除。", seg)
            return
        doc, art = self.v.lookup(ref.title, ref.number or 0, ref.sub, item=ref.item)
        if art is None:
            if not ref.item:  # 《X》一、 may be ordinary prose after a title: say nothing
                asked = article_label(ref.number or 0, ref.sub) if ref.number else label
                self._nonexistent(ref, label, f"《{ref.title}》没有{asked}，“{label}”已从回答中删除。", seg)
            return
        self._cite(art, doc)
        seg.resolved.append((ref.start, ref.end, art, doc, label))
        self._last_title = doc.title
        self._not_in_force(art, doc, ref.end, seg)

    def _nonexistent(self, ref: _Ref, label: str, message: str, seg: _Segment) -> None:
        self._flag(Flag("nonexistent", message, citation=label))
        seg.edits.append((ref.start, ref.end, REMOVED_MARK))

    def _not_in_force(self, art: Article, doc: Document, at: int, seg: _Segment) -> None:
        """A cited article whose text is not 现行有效 (or not the current version): its status shown."""
        status = doc.status_on()
        if status == IN_FORCE and doc.is_current:
            return
        if art.id in self._status_flagged:
            return
        self._status_flagged.add(art.id)
        shown = status if status != IN_FORCE else "非现行版本"
        if not doc.is_current and status == IN_FORCE:
            shown = "已被新版本取代"
        note = f"《{doc.title}》{art.label}所在文本状态：{shown}"
        if doc.notes:
            note += f"（{doc.notes[0]}）"
        cit = self._cite(art, doc)
        if note not in cit.flags:
            cit.flags.append(note)
        self._flag(Flag("not_in_force", note, citation=f"《{short_name(doc.title)}》{art.label}",
                        real_text=shown))
        seg.edits.append((at, at, f"〔{shown}〕"))

    def _check_quote(self, a: int, b: int, seg: _Segment) -> None:
        """A quotation must be verbatim in the article it is attributed to."""
        inner = _quote_inner(seg.text, a, b)
        if len(normalize_for_match(inner).strip(_EDGE_PUNCT)) < MIN_QUOTE_CHARS:
            return
        target = self._attribute(a, b, seg.text, seg.resolved)
        if target is None:
            self._unattributed(inner, b, seg)
            return
        art, doc, _ = target
        if is_verbatim(inner, art.text):
            self._passed.add(art.id)
        # quoted right but cited at the wrong place: kept as it is
        elif self._verbatim_elsewhere(inner) is None:
            self._misquote(inner, art, doc, b, seg)

    def _misquote(self, inner: str, art: Article, doc: Document, at: int, seg: _Segment) -> None:
        real = closest_passage(inner, art.text)
        cit = self._cite(art, doc)
        self._failed.add(art.id)
        note = f"引文与《{doc.title}》{art.label}原文不符"
        if note not in cit.flags:
            cit.flags.append(note)
        cited = f"《{short_name(doc.title)}》{art.label}"
        self._flag(Flag("misquote", f"{note}。原文：{real}", citation=cited, real_text=art.text))
        seg.edits.append((at, at, f"〔核验：此引文与{cited}原文不符，原文为「{real}」〕"))

    def _attribute(self, a: int, b: int, segment: str, resolved) -> tuple[Article, Document, str] | None:
        after = segment[b:b + 6]
        m = re.match(r"\s*[（(]?\s*" + _SOURCE_RE.pattern, after)
        if m:
            nums = [int(x) for x in re.split(r"[,，、;；\s]+", m.group(1)) if x]
            for n in nums:
                if n in self.sources:
                    return self.sources[n].article, self.sources[n].document, f"[{n}]"
        before = [r for r in resolved if r[1] <= a]
        if before:
            r = before[-1]
            return r[2], r[3], r[4]
        after_refs = [r for r in resolved if r[0] >= b]
        if after_refs:
            r = after_refs[0]
            return r[2], r[3], r[4]
        if self._last_article is not None:
            art, doc = self._last_article
            return art, doc, f"《{doc.title}》{art.label}"
        return None

    def _verbatim_elsewhere(self, inner: str):
        for c in self.citations():
            if is_verbatim(inner, c.text):
                return c
        for s in self.sources.values():
            if is_verbatim(inner, s.article.text):
                return s
        return None

    def _unattributed(self, inner: str, at: int, seg: _Segment) -> None:
        """A quotation with no citation to check it against: noted unless some source has it."""
        if self._verbatim_elsewhere(inner) is not None:
            return
        shown = inner if len(inner) <= 40 else inner[:40] + "……"
        self._flag(Flag("unattributed_quote", f"引文「{shown}」在所引条文中找不到，无法核实。"))
        seg.edits.append((at, at, "〔核验：此引文无法在知识库条文中找到〕"))


def _claim_text(text: str) -> str:
    """A claim as checked: source markers and edge punctuation dropped."""
    return _SOURCE_RE.sub("", text).strip(_EDGE_PUNCT + "，、")


def _quote_inner(text: str, a: int, b: int) -> str:
    """The quotation at text[a:b] without its marks (an unclosed one has no closing mark)."""
    return text[a + 1:b - 1] if b - a >= 2 and text[b - 1] == QUOTE_PAIRS.get(text[a]) else text[a + 1:b]


def _inside_quote(text: str, pos: int) -> bool:
    return any(a < pos < b for a, b in quote_spans(text))


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    if not edits:
        return text
    out, last = [], 0
    for start, end, repl in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < last:  # overlapping edit (same span flagged twice): keep the first
            continue
        out.append(text[last:start])
        out.append(repl)
        last = end
    out.append(text[last:])
    return "".join(out)


def _safe_cut(buf: str) -> int:
    """Index just after the last sentence end that is outside quotes, 《》 and [..]."""
    cut = 0
    stack: list[str] = []
    for i, ch in enumerate(buf):
        if stack and ch == stack[-1]:
            stack.pop()
            continue
        if ch in QUOTE_PAIRS:
            stack.append(QUOTE_PAIRS[ch])
        elif ch == "《":
            stack.append("》")
        elif ch in "[［【":
            stack.append({"[": "]", "［": "］", "【": "】"}[ch])
        elif ch == "(" and i and buf[i - 1] in "]］":  # a markdown link's target: keep it whole
            stack.append(")")
        elif ch == "<" and _opens_tag(buf[i + 1:i + 2]):
            stack.append(">")
        elif not stack and ch in "。！？!?\n":
            cut = i + 1
        if len(stack) > 8:  # runaway unbalanced marks: fall back to line ends
            stack.clear()
    # a sentence may continue with a citation right after its end mark: keep it together
    return cut


def _opens_tag(after: str) -> bool:
    """'<' followed by this character starts an HTML tag (kept whole until its '>')."""
    return bool(after) and after.isascii() and (after.isalpha() or after in "/!")


def _ngrams(texts: Iterable[str], n: int) -> set[str]:
    grams: set[str] = set()
    for t in texts:
        t = "".join((t or "").split())
        for i in range(0, max(len(t) - n + 1, 0)):
            grams.add(t[i:i + n])
    return grams


def _leaks(segment: str, grams: set[str]) -> bool:
    s = "".join(segment.split())
    n = len(next(iter(grams))) if grams else 0
    return any(s[i:i + n] in grams for i in range(0, max(len(s) - n + 1, 0)))


def resolve_citation(verifier: CitationVerifier, law: str, label: str) -> Citation | None:
    """A Citation for 《law》label when it exists (used by callers that build citations)."""
    title = verifier.resolve_law(law)
    if title is None:
        return None
    try:
        number, sub = parse_article_ref(label)
    except XuefaError:  # an unparsable label is simply not a citation
        return None
    doc, art = verifier.lookup(title, number, sub)
    if art is None or doc is None:
        return None
    return Citation.from_article(art, doc)


__all__ = ["CitationVerifier", "VerificationSession", "VerificationResult", "Source", "is_verbatim",
           "normalize_for_match", "quote_spans", "closest_passage", "resolve_citation", "NotFoundError"]
