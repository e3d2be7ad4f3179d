"""Does a cited article support the claim made with it? A lexical check for LLM answers.

A sentence of a model's answer carrying a [n] marker claims that source n says so. It is
taken as supported when, against the cited article (its law's title and chapter path count
as part of it):

- most of its content words occur there (``MIN_OVERLAP`` of the claim's content words, cut
  by the one tokenizer, ``knowledge.legal.tokenizer``; a word counts when it occurs in the
  article as a string, so jieba cutting the article differently does not matter);
- every number with a unit (三十日, 6个月, 五万元, 20%) occurs there with the same value
  (三十日 == 30日);
- its modal polarity is there: a claim that something 不得/禁止 needs a prohibition in the
  article, a claim that something 可以/有权 needs a permission, one that it 应当/必须 an
  obligation. "涉密文件可以通过微信传输" cited to an article that says 不得 fails here even
  when the words overlap.

This is deliberately strict and lexical: a claim it cannot confirm is shown as
"未能在所引条文中核实", not removed — the reader checks the article on the card.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.legal.numerals import NUMERAL_CHARS, cn_to_int
from knowledge.legal.tokenizer import shared_tokenizer

MIN_OVERLAP = 0.6
MIN_TERMS = 2  # a claim with fewer content words is too short to judge by words
PROHIBIT = ("不得", "禁止", "严禁", "不准", "不允许", "不能", "不可以", "不应", "不许")
PERMIT = ("可以", "允许", "有权", "准许")
OBLIGE = ("应当", "必须", "须", "应")
_UNITS = r"(?:个工作日|个月|日|天|年|周|小时|万元|元|倍|人|次|岁|%|％|分之)"
_NUMBER_RE = re.compile(rf"([{NUMERAL_CHARS}]+)\s*(?={_UNITS})")
_DIGIT_TO_CN = str.maketrans("0123456789０１２３４５６７８９", "零一二三四五六七八九零一二三四五六七八九")


@dataclass
class ClaimSupport:
    supported: bool
    overlap: float = 0.0
    missing_terms: list[str] = field(default_factory=list)
    reason: str = ""  # why not, in Chinese (shown with the flag)


def _value(run: str) -> int | None:
    run = run.strip()
    return int(run) if run.isascii() and run.isdigit() else cn_to_int(run.translate(_DIGIT_TO_CN))


def numbers(text: str) -> set[int]:
    """Values of the numbers with a unit in ``text`` (三十日 and 30日 both give 30)."""
    out = set()
    for m in _NUMBER_RE.finditer(text):
        v = _value(m.group(1))
        if v is not None:
            out.add(v)
    return out


def _without_negated(text: str) -> str:
    """``text`` with the prohibitions blanked (不可以 is no permission, 不应 no obligation)."""
    for w in PROHIBIT:
        text = text.replace(w, " ")
    return text


def polarity(text: str) -> str | None:
    """The strongest modal of ``text``: prohibit, oblige, permit, or None."""
    if any(w in text for w in PROHIBIT):
        return "prohibit"
    rest = _without_negated(text)
    if any(w in rest for w in ("应当", "必须")):
        return "oblige"
    if any(w in rest for w in PERMIT):
        return "permit"
    return None


def _has(article: str, kind: str) -> bool:
    if kind == "prohibit":
        return any(w in article for w in PROHIBIT)
    rest = _without_negated(article)
    words = OBLIGE if kind == "oblige" else PERMIT
    return any(w in rest for w in words)


def claim_support(claim: str, article_text: str, *, context: str = "",
                  min_overlap: float = MIN_OVERLAP) -> ClaimSupport:
    """Is ``claim`` supported by ``article_text`` (``context``: title and path, also searched)?"""
    hay = "".join(f"{context} {article_text}".split()).lower()
    terms = list(dict.fromkeys(shared_tokenizer().content_terms(claim)))
    terms = [t for t in terms if len(t) >= 2 and not t.isdigit()]  # single characters say little
    missing = [t for t in terms if t not in hay]
    overlap = 1 - len(missing) / len(terms) if terms else 1.0
    if len(terms) >= MIN_TERMS and overlap < min_overlap:
        return ClaimSupport(False, overlap, missing, "所引条文中没有这句话的主要内容")
    extra = numbers(claim) - numbers(article_text)
    if extra:
        return ClaimSupport(False, overlap, missing, "所引条文中没有这句话里的数字或期限")
    kind = polarity(claim)
    if kind and not _has(article_text, kind):
        names = {"prohibit": "禁止性", "oblige": "义务性", "permit": "授权性"}
        return ClaimSupport(False, overlap, missing, f"所引条文中没有相应的{names[kind]}规定")
    return ClaimSupport(True, overlap, missing)
