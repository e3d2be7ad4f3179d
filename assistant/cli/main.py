"""The root `xuefa` command group: it only gathers the command groups, each in its own module.

Command modules never import this module, so each can be imported (and tested) on its own.
"""
from __future__ import annotations

import os

import click

from assistant.cli import (
    ask,
    backup,
    citations,
    depts,
    exam,
    index,
    laws,
    plan,
    questions,
    quiz,
    report,
    search,
    serve,
    users,
    worker,
)


@click.group()
@click.version_option(package_name="xuefa")
def main():
    """xuefa 学法：法规知识库问答、练习与考试。"""
    # everything this process creates (indexes, uploads, exports) is the owner's only
    os.umask(0o077)


for command in (laws.import_statutes, laws.ingest, laws.laws, index.index, search.search, search.eval_group,
                ask.ask, ask.chat, quiz.quiz, exam.exam, questions.questions, serve.serve, users.users,
                depts.depts, report.dashboard, report.report, plan.plan, worker.worker, backup.backup, backup.restore):
    main.add_command(command)
laws.laws.add_command(citations.check_citations)

if __name__ == "__main__":
    main()
