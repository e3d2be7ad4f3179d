"""Generate the explicit-reference gold set from the bundled statute database.

    python benchmarks/make_explicit_gold.py [--n 300] [--seed 20240601] [--out benchmarks/data/explicit_refs.jsonl]

Deterministic for a given seed and database. Articles are drawn across the current laws
(every law at most a few times, 之一 articles included); each is asked in one of many
phrasings: full title in 《》, short title, alias (民诉法, 个保法…), Chinese or Arabic
numerals, with or without 第, embedded in a sentence, or behind a department name as in
"民法商法公司法第六十条的内容是什么".
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.statute_source import StatuteSource  # noqa: E402
from knowledge.index.chunker import short_title  # noqa: E402
from knowledge.legal.law_names import ALIASES  # noqa: E402

OUT = Path(__file__).parent / "data" / "explicit_refs.jsonl"

TEMPLATES = [
    "{name}{ref}",
    "{name}{ref}的内容是什么",
    "{name}{ref}规定了什么？",
    "请问{name}{ref}是怎么规定的",
    "我想查一下{name}{ref}",
    "{name}{ref}原文",
    "{dept}{name}{ref}的内容是什么",
    "根据{name}{ref}，应当如何处理？",
    "学习{name}{ref}时有哪些要点",
    "{name} {ref}",
]


def arabic_ref(number: int, sub: int, with_di: bool) -> str:
    core = f"{number}条" + (f"之{sub}" if sub else "")
    return ("第" if with_di else "") + core


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    src = StatuteSource()
    laws = [law for law in src.select() if law.doc_type in ("法律", "宪法") and law.article_count >= 5]
    laws.sort(key=lambda law: law.title)
    aliases = defaultdict(list)
    for alias, full in sorted(ALIASES.items()):
        aliases[full].append(alias)

    pool, subs = _candidates(src, laws)
    chosen = _choose(rng, pool, subs, args.n)
    rows = []
    for i, (law, a) in enumerate(chosen):
        style, name = _law_name(rng, law.title, aliases)
        numerals = rng.choice(["cn", "cn", "arabic", "arabic_no_di"])
        if numerals == "cn":
            ref = a.label
        else:
            ref = arabic_ref(a.number, a.sub, with_di=numerals == "arabic")
        template = rng.choice(TEMPLATES)
        query = template.format(name=name, ref=ref, dept=law.department or "")
        rows.append({"id": f"explicit-{i:03d}", "query": query, "law": law.title, "article": a.label,
                     "style": f"{style}/{numerals}"})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} queries to {args.out}")


def _candidates(src: StatuteSource, laws: list) -> tuple[list, list]:
    """(law, article) pairs whose (number, sub) is unique in their law: plain articles, 之一 articles."""
    pool, subs = [], []
    for law in laws:
        doc = src.to_document(law, is_current=True)
        counts = defaultdict(int)
        for a in doc.articles:
            counts[(a.number, a.sub)] += 1
        arts = [a for a in doc.articles if a.kind == "article" and counts[(a.number, a.sub)] == 1]
        for a in arts:
            (subs if a.sub else pool).append((law, a))
    return pool, subs


def _choose(rng: random.Random, pool: list, subs: list, n: int) -> list:
    """``n`` articles: a tenth (at least 20) 之一 articles, the rest at most three per law."""
    rng.shuffle(pool)
    per_law: dict[str, int] = defaultdict(int)
    chosen = []
    n_sub = max(20, n // 10)
    chosen += rng.sample(subs, min(n_sub, len(subs)))
    for law, a in pool:
        if len(chosen) >= n:
            break
        if per_law[law.title] >= 3:
            continue
        per_law[law.title] += 1
        chosen.append((law, a))
    rng.shuffle(chosen)
    return chosen


def _law_name(rng: random.Random, title: str, aliases: dict[str, list[str]]) -> tuple[str, str]:
    """(style, name): the law as a user would write it, full title, short title or alias."""
    style = rng.choice(["full", "short", "short", "alias", "short"])
    if style == "full":
        return style, f"《{title}》" if rng.random() < 0.7 else title
    if style == "alias" and aliases.get(title):
        return style, rng.choice(aliases[title])
    name = short_title(title)
    return style, f"《{name}》" if rng.random() < 0.3 else name


if __name__ == "__main__":
    main()
