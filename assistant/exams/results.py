"""The office's results of one exam, computed from the records: each assigned person's best
attempt, departments, per-question correct rates and the articles most often missed."""
from __future__ import annotations

from collections import defaultdict

from assistant.exams.types import (
    NO_DEPARTMENT,
    DepartmentResult,
    ExamReport,
    MissedArticle,
    PersonResult,
    QuestionStat,
)
from knowledge.store.office_exams import ExamSitting, OfficeExam
from knowledge.store.records import Exam, Records


def build_report(exam: OfficeExam, audience: set[int], names: dict[int, str], departments: dict[int, str],
                 sittings: list[tuple[ExamSitting, Exam]], records: Records) -> ExamReport:
    """Everyone assigned now or who sat the exam is counted (a person moved out of the
    department after sitting it still shows)."""
    by_user: dict[int, list[tuple[ExamSitting, Exam]]] = defaultdict(list)
    for sitting, row in sittings:
        by_user[sitting.user_id].append((sitting, row))
    people = [_person(uid, names.get(uid, f"#{uid}"), departments.get(uid, NO_DEPARTMENT), by_user.get(uid, []))
              for uid in sorted(audience | set(by_user), key=lambda u: (departments.get(u, "~"), names.get(u, "")))]
    counted = [_best(by_user[p.user_id]) for p in people if p.status == "已交卷"]
    questions, missed = _question_stats([row for _, row in counted], records)
    return ExamReport(exam_id=exam.id, title=exam.title, closes_at=exam.closes_at, pass_mark=exam.pass_mark,
                      total_points=exam.total_points, people=people, departments=_departments(people),
                      questions=questions, missed_articles=missed)


def _best(rows: list[tuple[ExamSitting, Exam]]) -> tuple[ExamSitting, Exam]:
    """The attempt that counts: the highest score, the earlier one on a tie."""
    done = [(s, e) for s, e in rows if e.submitted_at is not None]
    return max(done, key=lambda se: (se[1].score or 0.0, -se[0].attempt_no))


def _person(user_id: int, name: str, department: str, rows: list[tuple[ExamSitting, Exam]]) -> PersonResult:
    if not rows:
        return PersonResult(user_id, name, department, "未参加", None, 0, None, None, None, None, None)
    if not any(e.submitted_at is not None for _, e in rows):
        sitting, row = rows[-1]
        return PersonResult(user_id, name, department, "进行中", sitting.attempt_no, len(rows), None, None,
                            row.started_at, None, None)
    sitting, row = _best(rows)
    return PersonResult(user_id, name, department, "已交卷", sitting.attempt_no, len(rows), row.score,
                        bool(row.passed), row.started_at, row.submitted_at, row.submitted_at - row.started_at,
                        row.auto_submitted)


def _departments(people: list[PersonResult]) -> list[DepartmentResult]:
    groups: dict[str, list[PersonResult]] = defaultdict(list)
    for p in people:
        groups[p.department].append(p)
    out = []
    for name in sorted(groups, key=lambda d: (d == NO_DEPARTMENT, d)):
        members = groups[name]
        scores = [p.score for p in members if p.status == "已交卷" and p.score is not None]
        out.append(DepartmentResult(department=name, assigned=len(members), submitted=len(scores),
                                    passed=sum(bool(p.passed) for p in members),
                                    mean_score=round(sum(scores) / len(scores), 2) if scores else None))
    return out


def _question_stats(rows: list[Exam], records: Records) -> tuple[list[QuestionStat], list[MissedArticle]]:
    """Per drawn question (shuffled variants together) and per article, over counted attempts;
    an unanswered question counts as missed."""
    stats: dict[str, QuestionStat] = {}
    articles: dict[int, MissedArticle] = {}
    for row in rows:
        attempt = records.get_attempt(row.attempt_id)
        answers = {a.position: a for a in records.answers_of(attempt.id)}
        stored = {q.id: q for q in records.get_questions(attempt.question_ids)}
        for position, qid in enumerate(attempt.question_ids):
            q = stored.get(qid)
            if q is None:
                continue
            right = bool(answers.get(position) and answers[position].correct)
            _count_question(stats, q, right)
            art = articles.setdefault(q.article_id, MissedArticle(q.article_id, q.law, q.article, 0, 0))
            art.asked += 1
            art.missed += not right
    ordered = sorted(stats.values(), key=lambda s: (s.correct_rate, s.question_id))
    missed = sorted((a for a in articles.values() if a.missed),
                    key=lambda a: (-a.missed, -a.miss_rate, a.law, a.article_id))
    return ordered, missed


def _count_question(stats: dict[str, QuestionStat], q, right: bool) -> None:
    base = (q.payload.get("meta") or {}).get("base_id") or q.id
    stat = stats.get(base)
    if stat is None:
        stat = stats[base] = QuestionStat(base, q.qtype, q.payload.get("stem", ""), q.law, q.article,
                                          q.article_id, 0, 0)
    stat.asked += 1
    stat.correct += right
