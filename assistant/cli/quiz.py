"""`xuefa quiz …`: practice, mock exams, papers, the wrong-answer book, due reviews, stats.

A thin edge over QuizService and LearningService (built by the Container); everything the
user sees is Chinese, everything stored goes through the services.
"""
from __future__ import annotations

import datetime as dt
import json

import click

from assistant.cli._common import container, user_errors
from assistant.quiz.types import Question, QuizScope
from knowledge.errors import XuefaError

_HINTS = {"单选": "请输入选项字母（如 B）", "多选": "请输入全部正确选项（如 ACD）", "判断": "请输入 对 或 错",
          "填空": "请输入填空内容"}
_QUIT = {"q", "quit", "exit", "退出", "交卷"}


def scope_options(command):
    """--law / --chapter / --doc-type / --changes-since: the question scope, the same for every quiz command."""
    for option in reversed((
        click.option("--law", "laws", multiple=True, help="出题范围：法规名称（可重复；支持简称，如 网安法）"),
        click.option("--chapter", "chapters", multiple=True, help="只考这些章节（如 第六章、法律责任；可重复）"),
        click.option("--doc-type", "doc_types", multiple=True, help="只考这类文件（如 法律、内部制度；可重复）"),
        click.option("--changes-since", metavar="YYYY-MM-DD",
                     help="新修订：只考该日以来修改或新增的条文（含\"修订后……\"对比题）"),
    )):
        command = option(command)
    return command


def _scope(laws, chapters, doc_types=(), changes_since=None) -> QuizScope:
    return QuizScope(laws=list(laws), chapters=list(chapters), doc_types=list(doc_types),
                     changes_since=changes_since or "")


def _questions(c, scope: QuizScope, n: int, types, seed, *, exam: bool, cases: int) -> tuple[list[Question], int]:
    report = c.quiz.generate_report(scope, n, types, seed, exam=exam)
    questions = report.questions
    if cases:
        got = c.quiz.generate_scenarios(scope, cases, report.seed, existing_stems=[q.stem for q in questions])
        questions += got.questions
        if got.rejected:
            click.echo(f"（大模型案例题：采用 {len(got.questions)} 道，未通过校验被剔除 {got.rejected} 道）", err=True)
    if not questions:
        raise XuefaError("所选范围内没有生成出题目，请换一部法规或放宽题型")
    if len(questions) < n:
        click.echo(f"（所选范围内只生成了 {len(questions)} 道合格的题目）", err=True)
    return questions, report.seed


def _clock_text(delta: dt.timedelta) -> str:
    secs = max(0, int(delta.total_seconds()))
    return f"{secs // 60:d}分{secs % 60:02d}秒"


def _local(ts: dt.datetime) -> str:
    return ts.astimezone().strftime("%Y-%m-%d %H:%M")


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


@click.group("quiz", invoke_without_command=True)
@scope_options
@click.option("-n", "--count", "n", type=int, default=10, show_default=True, help="题目数量")
@click.option("--type", "types", help="题型，逗号分隔：单选,多选,判断,填空")
@click.option("--exam", is_flag=True, help="模拟考试：限时、交卷后统一判分（满分 100）")
@click.option("--minutes", type=float, help="考试时长（分钟），默认每题 1 分钟、至少 5 分钟")
@click.option("--pass-mark", type=float, default=60, show_default=True, help="及格分")
@click.option("--user", default="local", show_default=True, help="学习记录记在这个用户名下")
@click.option("--seed", type=int, help="随机种子：相同种子、相同知识库出相同的题")
@click.option("--cases", type=int, default=0, help="另加 N 道大模型案例题（需配置大模型）")
@click.pass_context
@user_errors
def quiz(ctx, laws, chapters, doc_types, changes_since, n, types, exam, minutes, pass_mark, user, seed, cases):
    """在终端里做题：练习（逐题反馈并显示条文）或模拟考试（--exam）。"""
    if ctx.invoked_subcommand is not None:
        return
    c = container(ctx)
    scope = _scope(laws, chapters, doc_types, changes_since)
    questions, used_seed = _questions(c, scope, n, types, seed, exam=exam, cases=cases)
    who = c.learning.user(user)
    if exam:
        _run_exam(c, who, questions, minutes or max(5.0, float(len(questions))), pass_mark,
                  {"scope": scope.to_dict(), "n": n, "types": types, "seed": used_seed})
    else:
        session = c.learning.start_practice(who, questions, scope=scope.to_dict(), seed=used_seed)
        _run_practice(session)


