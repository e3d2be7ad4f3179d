"""Heuristic metadata from the text of a Chinese legal document.

Looks at the places such documents put it: the title line, the parenthesised
通过/修正/公布 header under a statute's title, labelled fields copied from government
sites (发布日期：…), the 发文字号 line of an official document, the 落款 (issuer and
date at the end of a 通知), and the 施行 clause in the final articles.
"""
from __future__ import annotations

import re
from datetime import date

from knowledge.legal.numerals import NUMERAL_CHARS, cn_to_int

_NUM = NUMERAL_CHARS
_DATE = (
    r"(?P<y>[0-9０-９]{4}|[〇○Ｏ零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_DATE_RE = re.compile(_DATE)
_ISO_DATE_RE = re.compile(r"(?<!\d)(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})(?!\d)")

# 发文字号: 国发〔2023〕1号, 国办发[2023]12号, 中国人民银行令〔2023〕第1号.
_DOC_NUMBER_RE = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12})\s*[〔\[［【(（]\s*(?P<year>[0-9０-９]{4})\s*[〕\]］】)）]"
    r"\s*(?P<rest>第?\s*[0-9０-９]+\s*号)"
)
# 令 numbers: 国务院令第710号, 中华人民共和国主席令（第五十三号）.
_DECREE_RE = re.compile(rf"(?P<prefix>[\u4e00-\u9fff]{{0,12}}令)\s*[（(]?\s*(?P<rest>第\s*[{_NUM}]+\s*号)\s*[)）]?")

_LABELS = {
    "publish_date": ("发布日期", "公布日期", "颁布日期", "发布时间", "公布时间", "印发日期", "发文日期",
                     "成文日期"),
    "effective_date": ("施行日期", "实施日期", "生效日期", "施行时间", "实施时间", "生效时间"),
    "issuer": ("发布机关", "发布部门", "发布单位", "公布机关", "制定机关", "制定部门", "颁布机关",
               "发文机关", "发文单位"),
    "doc_number": ("发文字号", "发文号", "文号"),
    "title": ("标题", "法规名称", "文件名称"),
}
_LABEL_TO_KEY = {label: key for key, labels in _LABELS.items() for label in labels}
# Longest labels first so 发文字号 wins over 文号.
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(sorted(map(re.escape, _LABEL_TO_KEY), key=len, reverse=True))
    + r")\s*[：:]\s*"
)

_TITLE_SUFFIXES = (
    "法", "法典", "条例", "规定", "办法", "细则", "制度", "规则", "决定", "通知", "章程", "准则",
    "意见", "实施方案", "方案", "解释", "批复", "决议", "公告", "通告", "规划", "纲要", "指引",
    "指南", "规范", "规程", "守则", "标准", "修正案", "答复", "复函", "函", "清单", "目录",
)
_STRUCTURAL_RE = re.compile(rf"^第[{_NUM}]+[条章节编]")
_TRAILING_PARENS_RE = re.compile(r"(?:\s*[（(][^（()）]{1,20}[)）])+$")
_ORG_SUFFIX = (
    r"(?:人民代表大会常务委员会|人民代表大会|常务委员会|委员会|人民政府|人民法院|人民检察院|"
    r"检察院|法院|国务院|中央|办公厅|办公室|总局|银行|联合会|院|部|委|厅|局|署|办|会|政府|社|中心|司)"
)
_ORG = rf"[\u4e00-\u9fff]{{1,25}}?{_ORG_SUFFIX}"
_ORGS = rf"{_ORG}(?:[、，\s]+{_ORG})*"
_ORG_LINE_RE = re.compile(rf"^{_ORGS}$")
_ISSUED_BY_RE = re.compile(rf"^(?P<org>{_ORGS})\s*(?:于\s*)?(?:{_DATE}\s*)?(?:联合)?印发")
_TITLE_ORG_RE = re.compile(rf"^(?P<org>{_ORGS})关于")

_EVENT_RE = re.compile(
    _DATE + r"\s*(?P<body>[^，。；;,（）()]{0,80}?)(?P<verb>审议通过|通过|修正|修订|公布|发布|印发|批准)"
)
_EFFECTIVE_DOC_RE = re.compile(
    r"本[\u4e00-\u9fff]{0,8}?(?:自|从|于)?\s*" + _DATE + r"\s*起\s*(?:施行|实施|生效|执行)"
)
_EFFECTIVE_ANY_RE = re.compile(r"(?:自|从|于)\s*" + _DATE + r"\s*起\s*(?:施行|实施|生效|执行)")
_EFFECTIVE_ON_PUBLISH_RE = re.compile(r"自(?:公布|发布|印发|颁布)之日起(?:施行|实施|生效)")

_HEAD_LINES = 15  # header region: title, 文号, 通过 line...
_TAIL_LINES = 10  # 落款 region


