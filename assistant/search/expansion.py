"""Colloquial question → what the statutes say: query cleanup and curated term expansion.

Where it lives: the dictionary is ``assistant/data/colloquial_terms.json`` (≈500 entries,
grouped by field for reading: labour, family, civil, traffic, criminal, procedure,
administrative, business). It was written from general legal knowledge — colloquial word
on the left, the terms statutes use on the right (拖欠工资 → 劳动报酬; 酒驾 → 饮酒 驾驶
机动车; 辞退 → 解除劳动合同 经济补偿) — never tuned item by item on an evaluation set.
A key matches as a substring of the question; ``…`` in a key allows up to four other
characters in between (欠…钱 matches 欠我的钱). To add an entry, edit the JSON: nothing
else changes; ``xuefa search --explain`` shows which entries a query hit.

Cleanup drops greetings and filler (请问, 你好, 怎么办, 谢谢…) and a tail the asker
pasted twice, which otherwise counts its words twice.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_PATH = Path(__file__).parent / "data" / "colloquial_terms.json"

_FILLER = re.compile(
    "|".join([
        r"请问一下", r"请问", r"请教一下", r"请教", r"麻烦问一下", r"麻烦问下", r"麻烦",
        r"咨询一下", r"咨询下", r"想咨询", r"咨询",
        r"问一下", r"问下", r"你好", r"您好", r"谢谢", r"多谢", r"律师", r"求助", r"急急急",
        r"该怎么办", r"怎么办才好", r"怎么办", r"如何处理", r"怎么处理", r"该如何", r"应该怎么做", r"怎么做",
        r"有什么办法", r"有什么法律依据", r"法律依据是什么", r"根据哪条法律", r"哪条法律", r"依据哪条", r"哪部法律",
        r"有没有法律规定", r"法律上", r"法律规定", r"合法吗", r"违法吗", r"可以吗", r"行吗",
    ]))
_SPACES = re.compile(r"\s+")


@dataclass
class Expansion:
    """A cleaned question and the legal terms its colloquial words map to."""

    original: str
    cleaned: str
    terms: list[str] = field(default_factory=list)  # added legal terms, first-seen order
    matched: list[str] = field(default_factory=list)  # dictionary keys that matched

    @property
    def expansion_text(self) -> str:
        return " ".join(self.terms)


def dedupe_repeated_tail(text: str, min_len: int = 4) -> str:
    """'…给花完了如果起诉胜率有多少给花完了如果起诉胜率有多少' keeps one copy of the tail."""
    changed = True
    while changed:
        changed = False
        n = len(text)
        for size in range(n // 2, min_len - 1, -1):
            tail = text[n - size:]
            if tail in text[:n - size]:
                text = text[:n - size].rstrip("，,。？?！! ")
                changed = True
                break
    return text


def clean_query(query: str) -> str:
    text = _SPACES.sub(" ", (query or "").strip())
    text = dedupe_repeated_tail(text.rstrip("？?。！! "))
    cleaned = _FILLER.sub(" ", text)
    cleaned = _SPACES.sub(" ", cleaned).strip(" ，,。？?！!")
    return cleaned or text


class QueryExpander:
    """Applies the curated dictionary (loaded once) to a question."""

    def __init__(self, entries: dict[str, list[str]] | None = None):
        self.entries = dict(entries) if entries is not None else load_dictionary()
        self._plain = {k: v for k, v in self.entries.items() if "…" not in k}
        self._gapped = [(re.compile(".{0,4}".join(map(re.escape, k.split("…")))), v)
                        for k, v in self.entries.items() if "…" in k]
        self._gapped_keys = [k for k in self.entries if "…" in k]

    def expand(self, query: str) -> Expansion:
        cleaned = clean_query(query)
        exp = Expansion(original=query, cleaned=cleaned)
        seen: set[str] = set()

        def add(key: str, terms: list[str]) -> None:
            exp.matched.append(key)
            for t in terms:
                if t not in seen:
                    seen.add(t)
                    exp.terms.append(t)

        for key, terms in self._plain.items():
            if key in cleaned:
                add(key, terms)
        for key, (rx, terms) in zip(self._gapped_keys, self._gapped):
            if rx.search(cleaned):
                add(key, terms)
        return exp


@lru_cache(maxsize=1)
def load_dictionary(path: str | None = None) -> dict[str, list[str]]:
    data = json.loads(Path(path or DATA_PATH).read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for group in data["terms"].values():
        for key, terms in group.items():
            out.setdefault(key, [])
            out[key] += [t for t in terms if t not in out[key]]
    return out
