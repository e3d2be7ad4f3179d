"""Text helpers of the quiz engine: sentences of an article, verbatim matching, shortening a
sentence without leaving the article's own words, numerals, and content tokens.

Everything that decides whether a statement "is in the article" lives here, so generators,
the quality checker and the LLM validator agree on one definition.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.quiz.types import ELLIPSIS
from knowledge.legal.numerals import NUMERAL, cn_to_int, int_to_cn
from knowledge.legal.text_match import appear_in_order
from knowledge.legal.tokenizer import is_content_word, shared_tokenizer

_ITEM_RE = re.compile(r"^（[一二三四五六七八九十]+）")
_TRAILING = "。；;，,：:、 \u3000"
_SPACES = re.compile(r"[\s\u3000]+")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


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
    parts = segments(claim)
    return bool(parts) and appear_in_order(_SPACES.sub("", source), parts)


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

    Prefers the whole sentence, then the 分号 clause holding the span, then the comma-parts
    around the span; a piece that does not start the sentence gets the sentence's head (its
    subject or condition) in front, joined by ``……``, and a piece cut before the sentence
    ends gets a trailing ``……``. Returns the text and the span's offsets in it.
    """
    a, b = span
    body = sentence.rstrip(_TRAILING)
    if len(body) <= max_len * 1.2:  # a little long beats cut
        return body, (a, b)
    piece, p0 = body, 0  # the piece and where it starts in body
    for start, end in _split_with_offsets(body, "；"):
        if start <= a and b <= end:
            raw = body[start:end]
            p0 = start + len(raw) - len(raw.lstrip())
            piece = raw.strip().rstrip(_TRAILING)
            break
    if len(piece) > max_len:
        piece, shift = _comma_window(piece, (a - p0, b - p0), max_len)
        p0 += shift
    if p0 == 0:
        return piece, (a, b)
    head_end = _split_with_offsets(body, "，；")[0][1]
    head = body[:head_end].rstrip(_TRAILING)
    if p0 <= head_end:  # the piece follows the head directly: keep the sentence's own words
        joined = body[:p0] + piece
        return joined, (a, b)
    if len(head) + len(piece) > max_len + 30:  # a long head is not worth carrying
        return piece, (a - p0, b - p0)
    offset = len(head) + len(ELLIPSIS) - p0
    return head + ELLIPSIS + piece, (a + offset, b + offset)


def _comma_window(text: str, span: tuple[int, int], max_len: int) -> tuple[str, int]:
    """The comma-parts of ``text`` around ``span`` within ``max_len``; returns the window
    (with a trailing ``……`` when cut before the end) and where it starts in ``text``."""
    a, b = span
    parts = _split_with_offsets(text, "，")
    first = next((i for i, (s, e) in enumerate(parts) if s <= a < e), None)
    last = next((i for i, (s, e) in enumerate(parts) if s < b <= e), None)
    if first is None or last is None:
        return text, 0
    lo, hi = first, last
    # widen around the span while it fits, alternating and leftwards first: a Chinese legal
    # sentence puts its conditions (…的，) before the consequence, and dropping one changes
    # the rule; the object after the span matters too
    left_turn = True
    while True:
        can_left = lo > 0 and parts[hi][1] - parts[lo - 1][0] <= max_len
        can_right = hi + 1 < len(parts) and parts[hi + 1][1] - parts[lo][0] <= max_len
        if can_left and (left_turn or not can_right):
            lo -= 1
        elif can_right:
            hi += 1
        else:
            break
        left_turn = not left_turn
    raw = text[parts[lo][0]:parts[hi][1]]
    start = parts[lo][0] + len(raw) - len(raw.lstrip())
    window = raw.strip().rstrip(_TRAILING)
    if hi < len(parts) - 1:
        window += ELLIPSIS  # cut before the end of the sentence: say so
    return window, start


_CONTEXT_WORDS = re.compile(r"前款|前两款|前三款|本条|该款|上述|前述"
                            r"|^(?:但是|但|其中|其|并且|同时|此外|否则|尚|情节|拒不|逾期)"
                            r"|^[^，]{1,10}的，"  # a short bare condition (不满六个月的，…): whose?
                            r"|^(?:法律|法律、行政法规|法律、法规)(?:、行政法规)?另有规定")  # boilerplate


def is_fragment(text: str) -> bool:
    """Not a statement at all: a lead-in (…下列情形：) or a bare condition (…的)."""
    key = norm(text).rstrip("…")
    return key.endswith("的") or text.rstrip().rstrip("…").endswith(("：", ":"))


def leans_on_context(text: str, *, assertion: bool = True) -> bool:
    """A statement that needs the rest of its article to be understood (前款…, 但是…), or —
    when it must be an ``assertion`` — asserts nothing yet (a condition ending in …的, a
    lead-in ending in ：). List items (…的行为) are not assertions and need not be."""
    key = norm(text)
    if _CONTEXT_WORDS.search(key):
        return True
    return assertion and is_fragment(text)


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


@lru_cache(maxsize=20000)
def tokens(text: str) -> tuple[str, ...]:
    """Precise-mode tokens of ``text`` (cached: articles are tokenized over and over)."""
    return tuple(shared_tokenizer().precise_tokens(text))


def content_tokens(text: str) -> list[str]:
    """Tokens that carry meaning: two or more CJK characters, not stopwords."""
    return [t for t in tokens(text) if len(t) >= 2 and _CJK.fullmatch(t) and is_content_word(t)]


def numbers_in(text: str) -> set[int]:
    """Every numeral in ``text`` as an int (三十日 and 30日 both give 30), article labels
    (第三十条) excluded, so numbers can be compared across wordings."""
    out = set()
    for m in re.finditer(NUMERAL, text):
        if m.start() > 0 and text[m.start() - 1] == "第":
            continue
        value = cn_to_int(m.group(0))
        if value is not None:
            out.add(value)
    return out
