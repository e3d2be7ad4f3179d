"""HTML pages (e.g. saved from npc.gov.cn / gov.cn): main text only, one block per line."""
from __future__ import annotations

import re
from pathlib import Path

from ingest.parsers.limits import ParseLimits, check_html
from ingest.parsers.parsed import ParsedFile
from ingest.text_decoding import decode_bytes, normalize_text

# Page chrome and non-content elements, dropped with everything inside them.
_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "iframe", "svg",
         "canvas", "select", "button", "head", "object", "embed", "audio", "video", "map")
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure form h1 h2 h3 h4 h5 h6 hr html li main ol p pre section summary table "
    "tbody tfoot thead tr ul".split()
)
_CELLS = frozenset(("td", "th"))
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# A source line break between two hanzi is markup formatting, not a space in the text.
_CJK_BREAK_RE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_HTML_SPACE_RE = re.compile(r"[ \t\r\n\f]+")
_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|\s-\s|\s—\s|——|--)\s*")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
            "big5": "big5hkscs"}


def _decode(data: bytes, path: Path) -> str:
    """Honour the page's <meta charset> when it decodes cleanly, else detect."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _META_CHARSET_RE.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii", "ignore").lower()
            # Pages labelled gb2312 routinely contain GBK-only characters.
            try:
                return data.decode(_ALIASES.get(declared, declared))
            except (LookupError, UnicodeDecodeError):
                pass  # wrong or unknown label: fall back to detection
    return decode_bytes(data, path, normalize=False)


def _render(root) -> str:
    """Text of ``root`` with a line break around every block element and <br>."""
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    out: list[str] = []
    stack: list = [root]
    while stack:  # iterative: deeply nested table layouts can exceed the recursion limit
        node = stack.pop()
        if isinstance(node, tuple):  # closing marker
            out.append(node[0])
            continue
        if isinstance(node, PreformattedString):  # comments, doctype, CDATA
            continue
        if isinstance(node, NavigableString):
            text = _CJK_BREAK_RE.sub("", str(node))
            out.append(_HTML_SPACE_RE.sub(" ", text))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name == "br":
            out.append("\n")
        elif name == "pre":
            out.append("\n" + node.get_text() + "\n")
        elif name in _CELLS:
            out.append(" ")
            stack.append((" ",))
            stack.extend(reversed(node.contents))
        elif name in _BLOCKS:
            out.append("\n")
            stack.append(("\n",))
            stack.extend(reversed(node.contents))
        else:
            stack.extend(reversed(node.contents))
    text = "".join(out)
    lines = (re.sub(r" {2,}", " ", ln.strip(" ")) for ln in text.split("\n"))
    # One block per line: the blank lines between <p>s are markup, not content.
    return "\n".join(ln for ln in lines if ln)


def parse(path: Path, data: bytes, *, limits: ParseLimits | None = None) -> ParsedFile:
    """Main text of an HTML page; title from the content's <h1>, else <title> minus site name.
    A page beyond ``limits`` (decoded size, tag count) is refused before it is parsed."""
    from bs4 import BeautifulSoup

    text = _decode(data, path)
    check_html(path, text, limits or ParseLimits())
    soup = BeautifulSoup(text, "lxml")
    page_title = None
    if soup.title and soup.title.string:
        parts = [p for p in _TITLE_SPLIT_RE.split(soup.title.get_text().strip()) if p.strip()]
        page_title = parts[0].strip() if parts else None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    title = None
    h1 = soup.find("h1")
    if h1 is not None:
        title = _HTML_SPACE_RE.sub(" ", _CJK_BREAK_RE.sub("", h1.get_text())).strip() or None
    title = title or page_title
    root = soup.body or soup
    return ParsedFile(path=Path(path), text=normalize_text(_render(root)), title=title, format="html")
