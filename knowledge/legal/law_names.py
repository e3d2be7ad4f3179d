"""Short names and common aliases of laws -> full titles (民法典, 刑法, 网安法, 个保法...)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

PREFIX = "中华人民共和国"

# Curated abbreviations staff actually use; mapped only when the target title is held.
ALIASES = {
    "民诉法": "中华人民共和国民事诉讼法", "刑诉法": "中华人民共和国刑事诉讼法",
    "行诉法": "中华人民共和国行政诉讼法", "消保法": "中华人民共和国消费者权益保护法",
    "消法": "中华人民共和国消费者权益保护法", "个保法": "中华人民共和国个人信息保护法",
    "个人信息法": "中华人民共和国个人信息保护法", "道交法": "中华人民共和国道路交通安全法",
    "交通安全法": "中华人民共和国道路交通安全法", "破产法": "中华人民共和国企业破产法",
    "网安法": "中华人民共和国网络安全法", "数安法": "中华人民共和国数据安全法",
    "国安法": "中华人民共和国国家安全法", "保密法": "中华人民共和国保守国家秘密法",
    "劳动法": "中华人民共和国劳动法", "劳合法": "中华人民共和国劳动合同法",
    "劳动合同": "中华人民共和国劳动合同法", "治安管理处罚法": "中华人民共和国治安管理处罚法",
    "治安处罚法": "中华人民共和国治安管理处罚法", "行政处罚": "中华人民共和国行政处罚法",
    "政府信息公开条例": "中华人民共和国政府信息公开条例", "反不正当竞争法": "中华人民共和国反不正当竞争法",
    "反垄断法": "中华人民共和国反垄断法", "食安法": "中华人民共和国食品安全法",
    "环保法": "中华人民共和国环境保护法", "监察法": "中华人民共和国监察法",
    "公务员法": "中华人民共和国公务员法", "行政许可": "中华人民共和国行政许可法",
    "行政复议": "中华人民共和国行政复议法", "国家赔偿": "中华人民共和国国家赔偿法",
    "未保法": "中华人民共和国未成年人保护法", "妇女权益保障法": "中华人民共和国妇女权益保障法",
    "宪法": "中华人民共和国宪法",
    # more short forms in common use (search reference parsing)
    "个税法": "中华人民共和国个人所得税法", "征管法": "中华人民共和国税收征收管理法",
    "税收征管法": "中华人民共和国税收征收管理法", "招投标法": "中华人民共和国招标投标法",
    "反恐法": "中华人民共和国反恐怖主义法", "政务处分法": "中华人民共和国公职人员政务处分法",
    "出入境管理法": "中华人民共和国出境入境管理法", "身份证法": "中华人民共和国居民身份证法",
    "反家暴法": "中华人民共和国反家庭暴力法", "社保法": "中华人民共和国社会保险法",
    "劳动仲裁法": "中华人民共和国劳动争议调解仲裁法", "劳动争议仲裁法": "中华人民共和国劳动争议调解仲裁法",
    "传染病法": "中华人民共和国传染病防治法", "环评法": "中华人民共和国环境影响评价法",
    "土地法": "中华人民共和国土地管理法", "房地产管理法": "中华人民共和国城市房地产管理法",
    "电商法": "中华人民共和国电子商务法", "行政强制": "中华人民共和国行政强制法",
    "地方组织法": "中华人民共和国地方各级人民代表大会和地方各级人民政府组织法",
    "选举法": "中华人民共和国全国人民代表大会和地方各级人民代表大会选举法",
    "代表法": "中华人民共和国全国人民代表大会和地方各级人民代表大会代表法",
    "人民银行法": "中华人民共和国中国人民银行法", "保守秘密法": "中华人民共和国保守国家秘密法",
    "数据法": "中华人民共和国数据安全法", "道路交通法": "中华人民共和国道路交通安全法",
    "突发事件法": "中华人民共和国突发事件应对法", "安全生产": "中华人民共和国安全生产法",
    "未成年人法": "中华人民共和国未成年人保护法", "老年法": "中华人民共和国老年人权益保障法",
    "土地承包法": "中华人民共和国农村土地承包法", "消费者法": "中华人民共和国消费者权益保护法",
    "反诈法": "中华人民共和国反电信网络诈骗法", "食品法": "中华人民共和国食品安全法",
    # abbreviations in exam papers and official writing
    "民航法": "中华人民共和国民用航空法", "外贸法": "中华人民共和国对外贸易法",
    "水保法": "中华人民共和国水土保持法", "节能法": "中华人民共和国节约能源法",
    "合作社法": "中华人民共和国农民专业合作社法", "商检法": "中华人民共和国进出口商品检验法",
    "非遗法": "中华人民共和国非物质文化遗产法", "人防法": "中华人民共和国人民防空法",
    "管道保护法": "中华人民共和国石油天然气管道保护法", "固废法": "中华人民共和国固体废物污染环境防治法",
    "大气法": "中华人民共和国大气污染防治法", "噪声法": "中华人民共和国噪声污染防治法",
    "野保法": "中华人民共和国野生动物保护法", "文物法": "中华人民共和国文物保护法",
    "药品法": "中华人民共和国药品管理法", "义教法": "中华人民共和国义务教育法",
    "职教法": "中华人民共和国职业教育法", "科技进步法": "中华人民共和国科学技术进步法",
    "残保法": "中华人民共和国残疾人保障法", "妇女法": "中华人民共和国妇女权益保障法",
    "老年人法": "中华人民共和国老年人权益保障法", "国资法": "中华人民共和国企业国有资产法",
    "政采法": "中华人民共和国政府采购法", "矿产法": "中华人民共和国矿产资源法",
    "海环法": "中华人民共和国海洋环境保护法", "海域法": "中华人民共和国海域使用管理法",
    "动防法": "中华人民共和国动物防疫法", "计生法": "中华人民共和国人口与计划生育法",
    "警察法": "中华人民共和国人民警察法", "集会游行法": "中华人民共和国集会游行示威法",
    "农产品质量法": "中华人民共和国农产品质量安全法", "基本医疗卫生法": "中华人民共和国基本医疗卫生与健康促进法",
    "监督法": "中华人民共和国各级人民代表大会常务委员会监督法", "预防犯罪法": "中华人民共和国预防未成年人犯罪法",
    "土壤法": "中华人民共和国土壤污染防治法", "水污染法": "中华人民共和国水污染防治法",
    "湿地法": "中华人民共和国湿地保护法", "长江法": "中华人民共和国长江保护法",
    "黄河法": "中华人民共和国黄河保护法", "执业医师法": "中华人民共和国医师法",
    "城规法": "中华人民共和国城乡规划法", "房地产法": "中华人民共和国城市房地产管理法",
}


def short_name(title: str) -> str:
    return title[len(PREFIX):] if title.startswith(PREFIX) and len(title) > len(PREFIX) + 1 else title


class LawNameResolver:
    """Resolve what a user types (full title, short title, alias, 《》-quoted) to held titles."""

    def __init__(self, titles: Iterable[str]):
        self.titles = sorted(set(titles))
        self._map: dict[str, str] = {}
        for t in self.titles:
            self._map[_norm(t)] = t
            self._map.setdefault(_norm(short_name(t)), t)
        for alias, full in ALIASES.items():
            if full in self._map.values():
                self._map.setdefault(_norm(alias), full)

    def resolve(self, name: str) -> str | None:
        """Exact full/short/alias match, else the unique title containing ``name``."""
        key = _norm(name)
        if not key:
            return None
        if key in self._map:
            return self._map[key]
        hits = [t for t in self.titles if key in _norm(t)]
        if len(hits) == 1:
            return hits[0]
        # prefer the main law over its amendments/interpretations that mention it
        mains = [t for t in hits if _norm(short_name(t)).endswith(key) or _norm(t).endswith(key)]
        return mains[0] if len(mains) == 1 else None

    def names(self) -> dict[str, str]:
        """Every recognized name (lowercased/normalized) -> full title."""
        return dict(self._map)


def _norm(s: str) -> str:
    return "".join((s or "").split()).strip("《》〈〉<>\"'“”").lower()


# Words a law's name ends with: unquoted, only such names are taken for a law (the aliases
# 行政处罚, 劳动合同 are also ordinary terms: 行政处罚的种类, 劳动合同第五条约定).
LAW_NAME_ENDINGS = ("法", "法典", "条例", "规定", "办法", "决定", "细则", "章程", "准则", "规则", "纲要",
                    "解释", "修正案", "意见", "通知", "制度", "规范", "守则")
QUOTED_NAME_RE = re.compile(r"《([^》\n]{1,60})》")
# folded alike in names and texts, one character for one so positions stay: 刑法修正案(十一), １２
_FOLD = str.maketrans("０１２３４５６７８９()", "0123456789（）")


@dataclass(frozen=True)
class LawMention:
    """A law named in a text: 《X》 (held or not) or a held name written without 《》."""

    start: int
    end: int  # after the closing 》 of a quoted name
    name: str  # as written, without 《》
    title: str | None  # the held title; None when not held
    quoted: bool = False


class LawMentionFinder:
    """Finds law names (full titles, short titles, aliases, 《》-quoted) inside free text."""

    def __init__(self, titles: Iterable[str]):
        self.resolver = LawNameResolver(titles)
        names: dict[str, str] = {}
        for key, title in self.resolver.names().items():
            if len(key) >= 2:
                names[key.translate(_FOLD)] = title
        # longest first: where names overlap the longest is the one meant
        self._names = names
        self._every = sorted(names.items(), key=lambda kv: -len(kv[0]))
        self._law_like = [(k, t) for k, t in self._every if k.endswith(LAW_NAME_ENDINGS)]

    def is_name(self, name: str) -> bool:
        """Is ``name`` exactly a held title, short title or alias?"""
        return self._exact(name) is not None

    def _exact(self, name: str) -> str | None:
        return self._names.get(_norm(name).translate(_FOLD))

    def mentions(self, text: str, *, every_name: bool = False, loose: bool = True) -> list[LawMention]:
        """Every 《X》, held or not, and outside them every held name that reads as a law's name
        (``every_name``: any held name or alias), in text order. ``loose``: 《X》 is held when
        ``LawNameResolver.resolve`` finds it, else only when X is exactly a held name."""
        quoted = self._quoted(text, loose)
        bare = self._scan(text, [(m.start, m.end) for m in quoted], every_name)
        return sorted(quoted + bare, key=lambda m: (m.start, m.end))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, full title) of each held law mentioned, longest names first, non-overlapping."""
        held = [m for m in self._quoted(text, loose=True) if m.title]
        found = held + self._scan(text, [(m.start, m.end) for m in held], every_name=False)
        return sorted((m.start, m.end, m.title) for m in found)

    def titles_in(self, text: str) -> list[str]:
        return list(dict.fromkeys(t for _, _, t in self.find(text)))

    def strip(self, text: str) -> str:
        """``text`` without the law names in it (they scope a search, they are not its topic)."""
        spans = self.find(text)
        if not spans:
            return text
        out, last = [], 0
        for i, j, _ in spans:
            out.append(text[last:i])
            out.append(" ")
            last = j
        out.append(text[last:])
        return "".join(out)

    def _quoted(self, text: str, loose: bool) -> list[LawMention]:
        resolve = self.resolver.resolve if loose else self._exact
        return [LawMention(m.start(), m.end(), m.group(1), resolve(m.group(1)), quoted=True)
                for m in QUOTED_NAME_RE.finditer(text or "")]

    def _scan(self, text: str, taken_spans: list[tuple[int, int]], every_name: bool) -> list[LawMention]:
        low = (text or "").lower().translate(_FOLD)
        taken = [False] * len(low)
        for a, b in taken_spans:
            taken[a:b] = [True] * (b - a)
        found = []
        for name, title in self._every if every_name else self._law_like:
            i = low.find(name)
            while i >= 0:
                j = i + len(name)
                if not any(taken[i:j]):
                    found.append(LawMention(i, j, text[i:j], title))
                    taken[i:j] = [True] * len(name)
                i = low.find(name, j)
        return found
