"""Chinese numerals <-> int, as used in article labels (第一千二百六十条, 第十条之一)."""
from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = "零一二三四五六七八九"
# The characters of a numeral as written in labels and citations (第一千二百六十条, 第1260条,
# 第１２６０条), for use inside a regex character class; NUMERAL is one numeral.
NUMERAL_CHARS = "0-9０-９零〇○一二两三四五六七八九十百千万"
NUMERAL = f"[{NUMERAL_CHARS}]+"
# 之N after an article number is a small ordinal (第十条之一 … 之十九): no 两, 百 or zero, so
# 第一百二十条之一两款 is 之一 followed by 两款
SUB_NUMERAL = "[0-9０-９一二三四五六七八九十]+"


def cn_to_int(text: str) -> int | None:
    """Parse 一千二百六十 / 1260 / 一二六〇 style numerals; None when not a numeral."""
    s = (text or "").strip().translate(_FULLWIDTH)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if any(c not in _DIGITS and c not in _UNITS for c in s):
        return None
    if not any(c in _UNITS for c in s):  # digit-by-digit form: 二〇二三
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, num = 0, 0, 0
    for ch in s:
        if ch in _DIGITS:
            num = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit == 10000:
                total += (section + num) * unit
                section = 0
            else:
                section += (num or 1) * unit if not (unit == 10 and num == 0 and section) else 10
            num = 0
    return total + section + num


def int_to_cn(n: int) -> str:
    """1260 -> 一千二百六十; 10 -> 十; 110 -> 一百一十 (the style of statute labels)."""
    if n < 0:
        raise ValueError("negative numbers have no article label")
    if n == 0:
        return "零"
    if n >= 10000:
        return _with_wan(n)
    text = _below_wan(n)
    return text[1:] if text.startswith("一十") else text


def _below_wan(n: int) -> str:
    """1..9999 with units; a run of zeros between digits is read as one 零, trailing ones not at all."""
    parts = (_CN_DIGITS[int(d)] + unit if d != "0" else "零" for d, unit in zip(f"{n:04d}", ("千", "百", "十", "")))
    return re.sub("零+", "零", "".join(parts)).strip("零")


def _with_wan(n: int) -> str:
    high, low = divmod(n, 10000)
    rest = int_to_cn(low) if low else ""
    if 10 <= low < 20:  # after 万 the tens digit is spoken in full: 一万零一十
        rest = "一" + rest
    if low and low < 1000:
        rest = "零" + rest
    return int_to_cn(high) + "万" + rest


def article_label(number: int, sub: int = 0) -> str:
    """(10, 1) -> '第十条之一'."""
    label = f"第{int_to_cn(number)}条"
    return label + (f"之{int_to_cn(sub)}" if sub else "")
