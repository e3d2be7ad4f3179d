"""Controlled perturbations: change one fact of a verbatim statement so that it becomes false.

Kinds: ``number`` (三十日 → 十五日, within plausible values and keeping a range ordered),
``subject`` (国家网信部门 → 国务院公安部门: another body of the same law), ``modal``
(应当↔可以, 不得↔可以, 禁止→允许, 必须→可以, 有权→无权), ``range`` (以上↔以下 outside a
以上…以下 pair). The falsity is provable because the changed statement's original is verbatim
in the article and the changed one is not (the generator also checks the whole law).
"""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from assistant.quiz.elements import Quantity, bodies, quantities
from assistant.quiz.text import parse_number, render_number
from knowledge.legal.numerals import NUMERAL

PERTURBATION_KINDS = ("number", "subject", "modal", "range")
KIND_WEIGHTS = {"number": 4.0, "modal": 3.0, "range": 1.5, "subject": 1.5}


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (== ``old``) by ``new``."""

    kind: str
    start: int
    end: int
    old: str
    new: str

    def apply(self, text: str) -> str:
        assert text[self.start:self.end] == self.old, "edit applied to a different text"
        return text[:self.start] + self.new + text[self.end:]


# Values a legal text plausibly uses for each unit; a distractor drawn from these reads as real.
_PLAUSIBLE = {
    "日": [3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 180], "天": [3, 5, 7, 10, 15, 20, 30, 60, 90],
    "个工作日": [3, 5, 7, 10, 15, 20, 30], "工作日": [3, 5, 7, 10, 15, 20, 30],
    "个月": [1, 2, 3, 6, 9, 12, 18, 24], "年": [1, 2, 3, 5, 7, 10, 15, 20, 30],
    "小时": [2, 6, 12, 24, 48, 72], "分钟": [5, 10, 15, 30, 60],
    "周岁": [12, 14, 16, 18, 22, 60, 65], "人": [3, 5, 7, 10, 20, 30, 50, 100, 200],
    "名": [3, 5, 7, 10, 20, 30, 50], "次": [2, 3, 4, 5, 10], "户": [5, 10, 20, 50, 100],
    "倍": [1, 2, 3, 5, 10, 20], "百分之": [5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80],
    "分之": [2, 3, 4, 5, 10],
}


def _nice_amounts(value: int) -> list[int]:
    """1-2-3-5 series around ``value`` (一万元 → 五千元, 二万元, 三万元, 五万元 …)."""
    out = set()
    exp = int(math.log10(value)) if value > 0 else 0
    for e in range(max(0, exp - 2), exp + 3):
        for m in (1, 2, 3, 5):
            out.add(m * 10 ** e)
    return sorted(out)


def alternative_values(q: Quantity, text: str, k: int, rng: random.Random) -> list[int]:
    """Up to ``k`` plausible different values for ``q``, nearest in magnitude first, chosen
    with ``rng`` among the nearest few; a bound of a 以上…以下 range stays on its side."""
    if q.kind == "date":
        pool = [q.value + d for d in (-3, -2, -1, 1, 2, 3)]
    elif q.kind == "amount":
        pool = _nice_amounts(q.value)
    else:
        pool = list(_PLAUSIBLE.get(q.unit, [2, 3, 5, 10, 15, 20, 30]))
    low, high = _range_limits(q, text)
    if q.unit == "分之":
        m = re.match(rf"分之({NUMERAL})", text[q.end:])
        numerator = parse_number(m.group(1)) if m else None
        if numerator:
            low = max(low, numerator)
    pool = [v for v in pool if v != q.value and low < v < high and v > 0]
    if not pool:
        return []
    pool.sort(key=lambda v: (abs(math.log(v) - math.log(q.value)), v))
    near = pool[:max(k + 2, 3)]
    rng.shuffle(near)
    return near[:k]


def _range_limits(q: Quantity, text: str) -> tuple[float, float]:
    """(exclusive lower, exclusive upper) limits keeping ``A以上B以下`` ordered."""
    qs = [x for x in quantities(text) if x.kind == q.kind and x.unit == q.unit]
    low, high = 0.0, math.inf
    for other in qs:
        if other.start > q.start and text[q.end + len(q.unit):other.start] == "以上":
            high = other.value  # q is the lower bound
        if other.start < q.start and text[other.end + len(other.unit):q.start] == "以上":
            low = other.value  # q is the upper bound
    return low, high


def number_edits(text: str, rng: random.Random, per_quantity: int = 1) -> list[Edit]:
    edits = []
    for q in quantities(text):
        # the unit goes with the numeral when it follows it (三十日 → 十五日 reads in an explanation)
        unit = q.unit if text[q.end:q.end + len(q.unit)] == q.unit else ""
        for value in alternative_values(q, text, per_quantity, rng):
            edits.append(Edit("number", q.start, q.end + len(unit), q.numeral + unit,
                              render_number(value, q.numeral) + unit))
    return edits


_MODAL_SWAPS = {"应当": ("可以",), "可以": ("应当", "不得"), "不得": ("可以",), "禁止": ("允许",),
                "必须": ("可以",), "有权": ("无权",)}


def _subordinate(text: str, start: int, end: int) -> bool:
    """A modal inside a condition (…应当给予处罚的，) or an exception (除…可以…外): changing
    it makes a trick question about a side clause, not a false rule."""
    left = max(text.rfind(p, 0, start) for p in "，。；：\n") + 1
    rights = [i for i in (text.find(p, end) for p in "，。；：\n") if i != -1]
    clause = text[left:min(rights) if rights else len(text)]
    return clause.startswith("除") or clause.endswith(("的", "外"))


def modal_edits(text: str) -> list[Edit]:
    edits = []
    for m in re.finditer("|".join(_MODAL_SWAPS), text):
        word = m.group(0)
        if word == "禁止" and text[m.end():m.end() + 1] in ("性", "的"):
            continue
        if _subordinate(text, m.start(), m.end()):
            continue
        for new in _MODAL_SWAPS[word]:
            edits.append(Edit("modal", m.start(), m.end(), word, new))
    return edits


def range_edits(text: str) -> list[Edit]:
    """以上↔以下 after a quantity or an administrative level, never inside 以上…以下."""
    edits = []
    qty_ends = {q.end + len(q.unit) for q in quantities(text)}
    for m in re.finditer("以上|以下", text):
        p = m.start()
        after_level = text[max(0, p - 1):p] == "级"
        if p not in qty_ends and not after_level:
            continue
        if m.group(0) == "以上" and re.match(rf"{NUMERAL}[^\s，。；、]{{0,4}}?以下", text[m.end():]):
            continue
        if m.group(0) == "以下" and re.search(rf"以上{NUMERAL}[^\s，。；、]{{0,4}}$", text[:p]):
            continue
        new = "以下" if m.group(0) == "以上" else "以上"
        edits.append(Edit("range", p, m.end(), m.group(0), new))
    return edits


DEFAULT_BODIES = ("国务院", "国务院有关部门", "省、自治区、直辖市人民政府", "县级以上地方人民政府",
                  "设区的市级以上地方人民政府", "公安机关", "人民法院", "人民检察院")


_HIGH_LEVELS = ("国务院", "国家", "中央", "全国", "省", "自治区", "直辖市", "市级", "设区的市")


def same_body(a: str, b: str) -> bool:
    """Names that may denote the same body: they differ only in 地方/各级/有关/其他, one
    contains the other, or one is a range (省级以上…) that covers the other's level
    (国务院有关部门 are 省级以上人民政府有关部门 too). Swapping them makes a trick question,
    not a false statement."""
    def key(x: str) -> str:
        for w in ("地方", "各级", "有关", "其他"):
            x = x.replace(w, "")
        return x
    if key(a) == key(b) or a in b or b in a:
        return True
    for wide, other in ((a, b), (b, a)):
        if "以上" in wide and any(level in other for level in _HIGH_LEVELS):
            return True
        # …有关部门 is a set of departments: 公安部门 may well be one of them
        for family in ("部门", "机关"):
            if wide.endswith("有关" + family) and other.endswith(family):
                return True
    return False


def _body_family(name: str) -> str:
    for family in ("人民法院", "人民检察院", "人民政府", "机关", "部门", "委员会"):
        if name.endswith(family):
            return family
    return name


def subject_edits(text: str, pool: list[str], rng: random.Random, per_body: int = 1) -> list[Edit]:
    """Swap a named body for another body of the same law (same family first: 部门 for 部门)."""
    found = bodies(text)
    present = {b.text for b in found}
    candidates = sorted(set(pool) | set(DEFAULT_BODIES))
    edits = []
    for b in found:
        usable = [c for c in candidates if c not in present and c not in text and not same_body(c, b.text)]
        same = [c for c in usable if _body_family(c) == _body_family(b.text)]
        choice = same if len(same) >= per_body else usable
        rng.shuffle(choice)
        for new in choice[:per_body]:
            edits.append(Edit("subject", b.start, b.end, b.text, new))
    return edits


def candidate_edits(text: str, *, body_pool: list[str], rng: random.Random,
                    kinds: tuple[str, ...] = PERTURBATION_KINDS) -> list[Edit]:
    """Every single-fact change available for ``text``, in a seed-determined order."""
    edits: list[Edit] = []
    if "number" in kinds:
        edits += number_edits(text, rng)
    if "subject" in kinds:
        edits += subject_edits(text, body_pool, rng)
    if "modal" in kinds:
        edits += modal_edits(text)
    if "range" in kinds:
        edits += range_edits(text)
    # a weighted random order: numbers and modal words are what exams change most; a swapped
    # body is the likeliest to read as arguable, so it comes up least
    keyed = [(rng.random() ** (1 / KIND_WEIGHTS[e.kind]), i, e) for i, e in enumerate(edits)]
    return [e for _, _, e in sorted(keyed, key=lambda x: (-x[0], x[1]))]
