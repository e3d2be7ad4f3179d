"""`xuefa search` and `xuefa eval retrieval`: the command-line edge of the search service."""
from __future__ import annotations

import json
import sys

import click

from assistant.cli._common import container, user_errors


def _filters(laws, doc_types, scope, history):
    from assistant.search.types import SearchFilters

    return SearchFilters(laws=list(laws) or None, doc_types=list(doc_types) or None, scope=scope,
                         include_history=history)


@click.command("search")
@click.argument("query", required=False)
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(1, 100), help="返回条数")
@click.option("--law", "laws", multiple=True, help="只在这部法规中检索（可重复；支持简称，如 民法典、网安法）")
@click.option("--type", "doc_types", multiple=True, help="只检索这类文档（法律、行政法规、内部制度…）")
@click.option("--scope", type=click.Choice(["all", "statutes", "internal"]), default="all", show_default=True)
@click.option("--history", is_flag=True, help="包括已被修改/已废止的历史版本")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.option("--explain", is_flag=True, help="显示检索来源、扩展词与耗时")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False),
              help='批量：JSON Lines 文件，每行 {"id":…,"query":…}；每行输出一个结果')
@click.option("--stage", type=click.Choice(["lexical", "dense", "fused", "full"]), default="full",
              hidden=True, help="只用某一检索阶段（评测用）")
@click.pass_context
@user_errors
def search(ctx, query, top_k, laws, doc_types, scope, history, as_json, explain, batch, stage):
    """检索条文：明确引用（如 民法典第1254条）直接定位，其余用词法+向量混合检索。"""
    if not query and not batch:
        raise click.UsageError("需要检索语句，或 --batch 文件")
    service = container(ctx).search
    filters = _filters(laws, doc_types, scope, history)
    if batch:
        _search_batch(service, batch, top_k, filters, stage)
        return
    result = service.search(query, top_k=top_k, filters=filters, stage=stage)
    if as_json:
        _print_json(result)
    else:
        _print_text(result, explain, service)


def _search_batch(service, batch, top_k, filters, stage) -> None:
    """One JSON line per input line; a bad line gets an error line, the rest still run."""
    from assistant.search.search_service import hit_json

    with open(batch, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                qid, q = row.get("id", n), str(row["query"])
            except (ValueError, KeyError, TypeError) as exc:
                click.echo(json.dumps({"id": n, "error": f"bad input line: {exc}", "hits": []},
                                      ensure_ascii=False))
                continue
            result = service.search(q, top_k=top_k, filters=filters, stage=stage)
            out = {"id": qid, "hits": [hit_json(h) for h in result.hits]}
            if result.missing:
                out["missing"] = result.missing
            click.echo(json.dumps(out, ensure_ascii=False))


def _print_json(result) -> None:
    hits = [{**h.to_dict(), "similar_questions": result.similar_questions.get(h.article.id, [])}
            for h in result.hits]
    click.echo(json.dumps({"query": result.query, "hits": hits,
                           "references": [{"law": r.law, "article": r.label} for r in result.references],
                           "missing": result.missing, "expansions": result.expansions,
                           "timings_ms": result.timings_ms}, ensure_ascii=False, indent=1))


def _print_text(result, explain: bool, service=None) -> None:
    why = service.explain(result) if explain and service is not None else None
    for msg in result.missing:
        click.echo(f"注意：{msg}")
    if not result.hits:
        click.echo("没有找到相关条文。")
    for i, h in enumerate(result.hits, start=1):
        path = " / ".join(h.article.path)
        status = h.document.status_on()
        click.echo(f"{i}. 《{h.document.title}》{h.article.label}" + (f"（{path}）" if path else "")
                   + (f"〔{status}〕" if status != "现行有效" else "")
                   + (f"  [{'+'.join(h.retrievers)} {h.score:.3f}]" if explain else ""))
        click.echo(f"   {h.article.text}")
        if why is not None and h.article.id in why.hits:
            click.echo("   " + _evidence_line(why.hits[h.article.id]))
        if explain and result.similar_questions.get(h.article.id):
            click.echo("   相似问题：" + "；".join(result.similar_questions[h.article.id][:3]))
    if why is not None:
        _print_scope(why)
    if explain:
        if result.expansions:
            click.echo(f"扩展词：{' '.join(result.expansions)}")
        click.echo("耗时：" + "，".join(f"{k} {v:.1f}" for k, v in result.timings_ms.items()))


def _evidence_line(e) -> str:
    parts = [f"词面 {e.lexical:.2f}", "语义 未检出" if e.dense is None else f"语义 {e.dense:.3f}"]
    for name, value in (("路由", e.routing), ("点名法律", e.named_law), ("问题库", e.bank)):
        if value > 1e-6:
            parts.append(f"{name} +{value:.3f}")
    line = "依据：" + "，".join(parts)
    if e.held_by:
        line += f"（问题库投票止于{e.held_by}之下：同一部被点名的法律中，它的词面与语义证据都更强）"
    return line


def _print_scope(why) -> None:
    if why.named_laws:
        names = "、".join(f"《{t}》" for t in why.named_laws)
        lifted = any(e.named_law > 0 for e in why.hits.values())
        click.echo(f"问题点名了{names}：问题库只为其中的条文投票" + ("，这些法律的条文另有加分。" if lifted else "。"))
    elif why.field_law:
        click.echo(f"候选条文集中在《{why.field_law}》：问题库只为这部法律的条文投票。")
    if why.votes or why.dropped:
        dropped = f"，{why.dropped} 票因不属上述范围而忽略" if why.dropped else ""
        click.echo(f"问题库：{why.votes} 票计入{dropped}。")
    if why.bank_led is not None:
        click.echo(_lead_line(why))


def _lead_line(why) -> str:
    text = "条文语义未检出" if why.text_similarity is None else f"最相近的条文 {why.text_similarity:.3f}"
    near = f"最相近的库内问题相似度 {why.bank_similarity:.3f}，{text}"
    if why.bank_led:
        return f"问题库领先（{near}）：投票可以决定第一位。"
    kept = f"第一位保留为{why.kept_first}，" if why.kept_first else "第一位不变，"
    return f"问题库未领先（{near}）：{kept}投票只调整其后的顺序。"


@click.group("eval")
def eval_group():
    """评测。"""


@eval_group.command("retrieval")
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False),
              help='JSON Lines：{"id","query","law","article"}')
@click.option("--top-k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--misses", "misses_path", type=click.Path(dir_okay=False),
              help="把未排在第 1 位的题目（查询、应得、所得）写到这个文件")
@click.option("--stage", type=click.Choice(["lexical", "dense", "fused", "full"]), default="full",
              show_default=True, help="评测某一检索阶段")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def eval_retrieval(ctx, gold, top_k, misses_path, stage, as_json):
    """检索评测：R@1、R@5、R@10、MRR@10 与延迟（p50/p95）。"""
    report = container(ctx).search.evaluate(gold, top_k=top_k, stage=stage, misses_path=misses_path)
    if as_json:
        click.echo(json.dumps({"gold": gold, "stage": stage, **report.as_dict()}, ensure_ascii=False))
    else:
        click.echo(f"{gold}  [{stage}]")
        click.echo(report.line())
        if misses_path:
            click.echo(f"未命中第 1 位的 {len(report.misses)} 题已写入 {misses_path}")
    sys.stdout.flush()