def _prompt(q: Question, *, allow_empty: bool = False) -> str:
    """Ask until the answer is readable for the question's type (or q / empty when allowed)."""
    while True:
        raw = click.prompt(_HINTS[q.qtype] + "（q 退出）", default="", show_default=False)
        if raw.strip().lower() in _QUIT or (allow_empty and not raw.strip()):
            return raw
        got = q.normalize_response(raw)
        if got is None:
            click.echo("看不懂这个答案。" + _HINTS[q.qtype])
        elif q.qtype == "单选" and len(got) != 1:
            click.echo("单选题只能选一个选项。")
        else:
            return raw


def _run_practice(session) -> None:
    total = len(session.questions)
    while not session.finished:
        q = session.current
        click.echo(f"\n第 {session.position + 1}/{total} 题")
        click.echo(q.render())
        raw = _prompt(q)
        if raw.strip().lower() in _QUIT:
            break
        fb = session.answer(raw)
        if fb.correct:
            click.secho("✓ 回答正确", fg="green")
        else:
            click.secho(f"✗ 回答错误。正确答案：{fb.answer_text}（已记入错题本）", fg="red")
        click.echo(_first_line(fb.explanation))
        click.echo(f"{fb.citation}：{fb.article_text or fb.question.quote}")
    s = session.finish()
    click.echo(f"\n本次练习：作答 {s.answered}/{s.total} 题，答对 {s.correct} 题，正确率 {s.accuracy:.0%}。")
    if s.answered > s.correct:
        click.echo("错题已记入错题本：xuefa quiz wrong 查看，xuefa quiz wrong --redo 重做。")


def _run_exam(c, user, questions, minutes, pass_mark, config) -> None:
    exam = c.learning.start_exam(user, questions, time_limit_minutes=minutes, pass_mark=pass_mark, config=config)
    click.echo(f"模拟考试：共 {len(questions)} 题，满分 {exam.exam.total_points:g} 分，{pass_mark:g} 分及格，"
               f"限时 {minutes:g} 分钟。交卷前不显示对错；输入 q 提前交卷。")
    for i, q in enumerate(questions):
        click.echo(f"\n第 {i + 1}/{len(questions)} 题　剩余 {_clock_text(exam.remaining())}")
        click.echo(q.render())
        raw = _prompt(q, allow_empty=True)  # empty: leave it unanswered
        if raw.strip().lower() in _QUIT:
            break
        if raw.strip() and not exam.answer(i, raw):
            click.secho("时间到，已自动交卷。", fg="yellow")
            break
    result = exam.submit()
    verdict = "及格" if result.passed else "不及格"
    click.echo(f"\n得分：{result.score:g}/{result.total_points:g}（{verdict}）　答对 {result.correct}/{result.total}"
               f"　用时 {_clock_text(result.time_used)}{'（超时自动交卷）' if result.auto_submitted else ''}")
    for qtype, (right, total) in result.by_type.items():
        click.echo(f"  {qtype}：{right}/{total}")
    wrong = [it for it in result.items if not it.correct]
    if wrong:
        click.echo("\n逐题回顾（答错或未答）：")
    for it in wrong:
        q = it.question
        given = "、".join(it.response) if isinstance(it.response, list) else (it.response or "未作答")
        click.echo(f"{it.position + 1}. 【{q.qtype}】{q.stem}")
        click.echo(f"   你的答案：{given}　正确答案：{q.answer_text}　出处：{q.citation}")
        click.echo(f"   {_first_line(q.explanation)}")


