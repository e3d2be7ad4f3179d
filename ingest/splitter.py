"""Split the plain text of a law, regulation or internal rule into citable units.

Three shapes are recognised; the first that fits wins:

* ``articles`` - ``第N条`` / ``第N条之一`` at line starts (Chinese or Arabic numerals), with
  ``第X编 / 分编 / 章 / 节`` heading lines (and ``第一部分`` in internal rules) as the path. A
  第N条 inside a sentence is never an article; one at a line start that breaks the numbering
  (a quoted article in an amendment, a duplicate, a jump right after "修改为：") is body text
  of the current article.
* ``items`` - internal rules and decisions numbered ``一、`` ``（一）`` ``1.`` ``（1）`` ``①``.
  The finest numbered level that carries body text is the unit; a short title-only line
  with numbered children (``一、总则``) becomes part of the path instead. Lists introduced
  by a colon (``有下列情形之一的：（一）…；（二）…``) stay inside their paragraph.
* ``prose`` - anything else: paragraph groups of about 200-500 characters, never cutting a
  paragraph.

A table of contents (``目录`` followed by the headings that are repeated in the body) is
dropped. Appendices after the last article/item (a line ``附件一``, ``附件：…``, ``附：``,
``附表二：``, ``附录``) each become one unit of kind ``item`` labelled with the heading's
designator (``附件一``; a bare ``附`` is labelled ``附件``); the title written after the
colon, if any, is the first line of its text. Everything until the next appendix heading
belongs to it, numbered lines included, because an appendix is cited as a whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.legal.numerals import NUMERAL, cn_to_int


@dataclass
class SplitArticle:
    """One citable unit: an article (条), a numbered item of a rule, or a paragraph group."""

    label: str  # '第十条', '第十条之一', '一、', '（三）', '3.', '附件一', '第3段'
    number: int  # 10 for 第十条 and 第十条之一; for items/paragraph groups the 1-based ordinal
    sub: int  # 之N -> N, else 0
    path: list[str]  # enclosing headings, e.g. ['第二编 物权', '第一章 一般规定']
    text: str  # body without the leading label, 款 separated by '\n'
    paragraphs: list[str] = field(default_factory=list)  # the 款
    kind: str = "article"  # 'article' | 'item' | 'paragraph'


@dataclass
class SplitResult:
    articles: list[SplitArticle]
    structure: str  # 'articles' | 'items' | 'prose'
    preamble: str  # title, 通过/施行 lines, 序言 ... before the first unit (目录 removed)


_NUM = NUMERAL
_ARTICLE_RE = re.compile(rf"^第\s*({_NUM})\s*条(?:\s*之\s*({_NUM}))?")
# what may directly follow "第N条" when the line is a reference, not an article:
# 第五条第二款…, 第五条、第六条…, 第五条至第十条…
_REFERENCE_TAIL_RE = re.compile(rf"^(?:第{_NUM}[款项]|[、，,]|(?:及|和|与|或者|或|至|到)第)")
# '第五条规定的…' is usually a reference too, but an article may also begin with 规定 when the
# label is not followed by a space ('第八十六条规定本行政区域…'): decided by the numbering
_WEAK_TAIL_RE = re.compile(r"^的?规定")
_HEADING_RE = re.compile(rf"^第\s*({_NUM})\s*(分编|编|部分|章|节)(.*)$")
_HEADING_LEVEL = {"编": 0, "部分": 0, "分编": 1, "章": 2, "节": 3}  # 第一部分: internal rules
_HEADING_TITLE_BAD = re.compile(r"[。；;：:，,！？!?]")
_APPENDIX_RE = re.compile(
    r"^(附件|附录|附表|附图)\s*([0-9０-９一二三四五六七八九十]*)\s*(?:[：:]\s*(.*)|\s+(.+))?$")
_BARE_APPENDIX_RE = re.compile(r"^附\s*[：:]\s*(.*)$")
_TOC_RE = re.compile(r"^目\s*录$")
_DATE_LINE_RE = re.compile(
    r"^[（(].*(?:通过|施行|公布|修正|修订|批准|发布|颁布|生效|印发|备案).*[）)]$")
_COLON_END = ("：", ":")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)

_ITEM_PATTERNS = (
    ("cn", re.compile(r"^([一二三四五六七八九十百]+)、\s*")),
    ("pcn", re.compile(r"^[（(]\s*([一二三四五六七八九十百]+)\s*[）)]\s*")),
    ("ar", re.compile(r"^([0-9０-９]{1,3})[.．、](?![0-9０-９])\s*")),
    ("par", re.compile(r"^[（(]\s*([0-9０-９]{1,3})\s*[）)]\s*")),
    ("circ", re.compile(r"^([\u2460-\u2473])\s*")),
)

NUMBER_GAP = 3  # tolerated jump in article numbers (repealed or missing articles)
_LOOKAHEAD = 50  # candidates looked at when deciding whether a jump is a quotation
HEADING_MAX_CHARS = 40
PROSE_MIN_CHARS, PROSE_MAX_CHARS = 200, 500


def split_text(text: str) -> SplitResult:
    """Split a document's plain text into articles, numbered items or paragraph groups.

    Never raises on odd input: text without any structure comes back as ``prose`` and empty
    text as an empty ``prose`` result; the caller decides whether that is acceptable.
    """
    lines = _clean_lines(text)
    if not lines:
        return SplitResult([], "prose", "")
    lines = _drop_toc(lines)

    cands = _article_candidates(lines)
    accepted = _accept_articles(lines, cands)
    first_item = next((i for i, line in enumerate(lines) if _match_item(line)), len(lines))
    # numbered lines only after the first article are lists inside articles: skip the work
    items_plan = None if accepted and min(accepted) < first_item else _plan_items(lines)
    if accepted and (items_plan is None or min(accepted) < items_plan.first_idx):
        return _split_articles(lines, cands, accepted)
    if items_plan is not None:
        return _split_items(lines, items_plan)
    return _split_prose(lines)


# ---- lines, headings, table of contents ----------------------------------------------------

def _clean_lines(text: str) -> list[str]:
    out = []
    for raw in (text or "").translate(_INVISIBLE).splitlines():
        line = raw.strip()
        if line:
            out.append(line)
    return out


def normalize_heading(line: str) -> str:
    """'第一章　总　　则' -> '第一章 总则': one half-width space after the number, and the
    spacing-out between CJK characters of the title removed."""
    m = _HEADING_RE.match(line.strip())
    if not m:
        return line.strip()
    title = _squeeze(m.group(3))
    head = f"第{m.group(1)}{m.group(2)}"
    return f"{head} {title}" if title else head


def _squeeze(s: str) -> str:
    s = re.sub(r"\s+", " ", s.strip())
    # spaces between two non-ASCII characters are typographic spacing ('总 则'), not words
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", s)


def _heading_match(line: str) -> re.Match | None:
    """A 编/分编/章/节 heading line: short, a title without sentence punctuation."""
    if len(line) > HEADING_MAX_CHARS:
        return None
    m = _HEADING_RE.match(line)
    if not m or cn_to_int(m.group(1)) is None:
        return None
    title = m.group(3)
    if _HEADING_TITLE_BAD.search(title) or title.startswith(("的", "之", "规定")):
        return None
    return m


def _toc_key(line: str) -> str:
    key = re.sub(r"\s+", "", line)
    key = re.sub(r"[（(]第[^）)]*条[）)]$", "", key)  # '（第一条至第十条）' ranges
    return re.sub(r"[.…·．\-—_]*[0-9]*$", "", key)  # dot leaders and page numbers


def _drop_toc(lines: list[str]) -> list[str]:
    """Remove a 目录 block: the body starts at the second occurrence of its first entry."""
    for i, line in enumerate(lines[:300]):
        if _ARTICLE_RE.match(line):
            return lines  # a 目录 line after the first article is body text
        if not _TOC_RE.match(re.sub(r"\s+", "", line)) or i + 1 >= len(lines):
            continue
        key = _toc_key(lines[i + 1])
        for k in range(i + 2, len(lines)):
            if _toc_key(lines[k]) == key:
                block = lines[i + 1:k]
                # only headings belong to a TOC; anything else means we guessed wrong
                if all(len(b) <= 60 and "。" not in b and not _ARTICLE_RE.match(b) for b in block):
                    return lines[:i] + lines[k:]
                break
        return lines[:i] + lines[i + 1:]
    return lines


def _appendix_match(line: str) -> tuple[str, str] | None:
    """('附件一', title) for an appendix heading line, else None."""
    if len(line) > 80:
        return None
    m = _APPENDIX_RE.match(line)
    if m:
        return m.group(1) + m.group(2), (m.group(3) or m.group(4) or "").strip()
    m = _BARE_APPENDIX_RE.match(line)
    if m:
        return "附件", m.group(1).strip()
    return None


def _real_headings(lines: list[str], lo: int, hi: int, skip: set[int]) -> dict[int, tuple[int, str]]:
    """Heading lines in [lo, hi) -> (level, normalized heading); one right after a line
    ending in a colon is quoted text ('增加一节，作为第七节：'), not a heading."""
    out = {}
    for i in range(lo, hi):
        if i in skip:
            continue
        m = _heading_match(lines[i])
        if m and not (i > 0 and lines[i - 1].endswith(_COLON_END)):
            out[i] = (_HEADING_LEVEL[m.group(2)], normalize_heading(lines[i]))
    return out


def _set_path(levels: dict[int, str], level: int, heading: str) -> None:
    # a new 编 resets 分编/章/节, a new 章 resets 节 ...
    for deeper in [k for k in levels if k >= level]:
        del levels[deeper]
    levels[level] = heading


def _path(levels: dict[int, str]) -> list[str]:
    return [levels[k] for k in sorted(levels)]


def _make(label: str, number: int, sub: int, path: list[str], parts: list[str], kind: str) -> SplitArticle:
    paragraphs = [p for p in parts if p]
    return SplitArticle(label=label, number=number, sub=sub, path=list(path),
                        text="\n".join(paragraphs), paragraphs=paragraphs, kind=kind)


# ---- articles (第N条) ---------------------------------------------------------------------

@dataclass
class _Candidate:
    idx: int
    key: tuple[int, int]
    label: str
    rest: str
    weak: bool = False  # reads like a reference ('第五条规定…'): only accepted in sequence


def _article_candidates(lines: list[str]) -> list[_Candidate]:
    out = []
    for i, line in enumerate(lines):
        m = _ARTICLE_RE.match(line)
        if not m:
            continue
        rest = line[m.end():]
        if _REFERENCE_TAIL_RE.match(rest):
            continue  # '第四条第二款：' starts a reference, not an article
        number = cn_to_int(m.group(1))
        sub = cn_to_int(m.group(2)) if m.group(2) else 0
        if number is None or sub is None:
            continue
        label = f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else "")
        out.append(_Candidate(i, (number, sub), label, rest.lstrip(" \t\u3000：:"),
                              bool(_WEAK_TAIL_RE.match(rest))))
    return out


def _natural(prev: tuple[int, int] | None, key: tuple[int, int]) -> bool:
    """Is ``key`` a plausible next article after ``prev`` (allowing small numbering gaps)?"""
    if prev is None:
        return True
    if key[0] == prev[0]:
        return 0 < key[1] - prev[1] <= NUMBER_GAP
    return 0 < key[0] - prev[0] <= NUMBER_GAP


def _accept_articles(lines: list[str], cands: list[_Candidate]) -> set[int]:
    """Line indexes of the 第N条 candidates that really start an article.

    Numbers must increase. A candidate that does not continue the sequence is body text
    when it follows a line ending in a colon (a quotation: '作为第一百六十二条之一：'), when
    a later candidate continues the sequence better, or when it continues a run of quoted
    articles ('第一百二十三条 … 第一百二十四条 …' inside an amendment).
    """
    if not cands:
        return set()
    accepted: set[int] = set()
    main: tuple[int, int] | None = None
    quote: tuple[int, int] | None = None
    for i in range(_first_article(cands), len(cands)):
        c, k = cands[i], cands[i].key
        window = cands[i + 1:i + 1 + _LOOKAHEAD]
        if _starts_article(c, main, quote, window, _after_colon(lines, c.idx)):
            accepted.add(c.idx)
            main, quote = k, None
        elif main is not None and k > main or (quote is not None and _natural(quote, k)):
            quote = k
    return accepted


def _first_article(cands: list[_Candidate]) -> int:
    """Index of the real 第一条 when a quotation comes before it (within a few candidates), else 0."""
    if cands[0].key != (1, 0):
        for j in range(1, min(len(cands), 4)):
            if cands[j].key == (1, 0):
                return j
    return 0


def _starts_article(c: _Candidate, main: tuple[int, int] | None, quote: tuple[int, int] | None,
                    window: list[_Candidate], colon: bool) -> bool:
    """Does candidate ``c`` start an article, after the article ``main`` and the quoted one
    ``quote``, given the next candidates (``window``) and whether a colon precedes it?"""
    k = c.key
    if c.weak:
        return main is not None and _natural(main, k) and not any(main < w.key <= k for w in window)
    if main is None:
        return True
    if k <= main:
        return False
    if quote is not None and _natural(quote, k) and not _natural(main, k):
        return False  # continues a run of quoted articles
    if _natural(main, k):
        # accepting k would skip a later, better-fitting article (the real one)
        return not any(main < w.key < k or (colon and w.key == k) for w in window)
    # a jump: a quotation unless nothing later continues the sequence
    return not colon and not any(_natural(main, w.key) for w in window)


def _after_colon(lines: list[str], idx: int) -> bool:
    """Does the text before line ``idx`` (headings skipped) end with a colon, i.e. quote it?"""
    j = idx - 1
    while j >= 0 and _heading_match(lines[j]):
        j -= 1
    return j >= 0 and lines[j].endswith(_COLON_END)


def _split_articles(lines: list[str], cands: list[_Candidate], accepted: set[int]) -> SplitResult:
    by_idx = {c.idx: c for c in cands if c.idx in accepted}
    last_article = max(accepted)
    appendix_start = next((i for i in range(last_article + 1, len(lines)) if _appendix_match(lines[i])),
                          len(lines))
    headings = _real_headings(lines, 0, appendix_start, set(accepted))
    # a heading followed by a rejected (quoted) 第N条 before any real article is quoted too
    rejected = {c.idx for c in cands} - accepted
    following = None
    for i in range(appendix_start - 1, -1, -1):
        if i in accepted:
            following = "article"
        elif i in rejected:
            following = "quote"
        elif i in headings and following == "quote":
            del headings[i]

    preamble: list[str] = []
    pending: list[tuple[_Candidate, list[str], list[str]]] = []  # (candidate, path, body lines)
    levels: dict[int, str] = {}
    for i in range(appendix_start):
        if i in by_idx:
            pending.append((by_idx[i], _path(levels), [by_idx[i].rest]))
        elif i in headings:
            _set_path(levels, *headings[i])
        elif pending:  # body text, or stray text after a heading: stays with the last article
            pending[-1][2].append(lines[i])
        else:
            preamble.append(lines[i])
    units = [_make(c.label, c.key[0], c.key[1], path, parts, "article") for c, path, parts in pending]
    units.extend(_appendices(lines, appendix_start, len(lines)))
    return SplitResult(units, "articles", "\n".join(preamble))


def _appendices(lines: list[str], lo: int, hi: int) -> list[SplitArticle]:
    heads: list[tuple[str, list[str]]] = []
    for i in range(lo, hi):
        m = _appendix_match(lines[i])
        if m:
            heads.append((m[0], [m[1]]))
        elif heads:
            heads[-1][1].append(lines[i])
    return [_make(label, n, 0, [], parts, "item") for n, (label, parts) in enumerate(heads, start=1)]


# ---- numbered items (internal rules, decisions) ---------------------------------------------

@dataclass(eq=False)
class _Node:
    idx: int
    kind: str
    n: int
    label: str
    rest: str
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    end: int = 0  # exclusive end of the lines this node and its children cover


@dataclass
class _ItemsPlan:
    first_idx: int
    appendix_start: int
    headings: dict[int, tuple[int, str]]
    segments: list[tuple[int, int, list[_Node]]]  # (lo, hi, roots) between headings


def _match_item(line: str) -> tuple[str, int, str, str] | None:
    for kind, rx in _ITEM_PATTERNS:
        m = rx.match(line)
        if m:
            raw = m.group(1)
            n = ord(raw) - 0x2460 + 1 if kind == "circ" else cn_to_int(raw)
            if n:
                return kind, n, m.group(0).strip(), line[m.end():].strip()
    return None


def _build_tree(lines: list[str], lo: int, hi: int, masked: set[int]) -> list[_Node]:
    """Numbered lines of [lo, hi) as a tree; a number out of sequence is body text."""
    roots: list[_Node] = []
    stack: list[_Node] = []  # the open node of each level, outermost first
    order: list[_Node] = []
    for i in range(lo, hi):
        m = None if i in masked else _match_item(lines[i])
        if not m:
            continue
        kind, n, label, rest = m
        placed, parent = _place(stack, kind, n)
        if not placed:
            continue
        node = _Node(i, kind, n, label, rest, parent=parent)
        (parent.children if parent else roots).append(node)
        stack.append(node)
        order.append(node)
    _set_ends(order, hi)
    return roots


def _place(stack: list[_Node], kind: str, n: int) -> tuple[bool, _Node | None]:
    """(fits, parent) of a numbered line: the next sibling of the open node of its kind (closing
    the levels below it), or the first child of the innermost open node when n is 1."""
    pos = next((j for j in range(len(stack) - 1, -1, -1) if stack[j].kind == kind), None)
    if pos is not None:
        if n != stack[pos].n + 1:
            return False, None
        parent = stack[pos].parent
        del stack[pos:]
        return True, parent
    if n == 1:
        return True, stack[-1] if stack else None
    return False, None


def _set_ends(order: list[_Node], hi: int) -> None:
    """A node covers everything up to the next node that is not its descendant."""
    for pos, node in enumerate(order):
        node.end = hi
        for later in order[pos + 1:]:
            anc = later.parent
            while anc is not None and anc is not node:
                anc = anc.parent
            if anc is not node:
                node.end = later.idx
                break


def _runs(siblings: list[_Node]) -> list[list[_Node]]:
    runs: list[list[_Node]] = []
    for node in siblings:
        if runs and node.n == runs[-1][-1].n + 1 and node.kind == runs[-1][-1].kind:
            runs[-1].append(node)
        else:
            runs.append([node])
    return runs


def _own_lines(lines: list[str], node: _Node) -> list[str]:
    stop = node.children[0].idx if node.children else node.end
    return [node.rest, *lines[node.idx + 1:stop]]


def _is_list(lines: list[str], run: list[_Node]) -> bool:
    """A colon-introduced enumeration ('有下列情形之一的：（一）…；（二）…') rather than sections."""
    first = run[0]
    if first.idx == 0 or not lines[first.idx - 1].endswith(_COLON_END):
        return False
    owns = ["\n".join(_own_lines(lines, n)) for n in run]
    if any(o.rstrip().endswith(("；", ";", "，", ",", "、")) for o in owns[:-1]):
        return True
    # short title-like entries ('包括：（一）工商界（二）专业界'); not 一、 items, which after
    # '作如下修改：' or '通知如下：' are the document's own structure
    return first.kind != "cn" and all(not n.children and "。" not in o and len(o) <= 60
                                      for n, o in zip(run, owns))


def _segment_tree(lines: list[str], lo: int, hi: int) -> list[_Node]:
    masked: set[int] = set()
    for _ in range(5):  # demoting a list can change the tree around it; a few passes settle it
        roots = _build_tree(lines, lo, hi, masked)
        found: set[int] = set()
        todo = [roots]
        while todo:
            siblings = todo.pop()
            for run in _runs(siblings):
                if _is_list(lines, run):
                    found.update(n.idx for n in run)
            for n in siblings:
                if n.children:
                    todo.append(n.children)
        if not found - masked:
            return roots
        masked |= found
    return roots


def _plan_items(lines: list[str]) -> _ItemsPlan | None:
    """The numbered-item structure of the document, or None when there is none."""
    headings = _real_headings(lines, 0, len(lines), set())
    first_item = next((i for i in range(len(lines)) if i not in headings and _match_item(lines[i])), None)
    if first_item is None:
        return None
    appendix_start = next((i for i in range(first_item + 1, len(lines)) if _appendix_match(lines[i])),
                          len(lines))
    headings = {i: h for i, h in headings.items() if i < appendix_start}
    bounds = [i for i in sorted(headings)] + [appendix_start]
    segments = []
    lo = 0
    for b in bounds:
        if b > lo:
            segments.append((lo, b, _segment_tree(lines, lo, b)))
        lo = b + 1
    roots = [r for _, _, rs in segments for r in rs]
    if len(roots) < 2 or not any(len(run) >= 2 for _, _, rs in segments for run in _runs(rs)):
        return None
    return _ItemsPlan(min(r.idx for r in roots), appendix_start, headings, segments)


def _is_heading_node(node: _Node) -> bool:
    """'一、总则' with numbered children: a title for the path, not a unit of its own."""
    rest = node.rest
    return (bool(node.children) and len(rest) <= HEADING_MAX_CHARS and not re.search(r"[。；;]", rest)
            and not rest.endswith(_COLON_END))


def _split_items(lines: list[str], plan: _ItemsPlan) -> SplitResult:
    preamble: list[str] = []
    units: list[SplitArticle] = []
    levels: dict[int, str] = {}

    def emit(node: _Node, path: list[str]) -> None:
        if _is_heading_node(node):
            intro = lines[node.idx + 1:node.children[0].idx]
            if intro:
                units.append(_make(node.label, len(units) + 1, 0, path, [node.rest, *intro], "item"))
            for child in node.children:
                emit(child, path + [lines[node.idx]])  # the heading as written: '一、总则'
        else:
            units.append(_make(node.label, len(units) + 1, 0, path,
                               [node.rest, *lines[node.idx + 1:node.end]], "item"))

    pending_headings = sorted(plan.headings)
    for lo, hi, roots in plan.segments:
        while pending_headings and pending_headings[0] < lo:
            _set_path(levels, *plan.headings[pending_headings.pop(0)])
        loose = lines[lo:roots[0].idx if roots else hi]  # text before the first item here
        if units:
            last = units[-1]
            units[-1] = _make(last.label, last.number, last.sub, last.path,
                              last.paragraphs + loose, last.kind)
        else:
            preamble.extend(loose)
        for root in roots:
            emit(root, _path(levels))
    units.extend(_appendices(lines, plan.appendix_start, len(lines)))
    return SplitResult(units, "items", "\n".join(preamble))


# ---- prose ---------------------------------------------------------------------------------

def _split_prose(lines: list[str]) -> SplitResult:
    start = 0
    first = lines[0]
    if len(lines) > 1 and len(first) <= 100 and not re.search(r"[。；;]", first) \
            and not first.endswith(_COLON_END):
        start = 1  # a title line
        while start < len(lines) and _DATE_LINE_RE.match(lines[start]):
            start += 1
    headings = _real_headings(lines, start, len(lines), set())
    units: list[SplitArticle] = []
    levels: dict[int, str] = {}
    group: list[str] = []
    group_path: list[str] = []

    def flush() -> None:
        if group:
            n = len(units) + 1
            units.append(_make(f"第{n}段", n, 0, group_path, list(group), "paragraph"))
            group.clear()

    size = 0
    for i in range(start, len(lines)):
        if i in headings:
            flush()
            size = 0
            _set_path(levels, *headings[i])
            continue
        para = lines[i]
        if group and size >= PROSE_MIN_CHARS and size + len(para) > PROSE_MAX_CHARS:
            flush()
            size = 0
        if not group:
            group_path = _path(levels)
        group.append(para)
        size += len(para)
    flush()
    return SplitResult(units, "prose", "\n".join(lines[:start]))
