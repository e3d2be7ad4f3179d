"""Calibrate how retrieval combines its evidence, with cross-validation by gold set.

    XUEFA_HOME=/path/to/home python benchmarks/fusion_calibration.py [--approximate] [--json out.json]
        [--set NAME=PATH ...] [--rounds 2] [--cache evidence.pkl]

XUEFA_HOME must hold the current statutes and their vectors. Each question is searched once
and its evidence kept (``assistant.search.scoring.Evidence``: BM25 of the words and of the
expansion terms apart, the dense chunk hits, the nearest bank questions, the laws it names);
every setting is then scored on the same evidence, so a few hundred settings take minutes.

By default the dense side is exact: every chunk vector is read from the index once and the
question compared with all of them (``--approximate`` uses the index's own nearest-neighbour
search, as the app does). ``--cache FILE`` keeps the gathered evidence: written after the first
run, read instead of searching on the next (a pickle: only load a file this script wrote; delete
it after changing the index, the bank or the retrievers). Prints:

1. the shipped defaults and the settings before calibration, per set;
2. chunking: which chunks count (all, the whole-article chunk only, the 款 chunks only) and how
   an article's chunk similarities pool (max, mean of the best two, mean of best and whole);
   (``exam_unnamed`` is the exam set with the law names cut out: questions that do not say
   which law, as "根据哪条法律" papers do);
3. leave-one-set-out cross-validation: a coordinate search over the weights on all sets but
   one, scored on the one left out; a setting is taken only if no training set loses more
   than 0.01 R@1 against the start;
4. the setting fitted on all sets.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.search.hybrid_retriever import RetrievalConfig  # noqa: E402
from assistant.search.retrieval_eval import same_article  # noqa: E402
from assistant.search.scoring import score, top_rows  # noqa: E402
from benchmarks.retrieval_bench import DEFAULT_SETS, _gold_sets, with_unnamed, xuefa_container  # noqa: E402

CV_SETS = ("dev_consult", "scenario", "exam", "consult", "topic", "situation")
# the settings shipped before the question bank was scoped (the "before" of the benchmark)
BEFORE = dict(named_law_weight=0.0, bank_dominance=False, bank_lead_margin=None, field_share=2.0, chunk_pooling="max",
              dense_weight=1.0, expansion_weight=0.5, law_routing=0.1, chapter_routing=0.1,
              question_weight=1.5, question_floor=0.91, question_depth=80)
GRID = {
    "dense_weight": [0.5, 0.75, 1.0, 1.25, 1.5],
    "expansion_weight": [0.0, 0.25, 0.5],
    "law_routing": [0.0, 0.05, 0.1, 0.2],
    "chapter_routing": [0.0, 0.05, 0.1, 0.2],
    "named_law_weight": [0.0, 0.1, 0.2, 0.3, 0.5, 1.0],
    "question_weight": [0.0, 0.5, 1.0, 1.5, 2.0],
    "question_floor": [0.89, 0.91, 0.93],
    "bank_dominance": [False, True],
    "bank_lead_margin": [None, 0.0, 0.01, 0.02, 0.025, 0.03, 0.05],
    "field_share": [2.0, 0.4, 0.6],
    "chunk_pooling": ["max", "top2", "max_whole"],
}
GATHER_DEPTH = 200  # bank questions kept per query (the grid's depth cuts from them)


@dataclasses.dataclass
class Case:
    gold: object  # GoldItem
    exact: list  # (title, label) of the articles the question names by number
    ev: object | None  # Evidence, None when the references answered alone


class ExactChunks:
    """Every chunk vector of the index in memory; exact cosine search (a calibration aid)."""

    def __init__(self, vector_index):
        self.embedder = vector_index.embedder
        col = vector_index._collection
        total, vecs, arts, parts = col.count(), [], [], []
        for offset in range(0, total, 5000):
            got = col.get(include=["embeddings", "metadatas"], limit=5000, offset=offset)
            vecs.append(np.asarray(got["embeddings"], dtype=np.float32))
            arts += [int(m["article_id"]) for m in got["metadatas"]]
            parts += [int(m["part"]) for m in got["metadatas"]]
        m = np.concatenate(vecs)
        self.matrix = m / np.linalg.norm(m, axis=1, keepdims=True)
        self.articles = np.asarray(arts, dtype=np.int64)
        self.parts = np.asarray(parts, dtype=np.int64)
        order = np.argsort(self.articles, kind="stable")
        self._order, self._sorted = order, self.articles[order]

    def count(self) -> int:
        return len(self.articles)

    def search_chunks(self, vector, k: int = 10, where=None):
        """Chunks of the ``k`` best articles (by best chunk), every chunk of each included."""
        q = np.asarray(vector, dtype=np.float32)
        sims = self.matrix @ (q / np.linalg.norm(q))
        best: list[int] = []
        for i in np.argsort(-sims)[: k * 8]:
            a = int(self.articles[i])
            if a not in best:
                best.append(a)
                if len(best) == k:
                    break
        out = []
        for a in best:
            lo, hi = np.searchsorted(self._sorted, [a, a + 1])
            for i in self._order[lo:hi]:
                out.append((a, int(self.parts[i]), float(sims[i])))
        return sorted(out, key=lambda t: -t[2])


def gather(container, gold: dict[str, list]) -> tuple[dict[str, list[Case]], dict[int, tuple[str, str]]]:
    service = container.search
    keep = service.retriever.config
    service.retriever.config = dataclasses.replace(keep, question_depth=GATHER_DEPTH)
    cases: dict[str, list[Case]] = {}
    try:
        for name, items in gold.items():
            t = time.perf_counter()
            cases[name] = [_case(service, item) for item in items]
            print(f"gathered {name}: {len(items)} questions in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    finally:
        service.retriever.config = keep
    labels = {a.id: (d.title, a.label) for a, d in container.store.iter_articles(current_only=False)}
    return cases, labels


def gathered(container, gold, approximate: bool, cache: Path | None):
    """``gather``, or its earlier result from ``cache`` (written when missing)."""
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - a file this script wrote
    if not approximate:
        t = time.perf_counter()
        exact = ExactChunks(container.vector_index)
        container.search.retriever.vector_index = exact
        print(f"exact dense: {exact.count()} chunks in memory ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    out = gather(container, gold)
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(out, f)
    return out


def _case(service, item) -> Case:
    result = service.search(item.query, top_k=10, stage="full")
    exact = [(h.document.title, h.article.label) for h in result.hits if h.retrievers == ["exact"]]
    ev = result.retrieval.evidence if result.retrieval is not None else None
    return Case(gold=item, exact=exact, ev=ev)


def ranking(case: Case, cfg: RetrievalConfig, labels: dict, *, chunks: str = "all") -> list[tuple[str, str]]:
    got = list(case.exact)
    if case.ev is not None and len(got) < 10:
        ev = _chunk_view(case.ev, chunks)
        final = score(ev, cfg, "full").score
        for row in top_rows(final, 10 + len(got)):
            pair = labels.get(int(ev.article_ids[row]))
            if pair and pair not in got:
                got.append(pair)
    return got[:10]


def _chunk_view(ev, chunks: str):
    """The evidence with only some chunks: ``whole`` (part 0), ``paragraphs`` (the 款 chunks of
    articles having several; the only chunk of the others)."""
    if chunks == "all" or not len(ev.chunk_rows):
        return ev
    multi = set(ev.chunk_rows[ev.chunk_parts > 0].tolist())
    if chunks == "whole":
        keep = ev.chunk_parts == 0
    else:
        keep = np.array([p > 0 or r not in multi for r, p in zip(ev.chunk_rows.tolist(), ev.chunk_parts.tolist())],
                        dtype=bool)
    return dataclasses.replace(ev, chunk_rows=ev.chunk_rows[keep], chunk_parts=ev.chunk_parts[keep],
                               chunk_sims=ev.chunk_sims[keep])


def figures(cases: list[Case], cfg: RetrievalConfig, labels: dict, chunks: str = "all") -> dict:
    ranks = []
    for case in cases:
        got = ranking(case, cfg, labels, chunks=chunks)
        ranks.append(next((i for i, (law, label) in enumerate(got) if same_article(law, label, case.gold)), None))
    n = max(len(ranks), 1)
    return {"R@1": sum(r == 0 for r in ranks) / n, "R@5": sum(r is not None and r < 5 for r in ranks) / n,
            "MRR@10": sum(1 / (r + 1) for r in ranks if r is not None) / n}


def evaluate_sets(cases: dict[str, list[Case]], cfg, labels, chunks="all") -> dict[str, dict]:
    return {name: figures(c, cfg, labels, chunks) for name, c in cases.items()}


def objective(by_set: dict[str, dict]) -> float:
    """Mean over sets of (R@1 + R@5) / 2: every kind of question weighs the same."""
    return float(np.mean([(f["R@1"] + f["R@5"]) / 2 for f in by_set.values()]))


def allowed(by_set: dict[str, dict], start: dict[str, dict]) -> bool:
    return all(by_set[s]["R@1"] >= start[s]["R@1"] - 0.01 for s in by_set)


def descend(cases: dict[str, list[Case]], labels, start: RetrievalConfig, rounds: int) -> RetrievalConfig:
    """Coordinate search: each weight in turn over its grid, the others held; repeated."""
    base = evaluate_sets(cases, start, labels)
    best_cfg, best = start, objective(base)
    for _ in range(rounds):
        changed = False
        for name, values in GRID.items():
            for value in values:
                if getattr(best_cfg, name) == value:
                    continue
                cfg = dataclasses.replace(best_cfg, **{name: value})
                by_set = evaluate_sets(cases, cfg, labels)
                if allowed(by_set, base) and objective(by_set) > best + 1e-9:
                    best_cfg, best, changed = cfg, objective(by_set), True
        if not changed:
            break
    return best_cfg


def _print(title: str, rows: dict[str, dict[str, dict]]) -> None:
    print(f"\n## {title}")
    sets = list(next(iter(rows.values())))
    print(f"{'':28s}" + "".join(f"{s:>20s}" for s in sets))
    for label, by_set in rows.items():
        print(f"{label:28s}" + "".join(f"  {by_set[s]['R@1']:.3f}/{by_set[s]['R@5']:.3f}/{by_set[s]['MRR@10']:.3f}"
                                       for s in sets))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--approximate", action="store_true", help="the index's own search, not exact")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cache", type=Path, help="evidence gathered once, reused by later runs")
    args = ap.parse_args(argv)
    gold = _gold_sets(args.set or [f"{n}={DEFAULT_SETS[n]}" for n in CV_SETS])
    container = xuefa_container()
    gold = with_unnamed(gold, container)
    cases, labels = gathered(container, gold, args.approximate, args.cache)
    shipped = container.search.config
    before = dataclasses.replace(shipped, **BEFORE)
    out: dict = {"sets": {n: len(c) for n, c in cases.items()}, "exact_dense": not args.approximate}
    table = {"before": evaluate_sets(cases, before, labels), "shipped": evaluate_sets(cases, shipped, labels)}
    _print("R@1/R@5/MRR@10 per set", table)
    out["before"], out["shipped"] = table["before"], table["shipped"]
    out["chunking"] = _chunking(cases, shipped, labels)
    out["cv"] = _cross_validate(cases, labels, before, args.rounds)
    fitted = descend(cases, labels, before, args.rounds)
    out["fitted"] = {k: getattr(fitted, k) for k in GRID}
    out["fitted_figures"] = evaluate_sets(cases, fitted, labels)
    _print("fitted on all sets", {"fitted": out["fitted_figures"]})
    print("\nfitted setting:", json.dumps(out["fitted"], ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def _chunking(cases, cfg, labels) -> dict:
    rows = {}
    for chunks in ("all", "whole", "paragraphs"):
        for pooling in ("max", "top2", "max_whole"):
            if chunks == "whole" and pooling != "max":
                continue  # one chunk per article: pooling changes nothing
            rows[f"{chunks}/{pooling}"] = evaluate_sets(cases, dataclasses.replace(cfg, chunk_pooling=pooling),
                                                        labels, chunks)
    _print("chunking (chunks/pooling), full pipeline at the shipped weights", rows)
    return rows


def _cross_validate(cases, labels, start, rounds) -> dict:
    rows, chosen = {}, {}
    for held in [n for n in cases if n != "exam_unnamed"]:
        # the exam set and its unnamed copy share their questions: they leave together
        out = {held, "exam_unnamed"} if held == "exam" else {held}
        train = {n: c for n, c in cases.items() if n not in out}
        cfg = descend(train, labels, start, rounds)
        chosen[held] = {k: getattr(cfg, k) for k in GRID}
        rows[held] = figures(cases[held], cfg, labels)
        if held == "exam" and "exam_unnamed" in cases:
            rows["exam_unnamed"] = figures(cases["exam_unnamed"], cfg, labels)
        print(f"  cv: left out {held}: {rows[held]}  setting {chosen[held]}", file=sys.stderr, flush=True)
    _print("leave-one-set-out (each set scored with the setting fitted on the others)", {"cv": rows})
    return {"held_out": rows, "settings": chosen}


if __name__ == "__main__":
    main()