@quiz.command("generate")
@scope_options
@click.option("-n", "--count", "n", type=int, default=10, show_default=True)
@click.option("--type", "types", help="题型，逗号分隔：单选,多选,判断,填空")
@click.option("--seed", type=int, help="随机种子（可复现）")
@click.option("--exam", is_flag=True, help="按考试题型配比（单选、多选、判断）")
@click.option("--cases", type=int, default=0, help="另加 N 道大模型案例题（需配置大模型）")
@click.option("--json", "as_json", is_flag=True, help="每行输出一道题的 JSON")
@click.pass_context
@user_errors
def quiz_generate(ctx, laws, chapters, doc_types, changes_since, n, types, seed, exam, cases, as_json):
    """生成题目（附答案与解析），供脚本或人工审阅。"""
    c = container(ctx)
    questions, _ = _questions(c, _scope(laws, chapters, doc_types, changes_since), n, types, seed, exam=exam,
                              cases=cases)
    for i, q in enumerate(questions, start=1):
        if as_json:
            click.echo(json.dumps(q.to_public_dict(), ensure_ascii=False))
        else:
            click.echo(q.render(i))
            click.echo(f"  答案：{q.answer_text}　出处：{q.citation}　［{q.generator}］")
            click.echo(f"  {_first_line(q.explanation)}\n")


@quiz.command("export")
@scope_options
@click.option("-n", "--count", "n", type=int, default=50, show_default=True)
@click.option("--type", "types", help="题型，逗号分隔（默认 单选、多选、判断）")
@click.option("--seed", type=int, help="随机种子（可复现）")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="输出文件：.docx 或 .xlsx")
@click.option("--title", default=None, help="试卷标题")
@click.option("--minutes", type=float, help="印在试卷上的考试时长（分钟）")
@click.option("--no-key", is_flag=True, help="不附答案与解析")
@click.option("--cases", type=int, default=0, help="另加 N 道大模型案例题（需配置大模型）")
@click.pass_context
@user_errors
def quiz_export(ctx, laws, chapters, doc_types, changes_since, n, types, seed, out, title, minutes, no_key, cases):
    """导出试卷（含答案与解析）为 Word 或 Excel，供线下考试。"""
    c = container(ctx)
    questions, used_seed = _questions(c, _scope(laws, chapters, doc_types, changes_since), n, types, seed,
                                      exam=True, cases=cases)
    if title is None:
        names = "、".join(f"《{c.library.find(x).title}》" for x in laws) if laws else "法律法规"
        title = f"{names}学法考试试卷"
    path = c.quiz.export_paper(questions, out, title=title, with_key=not no_key, time_limit_minutes=minutes)
    click.echo(f"已导出 {len(questions)} 题到 {path}（种子 {used_seed}）。")


@quiz.command("wrong")
@click.option("--user", default="local", show_default=True)
@click.option("--redo", is_flag=True, help="重做错题（连续答对 2 次即移出错题本）")
@click.option("-n", "--count", "n", type=int, help="最多显示/重做这么多道")
@click.option("--all", "show_all", is_flag=True, help="包括已掌握的")
@click.pass_context
@user_errors
def quiz_wrong(ctx, user, redo, n, show_all):
    """错题本：列出答错的题目与条文，或重做。"""
    c = container(ctx)
    who = c.learning.user(user)
    book = c.learning.wrong_book
    if redo:
        questions = book.questions(who.id, n)
        if not questions:
            click.echo("错题本是空的。")
            return
        _run_practice(c.learning.start_practice(who, questions, mode="wrong"))
        return
    items = book.entries(who.id, include_mastered=show_all)
    if not items:
        click.echo("错题本是空的。")
        return
    for i, it in enumerate(items[:n] if n else items, start=1):
        q = it.question
        state = f"已掌握（{_local(it.mastered_at)}）" if it.mastered_at else f"连对 {it.right_streak} 次"
        click.echo(f"{i}. {q.render()}")
        click.echo(f"   答错 {it.wrong_count} 次，{state}；正确答案：{q.answer_text}；出处：{q.citation}")
    click.echo(f"共 {len(items)} 道。xuefa quiz wrong --redo 重做。")


