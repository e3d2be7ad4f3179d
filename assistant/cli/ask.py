"""`xuefa ask` and `xuefa chat`: grounded answers in the terminal."""
from __future__ import annotations

import json
import sys

import click

from assistant.answer.types import Answer, ChatTurn
from assistant.cli._common import container, user_errors
from assistant.search.types import SearchFilters
from knowledge.errors import XuefaError

FLAG_TITLE = "核验提示"


def _filters(laws: tuple[str, ...], internal: bool) -> SearchFilters | None:
    if internal:
        return SearchFilters(laws=list(laws) or None, scope="internal")
    if laws:
        return SearchFilters(laws=list(laws))
    return None


def _stream(answerer, question: str, history, filters) -> Answer:
    """Print verified text as it comes; return the final Answer."""
    answer = None
    for part in answerer.ask_stream(question, history, filters):
        if isinstance(part, Answer):
            answer = part
        else:
            click.echo(part, nl=False)
    click.echo()
    _print_flags(answer)
    return answer


def _print_flags(answer: Answer) -> None:
    shown = [f for f in answer.flags if f.kind != "llm_error"]  # the error is in the text already
    if not shown:
        return
    click.echo(f"\n{FLAG_TITLE}：", err=False)
    for f in shown:
        click.echo(f"  ⚠ {f.message}")


@click.command("ask")
@click.argument("question")
@click.option("--law", "laws", multiple=True, help="只在这部法规中查找（可重复；支持简称，如 民法典、网安法）")
@click.option("--internal", is_flag=True, help="只在内部制度中查找")
@click.option("--json", "as_json", is_flag=True,
              help="输出一个 JSON 对象：answer, found, citations[law, article, text, status, verified], flags")
@click.pass_context
@user_errors
def ask(ctx, question, laws, internal, as_json):
    """就一个问题给出有依据的回答：结论、逐字引用的条文、核验提示。"""
    answerer = container(ctx).answerer
    filters = _filters(laws, internal)
    if as_json:
        answer = answerer.ask(question, filters=filters)
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return
    _stream(answerer, question, None, filters)


@click.command("chat")
@click.option("--law", "laws", multiple=True, help="只在这部法规中查找（可重复）")
@click.option("--internal", is_flag=True, help="只在内部制度中查找")
@click.pass_context
@user_errors
def chat(ctx, laws, internal):
    """终端多轮问答：记住上下文（追问会带上前面的法律和主题）；/new 重新开始，/quit 退出。"""
    answerer = container(ctx).answerer
    filters = _filters(laws, internal)
    mode = "大模型" if answerer.mode == "llm" else "条文摘录（未配置大模型）"
    click.echo(f"xuefa 问答（{mode}）。输入问题后回车；/new 开始新对话，/quit 退出。")
    history: list[ChatTurn] = []
    stdin = click.get_text_stream("stdin")
    while True:
        click.echo("\n问：", nl=False)
        line = stdin.readline()
        if not line:  # end of input
            click.echo()
            break
        question = line.strip()
        if not question:
            continue
        if question in ("/quit", "/exit", "/q"):
            break
        if question == "/new":
            history = []
            click.echo("已开始新对话。")
            continue
        click.echo("答：", nl=False)
        try:
            answer = _stream(answerer, question, history, filters)
        except XuefaError as exc:  # one failed question must not end the conversation
            click.echo(f"\n错误：{exc}", err=True)
            continue
        if answer.trace.rewrite_method != "none":
            click.echo(f"（按上下文理解为：{answer.trace.rewritten_query}）")
        history.append(ChatTurn.from_answer(question, answer))
    sys.stdout.flush()
