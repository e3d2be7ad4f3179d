"""Quality of the deterministic question generators over real laws.

Imports 10 bundled laws into a temporary XUEFA_HOME (text only, no embedding), then:

1. raw: runs every generator directly on sampled articles (no filtering) and reports the
   pass rate of each quality check per generator and per question type, with the yield
   (how often a generator finds something to ask in an article);
2. checker sensitivity (negative control): breaks each raw question in one way (wrong key,
   duplicated option, perturbation undone, misquoted explanation, invented statement) and
   reports how often the quality check catches it — the checks re-read the store, so they
   are independent of the generators that were built to satisfy them;
3. service: asks ``QuizService.generate`` for 50 questions per law (what users get: only
   questions passing every check) and reports counts per type and generator, rejections and
   generation time.

    python benchmarks/quiz_quality_bench.py [--per-generator 7] [--seed 1] [--json out.json]
                                            [--dump sample.txt]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.library.ingestion_service import IngestionService  # noqa: E402
from assistant.library.library_service import LibraryService  # noqa: E402
from assistant.quiz.generators import GENERATORS  # noqa: E402
from assistant.quiz.quality import CHECKS, WARNINGS, QualityChecker, corrupt, pass_rates  # noqa: E402
from assistant.quiz.quiz_service import QuizService  # noqa: E402
from assistant.quiz.types import QuizScope  # noqa: E402
from knowledge.store.article_store import ArticleStore  # noqa: E402

LAWS = ["网络安全法", "保守国家秘密法", "劳动合同法", "行政处罚法", "行政许可法", "公务员法", "国家安全法",
        "数据安全法", "个人信息保护法", "档案法"]


def _table(title: str, rows: dict[str, dict[str, float]]) -> str:
    cols = ["n", "all"] + [c for c in CHECKS if any(c in r for r in rows.values())]
    cols += [f"warn:{w}" for w in WARNINGS]
    short = {c: c.replace("perturbation_", "pert_").replace("_verbatim", "_vb").replace("warn:", "w:")
             .replace("context_dependent", "context").replace("length_giveaway", "length")
             .replace("paired_options", "paired") for c in cols}
    lines = [f"\n{title}", " | ".join(["group".ljust(18)] + [short[c] for c in cols])]
    for name, row in rows.items():
        cells = [name.ljust(18)]
        for c in cols:
            if c not in row:
                cells.append("-".rjust(len(short[c])))
            elif c == "n":
                cells.append(f"{int(row[c])}".rjust(len(short[c])))
            else:
                cells.append(f"{row[c] * 100:.1f}%".rjust(len(short[c])))
        lines.append(" | ".join(cells))
    return "\n".join(lines)


CORRUPTIONS = ("wrong_key", "duplicate_option", "undo_perturbation", "misquote", "invented_claim")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-generator", type=int, default=7, help="raw questions per generator per law")
    parser.add_argument("--service-n", type=int, default=50, help="questions per law through QuizService")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--dump", type=Path, help="write a random sample of served questions for review")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="xuefa-bench-") as home:
        store = ArticleStore(Path(home) / "knowledge.db")
        t0 = time.perf_counter()
        report = IngestionService(store, max_file_bytes=50 * 2 ** 20, listeners=[]).import_statutes(names=LAWS)
        print(f"imported {report.laws} laws, {report.articles} articles in {time.perf_counter() - t0:.1f}s")

        service = QuizService(store, LibraryService(store))
        checker = QualityChecker(store)
        docs = [service.library.find(name) for name in LAWS]
        raw, raw_figures, raw_secs = _raw_generators(service, checker, docs, args)
        caught, applied = _checker_sensitivity(checker, raw)
        service_rows, served, total_secs = _served(service, docs, args)
        if args.dump:
            _dump(served, args)
        if args.json:
            args.json.write_text(json.dumps({**raw_figures,
                                             "checker_caught": {h: [caught[h], applied[h]] for h in CORRUPTIONS},
                                             "service": service_rows, "raw_seconds": raw_secs,
                                             "service_seconds": total_secs}, ensure_ascii=False, indent=1))
        store.close()
    return 0


def _raw_generators(service: QuizService, checker: QualityChecker, docs: list, args) -> tuple[list, dict, float]:
    """1. raw generator output, every item checked: (questions, pass rates, seconds)."""
    rng = random.Random(args.seed)
    reports, tries, made, raw = [], Counter(), Counter(), []
    t0 = time.perf_counter()
    for doc in docs:
        articles = [a for a, _ in service.resolve_scope(QuizScope(laws=[doc.id]))]
        for name, gen in GENERATORS.items():
            order = articles[:]
            rng.shuffle(order)
            got = 0
            for art in order:
                if got >= args.per_generator:
                    break
                tries[name] += 1
                q = gen.generate(service.context(art, doc), rng)
                if q is None:
                    continue
                made[name] += 1
                got += 1
                raw.append(q)
                reports.append(checker.check(q))
    raw_secs = time.perf_counter() - t0
    print(f"\nraw: {len(reports)} questions from {len(docs)} laws in {raw_secs:.1f}s "
          f"({raw_secs / max(len(reports), 1) * 1000:.0f} ms/question incl. checks)")
    by_gen = pass_rates(reports, key=lambda r: r.generator)
    by_type = pass_rates(reports, key=lambda r: r.qtype)
    print(_table("pass rate per generator (raw, unfiltered)", by_gen))
    print(_table("pass rate per type (raw, unfiltered)", by_type))
    print("\nyield (questions / articles tried): " + ", ".join(
        f"{n} {made[n] / max(tries[n], 1) * 100:.0f}%" for n in GENERATORS))
    failures = [p for r in reports for p in r.problems]
    if failures:
        print(f"\nexamples of failures ({len(failures)}):")
        for p in failures[:8]:
            print("  -", p)
    return raw, {"raw_by_generator": by_gen, "raw_by_type": by_type}, raw_secs


def _checker_sensitivity(checker: QualityChecker, raw: list) -> tuple[Counter, Counter]:
    """2. negative control: does the checker catch broken items? (caught, applied) per corruption."""
    caught, applied = Counter(), Counter()
    for q in raw:
        for how in CORRUPTIONS:
            bad = corrupt(q, how)
            if bad is None:
                continue
            applied[how] += 1
            caught[how] += not checker.check(bad).passed
    print("\nchecker sensitivity (broken copies caught): " + ", ".join(
        f"{h} {caught[h]}/{applied[h]} ({caught[h] / max(applied[h], 1) * 100:.1f}%)" for h in CORRUPTIONS))
    return caught, applied


def _served(service: QuizService, docs: list, args) -> tuple[list[dict], list, float]:
    """3. what users get: QuizService with the quality gate. (rows per law, questions, seconds)."""
    service_rows, served = [], []
    t0 = time.perf_counter()
    for i, doc in enumerate(docs):
        t1 = time.perf_counter()
        rep = service.generate_report(QuizScope(laws=[doc.id]), n=args.service_n, seed=args.seed + i)
        types = Counter(q.qtype for q in rep.questions)
        served += rep.questions
        service_rows.append({"law": doc.title, "questions": len(rep.questions), "rejected": len(rep.rejected),
                             "attempts": rep.attempts, "seconds": round(time.perf_counter() - t1, 2),
                             "types": dict(types)})
    total_secs = time.perf_counter() - t0
    total_q = sum(r["questions"] for r in service_rows)
    total_rej = sum(r["rejected"] for r in service_rows)
    print(f"\nservice: {total_q} questions ({args.service_n} asked per law) in {total_secs:.1f}s "
          f"= {total_secs / max(total_q, 1) * 1000:.0f} ms/question; "
          f"{total_rej} candidates rejected by the quality gate")
    for r in service_rows:
        print(f"  {r['law']}: {r['questions']} questions {r['types']}, rejected {r['rejected']}, {r['seconds']}s")
    gens = Counter(q.generator for q in served)
    print("  by generator: " + ", ".join(f"{g} {n}" for g, n in gens.most_common()))
    return service_rows, served, total_secs


def _dump(served: list, args) -> None:
    sample = random.Random(args.seed).sample(served, min(60, len(served)))
    args.dump.write_text("\n\n".join(
        f"{q.render()}\n答案：{q.answer_text}　{q.citation}　[{q.generator}/{q.element}]\n{q.explanation}"
        for q in sample), encoding="utf-8")
    print(f"  sample of {len(sample)} served questions written to {args.dump}")


if __name__ == "__main__":
    raise SystemExit(main())