@quiz.command("due")
@click.option("--user", default="local", show_default=True)
@click.option("--practice", is_flag=True, help="马上复习：为到期条文出新题")
@click.option("-n", "--count", "n", type=int, default=10, show_default=True)
@click.option("--seed", type=int)
@click.pass_context
@user_errors
def quiz_due(ctx, user, practice, n, seed):
    """今天到期需要复习的条文（FSRS 间隔重复）。"""
    c = container(ctx)
    who = c.learning.user(user)
    review = c.learning.review
    if practice:
        questions = review.due_questions(who.id, n, seed=seed)
        if not questions:
            click.echo("今天没有到期的条文。")
            return
        _run_practice(c.learning.start_practice(who, questions, mode="review", seed=seed))
        return
    items = review.due(who.id)
    if not items:
        click.echo("今天没有到期的条文。")
        return
    for it in items:
        click.echo(f"《{it.law}》{it.article}　到期 {_local(it.due)}　{it.state}，"
                   f"已复习 {it.reps} 次，遗忘 {it.lapses} 次")
        if it.note:
            click.echo(f"　　{it.note}")
    click.echo(f"共 {len(items)} 条。xuefa quiz due --practice 开始复习（每次出新题）。")


@quiz.command("stats")
@click.option("--user", default="local", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@user_errors
def quiz_stats(ctx, user, as_json):
    """学习统计：每日正确率、各法规/章节掌握度、待复习数、考试成绩。"""
    c = container(ctx)
    s = c.learning.stats.for_user(c.learning.user(user))
    if as_json:
        click.echo(json.dumps({
            "user": s.user, "answered": s.answered, "correct": s.correct, "accuracy": round(s.accuracy, 4),
            "daily": [{"day": d.day.isoformat(), "answered": d.answered, "correct": d.correct} for d in s.daily],
            "by_law": [m.__dict__ for m in s.by_law], "by_chapter": [m.__dict__ for m in s.by_chapter],
            "due_now": s.due_now, "due_today": s.due_today, "cards": s.cards, "wrong_open": s.wrong_open,
            "exams": [{"exam_id": e.exam_id, "started_at": e.started_at.isoformat(), "score": e.score,
                       "passed": e.passed, "seconds": e.time_used.total_seconds() if e.time_used else None}
                      for e in s.exams],
        }, ensure_ascii=False, indent=1))
        return
    click.echo(f"用户：{s.user}　累计作答 {s.answered} 题，正确率 {s.accuracy:.0%}")
    click.echo(f"待复习：现在 {s.due_now} 条，今天 {s.due_today} 条（共学习 {s.cards} 条）　错题本 {s.wrong_open} 道")
    if s.daily:
        click.echo("每日正确率：")
        for d in s.daily[-14:]:
            click.echo(f"  {d.day.isoformat()}  {d.correct}/{d.answered}  {d.accuracy:.0%}")
    if s.by_law:
        click.echo("各法规掌握情况：")
        for m in s.by_law:
            click.echo(f"  《{m.law}》 正确率 {m.accuracy:.0%}（{m.correct}/{m.answered}），"
                       f"学习 {m.articles_studied} 条，牢固掌握 {m.articles_mastered} 条")
    if s.exams:
        click.echo("模拟考试：")
        for e in s.exams:
            score = "未交卷" if e.score is None else f"{e.score:g} 分（{'及格' if e.passed else '不及格'}）"
            click.echo(f"  {_local(e.started_at)}  {score}")
