"""A model's answer is plain text: links, images and HTML in it are removed, keeping words.

A model can be talked into writing a phishing link or a form by the very documents it is
given (a poisoned internal rule). Whatever it writes is shown as text by the web app anyway
(``assistant.web.render.md_safe``); here the answer itself is cleaned, so the CLI, the JSON
output and stored conversations carry no link or markup either.
"""
from __future__ import annotations

import re

LINK_REMOVED = "〔链接已删除〕"

_SCHEME = r"(?:https?|ftp|file|mailto|javascript|data|vbscript|about|blob|ws|wss)"
# ![alt](target) and [text](target) where target looks like an address (not "[1](第二款)")
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_MD_LINK = re.compile(rf"\[([^\]\n]*)\]\(\s*(?:<?{_SCHEME}:|//|www\.|/|#|\.)[^)\n]*\)", re.I)
_MD_REF_DEF = re.compile(r"(?m)^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$")
_SCRIPTLIKE = re.compile(r"(?is)<(script|style|iframe|object|embed|template)\b.*?(?:</\1\s*>|$)")
_TAG = re.compile(r"(?s)<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*(?:>|$)")
_URL = re.compile(rf"(?i)\b{_SCHEME}:[^\s<>\"'）」』，。；]*|\bwww\.[^\s<>\"'）」』，。；]+")


def strip_markup(text: str) -> str:
    """``text`` without HTML tags (scripts, styles and frames with their content), markdown
    images and links (their words kept) and bare URLs (replaced by LINK_REMOVED)."""
    text = _SCRIPTLIKE.sub("", text)
    text = _TAG.sub("", text)
    text = _MD_IMAGE.sub(lambda m: m.group(1), text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_REF_DEF.sub("", text)
    return _URL.sub(LINK_REMOVED, text)
