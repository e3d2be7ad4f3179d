"""Align two versions of a law article by article, by content rather than by number.

A revision renumbers articles (an inserted article shifts every later number), rewrites some,
adds and deletes others, splits one article into two or merges several into one. ``align``
pairs articles by their text so that 第二十一条 of the old text is found as 第二十三条 of the
new one; ``word_diff`` shows what changed inside a pair, word by word.

How articles are paired:

1. Identical texts (whitespace ignored) are paired first, in order.
2. Character-bigram similarity (Dice over bigram sets, via an inverted index) between the
   remaining articles; a pair is a candidate when its similarity reaches ``MATCH`` (or the
   shorter text is almost wholly contained in the longer one: an article that gained a 款).
3. A monotone alignment maximising total similarity (dynamic programming, like a diff), then
   articles that moved against the order are paired greedily at a stricter ``MOVE`` level,
   then articles left between two paired neighbours are aligned again at a looser ``GAP``
   level: a heavily rewritten article still stands where it stood.
4. A paired old article whose unpaired new neighbours are (nearly) contained in it was split;
   a paired new article whose unpaired old neighbours are contained in it is a merge.

Pure functions of article text: no store access.
"""
from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from knowledge.legal.documents import Article
from knowledge.legal.tokenizer import shared_tokenizer

KINDS = ("unchanged", "changed", "added", "deleted", "split", "merged")
MATCH = 0.5  # bigram Dice at which two articles are the same article, changed
CONTAINED = 0.85  # ... or this share of the shorter one's bigrams lies in the longer one
CONTAINED_FLOOR = 0.25  # ... provided the Dice is at least this (a long addition to a short article)
MOVE = 0.6  # stricter level for a pair that crosses the order of the others
GAP = 0.36  # looser level for a rewritten article found in place: between its paired neighbours
GAP_CONTAINED = 0.5  # ... when this share of one side's bigrams lies in the other
LONE = 0.25  # loosest: the only article left on each side between the same paired neighbours
PART = 0.8  # share of a piece's bigrams found in the whole, for split/merge pieces
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class ArticleChange:
    """One aligned unit: what became of old article(s) in the new text."""

    kind: str  # one of KINDS
    old: tuple[Article, ...]  # () for added; ≥2 for merged
    new: tuple[Article, ...]  # () for deleted; ≥2 for split
    similarity: float  # 0..1 content similarity of the aligned texts (1.0 unchanged)
    renumbered: bool  # the aligned articles carry different labels
    moved: bool  # it left the chapter its old chapter's articles went to

    @property
    def old_labels(self) -> list[str]:
        return [a.label for a in self.old]

    @property
    def new_labels(self) -> list[str]:
        return [a.label for a in self.new]


def normalized(text: str) -> str:
    """Text without blanks: line breaks and spaces never make a change."""
    return _BLANKS.sub("", text or "")


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of ``part``'s bigrams found in ``whole``."""
    return len(part & whole) / len(part) if part else 0.0


