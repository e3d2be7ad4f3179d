"""Legal elements that exams test, found in an article's text.

Kinds: ``period`` (三十日, 十五个工作日, 六个月, 七十二小时), ``age`` (十八周岁), ``count``
(三人以上), ``amount`` (五万元), ``ratio`` (百分之五十, 三分之二, 一倍), ``date``
(2017年6月1日), ``penalty`` (the range of a fine, detention or prison term: 一万元以上五万元以下
in 处一万元以上五万元以下罚款), ``body`` (responsible bodies: 县级以上地方人民政府有关部门,
国家网信部门, 国务院…), ``modal`` (应当 / 不得 / 禁止 / 可以 / 必须 / 有权).

Offsets are into the text given, so a generator can blank or perturb exactly that span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.quiz.text import parse_number
from knowledge.legal.numerals import NUMERAL, NUMERAL_CHARS
from knowledge.legal.tokenizer import shared_tokenizer

ELEMENT_KINDS = ("period", "age", "count", "amount", "ratio", "date", "penalty", "body", "modal")
NUMERIC_KINDS = frozenset({"period", "age", "count", "amount", "ratio", "date", "penalty"})


@dataclass(frozen=True)
class Element:
    kind: str
    text: str
    start: int
    end: int
    value: int | None = None  # the number, for single quantities
    unit: str = ""


@dataclass(frozen=True)
class Quantity:
    """One number with its unit (the unit of change for number perturbations)."""

    numeral: str  # 三十 / 30
    start: int  # offsets of the numeral only
    end: int
    value: int
    unit: str  # 日 / 个工作日 / 个月 / 年 / 小时 / 元 / 万元 / 倍 / 百分之 / 分之 / 周岁 / 人 ...
    kind: str  # period / age / count / amount / ratio / date


# ---- numbers -------------------------------------------------------------------------
_UNIT_KIND = [
    ("个工作日", "period"), ("工作日", "period"), ("个月", "period"), ("小时", "period"),
    ("分钟", "period"), ("周岁", "age"), ("日", "period"), ("天", "period"), ("年", "period"),
    ("万元", "amount"), ("亿元", "amount"), ("元", "amount"), ("倍", "ratio"),
    ("人", "count"), ("名", "count"), ("次", "count"), ("户", "count"),
]
_UNIT_RE = "|".join(re.escape(u) for u, _ in _UNIT_KIND)
_QTY_RE = re.compile(rf"(?<![第{NUMERAL_CHARS}])({NUMERAL})({_UNIT_RE})")
_PERCENT_RE = re.compile(rf"百分之({NUMERAL})")
_FRACTION_RE = re.compile(rf"(?<![{NUMERAL_CHARS}])({NUMERAL})分之({NUMERAL})")
_DATE_RE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})年([0-9一二三四五六七八九十]{1,3})月"
                      r"([0-9一二三四五六七八九十]{1,3})日")
_PENALTY_QTY = rf"{NUMERAL}(?:万元|亿元|元|日|个月|年|倍)"
_PENALTY_RE = re.compile(
    rf"({_PENALTY_QTY}(?:以上{_PENALTY_QTY}以下|以上|以下)?)(?:的)?(罚款|罚金|行政拘留|拘留|有期徒刑|拘役)")
_NOT_AFTER = ("条", "款", "项", "章", "节", "编")  # 第三十条 / 第二款 are references, not quantities


_COUNT_UNITS = ("人", "名", "次", "户")
_UNIT_OF_KIND = dict(_UNIT_KIND)


def quantities(text: str) -> list[Quantity]:
    """Every number-with-unit of ``text`` (article references and dates' parts excluded)."""
    dates = [(m.start(), m.end()) for m in _DATE_RE.finditer(text)]

    def in_date(i: int) -> bool:
        return any(a <= i < b for a, b in dates)

    found = [*_unit_quantities(text, in_date), *_percentages(text), *_fractions(text, in_date), *_years(text)]
    found.sort(key=lambda q: q.start)  # stable: at one offset, the order above
    return found


def _unit_quantities(text: str, in_date) -> list[Quantity]:
    """三十日, 五万元, 三人… (not 第三十条, not the parts of a date)."""
    out = []
    for m in _QTY_RE.finditer(text):
        numeral, unit = m.group(1), m.group(2)
        if in_date(m.start()) or (m.start() > 0 and text[m.start() - 1] == "第"):
            continue
        value = parse_number(numeral)
        if value is None or value == 0:
            continue
        if unit == "年" and value > 1000:  # a year, not a period
            continue
        if unit in _COUNT_UNITS and (value == 1 or text[m.end():m.end() + 1] in ("民", "义", "数", "性")):
            continue  # 一人 / 人民 / 名义 / 一次性 are words, not counts
        out.append(Quantity(numeral, m.start(1), m.end(1), value, unit, _UNIT_OF_KIND[unit]))
    return out


def _percentages(text: str) -> list[Quantity]:
    out = []
    for m in _PERCENT_RE.finditer(text):
        value = parse_number(m.group(1))
        if value:
            out.append(Quantity(m.group(1), m.start(1), m.end(1), value, "百分之", "ratio"))
    return out


def _fractions(text: str, in_date) -> list[Quantity]:
    out = []
    for m in _FRACTION_RE.finditer(text):
        value = parse_number(m.group(1))  # the denominator; the numerator rarely varies
        if value and not in_date(m.start()):
            out.append(Quantity(m.group(1), m.start(1), m.end(1), value, "分之", "ratio"))
    return out


def _years(text: str) -> list[Quantity]:
    out = []
    for m in _DATE_RE.finditer(text):
        value = parse_number(m.group(1))
        if value:
            out.append(Quantity(m.group(1), m.start(1), m.end(1), value, "年份", "date"))
    return out


# ---- bodies ----------------------------------------------------------------------------
_ANCHORS = ("部门", "机关", "人民政府", "国务院", "委员会", "人民法院", "人民检察院", "工会")
# Words a body name is built from (县级以上地方人民政府…, 国务院…有关部门, 设区的市级…).
_LEVELS = frozenset("""国家 国务院 中央 中华人民共和国 全国 省 自治区 直辖市 省级 市级 县级 乡级 乡镇 乡 镇 设区 市 县
地方 各级 本级 同级 上级 下级 上一级 当地 基层 中央一级""".split())
_QUALIFIERS = frozenset("有关 其他 相关 主管 行政 管理 监督管理 职能 业务 专门 军事 司法".split())
# Domain words (网信, 劳动, 保密…) must be nouns; these nouns are not domains.
_NOUN_FLAGS = frozenset({"n", "nz", "nt", "vn", "j", "b", "nrt"})
_NOT_DOMAIN = frozenset("""处理结果 书面通知 结果 意见 情况 材料 报告 内向 行为 事项 人员 工作 规定 本法 法律 决定 名义
职责 职权 权限 范围 期间 期限 费用 程序 措施 活动 信息 资料 文件 证据 申请 数据 个人信息 事实 理由 方案
会同 通报 符合 建议 办理 委托 供述 主动供述 经向 审查 审查后 指导 监督 领导 行使 充分发挥 发挥 所属 层级 一级
同一 所在 公务员所在 批准 备案 报请 报经 提请 符合国家 后报 经本 先经 报经本""".split())
GENERIC_BODIES = frozenset({"有关部门", "主管部门", "有关主管部门", "部门", "机关", "有关机关", "人民政府",
                            "行政部门", "有关行政部门", "管理部门", "行政机关", "国家机关", "委员会",
                            "有关行政主管部门", "行政主管部门", "监督管理部门", "有关监督管理部门",
                            "常务委员会", "上级机关", "下级机关", "上一级机关", "上级行政机关",
                            "下级行政机关", "上一级行政机关", "任何机关", "一切国家机关", "主管机关"})
_SHORT_OK = frozenset({"国务院", "工会"})


@lru_cache(maxsize=20000)
def _pos_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part of speech), cached: sentences are read many times."""
    return tuple(shared_tokenizer().pos_tokens(text))


def _is_anchor(word: str) -> bool:
    # 本机关 / 该部门 / 原定密机关 refer back to a body named elsewhere: not a name
    return word.endswith(_ANCHORS) and not word.startswith(("本", "该", "原", "其"))


def bodies(text: str) -> list[Element]:
    """Responsible bodies named in ``text`` (县级以上地方人民政府劳动行政部门, 国家网信部门,
    国务院…), read backwards from an anchor word (部门 / 机关 / 人民政府 …) over level words,
    qualifiers and at most two domain nouns, so a name stops at a verb or preposition."""
    toks = _pos_tokens(text)
    offsets, pos = [], 0
    for w, _ in toks:
        offsets.append(pos)
        pos += len(w)
    found: list[Element] = []
    for start, end in _body_spans(toks):
        name = "".join(w for w, _ in toks[start:end + 1])
        if not _is_body_name(name):
            continue
        a, b = offsets[start], offsets[end] + len(toks[end][0])
        if any(x.start <= a and b <= x.end for x in found):
            continue
        found = [x for x in found if not (a <= x.start and x.end <= b)]
        found.append(Element("body", name, a, b))
    return sorted(found, key=lambda e: e.start)


def _body_spans(toks: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
    """(first, last) token of every candidate body name, one per anchor word."""
    spans: list[tuple[int, int]] = []
    for k, (word, _) in enumerate(toks):
        if not _is_anchor(word):
            continue
        if word == "工会":
            prev = toks[k - 1][0] if k else ""
            spans.append((k - 1 if prev in ("基层", "上级", "企业") else k, k))
            continue
        start = _name_start(toks, k)
        while start < k and toks[start][0] in ("有关", "其他", "相关", "主管", "管理", "行政", "的", "、"):
            start += 1  # a name does not start with a qualifier
        spans.append((start, k))
    return spans


def _name_start(toks: tuple[tuple[str, str], ...], k: int) -> int:
    """First token of the name ending in the anchor ``toks[k]``, walking back while words may join."""
    start, budget = k, 2
    for j in range(k - 1, -1, -1):
        budget = _joins_name(toks, j, budget)
        if budget is None:
            break
        start = j
    return start


def _after_level(toks, j: int) -> bool:  # 县级以上
    return j > 0 and toks[j - 1][0].endswith("级")


def _in_district_city(toks, j: int) -> bool:  # 设区的市
    return j > 0 and toks[j - 1][0] == "设区" and toks[j + 1][0].startswith("市")


def _between_provinces(toks, j: int) -> bool:  # 省、自治区、直辖市
    return j > 0 and toks[j - 1][0] in ("省", "自治区") and toks[j + 1][0] in ("自治区", "直辖市")


# Function words that belong to a name only in these set phrases.
_JOINERS = {"以上": _after_level, "以下": _after_level, "的": _in_district_city, "、": _between_provinces}


def _joins_name(toks, j: int, budget: int) -> int | None:
    """The domain-noun budget left once ``toks[j]`` joins the name, None when it ends the name."""
    w, flag = toks[j]
    if w in _LEVELS or w in _QUALIFIERS:
        return budget
    if w in _JOINERS:
        return budget if _JOINERS[w](toks, j) else None
    if _is_anchor(w) and w != "工会":
        return 2  # a body inside the name (…人民政府 劳动行政部门) may have its own domain words
    if budget and _is_domain_noun(w, flag):
        return budget - 1
    return None


def _is_domain_noun(word: str, flag: str) -> bool:
    return (flag in _NOUN_FLAGS and len(word) >= 2 and word not in _NOT_DOMAIN
            and not word.endswith(("者", "人", "单位", "组织")))


def _is_body_name(name: str) -> bool:
    """Not a generic word (有关部门), not too short to name anything, not a stray fragment."""
    core = name[2:] if name.startswith("有关") else name
    if name in GENERIC_BODIES or core in GENERIC_BODIES or (len(name) < 4 and name not in _SHORT_OK):
        return False
    return not name.startswith(("一级", "层级", "同一", "所在"))


# ---- modal words -----------------------------------------------------------------------
MODALS = ("应当", "不得", "禁止", "可以", "必须", "有权")
_MODAL_RE = re.compile("|".join(MODALS))


def modals(text: str) -> list[Element]:
    out = []
    for m in _MODAL_RE.finditer(text):
        # 不得不 / 可以说 style idioms never occur in statutes; 禁止性 is an adjective
        if m.group(0) == "禁止" and text[m.end():m.end() + 1] in ("性", "的"):
            continue
        out.append(Element("modal", m.group(0), m.start(), m.end()))
    return out


# ---- everything ------------------------------------------------------------------------
def extract_elements(text: str) -> list[Element]:
    """Testable elements of ``text``, non-overlapping, in order of position.

    A penalty range wins over the amounts inside it (处一万元以上五万元以下罚款 is asked as a
    whole); a date wins over its year.
    """
    candidates: list[Element] = []
    for m in _PENALTY_RE.finditer(text):
        candidates.append(Element("penalty", m.group(1), m.start(1), m.end(1), unit=m.group(2)))
    for m in _DATE_RE.finditer(text):
        candidates.append(Element("date", m.group(0), m.start(), m.end()))
    for q in quantities(text):
        if q.kind == "date":
            continue
        if q.unit == "百分之":
            candidates.append(Element(q.kind, f"百分之{q.numeral}", q.start - 3, q.end, q.value, q.unit))
        elif q.unit == "分之":
            m = re.match(rf"分之{NUMERAL}", text[q.end:])
            end = q.end + (m.end() if m else 0)
            candidates.append(Element(q.kind, text[q.start:end], q.start, end, q.value, q.unit))
        else:
            candidates.append(Element(q.kind, q.numeral + q.unit, q.start, q.end + len(q.unit), q.value, q.unit))
    candidates += bodies(text)
    candidates += modals(text)
    order = {k: i for i, k in enumerate(("penalty", "date", "ratio", "amount", "period", "age", "count",
                                         "body", "modal"))}
    chosen: list[Element] = []
    for el in sorted(candidates, key=lambda e: (order[e.kind], -(e.end - e.start), e.start)):
        if all(el.end <= c.start or el.start >= c.end for c in chosen):
            chosen.append(el)
    return sorted(chosen, key=lambda e: e.start)
