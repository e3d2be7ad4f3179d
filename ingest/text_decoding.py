"""Bytes -> str for Chinese legal text files, plus the light normalization every parser shares.

Why not just charset-normalizer: on short Chinese texts (a 40-character article) it
regularly mis-guesses (GBK read as Big5, cp1252...). Chinese files in the wild are almost
always UTF-8, GBK/GB18030 or Big5, so we strictly decode with each of those and keep the
reading whose characters look most like real Chinese; charset-normalizer is only the
fallback for everything else (UTF-16 without BOM, Latin-1 English...).
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from knowledge.errors import IngestError

_UNDECODABLE = "无法识别文本编码（支持 UTF-8、GBK/GB18030、Big5），或文件不是文本文件"

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CANDIDATES = ("utf-8", "gb18030", "big5")
_WESTERN_CODEPAGES = ("cp125", "iso8859", "latin", "mac_", "cp437", "cp850")
_MIN_CJK_SCORE = 0.8  # real text scores ~1.0; GBK read as Big5 ~0.3; random bytes ~0.5
_MIN_GENERIC_SCORE = 0.9
_MAX_BAD_RATIO = 0.01
_SAMPLE = 20_000

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LEADING_SPACE = re.compile(r"^[ \t\u3000\u00a0\u2002\u2003\u2009]+", re.M)
_TRAILING_SPACE = re.compile(r"[ \t\u3000\u00a0]+$", re.M)
_BLANK_RUNS = re.compile(r"\n{3,}")


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level-1 (3755 simplified) + Big5 level-1 (5401 traditional) characters.

    Built from the codecs themselves so no data file is needed; a wrong decoding lands
    mostly on rare characters, symbols or bopomofo, which are outside this set.
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _is_cjk(o: int) -> bool:
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def _is_bad(ch: str) -> bool:
    """Control, private-use, unassigned or replacement characters: signs of a wrong codec."""
    if ch in "\n\r\t\f\v":
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs")


# How much each kind of character (``_char_kind``) says "real text"; the others say nothing.
_GOOD_WEIGHT = {
    "ascii": 1,
    "common": 1,
    "rare": 0.2,  # rare hanzi: legal in names, but typical of mis-decoding
    "punct": 1,
    "latin": 1,
}


def _plausibility(text: str) -> float:
    """0..1: how much ``text`` looks like real (Chinese or Western) text."""
    if len(text) > 3 * _SAMPLE:  # a per-character Python loop: sample big files
        mid = len(text) // 2
        text = text[:_SAMPLE] + text[mid:mid + _SAMPLE] + text[-_SAMPLE:]
    common = _common_hanzi()
    counts = dict.fromkeys(("bad", "ascii", "common", "rare", "punct", "latin", "other", "none"), 0)
    good = 0.0
    for ch in text:
        if ch.isspace():
            continue
        kind = _char_kind(ch, common)
        counts[kind] += 1
        good += _GOOD_WEIGHT.get(kind, 0)  # summed in text order, as floats add up
    total = sum(counts.values())
    if total == 0:
        return 1.0 if text else 0.0
    if counts["bad"] / total > _MAX_BAD_RATIO:
        return 0.0
    if not counts["common"] + counts["rare"]:  # Cyrillic, Greek... are fine on their own, suspicious amid hanzi
        good += counts["other"]
    return good / total


def _char_kind(ch: str, common: frozenset[str]) -> str:
    """bad / ascii / common (hanzi) / rare (hanzi) / punct / latin / other (letters) / none."""
    o = ord(ch)
    if _is_bad(ch):
        return "bad"
    if 0x20 < o < 0x7F:
        return "ascii"
    if ch in common:
        return "common"
    if _is_cjk(o):
        return "rare"
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x203B:
        return "punct"  # CJK / full-width / general punctuation
    category = unicodedata.category(ch)[0]
    if o < 0x250 and category in "LNP":
        return "latin"  # Latin letters with accents
    if category in "LN":
        return "other"
    return "none"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    """Best decoding of BOM-less ``data``, or None when nothing plausible was found."""
    if b"\x00" not in data:  # NUL never occurs in UTF-8 / GB / Big5 text
        text = _detect_chinese(data)
        if text is not None:
            return text
    return _detect_other(data)


def _detect_chinese(data: bytes) -> str | None:
    """The UTF-8 / GB18030 / Big5 reading that looks most like Chinese, or plain UTF-8."""
    best_text, best_score = None, 0.0
    utf8_score = 0.0
    for enc in _CANDIDATES:
        text = _strict(data, enc)
        if text is None:
            continue
        score = _plausibility(text)
        if enc == "utf-8":
            utf8_score = score
        if score > best_score + 1e-9:  # ties keep the earlier (more common) codec
            best_text, best_score = text, score
    if best_text is not None and best_score >= _MIN_CJK_SCORE:
        return best_text
    if utf8_score > 0:
        # Valid UTF-8 without control characters is UTF-8, even if it is not Chinese
        # (Japanese, emoji...); nothing else passed the Chinese-text test anyway.
        return data.decode("utf-8")
    return None


def _detect_other(data: bytes) -> str | None:
    """Fallback for other encodings (UTF-16 without BOM, cp1252...)."""
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        return None
    encoding = match.encoding
    if b"\x00" in data and not encoding.startswith(("utf_16", "utf_32")):
        return None  # NUL bytes in an 8-bit encoding: binary, whatever the guess says
    if encoding.startswith(_WESTERN_CODEPAGES):
        # Single-byte Western text is ambiguous (é in cp1252 is ť in cp1250); cp1252 is by
        # far the most common, so prefer it whenever it reads cleanly.
        text = _strict(data, "cp1252")
        if text is not None and _plausibility(text) >= _MIN_GENERIC_SCORE:
            return text
    text = _strict(data, encoding)
    if text is None or _plausibility(text) < _MIN_GENERIC_SCORE:
        return None
    return text


def normalize_text(text: str) -> str:
    """Normalize extracted text: \\n line ends, no indentation/trailing spaces, ≤1 blank line.

    Deliberately not NFKC: that would turn the full-width punctuation of legal text
    (，；：（）) into ASCII. Zero-width characters and soft hyphens are dropped; a
    line-leading run of full-width/no-break spaces (paragraph indent) is removed, while
    a \\u3000 inside a line (第一条　为了…) is kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\f", "\n")
    text = _LEADING_SPACE.sub("", text)
    text = _TRAILING_SPACE.sub("", text)
    text = text.replace("\u00a0", " ")
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def decode_bytes(data: bytes, path: str | Path, *, normalize: bool = True) -> str:
    """Decode a text file's bytes (BOM, UTF-8, GBK/GB18030, Big5, then charset-normalizer).

    Raises ``IngestError`` when the bytes are not text in a recognizable encoding.
    With ``normalize`` (default) the result goes through :func:`normalize_text`;
    otherwise only line endings are unified (the Markdown parser needs indentation).
    """
    text: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], enc)
            if text is None or _plausibility(text) < _MIN_GENERIC_SCORE:
                raise IngestError(path, _UNDECODABLE)
            break
    else:
        if not data:
            return ""
        text = _detect(data)
    if text is None:
        raise IngestError(path, _UNDECODABLE)
    if normalize:
        return normalize_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
