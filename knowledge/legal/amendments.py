"""What an amendment decision (关于修改《X》的决定) does to the numbering of the law it amends.

When only the amended text of a law is held (the bundled 网络安全法 is the 2025 text; the 2016
text is not), the decision is the one record of the old numbering. Its items say it in a fixed
drafting style, and only the head of an item (before the quoted new wording) is read:

  增加一条，作为第三条 / 增加三条，分别作为第四十四条、第四十五条、第四十六条   new articles
  将第十八条改为第十九条                                               renumbered
  将第五十九条改为第六十一条，修改为 / 删去第二款 / 增加一款             renumbered and changed
  将第二条第一款修改为 / 在第八十一条中的……后增加                        changed in place
  将第六十四条、第六十六条、第七十条合并，作为第七十一条                  merged
  删去第三十条                                                         deleted

Every other article keeps its order: old article n becomes the n-th new number that is not a
new (inserted or merged) article, counting only old articles still standing. That derived map
is trusted only when it reproduces every explicit 改为 of the decision; otherwise only the
articles the decision renumbers explicitly are mapped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.legal.citations import CITED_ARTICLE_RE, clause_end
from knowledge.legal.numerals import cn_to_int

_HEAD_END = re.compile(r"[：:“\"「]")
_NEW_NUMBER_LEAD = re.compile(r"(?:改为|作为|分别作为)\s*$")
_CHANGE_WORDS = ("修改", "增加", "删去", "删除")
_DELETE = re.compile(r"删去\s*$")


@dataclass(frozen=True)
class _Ref:
    number: int
    sub: int
    partial: bool  # 第N条第M款 / 第M项: a part of the article
    start: int
    end: int
    new: bool  # the number after 改为 / 作为: a number of the amended text


@dataclass
class Renumbering:
    """The old numbering → the new one, as far as the decisions tell."""

    changed: set[int] = field(default_factory=set)  # old numbers whose wording the decision changes
    deleted: set[int] = field(default_factory=set)
    merged: dict[int, int] = field(default_factory=dict)  # old number → the new article it went into
    inserted: set[int] = field(default_factory=set)  # new numbers of new (or merged) articles
    anchors: dict[int, int] = field(default_factory=dict)  # the decision's explicit 改为
    removed: set[int] = field(default_factory=set)  # old numbers no longer standing (deleted, merged)
    # old articles that gave a 款 to another article: whether they still stand is not said,
    # so the numbers after one are known only if a later 改为 confirms the count
    partial: set[int] = field(default_factory=set)
    derived: bool = False  # every unnamed old number is mapped by order (the anchors agree)
    items: dict[int, str] = field(default_factory=dict)  # old number → the item that names it

    def new_number(self, old: int) -> int | None:
        """The new number of old article ``old``; None when deleted, merged or unknown."""
        if old in self.anchors:
            return self.anchors[old]
        if old in self.removed or not self.derived:
            return None
        last_anchor = max(self.anchors, default=0)
        if any(p <= old and p >= last_anchor for p in self.partial - set(self.anchors)):
            return None
        return _by_order(old, self.removed, self.inserted)


def item_head(text: str) -> str:
    """An item without the quoted new wording (its numbers cite the new text)."""
    m = _HEAD_END.search(text or "")
    return text[:m.start()] if m else (text or "")


def _refs(head: str) -> list[_Ref]:
    out: list[_Ref] = []
    for m in CITED_ARTICLE_RE.finditer(head):
        number = cn_to_int(m.group("num"))
        if number is None:
            continue
        sub = (cn_to_int(m.group("sub")) or 0) if m.group("sub") else 0
        end = clause_end(head, m.end())
        # 分别作为第四十四条、第四十五条: a list after 作为 goes on in new numbers
        listed = bool(out) and out[-1].new and head[out[-1].end:m.start()] in ("、", "和", "及")
        out.append(_Ref(number, sub, end > m.end(), m.start(), end,
                        listed or bool(_NEW_NUMBER_LEAD.search(head[:m.start()]))))
    return out


def renumbering(items: list[str]) -> Renumbering:
    """Read the items of one decision (in order) into a :class:`Renumbering`."""
    r = Renumbering()
    for text in items:
        head = item_head(text)
        if "增加一章" in head or "增加一节" in head:
            continue  # its articles are each introduced by their own items
        refs = _refs(head)
        old = [x for x in refs if not x.new and x.sub == 0]
        new = [x for x in refs if x.new and not x.partial]
        r.inserted |= {x.number for x in new if "增加" in head[:x.start] or "合并" in head}
        _read_item(r, head, text, old, new)
    r.derived = all(_by_order(o, r.removed, r.inserted) == n for o, n in r.anchors.items())
    return r


def _read_item(r: Renumbering, head: str, text: str, old: list[_Ref], new: list[_Ref]) -> None:
    reworded = len(head) < len(text.strip())  # the item goes on with new wording
    if "合并" in head and new:
        for x in old:
            r.items.setdefault(x.number, text)
            if x.partial:  # a 款 or 项 of it went into the merged article: the rest stands, changed
                r.changed.add(x.number)
                r.partial.add(x.number)
            else:
                r.merged[x.number] = new[-1].number
                r.removed.add(x.number)
        return
    for x in old:
        r.items.setdefault(x.number, text)
        if _DELETE.search(head[:x.start]) and not x.partial:
            r.deleted.add(x.number)
            r.removed.add(x.number)
            continue
        target = next((n for n in new if n.start > x.end), None)
        if target is not None and "改为" in head[x.end:target.start]:
            if x.partial:  # a 款 of it became an article of its own
                r.inserted.add(target.number)
                r.changed.add(x.number)
                r.partial.add(x.number)
                continue
            r.anchors[x.number] = target.number
        if reworded or _changes(head, x, target):
            r.changed.add(x.number)


def _changes(head: str, ref: _Ref, target: _Ref | None) -> bool:
    """Does the item change the wording of ``ref`` (more than its number)?"""
    rest = head[target.end:] if target is not None else head
    return ref.partial or any(w in rest for w in _CHANGE_WORDS) or (
        target is None and any(w in head for w in _CHANGE_WORDS))


def _by_order(old: int, removed: set[int], inserted: set[int]) -> int:
    rank = old - sum(1 for x in removed if x < old)
    number = 0
    while rank:
        number += 1
        if number not in inserted:
            rank -= 1
    return number
