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

from .quiz_text import NUM, NUM_CHARS, parse_number, tokens

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
_QTY_RE = re.compile(rf"(?<![第{NUM_CHARS}])({NUM})({_UNIT_RE})")
_PERCENT_RE = re.compile(rf"百分之({NUM})")
_FRACTION_RE = re.compile(rf"(?<![{NUM_CHARS}])({NUM})分之({NUM})")
_DATE_RE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})年([0-9一二三四五六七八九十]{1,3})月"
                      r"([0-9一二三四五六七八九十]{1,3})日")
_PENALTY_QTY = rf"{NUM}(?:万元|亿元|元|日|个月|年|倍)"
_PENALTY_RE = re.compile(
    rf"({_PENALTY_QTY}(?:以上{_PENALTY_QTY}以下|以上|以下)?)(?:的)?(罚款|罚金|行政拘留|拘留|有期徒刑|拘役)")
_NOT_AFTER = ("条", "款", "项", "章", "节", "编")  # 第三十条 / 第二款 are references, not quantities


def quantities(text: str) -> list[Quantity]:
    """Every number-with-unit of ``text`` (article references and dates' parts excluded)."""
    found: list[Quantity] = []
    dates = [(m.start(), m.end()) for m in _DATE_RE.finditer(text)]

    def in_date(i: int) -> bool:
        return any(a <= i < b for a, b in dates)

    for m in _QTY_RE.finditer(text):
        numeral, unit = m.group(1), m.group(2)
        if in_date(m.start()) or (m.start() > 0 and text[m.start() - 1] == "第"):
            continue
        value = parse_number(numeral)
        if value is None or value == 0:
            continue
        if unit == "年" and value > 1000:  # a year, not a period
            continue
        if unit in ("人", "名", "次", "户") and (value == 1 or text[m.end():m.end() + 1] in ("民", "义", "数", "性")):
            continue  # 一人 / 人民 / 名义 / 一次性 are words, not counts
        kind = dict(_UNIT_KIND)[unit]
        found.append(Quantity(numeral, m.start(1), m.end(1), value, unit, kind))
    for m in _PERCENT_RE.finditer(text):
        value = parse_number(m.group(1))
        if value:
            found.append(Quantity(m.group(1), m.start(1), m.end(1), value, "百分之", "ratio"))
    for m in _FRACTION_RE.finditer(text):
        value = parse_number(m.group(1))  # the denominator; the numerator rarely varies
        if value and not in_date(m.start()):
            found.append(Quantity(m.group(1), m.start(1), m.end(1), value, "分之", "ratio"))
    for m in _DATE_RE.finditer(text):
        value = parse_number(m.group(1))
        if value:
            found.append(Quantity(m.group(1), m.start(1), m.end(1), value, "年份", "date"))
    found.sort(key=lambda q: q.start)
    return found


# ---- bodies ----------------------------------------------------------------------------
_ANCHORS = ("部门", "机关", "人民政府", "国务院", "委员会", "人民法院", "人民检察院", "工会")
_STOP = frozenset("""由 向 经 报 对 在 将 把 被 给 和 与 及 及其 以及 或者 或 并 从 按照 依照 依据 根据 会同
应当 可以 不得 负责 组织 指导 督促 报请 报经 提请 请求 通知 告知 其他 责令 其 本法 规定 设立 建立 批准 决定
同意 商 征求 听取 提出 制定 公布 确定 接到 收到 是 为 不 需要 需 要 所在地 所在 的 、 等 委托 授权 协调
统筹 监督 管理 审查 审批 备案 作出 共同 分别 各自 具体 还 也 即 均 应 可 得 须 必须 有权 主管 各
要求 书面 书面通知 处理结果 结果 意见 报告 报送 提交 移送 送交 抄送 交 请 经过 通过 接受 配合 协助 支持 鼓励
参加 通报 反映 举报 投诉 控告 检举 申请 申诉 起诉 请示 查处 处理 依法 给予 实施 执行 履行""".split())
_OK_INSIDE = frozenset({"主管", "管理", "监督管理"})  # stop words that may sit inside a name
GENERIC_BODIES = frozenset({"有关部门", "主管部门", "有关主管部门", "部门", "机关", "有关机关", "人民政府",
                            "行政部门", "有关行政部门", "管理部门", "行政机关", "国家机关", "委员会",
                            "有关行政主管部门", "行政主管部门", "监督管理部门", "有关监督管理部门"})
_SHORT_OK = frozenset({"国务院", "工会"})
_LEADING_QUALIFIERS = frozenset({"有关", "其他", "相关"}) | _OK_INSIDE


def bodies(text: str) -> list[Element]:
    """Responsible bodies named in ``text``: runs of name tokens ending in an anchor word.

    Uses jieba tokens so a name stops at a verb or preposition (由 / 向 / 负责 / 会同):
    国务院电信主管部门 and 公安部门 in 国务院电信主管部门、公安部门和其他有关机关….
    """
    toks = tokens(text)
    offsets, pos = [], 0
    for t in toks:
        offsets.append(pos)
        pos += len(t)
    found: list[Element] = []
    i = 0
    while i < len(toks):
        # a run of name tokens
        j = i
        while j < len(toks) and _name_token(toks, j, start=(j == i)):
            j += 1
        if j == i:
            i += 1
            continue
        last_anchor = max((k for k in range(i, j) if toks[k].endswith(_ANCHORS)), default=None)
        if last_anchor is not None:
            start = i
            while start < last_anchor and toks[start] in _LEADING_QUALIFIERS:
                start += 1  # a name does not start with 有关/主管: they qualify the name after
            text_ = "".join(toks[start:last_anchor + 1])
            core = text_[2:] if text_.startswith("有关") else text_
            if (text_ not in GENERIC_BODIES and core not in GENERIC_BODIES
                    and (len(text_) >= 4 or text_ in _SHORT_OK)):
                found.append(Element("body", text_, offsets[start], offsets[last_anchor] + len(toks[last_anchor])))
        i = j
    return found


def _name_token(toks: tuple[str, ...], j: int, start: bool) -> bool:
    t = toks[j]
    if t.endswith(("者", "人", "单位", "组织")):  # persons and units act; they are not bodies
        return False
    if t == "工会" and j > 0 and toks[j - 1] not in ("基层", "企业", "全国总", "上级"):
        return start  # 工会 names a body only on its own (or 基层工会…)
    if t == "的":  # only inside 设区的市
        return j > 0 and toks[j - 1] == "设区" and j + 1 < len(toks) and toks[j + 1].startswith("市")
    if t == "、":  # only inside 省、自治区、直辖市
        return j > 0 and toks[j - 1] in ("省", "自治区") and j + 1 < len(toks) and toks[j + 1] in ("自治区", "直辖市")
    if not re.fullmatch(r"[\u4e00-\u9fff]+", t):
        return False
    if t in _STOP and not (t in _OK_INSIDE and not start):
        return False
    return True


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
            m = re.match(rf"分之{NUM}", text[q.end:])
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
