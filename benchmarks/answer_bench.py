"""Answer chain benchmark (extractive mode) over consultation questions with gold articles.

For each question of the dev file ({"id", "query", "law", "article"}) it asks
``AnswerService`` (extractive, no LLM) of a full XUEFA_HOME and reports:

- gold cited: share of answers whose 依据 (``Answer.citations``) holds the gold article, and
  share whose 依据 or 相关条文 hold it;
- citation validity: every 《X》第N条 and 「quote」 of every answer text re-checked with a fresh
  ``CitationVerifier``: share of citations that resolve with verbatim quotes (must be 100%);
- found rate: share of questions answered (not '知识库中未找到相关规定');
- answer latency p50 / p95 (one warm-up question first, not counted).

``--calibrate`` also runs tests/data/off_topic_questions.txt and tests/data/extractive_cases.jsonl
and prints found rates at several support thresholds (how NO_EVIDENCE_THRESHOLD was chosen).

    XUEFA_HOME=/tmp/xuefa-full python benchmarks/answer_bench.py ../shared/eval/dev_consult.jsonl \
        [--limit N] [--calibrate] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.answer_service import STATS_FILE, AnswerService  # noqa: E402
from assistant.answer.evidence import NO_EVIDENCE_THRESHOLD  # noqa: E402
from assistant.answer.verifier import CitationVerifier  # noqa: E402
from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402

BAD_FLAGS = ("nonexistent", "misquote", "bad_source", "unattributed_quote")
OFF_TOPIC = ROOT / "tests" / "data" / "off_topic_questions.txt"
CASES = ROOT / "tests" / "data" / "extractive_cases.jsonl"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run(service: AnswerService, verifier: CitationVerifier, items: list[dict]) -> dict:
    rows = []
    for item in items:
        started = time.perf_counter()
        answer = service.ask(item["query"])
        ms = (time.perf_counter() - started) * 1000
        check = verifier.verify(answer.text)
        bad = [f for f in check.flags if f.kind in BAD_FLAGS]
        gold = (item.get("law"), item.get("article"))
        rows.append({
            "id": item.get("id"), "found": answer.found, "ms": ms, "support": answer.trace.support,
            "cited": gold in {(c.law, c.article) for c in answer.citations},
            "anywhere": gold in {(c.law, c.article) for c in answer.citations + answer.related},
            "citations": len(check.citations) + len(bad), "bad": len(bad),
            "flags": [f.kind for f in answer.flags],
        })
    n = len(rows) or 1
    total_cits = sum(r["citations"] for r in rows)
    lat = [r["ms"] for r in rows]
    return {
        "questions": len(rows),
        "gold_cited": sum(r["cited"] for r in rows) / n,
        "gold_cited_or_related": sum(r["anywhere"] for r in rows) / n,
        "gold_cited_when_found": sum(r["cited"] for r in rows) / max(sum(r["found"] for r in rows), 1),
        "found_rate": sum(r["found"] for r in rows) / n,
        "citation_mentions": total_cits,
        "citation_validity": (total_cits - sum(r["bad"] for r in rows)) / max(total_cits, 1),
        "answers_with_bad_citations": sum(1 for r in rows if r["bad"]),
        "latency_ms_p50": percentile(lat, 0.5), "latency_ms_p95": percentile(lat, 0.95),
        "rows": rows,
    }


def sweep(named: dict[str, list[float]], thresholds=(0.4, 0.45, 0.5, 0.55, 0.6)) -> list[str]:
    lines = ["threshold  " + "  ".join(f"{k:>10s}" for k in named)]
    for t in thresholds:
        lines.append(f"{t:9.2f}  " + "  ".join(f"{sum(s >= t for s in v) / max(len(v), 1):10.1%}"
                                               for v in named.values()))
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dev", type=Path, help="dev_consult.jsonl")
    ap.add_argument("--limit", type=int, help="only the first N questions")
    ap.add_argument("--calibrate", action="store_true", help="also off-topic / short cases and a threshold sweep")
    ap.add_argument("--json", type=Path, help="write the figures (and per-question rows) here")
    args = ap.parse_args()

    settings = Settings()
    container = Container(settings)
    if container.store.count_articles() == 0:
        print(f"XUEFA_HOME={settings.home} holds no articles: run `xuefa import-statutes` first.", file=sys.stderr)
        return 2
    service = AnswerService(container.store, container.search, stats_cache=settings.home / STATS_FILE)  # extractive
    verifier = CitationVerifier(container.store)
    items = [json.loads(x) for x in args.dev.read_text("utf-8").splitlines() if x.strip()]
    if args.limit:
        items = items[: args.limit]
    t = time.perf_counter()
    service.ask("劳动合同解除的条件")  # warm-up: tokenizer, indexes, term statistics
    warm = (time.perf_counter() - t) * 1000
    figures = run(service, verifier, items)
    figures["warm_up_ms"] = warm
    figures["home"] = str(settings.home)
    figures["dense"] = bool(settings.search_dense and container.search.vector_index is not None)
    figures["threshold"] = NO_EVIDENCE_THRESHOLD
    print(f"home {settings.home}  articles {container.store.count_articles(current_only=True)}  "
          f"dense {'on' if figures['dense'] else 'off'}  questions {figures['questions']}")
    print(f"gold article cited (依据)          {figures['gold_cited']:.1%}")
    print(f"gold cited in 依据 or 相关条文      {figures['gold_cited_or_related']:.1%}")
    print(f"gold cited, among found answers    {figures['gold_cited_when_found']:.1%}")
    print(f"citation validity                  {figures['citation_validity']:.2%}  "
          f"({figures['citation_mentions']} citations, {figures['answers_with_bad_citations']} answers with a bad one)")
    print(f"found rate                         {figures['found_rate']:.1%}")
    print(f"latency p50 / p95                  {figures['latency_ms_p50']:.0f} / {figures['latency_ms_p95']:.0f} ms"
          f"  (warm-up {warm:.0f} ms)")
    if args.calibrate:
        off = [x.strip() for x in OFF_TOPIC.read_text("utf-8").splitlines() if x.strip() and not x.startswith("#")]
        cases = [json.loads(x) for x in CASES.read_text("utf-8").splitlines() if x.strip()]
        off_fig = run(service, verifier, [{"query": q} for q in off])
        case_fig = run(service, verifier, [{"query": c["question"], "law": c["law"], "article": c["article"]}
                                           for c in cases])
        figures["off_topic"] = {k: v for k, v in off_fig.items() if k != "rows"}
        figures["cases"] = {k: v for k, v in case_fig.items() if k != "rows"}
        print(f"off-topic answered (should be ~0)  {off_fig['found_rate']:.1%}  "
              f"{[off[i] for i, r in enumerate(off_fig['rows']) if r['found']]}")
        print(f"short cases found / gold cited     {case_fig['found_rate']:.1%} / {case_fig['gold_cited']:.1%}")
        for line in sweep({"dev": [r["support"] for r in figures["rows"]],
                           "cases": [r["support"] for r in case_fig["rows"]],
                           "off-topic": [r["support"] for r in off_fig["rows"]]}):
            print(line)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0 if figures["citation_validity"] == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
