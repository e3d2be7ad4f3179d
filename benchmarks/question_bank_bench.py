"""What a consultation log adds: k-fold cross-validation of the question bank.

    XUEFA_HOME=/path/to/home python benchmarks/question_bank_bench.py \\
        --log ../shared/eval/dev_consult.jsonl [--folds 5] [--eval other.jsonl ...]

An office that imports its own answered questions (``xuefa questions import``) gets a bank
in the distribution of its users' questions. This measures that honestly: the log is split
into folds; each fold is searched with a bank of the bundled questions plus the *other*
folds' questions (never its own), and the figures are pooled over folds. Rows of the log
need ``query``, ``law`` and ``article`` (the retrieval gold format). ``--eval`` sets are also
searched with the bundled bank + the whole log, to show the log does not hurt other kinds
of question. The bank lives in a throw-away in-memory database: XUEFA_HOME is not changed.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.search.retrieval_eval import evaluate, load_gold  # noqa: E402


def searcher(container, log_rows):
    from sqlalchemy import create_engine

    from assistant.search.question_votes import QuestionMatcher
    from assistant.search.search_service import SearchService
    from knowledge.store.question_bank import QuestionBank

    bank = QuestionBank(create_engine("sqlite://"), bundled=container.settings.questions_bundled)
    if log_rows:
        bank.add([(g.law, g.article, g.query) for g in log_rows], source="admin")
    matcher = QuestionMatcher(bank, container.store, container.embedder)
    base = container.search
    service = SearchService(container.store, container.lexical_index, base.vector_index, config=base.config,
                            questions=matcher)

    def run(query: str, k: int):
        return [(h.document.title, h.article.label) for h in service.search(query, top_k=k).hits]

    return run


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log", required=True, type=Path, help="gold-format JSON Lines used as the consultation log")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--eval", action="append", default=[], type=Path, help="other gold sets (whole log in the bank)")
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from assistant.container import Container
    from assistant.settings import Settings

    container = Container(Settings())
    log = load_gold(args.log)
    order = list(range(len(log)))
    random.Random(args.seed).shuffle(order)
    folds = [order[i::args.folds] for i in range(args.folds)]

    pooled = []
    for i, fold in enumerate(folds):
        held = set(fold)
        train = [log[j] for j in order if j not in held]
        report = evaluate(searcher(container, train), [log[j] for j in fold], k=args.top_k)
        print(f"fold {i + 1}/{args.folds}: {report.line()}", file=sys.stderr, flush=True)
        pooled.append((len(fold), report))
    n = sum(w for w, _ in pooled)
    avg = {m: sum(w * getattr(r, m) for w, r in pooled) / n for m in ("r1", "r5", "r10", "mrr10")}
    print(f"{args.log.name}  {args.folds}-fold, bundled bank + other folds: "
          f"R@1 {avg['r1']:.3f}  R@5 {avg['r5']:.3f}  R@10 {avg['r10']:.3f}  MRR@10 {avg['mrr10']:.3f}")
    base = evaluate(searcher(container, []), log, k=args.top_k)
    print(f"{args.log.name}  bundled bank only:                 {base.line()}")
    for path in args.eval:
        other = load_gold(path)
        with_log = evaluate(searcher(container, log), other, k=args.top_k)
        without = evaluate(searcher(container, []), other, k=args.top_k)
        print(f"{path.name}  bundled bank only:            {without.line()}")
        print(f"{path.name}  bundled bank + whole log:     {with_log.line()}")


if __name__ == "__main__":
    main()
