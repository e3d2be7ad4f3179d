"""Precision and recall of the revision alignment (knowledge.legal.revisions.align).

(a) Hand-checked gold for bundled laws held in two versions (benchmarks/data/revision_gold/*.jsonl,
    see its README): every aligned unit of the old and the new text.
(b) Synthetic revisions of real laws with known truth: random deletions, insertions (articles
    taken verbatim from other laws), word edits (words of the same law inserted, replaced or
    dropped), splits at a paragraph break, merges of neighbours, a few articles moved far, and
    consecutive renumbering; fixed seed.

Scored per category over links between labels:
  changed    (old, new) links of units whose text changed (changed, split, merged)
  renumbered (old, new) links whose labels differ
  added      new labels without an old counterpart
  deleted    old labels without a new counterpart

    PYTHONPATH=. python benchmarks/diff_bench.py [--json] [--rounds 3] [--seed 7]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.statute_source import StatuteSource  # noqa: E402
from knowledge.legal.documents import Article  # noqa: E402
from knowledge.legal.numerals import article_label  # noqa: E402
from knowledge.legal.revisions import align  # noqa: E402
from knowledge.legal.tokenizer import shared_tokenizer  # noqa: E402

GOLD_DIR = ROOT / "benchmarks" / "data" / "revision_gold"
CATEGORIES = ("changed", "renumbered", "added", "deleted")
SYNTHETIC_LAWS = ("中华人民共和国宪法", "中华人民共和国民用航空法", "中华人民共和国网络安全法",
                  "中华人民共和国劳动合同法", "中华人民共和国保守国家秘密法", "中华人民共和国公务员法",
                  "中华人民共和国行政处罚法", "中华人民共和国安全生产法", "中华人民共和国个人信息保护法",
                  "中华人民共和国海商法")


# ---- scoring -----------------------------------------------------------------------------------
def link_sets(units) -> dict[str, set]:
    """Units as (kind, old labels, new labels) → the scored sets of each category."""
    sets: dict[str, set] = {c: set() for c in CATEGORIES}
    for kind, olds, news in units:
        if kind == "added":
            sets["added"].update(news)
        elif kind == "deleted":
            sets["deleted"].update(olds)
        for o in olds:
            for n in news:
                if kind in ("changed", "split", "merged"):
                    sets["changed"].add((o, n))
                if o != n:
                    sets["renumbered"].add((o, n))
    return sets


@dataclass
class Tally:
    tp: dict = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    got: dict = field(default_factory=lambda: {c: 0 for c in CATEGORIES})
    want: dict = field(default_factory=lambda: {c: 0 for c in CATEGORIES})

    def add(self, gold: dict[str, set], found: dict[str, set], prefix: str = "") -> None:
        for c in CATEGORIES:
            g = {(prefix, x) for x in gold[c]}
            f = {(prefix, x) for x in found[c]}
            self.tp[c] += len(g & f)
            self.got[c] += len(f)
            self.want[c] += len(g)

    def scores(self) -> dict[str, dict]:
        out = {}
        for c in CATEGORIES:
            p = self.tp[c] / self.got[c] if self.got[c] else 1.0
            r = self.tp[c] / self.want[c] if self.want[c] else 1.0
            out[c] = {"precision": round(p, 4), "recall": round(r, 4), "gold": self.want[c], "found": self.got[c]}
        return out


def found_units(changes):
    return [(c.kind, c.old_labels, c.new_labels) for c in changes]


# ---- (a) gold -------------------------------------------------------------------------------------
def articles_of(source: StatuteSource, law_id: str) -> list[Article]:
    law = next(x for x in source.laws() if x.law_id == law_id)
    doc = source.to_document(law, is_current=True)
    return [Article(id=k, doc_id=law_id, seq=k, number=a.number, sub=a.sub, label=a.label, path=list(a.path),
                    text=a.text) for k, a in enumerate(doc.articles)]


def gold_bench(source: StatuteSource) -> tuple[dict, list[dict]]:
    total, per_law = Tally(), []
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        head, units = rows[0], rows[1:]
        started = time.perf_counter()
        changes = align(articles_of(source, head["old_law_id"]), articles_of(source, head["new_law_id"]))
        seconds = time.perf_counter() - started
        gold = link_sets([(u["kind"], u["old"], u["new"]) for u in units])
        found = link_sets(found_units(changes))
        law = Tally()
        law.add(gold, found)
        total.add(gold, found, head["law"])
        per_law.append({"law": head["law"], "versions": f"{head['old_version']} → {head['new_version']}",
                        "seconds": round(seconds, 3), "scores": law.scores()})
    return total.scores(), per_law


# ---- (b) synthetic revisions ----------------------------------------------------------------------
@dataclass
class Piece:
    """An article of the synthetic new text and where it came from."""

    text: str
    path: list[str]
    origin: tuple[int, ...]  # indexes of old articles it derives from; () when inserted
    edited: bool = False
    piece_of_split: bool = False  # split pieces stay, in order, next to each other


def revise(old: list[Article], donors: list[str], rng: random.Random) -> tuple[list[Article], list]:
    """A synthetic revision of ``old`` and its truth as units (kind, old labels, new labels)."""
    words = [w for a in old for w in shared_tokenizer().precise_tokens(a.text) if len(w) >= 2]
    pieces = [Piece(a.text, list(a.path), (i,)) for i, a in enumerate(old)]
    pieces = _merge_some(pieces, rng)
    pieces = _split_some(pieces, rng)
    pieces = [p for p in pieces if not (_plain(p) and rng.random() < 0.05)]  # deletions
    for p in pieces:
        if rng.random() < 0.15:
            p.text, p.edited = _edit(p.text, words, rng), True
    _move_some(pieces, rng)
    for _ in range(max(1, len(pieces) // 20)):  # insertions: real articles of other laws
        at = rng.randrange(len(pieces) + 1)
        while 0 < at < len(pieces) and pieces[at].piece_of_split and pieces[at - 1].origin == pieces[at].origin:
            at += 1
        neighbour = pieces[min(at, len(pieces) - 1)].path if pieces else []
        pieces.insert(at, Piece(rng.choice(donors), list(neighbour), ()))
    new = [Article(id=10_000 + k, doc_id="new", seq=k, number=k + 1, sub=0, label=article_label(k + 1),
                   path=p.path, text=p.text) for k, p in enumerate(pieces)]
    return new, _truth(old, new, pieces)


def _merge_some(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    out: list[Piece] = []
    k = 0
    while k < len(pieces):
        p = pieces[k]
        if k + 1 < len(pieces) and rng.random() < 0.015 and p.path == pieces[k + 1].path:
            q = pieces[k + 1]
            out.append(Piece(p.text + "\n" + q.text, p.path, p.origin + q.origin))
            k += 2
        else:
            out.append(p)
            k += 1
    return out


def _split_some(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        paras = p.text.split("\n")
        if len(p.origin) == 1 and len(paras) >= 2 and rng.random() < 0.04:
            cut = rng.randrange(1, len(paras))
            out += [Piece("\n".join(paras[:cut]), p.path, p.origin, piece_of_split=True),
                    Piece("\n".join(paras[cut:]), p.path, p.origin, piece_of_split=True)]
        else:
            out.append(p)
    return out


def _edit(text: str, words: list[str], rng: random.Random) -> str:
    """One to four word edits (at most about one token in twelve): replace, drop or insert."""
    tokens = shared_tokenizer().precise_tokens(text)
    for _ in range(rng.randint(1, max(1, min(4, len(tokens) // 12)))):
        at = rng.randrange(len(tokens))
        op = rng.choice(("replace", "drop", "insert"))
        if op == "replace":
            tokens[at] = rng.choice(words)
        elif op == "drop" and len(tokens) > 3:
            del tokens[at]
        else:
            tokens.insert(at, rng.choice(words))
    edited = "".join(tokens)
    return edited if edited != text else text + "，" + rng.choice(words)


def _plain(p: Piece) -> bool:
    return len(p.origin) == 1 and not p.piece_of_split


def _move_some(pieces: list[Piece], rng: random.Random) -> None:
    """A few articles moved far (never a piece of a split, never between two such pieces)."""
    for _ in range(len(pieces) // 60):
        k = rng.randrange(len(pieces))
        if not _plain(pieces[k]):
            continue
        p = pieces.pop(k)
        at = rng.randrange(len(pieces) + 1)
        while 0 < at < len(pieces) and pieces[at].piece_of_split and pieces[at - 1].origin == pieces[at].origin:
            at += 1
        pieces.insert(at, p)


def _truth(old: list[Article], new: list[Article], pieces: list[Piece]) -> list:
    by_origin: dict[tuple[int, ...], list[int]] = {}
    for k, p in enumerate(pieces):
        by_origin.setdefault(p.origin, []).append(k)
    units, seen = [], set()
    for origin, ks in by_origin.items():
        if not origin:
            units += [("added", [], [new[k].label]) for k in ks]
            continue
        olds = [old[i].label for i in origin]
        news = [new[k].label for k in ks]
        seen.update(origin)
        if len(origin) > 1:
            kind = "merged"
        elif len(ks) > 1:
            kind = "split"
        else:
            kind = "changed" if pieces[ks[0]].edited else "unchanged"
        units.append((kind, olds, news))
    units += [("deleted", [a.label], []) for i, a in enumerate(old) if i not in seen]
    return units


def synthetic_bench(source: StatuteSource, rounds: int, seed: int) -> tuple[dict, dict]:
    rng = random.Random(seed)
    laws = {x.title: x for x in source.select()}
    texts = {t: articles_of(source, laws[t].law_id) for t in SYNTHETIC_LAWS if t in laws}
    total, slowest, pairs = Tally(), 0.0, 0
    for title, old in texts.items():
        donors = [a.text for t, arts in texts.items() if t != title for a in arts]
        for r in range(rounds):
            new, truth = revise(old, donors, rng)
            started = time.perf_counter()
            changes = align(old, new)
            slowest = max(slowest, time.perf_counter() - started)
            total.add(link_sets(truth), link_sets(found_units(changes)), f"{title}#{r}")
            pairs += 1
    return total.scores(), {"pairs": pairs, "laws": len(texts), "slowest_seconds": round(slowest, 3)}


# ---- report ---------------------------------------------------------------------------------------
def table(title: str, scores: dict) -> str:
    lines = [title, f"{'category':<12}{'precision':>10}{'recall':>9}{'gold':>7}{'found':>7}"]
    for c in CATEGORIES:
        s = scores[c]
        lines.append(f"{c:<12}{s['precision']:>10.3f}{s['recall']:>9.3f}{s['gold']:>7}{s['found']:>7}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="synthetic revisions per law")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    source = StatuteSource()
    gold, per_law = gold_bench(source)
    synthetic, info = synthetic_bench(source, args.rounds, args.seed)
    if args.json:
        print(json.dumps({"gold": gold, "gold_laws": per_law, "synthetic": synthetic, "synthetic_run": info,
                          "seed": args.seed, "rounds": args.rounds}, ensure_ascii=False, indent=1))
        return
    print(table(f"(a) hand-checked gold, {len(per_law)} laws (target ≥ 0.95)", gold))
    for law in per_law:
        cells = "  ".join(f"{c} {s['precision']:.2f}/{s['recall']:.2f}" for c, s in law["scores"].items())
        print(f"    {law['law']} {law['versions']}: {cells}  ({law['seconds']} s)")
    print()
    print(table(f"(b) synthetic revisions: {info['pairs']} pairs from {info['laws']} laws, seed {args.seed} "
                f"(target ≥ 0.98); slowest alignment {info['slowest_seconds']} s", synthetic))


if __name__ == "__main__":
    main()
