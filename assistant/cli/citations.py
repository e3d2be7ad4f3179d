"""`xuefa laws check-citations`: internal rules whose cited national laws changed since."""
from __future__ import annotations

import json

import click

from assistant.cli._common import container, user_errors

_MARKS = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}


def word_diff_text(runs: list[tuple[str, str]]) -> str:
    """A word diff as plain text: [-deleted-] and {+inserted+}, the rest as is."""
    out = []
    for kind, text in runs:
        left, right = _MARKS.get(kind, ("", ""))
        out.append(f"{left}{text}{right}")
    return "".join(out)


@click.command("check-citations")
@click.option("--all", "show_all", is_flag=True, help="也列出无需复核的制度")
@click.option("--rule", help="只看这一份内部制度（标题或 ID）")
@click.option("--json", "as_json", is_flag=True, help="每行一份制度的 JSON")
@click.pass_context
@user_errors
def check_citations(ctx, show_all, rule, as_json):
    """重新提取内部制度引用的上位法，列出因法律修订需要复核的制度及所引条文的变化。"""
    service = container(ctx).citations
    linked = service.refresh()
    reviews = service.review(flagged_only=not show_all, rule=rule)
    if as_json:
        for r in reviews:
            click.echo(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    for r in reviews:
        _print_review(r)
    flagged = sum(r.needs_review for r in reviews)
    click.echo(f"共 {linked} 份内部制度；{flagged} 份需要复核。")


def _print_review(r) -> None:
    head = "需复核" if r.needs_review else "无需复核"
    click.echo(f"《{r.title}》（{r.rule_date or '无日期'}）{head}")
    for reason in r.reasons:
        click.echo(f"  · {reason}")
    for law in r.laws:
        if law.note:
            click.echo(f"  《{law.law}》：{law.note}")
        for a in law.articles:
            if not a.needs_review:
                continue
            now = "、".join(a.now) or "—"
            click.echo(f"    {a.cited}（本制度{a.rule_article or '序言'}引用）→ {now}：{a.status_name}")
            if a.note:
                click.echo(f"      {a.note}")
            if a.diff and a.status != "renumbered":
                click.echo("      " + word_diff_text(a.diff).replace("\n", "\n      "))
    click.echo("")
