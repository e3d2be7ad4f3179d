"""练习 with a 新修订 date: the practice tab's handler, as gradio calls it, over a container holding
the 2012 and 2026 texts of 渔业法."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

CLERK = SimpleNamespace(username="clerk")


@pytest.fixture
def practice(tmp_path):
    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web.practice_tab import MODE_PRACTICE, PracticeTab

    c = Container(Settings(home=tmp_path / "home", embedder="fake", _env_file=None))
    c.ingestion.import_statutes(names=["渔业法"], include_history=True)
    c.auth.create_user("clerk", "clerk-pass-123")
    tab = PracticeTab(c.quiz, c.learning, c.library, c.auth)
    with gr.Blocks():
        tab.build()
    return c, tab, MODE_PRACTICE


def test_practice_on_the_changes_since_a_date(practice):
    c, tab, mode = practice
    out = tab.start(mode, ["中华人民共和国渔业法"], "", ["单选"], 5, 60, "2020-01-01", CLERK)
    state = out[tab.view.state]
    attempt = c.records.get_attempt(state["id"])
    assert attempt.scope["changes_since"] == "2020-01-01"
    questions = [c.records.get_questions([i])[0].payload for i in attempt.question_ids]
    changed = c.quiz.changed_since(c.store.find_documents("中华人民共和国渔业法"), "2020-01-01")
    assert len(questions) == 5 and all(q["article_id"] in changed for q in questions)
    assert any(q["generator"] == "revision_contrast" and "修订后" in q["stem"] for q in questions)
    with pytest.raises(gr.Error, match="YYYY-MM-DD"):
        tab.start(mode, ["中华人民共和国渔业法"], "", ["单选"], 5, 60, "2020年1月", CLERK)


def test_admin_sets_an_exam_on_the_changes_since_a_date(practice):
    from assistant.web.admin.audience import EVERYONE
    from assistant.web.admin.exams import ExamsSection

    c, _, _ = practice
    c.auth.create_user("boss", "boss-pass-123", role="admin")
    section = ExamsSection(c.exams, c.depts, c.auth, c.settings.tz)
    msg, _ = section.create_exam("渔业法新修订", ["中华人民共和国渔业法"], "", "", 30, 60, "2026-01-01 09:00",
                                 "2099-01-01 18:00", 1, False, False, True, False, EVERYONE, [], [],
                                 5, 20, 0, 3, 0, 2, 0, 2, "2020-01-01", SimpleNamespace(username="boss"))
    assert "已创建考试《渔业法新修订》：5 题" in msg
    exam = c.exams.list_exams()[0]
    assert exam.blueprint["scope"]["changes_since"] == "2020-01-01"
    changed = c.quiz.changed_since(c.store.find_documents("中华人民共和国渔业法"), "2020-01-01")
    papers = c.records.get_questions(list(exam.paper))
    assert len(papers) == 5 and all(q.article_id in changed for q in papers)