def _to_int(s: str) -> int | None:
    return cn_to_int(s.replace("Ｏ", "〇"))


def _iso(m: re.Match) -> str | None:
    """ISO date from a match with y/m/d groups, or None if it is not a real date."""
    y, mo, d = _to_int(m.group("y")), _to_int(m.group("m")), _to_int(m.group("d"))
    if None in (y, mo, d):
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """First date in ``text`` (2023年1月5日, 二〇二三年一月五日, 2023-01-05) as ISO, else None."""
    for regex in (_DATE_RE, _ISO_DATE_RE):
        for m in regex.finditer(text):
            iso = _iso(m)
            if iso:
                return iso
    return None


def _clean_org(body: str) -> str | None:
    """'第十二届全国人民代表大会常务委员会第二十四次会议' -> '全国人民代表大会常务委员会'."""
    body = re.sub(r"《[^》]*》", "", body)
    body = re.sub(r"\s+", "", body)
    body = re.sub(r"^(?:根据|经|由)", "", body)
    body = re.sub(rf"^第[{_NUM}]+届", "", body)
    m = re.match(rf"(.+?)(?:第[{_NUM}]+次|[0-9０-９]{{4}}年|令|(?:常务)?会议|审议|[（(]|$)", body)
    org = m.group(1) if m else body
    org = org.rstrip("的于")
    if not (2 <= len(org) <= 30) or re.search(r"[0-9０-９]", org):
        return None
    if not re.fullmatch(r"[\u4e00-\u9fff、]+", org):
        return None
    return org


def _normalize_doc_number(m: re.Match) -> str:
    if "year" in m.groupdict():
        # GB/T 9704 writes the year in 六角括号; the variants are typing shortcuts.
        rest = re.sub(r"\s+", "", m.group("rest"))
        return f"{m.group('prefix')}〔{m.group('year')}〕{rest}"
    return re.sub(r"\s+", "", m.group("prefix") + m.group("rest"))


def _standalone_doc_number(line: str) -> str | None:
    stripped = line.strip("（）() ")
    for regex in (_DOC_NUMBER_RE, _DECREE_RE):
        m = regex.fullmatch(stripped)
        if m:
            return _normalize_doc_number(m)
    return None


def _looks_like_title(line: str) -> str | None:
    """The title text if ``line`` looks like a document title, else None."""
    line = line.strip()
    m = re.fullmatch(r"《(.+)》", line)
    if m and len(m.group(1)) <= 60:
        return m.group(1).strip()
    if not line or len(line) > 60 or _STRUCTURAL_RE.match(line):
        return None
    if line[0] in "（(《〈“\"" or re.search(r"[。；;！？!?：:]", line):
        return None
    if not re.search(r"[\u4e00-\u9fff]", line):
        return None
    core = _TRAILING_PARENS_RE.sub("", line)
    if len(core) >= 3 and core.endswith(_TITLE_SUFFIXES):
        return line
    return None


def _find_title(lines: list[str]) -> str | None:
    head = lines[:10]
    for i, line in enumerate(head):
        title = _looks_like_title(line)
        if title:
            return title
        if i + 1 < len(head):
            nxt = head[i + 1]
            if _looks_like_title(nxt):
                continue  # the next line is a title on its own
            # A title wrapped over two lines (国务院关于印发 / …的通知).
            if len(line) <= 40 and not re.search(r"[，。；：:,]$", line):
                title = _looks_like_title(line + nxt)
                if title:
                    return title
    return None


def _labelled(lines: list[str]) -> dict[str, str]:
    """Fields like 发布日期：2023年1月5日 (several may share a line, as on gov.cn pages)."""
    found: dict[str, tuple[int, str]] = {}
    for line in lines:
        matches = list(_LABEL_RE.finditer(line))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end():end].strip(" \t\u3000|｜;；，,")
            if not value:
                continue
            label = m.group("label")
            key = _LABEL_TO_KEY[label]
            if key.endswith("_date"):
                value = parse_date(value)
            elif key == "title":
                value = value.strip("《》 ")
            elif key == "doc_number":
                dm = _DOC_NUMBER_RE.search(value) or _DECREE_RE.search(value)
                value = _normalize_doc_number(dm) if dm else value.split()[0]
            else:
                value = re.split(r"\s{2,}", value)[0].strip()
            if not value:
                continue
            rank = 1 if label == "成文日期" else 0  # 成文 (signed) only when no 发布 date
            if key not in found or rank < found[key][0]:
                found[key] = (rank, value)
    return {key: value for key, (_, value) in found.items()}


def _header_events(head: list[str]) -> list[tuple[str, str, str | None, str]]:
    """(iso date, verb, organ, raw body) for each 通过/修正/公布… event in the header lines."""
    events = []
    for line in head:
        if _STRUCTURAL_RE.match(line):
            break  # the articles have started
        for m in _EVENT_RE.finditer(line):
            iso = _iso(m)
            if iso:
                events.append((iso, m.group("verb"), _clean_org(m.group("body")), m.group("body")))
    return events