class _Texts:
    """Normalized texts and bigram sets of both sides, with pairwise similarities on demand."""

    def __init__(self, old: Sequence[Article], new: Sequence[Article]):
        self.old_text = [normalized(a.text) for a in old]
        self.new_text = [normalized(a.text) for a in new]
        self.old_grams = [_bigrams(t) for t in self.old_text]
        self.new_grams = [_bigrams(t) for t in self.new_text]

    def shared_counts(self, old_ids: Iterable[int], new_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        """|bigrams(old) ∩ bigrams(new)| for every pair sharing any bigram (inverted index)."""
        postings: dict[str, list[int]] = defaultdict(list)
        for i in old_ids:
            for g in self.old_grams[i]:
                postings[g].append(i)
        counts: dict[tuple[int, int], int] = {}
        for j in new_ids:
            per_old: Counter[int] = Counter()
            for g in self.new_grams[j]:
                per_old.update(postings.get(g, ()))
            for i, n in per_old.items():
                counts[(i, j)] = n
        return counts

    def score(self, i: int, j: int, shared: int) -> float:
        """Similarity of old i and new j when they may be the same article, else 0."""
        a, b = len(self.old_grams[i]), len(self.new_grams[j])
        d = 2 * shared / (a + b) if a + b else 1.0
        if d >= MATCH:
            return d
        if d >= CONTAINED_FLOOR and shared / max(1, min(a, b)) >= CONTAINED:
            return d
        return 0.0


def _identical_pairs(texts: _Texts) -> dict[int, int]:
    """Old index → new index for identical texts, matched in order (duplicates in turn)."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(texts.new_text):
        by_text[t].append(j)
    pairs: dict[int, int] = {}
    for i, t in enumerate(texts.old_text):
        if by_text.get(t):
            pairs[i] = by_text[t].pop(0)
    return _monotone_subset(pairs)


def _monotone_subset(pairs: dict[int, int]) -> dict[int, int]:
    """Longest increasing subsequence of the pairs (others are left to the later passes)."""
    items = sorted(pairs.items())
    tails: list[int] = []  # index into items of the smallest tail of each length
    back: list[int] = [-1] * len(items)
    keys: list[int] = []
    for k, (_, j) in enumerate(items):
        pos = bisect.bisect_left(keys, j)
        back[k] = tails[pos - 1] if pos else -1
        if pos == len(keys):
            keys.append(j)
            tails.append(k)
        else:
            keys[pos], tails[pos] = j, k
    chosen: dict[int, int] = {}
    k = tails[-1] if tails else -1
    while k >= 0:
        i, j = items[k]
        chosen[i] = j
        k = back[k]
    return chosen


def _monotone_alignment(old_ids: list[int], new_ids: list[int],
                        scores: dict[tuple[int, int], float]) -> dict[int, int]:
    """Order-preserving pairs maximising the sum of scores (gaps cost nothing)."""
    n, m = len(old_ids), len(new_ids)
    if not n or not m or not scores:
        return {}
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        row, below = best[a], best[a + 1]
        oi = old_ids[a]
        for b in range(m - 1, -1, -1):
            value = below[b] if below[b] > row[b + 1] else row[b + 1]
            s = scores.get((oi, new_ids[b]))
            if s and s + below[b + 1] > value:
                value = s + below[b + 1]
            row[b] = value
    pairs: dict[int, int] = {}
    a = b = 0
    while a < n and b < m:
        s = scores.get((old_ids[a], new_ids[b]))
        if s and abs(best[a][b] - (s + best[a + 1][b + 1])) < 1e-9:
            pairs[old_ids[a]] = new_ids[b]
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return pairs


def _moved_pairs(old_ids: list[int], new_ids: list[int],
                 scores: dict[tuple[int, int], float]) -> dict[int, int]:
    """Greedy best-first pairs among the leftovers, at the stricter MOVE level."""
    left_old, left_new = set(old_ids), set(new_ids)
    ranked = sorted(((s, i, j) for (i, j), s in scores.items()
                     if s >= MOVE and i in left_old and j in left_new), reverse=True)
    pairs: dict[int, int] = {}
    for _, i, j in ranked:
        if i in left_old and j in left_new:
            pairs[i] = j
            left_old.discard(i)
            left_new.discard(j)
    return pairs


def _pair_articles(texts: _Texts) -> dict[int, int]:
    pairs = _identical_pairs(texts)
    old_left = [i for i in range(len(texts.old_text)) if i not in pairs]
    used = set(pairs.values())
    new_left = [j for j in range(len(texts.new_text)) if j not in used]
    shared = texts.shared_counts(old_left, new_left)
    scores = {k: s for k, n in shared.items() if (s := texts.score(k[0], k[1], n)) > 0}
    # the monotone pass runs between identical anchors so its table stays small
    for seg_old, seg_new in _segments(pairs, old_left, new_left):
        pairs.update(_monotone_alignment(seg_old, seg_new, scores))
    used = set(pairs.values())
    pairs.update(_moved_pairs([i for i in old_left if i not in pairs],
                              [j for j in new_left if j not in used], scores))
    pairs.update(_gap_pairs(texts, pairs))
    return pairs


def _gap_pairs(texts: _Texts, pairs: dict[int, int]) -> dict[int, int]:
    """Rewritten articles between paired neighbours, at the looser GAP level, in order."""
    monotone = _monotone_subset(pairs)
    used = set(pairs.values())
    old_left = [i for i in range(len(texts.old_text)) if i not in pairs]
    new_left = [j for j in range(len(texts.new_text)) if j not in used]
    shared = texts.shared_counts(old_left, new_left)
    scores, dice = {}, {}
    for (i, j), n in shared.items():
        a, b = len(texts.old_grams[i]), len(texts.new_grams[j])
        dice[(i, j)] = d = 2 * n / (a + b) if a + b else 0.0
        if d >= GAP and n / max(1, min(a, b)) >= GAP_CONTAINED:
            scores[(i, j)] = d
    found: dict[int, int] = {}
    for seg_old, seg_new in _segments(monotone, old_left, new_left):
        if len(seg_old) == len(seg_new) == 1 and dice.get((seg_old[0], seg_new[0]), 0.0) >= LONE:
            found[seg_old[0]] = seg_new[0]  # one rewritten in place: the same article, not a swap
            continue
        found.update(_monotone_alignment(seg_old, seg_new, scores))
    return found


def _segments(anchors: dict[int, int], old_left: list[int], new_left: list[int]):
    """Leftover indices grouped by the gap between consecutive anchors they fall in."""
    ordered = sorted(anchors.items())
    old_cuts = [i for i, _ in ordered]
    new_cuts = [j for _, j in ordered]
    groups: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in old_left:
        groups[bisect.bisect_left(old_cuts, i)][0].append(i)
    for j in new_left:
        groups[bisect.bisect_left(new_cuts, j)][1].append(j)
    return [groups[k] for k in sorted(groups)]


def _extend(whole: frozenset[str], partner: int, grams: list[frozenset[str]],
            free: set[int]) -> list[int]:
    """Free neighbours of ``partner`` (consecutive, either side) nearly contained in ``whole``."""
    run = [partner]
    for step in (-1, 1):
        k = partner + step
        while k in free and k not in run and containment(grams[k], whole) >= PART:
            run.append(k)
            k += step
    return sorted(run)


def _pieces(pairs: dict[int, int], texts: _Texts) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Splits (old → several new) and merges (new → several old) around the pairs."""
    free_new = set(range(len(texts.new_text))) - set(pairs.values())
    free_old = set(range(len(texts.old_text))) - set(pairs)
    splits: dict[int, list[int]] = {}
    merges: dict[int, list[int]] = {}
    for i, j in sorted(pairs.items()):
        run = _extend(texts.old_grams[i], j, texts.new_grams, free_new)
        if len(run) > 1 and _improves(texts.old_grams[i], [texts.new_grams[k] for k in run], texts.new_grams[j]):
            splits[i] = run
            free_new -= set(run)
            continue
        run = _extend(texts.new_grams[j], i, texts.old_grams, free_old)
        if len(run) > 1 and _improves(texts.new_grams[j], [texts.old_grams[k] for k in run], texts.old_grams[i]):
            merges[j] = run
            free_old -= set(run)
    return splits, merges


def _improves(whole: frozenset[str], parts: list[frozenset[str]], single: frozenset[str]) -> bool:
    return dice(whole, frozenset().union(*parts)) > dice(whole, single)


def _unpaired_splits(pairs: dict[int, int], texts: _Texts, splits: dict[int, list[int]],
                     merges: dict[int, list[int]]) -> None:
    """An old article split in pieces none of which alone is similar enough to be paired."""
    taken_new = set(pairs.values()) | {k for run in splits.values() for k in run}
    taken_old = set(pairs) | {k for run in merges.values() for k in run}
    free_new = [j for j in range(len(texts.new_text)) if j not in taken_new]
    for i in range(len(texts.old_text)):
        if i in taken_old:
            continue
        for j in free_new:
            if j + 1 in free_new and j not in taken_new and j + 1 not in taken_new:
                parts = [texts.new_grams[j], texts.new_grams[j + 1]]
                whole = texts.old_grams[i]
                if all(containment(p, whole) >= PART for p in parts) and \
                        dice(whole, parts[0] | parts[1]) >= MATCH:
                    pairs[i] = j
                    splits[i] = [j, j + 1]
                    taken_new |= {j, j + 1}
                    break


def _chapter_map(old: Sequence[Article], new: Sequence[Article], links: list[tuple[int, int]]) -> dict[str, str]:
    """Each old top-level heading → the new heading most of its articles went to."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for i, j in links:
        if old[i].path and new[j].path:
            votes[old[i].path[0]][new[j].path[0]] += 1
    return {o: c.most_common(1)[0][0] for o, c in votes.items()}


def _make(kind: str, old_ids: list[int], new_ids: list[int], old: Sequence[Article], new: Sequence[Article],
          texts: _Texts, chapters: dict[str, str]) -> ArticleChange:
    olds = tuple(old[i] for i in old_ids)
    news = tuple(new[j] for j in new_ids)
    renumbered = moved = False
    similarity = 0.0
    if olds and news:
        a = frozenset().union(*(texts.old_grams[i] for i in old_ids))
        b = frozenset().union(*(texts.new_grams[j] for j in new_ids))
        same = "".join(texts.old_text[i] for i in old_ids) == "".join(texts.new_text[j] for j in new_ids)
        similarity = 1.0 if same else round(dice(a, b), 4)
        if kind == "changed" and same:
            kind = "unchanged"
        renumbered = olds[0].label != news[0].label
        o, n = olds[0].path[:1], news[0].path[:1]
        moved = bool(o and n) and chapters.get(o[0], o[0]) != n[0]
    return ArticleChange(kind, olds, news, similarity, renumbered, moved)


def align(old: Sequence[Article], new: Sequence[Article]) -> list[ArticleChange]:
    """What became of each article: in new-text order, deleted ones at their old position."""
    texts = _Texts(old, new)
    pairs = _pair_articles(texts)
    splits, merges = _pieces(pairs, texts)
    _unpaired_splits(pairs, texts, splits, merges)
    links = list(pairs.items())
    chapters = _chapter_map(old, new, links)
    units: list[tuple[str, list[int], list[int]]] = []
    merged_old = {k for run in merges.values() for k in run}
    split_new = {k for run in splits.values() for k in run}
    for i, j in pairs.items():
        if i in splits:
            units.append(("split", [i], splits[i]))
        elif j in merges:
            units.append(("merged", merges[j], [j]))
        elif i not in merged_old and j not in split_new:
            units.append(("changed", [i], [j]))
    units += [("added", [], [j]) for j in range(len(new))
              if j not in split_new and j not in set(pairs.values())]
    units += [("deleted", [i], []) for i in range(len(old)) if i not in pairs and i not in merged_old]
    changes = [_make(kind, o, n, old, new, texts, chapters) for kind, o, n in units]
    return _in_reading_order(changes, units)


def _in_reading_order(changes: list[ArticleChange], units: list[tuple[str, list[int], list[int]]]
                      ) -> list[ArticleChange]:
    """New-text order; a deleted article right after the unit holding its old predecessor."""
    position: dict[int, float] = {}
    for _, olds, news in units:
        if news:
            for i in olds:
                position[i] = min(news)
    keys = []
    for (_, olds, news), change in zip(units, changes):
        if news:
            keys.append(((min(news), 0, 0), change))
            continue
        i = olds[0]
        before = max((k for k in position if k < i), default=None)
        anchor = position[before] if before is not None else -1
        keys.append(((anchor, 1, i), change))
    keys.sort(key=lambda kc: kc[0])
    return [c for _, c in keys]


def summary(changes: Iterable[ArticleChange]) -> dict[str, int]:
    """Counts per kind, plus how many aligned units were renumbered and moved."""
    counts = {k: 0 for k in ("changed", "added", "deleted", "renumbered", "moved", "split", "merged",
                             "unchanged")}
    for c in changes:
        counts[c.kind] += 1
        counts["renumbered"] += c.renumbered
        counts["moved"] += c.moved
    return counts


# ---- inside one pair: word-level differences ----------------------------------------------
CHAR_REFINE = 0.34  # a replaced stretch is diffed by characters when they share this much


def word_diff(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """("equal" | "insert" | "delete", text) runs turning ``old_text`` into ``new_text``.

    Words are the shared tokenizer's precise tokens; a replaced stretch of words that shares
    many characters (五万元 → 十万元) is refined to characters, so only what differs is marked.
    """
    tok = shared_tokenizer()
    a, b = tok.precise_tokens(old_text or ""), tok.precise_tokens(new_text or "")
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            runs.append(("equal", old_part))
        elif op == "replace":
            runs += _replaced(old_part, new_part)
        elif op == "delete":
            runs.append(("delete", old_part))
        else:
            runs.append(("insert", new_part))
    return _joined(runs)


def _replaced(old_part: str, new_part: str) -> list[tuple[str, str]]:
    chars = difflib.SequenceMatcher(None, old_part, new_part, autojunk=False)
    if chars.ratio() < CHAR_REFINE:
        return [("delete", old_part), ("insert", new_part)]
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in chars.get_opcodes():
        if op == "equal":
            runs.append(("equal", old_part[i1:i2]))
            continue
        if i2 > i1:
            runs.append(("delete", old_part[i1:i2]))
        if j2 > j1:
            runs.append(("insert", new_part[j1:j2]))
    return runs


def _joined(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent runs of one kind joined, empty runs dropped, a deletion before its insertion."""
    out: list[tuple[str, str]] = []
    for kind, text in runs:
        if not text:
            continue
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out
