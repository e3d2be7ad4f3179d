"""The key point of an article: the one sentence a busy reader should carry away — the one
that states a penalty, a deadline, an amount or a duty — quoted verbatim, with what it carries.

It is chosen, never written: the sentence is the article's own text (an enumerated item keeps
its lead-in), scored by the elements the quiz engine finds in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.quiz.elements import extract_elements
from assistant.quiz.text import split_sentences
from assistant.quiz.types import ELLIPSIS

# what makes a sentence worth remembering, most important first
_WEIGHTS = {"penalty": 6, "period": 5, "amount": 5, "ratio": 4, "age": 4, "count": 3, "date": 2}
_DUTY_WORDS = {"不得": 4, "禁止": 4, "应当": 3, "必须": 3, "有权": 2, "可以": 1}
KIND_NAMES = {"penalty": "罚则", "period": "期限", "amount": "金额", "ratio": "比例", "age": "年龄",
              "count": "人数", "date": "日期", "duty": "义务", "prohibition": "禁止性规定", "right": "权利",
              "statement": "要点"}
MAX_CHARS = 160


@dataclass(frozen=True)
class KeyPoint:
    sentence: str  # verbatim from the article (an item: its lead-in ……the item)
    kind: str  # penalty / period / amount / … / duty / prohibition / right / statement
    highlights: tuple[str, ...]  # the element texts inside the sentence (三十日, 五万元以下)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, "要点")


@lru_cache(maxsize=4096)  # a study page shows the same few articles on every refresh
def key_point(text: str) -> KeyPoint | None:
    """The article's key sentence, or None for an empty text."""
    best: tuple[float, KeyPoint] | None = None
    for index, sentence in enumerate(split_sentences(text)):
        # an item keeps its lead-in, joined the way shortened quotes are (verbatim segments)
        body = f"{sentence.lead}{ELLIPSIS}{sentence.text}" if sentence.is_item and sentence.lead else sentence.text
        if len(body) > MAX_CHARS and best is not None:
            continue
        point, score = _score(body)
        score -= index * 0.01  # ties: the earlier sentence states the rule, later ones its details
        if best is None or score > best[0]:
            best = (score, point)
    return best[1] if best else None


def _score(sentence: str) -> tuple[KeyPoint, float]:
    elements = [e for e in extract_elements(sentence) if e.kind in _WEIGHTS]
    score = float(sum(_WEIGHTS[e.kind] for e in elements))
    kind = max(elements, key=lambda e: _WEIGHTS[e.kind]).kind if elements else ""
    duty = max(((w, s) for w, s in _DUTY_WORDS.items() if w in sentence), key=lambda p: p[1], default=None)
    if duty:
        score += duty[1]
        kind = kind or {"不得": "prohibition", "禁止": "prohibition", "有权": "right",
                        "可以": "right"}.get(duty[0], "duty")
    return KeyPoint(sentence, kind or "statement", tuple(e.text for e in elements)), score