def extract_metadata(text: str) -> tuple[str | None, dict[str, str]]:
    """(title, metadata) guessed from a document's text; see :class:`ingest.parsers.parsed.ParsedFile`.

    ``publish_date`` prefers a labelled field, then the latest event of the header
    (通过/修正/修订/公布/印发 — i.e. the date of this version), then the 落款 date.
    ``issuer`` is the organ of that event (全国人民代表大会常务委员会), a labelled or
    印发 line, the 落款, or the organ before 关于 in the title.
    """
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return None, {}
    head, tail = lines[:_HEAD_LINES], lines[-_TAIL_LINES:]
    meta = _labelled(head + tail if len(lines) > _HEAD_LINES + _TAIL_LINES else lines)
    title = meta.pop("title", None) or _find_title(lines)
    events = _header_events(head)
    # each source only fills what the more reliable ones before it left open
    _from_events(meta, events)
    _from_issued_by(meta, head + tail)
    _from_signature(meta, lines)
    if "doc_number" not in meta:
        number = _doc_number(head, events)
        if number:
            meta["doc_number"] = number
    if "effective_date" not in meta:
        effective = _effective_date(text, head, meta.get("publish_date"))
        if effective:
            meta["effective_date"] = effective
    if "issuer" not in meta and title:
        m = _TITLE_ORG_RE.match(title)
        if m:
            meta["issuer"] = m.group("org")
    return title, meta


def _from_events(meta: dict[str, str], events: list[tuple[str, str, str | None, str]]) -> None:
    """Date of the latest header event; organ of the latest adopting event (通过, 修正…)."""
    if not events:
        return
    latest = max(events, key=lambda e: e[0])
    meta.setdefault("publish_date", latest[0])
    adopting = [e for e in events if e[2] and e[1] in ("通过", "审议通过", "修正", "修订", "批准")]
    organs = sorted(adopting or [e for e in events if e[2]], key=lambda e: e[0])
    if organs:
        meta.setdefault("issuer", organs[-1][2])


def _from_issued_by(meta: dict[str, str], lines: list[str]) -> None:
    """'国务院办公厅于2023年1月5日印发' lines: issuer and date."""
    for line in lines:
        m = _ISSUED_BY_RE.match(line)
        if not m or len(line) > 80:
            continue
        meta.setdefault("issuer", m.group("org"))
        iso = _iso(m) if m.group("y") else None
        if iso:
            meta.setdefault("publish_date", iso)


def _from_signature(meta: dict[str, str], lines: list[str]) -> None:
    """落款: an organ line followed by a date line near the end (or a lone date line)."""
    for i in range(len(lines) - 1, max(len(lines) - _TAIL_LINES, 0) - 1, -1):
        line = lines[i].strip("（）() ")
        m = _DATE_RE.fullmatch(line)
        if not m or not _iso(m):
            continue
        meta.setdefault("publish_date", _iso(m))
        if i > 0 and _ORG_LINE_RE.match(lines[i - 1]) and len(lines[i - 1]) <= 40:
            meta.setdefault("issuer", lines[i - 1])
        return


def _doc_number(head: list[str], events: list[tuple[str, str, str | None, str]]) -> str | None:
    """发文字号 from a line of its own, a 令 split over two lines, or a header event."""
    for line in head:
        number = _standalone_doc_number(line)
        if number:
            return number
    for i, line in enumerate(head[:-1]):  # 中华人民共和国主席令 / 第五十三号
        if line.endswith("令") and re.fullmatch(rf"[（(]?第[{_NUM}]+号[)）]?", head[i + 1]):
            return line + head[i + 1].strip("（）()")
    for event in events:  # …国务院令第321号公布
        m = _DECREE_RE.search(event[3])
        if m:
            return _normalize_doc_number(m)
    return None


def _effective_date(text: str, head: list[str], publish_date: str | None) -> str | None:
    """The 施行 date: of the header, else of the last 本法自…起施行, else the publish date of a
    document effective on publication, else any 自…起施行."""
    any_matches = [m for m in _EFFECTIVE_ANY_RE.finditer("\n".join(head)) if _iso(m)]
    if any_matches:  # the header (自2019年5月1日起施行) speaks for the whole document
        return _iso(any_matches[0])
    doc_matches = [m for m in _EFFECTIVE_DOC_RE.finditer(text) if _iso(m)]
    if doc_matches:  # 本法自…起施行: the last one is the 附则's
        return _iso(doc_matches[-1])
    if publish_date is not None and _EFFECTIVE_ON_PUBLISH_RE.search(text):
        return publish_date
    m = next((m for m in _EFFECTIVE_ANY_RE.finditer(text) if _iso(m)), None)
    return _iso(m) if m else None
