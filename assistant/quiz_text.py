"""Text helpers of the quiz engine: sentences of an article, verbatim matching, shortening a
sentence without leaving the article's own words, numerals, and jieba content tokens.

Everything that decides whether a statement "is in the article" lives here, so generators,
the quality checker and the LLM validator agree on one definition.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from knowledge.cn_numerals import cn_to_int, int_to_cn

from .quiz_models import ELLIPSIS

NUM_CHARS = "零〇一二两三四五六七八九十百千万0-9"
NUM = f"[{NUM_CHARS}]+"
_ITEM_RE = re.compile(r"^（[一二三四五六七八九十]+）")
_TRAILING = "。；;，,：:、 \u3000"
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence (ending in 。) or an enumerated item (（一）…) of an article, verbatim.

    ``lead`` is the sentence introducing an item list (…采取下列措施：), empty otherwise.
    """

    text: str
    paragraph: int
    is_item: bool = False
    lead: str = ""


def norm(text: str) -> str:
    """Form-insensitive key for verbatim comparison: no whitespace, no trailing punctuation."""
    return _SPACES.sub("", text).strip(_TRAILING)


def segments(claim: str) -> list[str]:
    """The verbatim pieces of a (possibly shortened) statement."""
    return [s for s in (norm(p) for p in claim.split(ELLIPSIS)) if s]


def contains_verbatim(source: str, claim: str) -> bool:
    """True when every ``……``-separated segment of ``claim`` appears in ``source``, in order."""
    hay = _SPACES.sub("", source)
    pos = 0
    parts = segments(claim)
    if not parts:
        return False
    for part in parts:
        found = hay.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of each 款 in order; an enumerated item is one unit carrying its lead-in."""
    out: list[Sentence] = []
    lead = ""
    for p_index, para in enumerate(p for p in text.split("\n") if p.strip()):
        para = para.strip()
        if _ITEM_RE.match(para):
            body = _ITEM_RE.sub("", para)
            out.append(Sentence(body, p_index, is_item=True, lead=lead))
            continue
        lead = ""
        for piece in re.findall(r"[^。]+。?", para):
            piece = piece.strip()
            if piece:
                out.append(Sentence(piece, p_index))
        if para.endswith("：") or para.endswith(":"):
            lead = out[-1].text if out else ""
    return out


def _split_with_offsets(text: str, seps: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in seps:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(_TRAILING)]


def shorten(sentence: str, span: tuple[int, int], max_len: int = 90) -> tuple[str, tuple[int, int]]:
    """A statement of at most ~``max_len`` characters that keeps ``span`` and stays verbatim.

    Prefers the whole sentence, then the 分号 clause holding the span, then the clause's head
    (its subject) joined with ``……`` to the comma-parts around the span. Returns the text and
    the span's new offsets in it.
    """
    a, b = span
    body = sentence.rstrip(_TRAILING)
    if len(body) <= max_len:
        return body, (a, b)
    for start, end in _split_with_offsets(body, "；"):
        if start <= a and b <= end:
            clause = body[start:end].rstrip(_TRAILING)
            a2, b2 = a - start, b - start
            lead_ws = len(clause) - len(clause.lstrip())
            clause = clause.strip()
            a2, b2 = a2 - lead_ws, b2 - lead_ws
            if len(clause) <= max_len:
                return clause, (a2, b2)
            body, a, b = clause, a2, b2
            break
    parts = _split_with_offsets(body, "，")
    first = next((i for i, (s, e) in enumerate(parts) if s <= a < e), None)
    last = next((i for i, (s, e) in enumerate(parts) if s < b <= e), None)
    if first is None or last is None:
        return body, (a, b)
    lo, hi = first, last
    # widen around the span while it fits, so the statement reads as a whole
    while True:
        if hi + 1 < len(parts) and parts[hi + 1][1] - parts[lo][0] <= max_len:
            hi += 1
        elif lo > 0 and parts[hi][1] - parts[lo - 1][0] <= max_len:
            lo -= 1
        else:
            break
    window_start = parts[lo][0]
    window = body[window_start:parts[hi][1]].rstrip(_TRAILING).lstrip()
    window_start += len(body[window_start:parts[hi][1]]) - len(body[window_start:parts[hi][1]].lstrip())
    if lo == 0:
        return window, (a - window_start, b - window_start)
    head = body[parts[0][0]:parts[0][1]].strip().rstrip(_TRAILING)
    if len(head) + len(window) > max_len + 30:  # a long head is not worth carrying
        return window, (a - window_start, b - window_start)
    offset = len(head) + len(ELLIPSIS) - window_start
    return head + ELLIPSIS + window, (a + offset, b + offset)


_CONTEXT_WORDS = re.compile(r"前款|前两款|前三款|本条|该款|上述|前述|^(?:但是|但|其中|并且|同时|此外|否则)")


def leans_on_context(text: str) -> bool:
    """A statement that needs the rest of its article to be understood (前款…, 但是…)."""
    return bool(_CONTEXT_WORDS.search(norm(text)))


def parse_number(text: str) -> int | None:
    """三十 / 30 / 一万 / 二〇一七 -> int."""
    return cn_to_int(text)


def render_number(value: int, like: str) -> str:
    """``value`` written the way ``like`` is written (digits stay digits)."""
    if like and like[0].isdigit():
        return str(value)
    if "两" in like and value == 2:
        return "两"
    return int_to_cn(value)


def bigrams(text: str) -> set[str]:
    s = norm(text)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def similarity(a: str, b: str) -> float:
    """Character-bigram Jaccard: near-duplicate statements score above ~0.6."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


_JIEBA_LOCK = threading.Lock()
_STOP_TOKENS = frozenset("""的 了 和 与 及 或 或者 以及 并 等 对 在 由 向 从 为 将 把 被 其 之 是 有 无 不 应当 可以 不得
本法 规定 有关 依照 按照 依法 根据 进行 相关 其他 以上 以下 之一 情形 下列 前款 本条""".split())


@lru_cache(maxsize=20000)
def tokens(text: str) -> tuple[str, ...]:
    """jieba tokens of ``text`` (cached: articles are tokenized over and over)."""
    import jieba

    with _JIEBA_LOCK:  # jieba's lazy initialization is not thread-safe
        if not jieba.dt.initialized:
            jieba.setLogLevel(60)
            jieba.initialize()
    return tuple(jieba.lcut(text))


def content_tokens(text: str) -> list[str]:
    """Tokens that carry meaning: two or more CJK characters, not function words."""
    return [t for t in tokens(text)
            if len(t) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", t) and t not in _STOP_TOKENS]


def numbers_in(text: str) -> set[int]:
    """Every numeral in ``text`` as an int (三十日 and 30日 both give 30), article labels
    (第三十条) excluded, so numbers can be compared across wordings."""
    out = set()
    for m in re.finditer(NUM, text):
        if m.start() > 0 and text[m.start() - 1] == "第":
            continue
        value = cn_to_int(m.group(0))
        if value is not None:
            out.add(value)
    return out
