"""Verbatim matching shared by citation verification and question checks."""
from __future__ import annotations

from typing import Iterable


def appear_in_order(haystack: str, parts: Iterable[str]) -> bool:
    """True when every part occurs in ``haystack``, each after the previous one
    (a quotation shortened with …… is still verbatim if its pieces are)."""
    pos = 0
    for part in parts:
        found = haystack.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True
