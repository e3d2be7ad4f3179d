"""Study that fits a busy day: study lists admins assign (学法清单), a daily ten-minute session
per person (每日一学), honest progress (studied, mastered, active minutes, streak, the date a
person is on track to finish).

Admins' changes to lists go to the admin action log (``plan.create``, ``plan.update``,
``plan.assign``, ``plan.delete``). Days are the office's local days (``tz``). Active time comes
only from the page's heartbeats, which the page sends while the person works in it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from assistant.accounts.audience import Audience, Membership
from assistant.learning.clock import Clock, aware
from assistant.learning.learning_service import LearningService
from assistant.learning.stored_questions import question_data
from assistant.library.library_service import LibraryService
from assistant.quiz.quiz_service import QuizService
from assistant.study.daily import DailyBuilder, DailyConfig
from assistant.study.plans import PlanResolver, check_spec
from assistant.study.progress import expected_study_days, plan_progress, streak, study_days
from assistant.study.types import Plan, PlanProgress, PlanSpec, StudyFeedback, StudyItem, Today
from knowledge.errors import NotFoundError, PermissionDeniedError, XuefaError
from knowledge.store.audit import AuditLog
from knowledge.store.records import Records, utcnow
from knowledge.store.study import DailySession, StudyRecords

MASTERY_STABILITY_DAYS = 21.0
HEARTBEAT_SECONDS = 30


class Person(Protocol):
    id: int
    name: str


class StudyService:
    def __init__(self, study: StudyRecords, records: Records, library: LibraryService, quiz: QuizService,
                 learning: LearningService, *, members: Membership, audit: AuditLog, tz: dt.tzinfo,
                 clock: Clock = utcnow, daily: DailyConfig | None = None,
                 mastery_days: float = MASTERY_STABILITY_DAYS, heartbeat_seconds: int = HEARTBEAT_SECONDS):
        self.study = study
        self.records = records
        self.learning = learning
        self.members = members
        self.audit = audit
        self.tz = tz
        self.clock = clock
        self.mastery_days = mastery_days
        self.heartbeat_seconds = heartbeat_seconds
        self.resolver = PlanResolver(library)
        self.builder = DailyBuilder(study, quiz, learning, daily or DailyConfig())

    def now(self) -> dt.datetime:
        return aware(self.clock())

    def today_date(self) -> dt.date:
        return self.now().astimezone(self.tz).date()

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()

    # ---- study lists (admins) ----------------------------------------------------------------
    def create_plan(self, spec: PlanSpec, actor: str) -> Plan:
        spec = check_spec(spec, self.resolver, today=self.today_date())
        row = self.study.add_plan(title=spec.title, items=[i.to_dict() for i in spec.items],
                                  audience=spec.audience.to_dict(), deadline=spec.deadline, created_by=actor,
                                  note=spec.note)
        self.audit.log(actor, "plan.create", spec.title, {"plan": row.id, "items": len(spec.items),
                                                          "deadline": spec.deadline.isoformat()})
        return self.resolver.plan(row)

    def update_plan(self, plan_id: int, spec: PlanSpec, actor: str) -> Plan:
        spec = check_spec(spec, self.resolver, today=self.today_date())
        row = self.study.update_plan(plan_id, title=spec.title, items=[i.to_dict() for i in spec.items],
                                     audience=spec.audience.to_dict(), deadline=spec.deadline, note=spec.note)
        self.audit.log(actor, "plan.update", spec.title, {"plan": plan_id, "items": len(spec.items)})
        return self.resolver.plan(row)

    def assign(self, plan_id: int, audience: Audience, actor: str) -> Plan:
        if audience.empty:
            raise XuefaError("请选择清单面向的人员：全体、科室或指定人员")
        row = self.study.update_plan(plan_id, audience=audience.to_dict())
        self.audit.log(actor, "plan.assign", row.title, {"plan": plan_id, **audience.to_dict()})
        return self.resolver.plan(row)

    def delete_plan(self, plan_id: int, actor: str) -> Plan:
        plan = self.plan(plan_id)
        self.study.delete_plan(plan_id)
        self.audit.log(actor, "plan.delete", plan.title, {"plan": plan_id})
        return plan

    def plans(self) -> list[Plan]:
        return [self.resolver.plan(r) for r in self.study.plans()]

    def plan(self, plan_id: int) -> Plan:
        return self.resolver.plan(self.study.get_plan(plan_id))

    def starter_spec(self, year: int | None = None) -> PlanSpec:
        """The starting list: the laws the annual report names, then the internal rules."""
        year = year or self.today_date().year
        return PlanSpec(title=f"{year} 年度学法清单", items=self.resolver.starter_items(),
                        deadline=dt.date(year, 12, 31), audience=Audience(everyone=True))

    def audience_ids(self, audience: Audience) -> set[int]:
        return audience.user_ids_now(self.records.list_users(), self.members)

    def plans_for(self, user_id: int) -> list[Plan]:
        """The lists this person is assigned, nearest deadline first."""
        users = self.records.list_users()  # once, not once per list
        return [p for p in self.plans() if user_id in p.audience.user_ids_now(users, self.members)]

    # ---- progress ----------------------------------------------------------------------------
    def studied(self, user_id: int) -> dict[int, dt.date]:
        """Article id → the local day it was studied (read and answered)."""
        return {p.article_id: self.local_day(p.studied_at) for p in self.study.progress_of(user_id) if p.studied_at}

    def mastered(self, user_id: int) -> set[int]:
        """Articles whose FSRS stability reached the mastery threshold."""
        return {c.article_id for c in self.records.cards_of(user_id) if (c.stability or 0) >= self.mastery_days}

    def progress(self, user_id: int) -> list[PlanProgress]:
        studied, mastered, today = self.studied(user_id), self.mastered(user_id), self.today_date()
        return [plan_progress(p, studied, mastered, today) for p in self.plans_for(user_id)]

    def seconds_by_day(self, user_id: int, since: dt.date | None = None) -> dict[dt.date, int]:
        return {r.day: r.seconds for r in self.study.time_rows(user_ids=[user_id], since=since)}

    def answer_days(self, user_id: int, since: dt.datetime | None = None) -> set[dt.date]:
        """Local days on which the person answered anything (study, practice, exams)."""
        return {self.local_day(a.answered_at) for a in self.records.answers_of_user(user_id, since=since)}

    def streak(self, user_id: int) -> int:
        since = self.now() - dt.timedelta(days=400)
        days = study_days(self.seconds_by_day(user_id, since=self.local_day(since)), self.answer_days(user_id, since))
        return streak(days, self.today_date())

    def heartbeat(self, user: Person) -> int:
        """The page says the person is working: credit the time since their last beat."""
        now = self.now()
        return self.study.beat(user.id, self.local_day(now), now, cap_s=self.heartbeat_seconds * 2)

    # ---- the daily session -------------------------------------------------------------------
    def today(self, user: Person) -> Today:
        """Today's session (built on the first call of the day), the goal and the streak. A
        session that began empty (no list yet, nothing due) looks again: a list assigned later
        that day shows at once."""
        row = self._session(user)
        if not row.items:
            row = self._extend(user, row) or row
        return self._view(user, row)

    def _session(self, user: Person) -> DailySession:
        day = self.today_date()
        row = self.study.daily(user.id, day)
        if row is not None:
            return row
        with self.builder.lock(user.id):
            row = self.study.daily(user.id, day)
            if row is None:
                row = self._build(user, day)
        return row

    def _build(self, user: Person, day: dt.date) -> DailySession:
        now = self.now()
        items, questions = self.builder.build(user.id, self._next_new(user.id), now=now, **self._pace(user.id))
        attempt_id = None
        if questions:
            attempt_id = self.learning.start_practice(self.records.user_by_id(user.id), questions, mode="daily",
                                                      scope={"daily": day.isoformat()}).attempt_id
        row, _made = self.study.create_daily(user.id, day, items, attempt_id=attempt_id, started_at=now)
        return row

    def _next_new(self, user_id: int) -> list[int]:
        """Articles of the person's lists not studied yet, nearest deadline first, in list order."""
        studied = self.studied(user_id)
        out: dict[int, None] = {}
        for plan in sorted(self.plans_for(user_id), key=lambda p: (p.deadline, p.id)):
            for a in plan.ordered_articles():
                if a not in studied:
                    out.setdefault(a, None)
        return list(out)

    def _pace(self, user_id: int) -> dict:
        """The nearest deadline of the person's lists (as a time, for recall predictions) and the
        study days they can be expected to have before it."""
        today = self.today_date()
        deadlines = [p.deadline for p in self.plans_for(user_id) if p.deadline >= today]
        deadline = min(deadlines) if deadlines else None
        since = self.now() - dt.timedelta(days=60)
        days = study_days(self.seconds_by_day(user_id, since=self.local_day(since)), self.answer_days(user_id, since))
        end = dt.datetime.combine(deadline or today + dt.timedelta(days=30), dt.time(18), tzinfo=self.tz)
        return {"deadline": end, "study_days_left": expected_study_days(deadline, today, days)}

    def current(self, user: Person) -> tuple[int, StudyItem | None]:
        """Today's session id and its current item, without the day's figures (for answering)."""
        row = self._session(user)
        items = self._items(row)
        return row.id, items[row.position] if row.position < len(items) else None

    def more(self, user: Person) -> Today:
        """Another round after today's session is done (the same rule, without today's articles)."""
        row = self._session(user)
        if row.position < len(row.items):
            return self._view(user, row)
        if self._extend(user, row) is None:
            raise XuefaError("今天没有更多可学的条文了：清单已学完，也没有到期复习和错题。")
        return self.today(user)

    def _extend(self, user: Person, row: DailySession) -> DailySession | None:
        """Append the next round to a finished session; None when there is nothing to add."""
        with self.builder.lock(user.id):
            row = self.study.daily_by_id(row.id) or row
            if row.position < len(row.items):
                return row  # another request extended it meanwhile
            items, questions = self.builder.build(user.id, self._next_new(user.id), now=self.now(),
                                                  exclude={i["article_id"] for i in row.items}, **self._pace(user.id))
            if not items:
                return None
            attempt_id = self._extend_attempt(user, row, questions)
            return self.study.extend_daily(row.id, items, attempt_id=attempt_id)

    def _extend_attempt(self, user: Person, row: DailySession, questions) -> int | None:
        if not questions:
            return row.attempt_id
        if row.attempt_id is None:
            return self.learning.start_practice(self.records.user_by_id(user.id), questions, mode="daily",
                                                scope={"daily": row.day.isoformat()}).attempt_id
        self.records.extend_attempt(row.attempt_id, [question_data(q) for q in questions])
        return row.attempt_id

    def open_item(self, user: Person, session_id: int, position: int) -> None:
        """The person has the article in front of them: it counts as read."""
        row = self._own(user, session_id)
        if 0 <= position < len(row.items):
            item = self._items(row)[position]
            self.study.mark(user.id, _article(item), read_at=self.now())

    def answer(self, user: Person, session_id: int, response: Any, *,
               duration_ms: int | None = None) -> StudyFeedback:
        """Answer the current question of the session (the next unanswered one)."""
        row = self._own(user, session_id)
        items = self._items(row)
        item = items[row.position] if row.position < len(items) else None
        if item is None or row.attempt_id is None:
            raise XuefaError("今天的学习已经完成")
        practice = self.learning.resume_practice(row.attempt_id)
        if practice.current is None or not item.first_question_position <= practice.position \
                < item.first_question_position + len(item.questions):
            raise XuefaError("这道题已经答过了，请刷新页面")
        fb = practice.answer(response, duration_ms=duration_ms)
        now = self.now()
        self.study.mark(user.id, _article(item), read_at=now, answered_at=now)
        item_done = practice.position >= item.first_question_position + len(item.questions)
        if item_done:
            row = self.study.advance_daily(row.id, item.position + 1, finished_at=now)
        return StudyFeedback(item=item, question=fb.question, response=response, correct=fb.correct,
                             answer_text=fb.answer_text, explanation=fb.explanation, item_finished=item_done,
                             session_finished=row.position >= len(row.items))

    def finish_reading(self, user: Person, session_id: int) -> Today:
        """Move past an article that has no question (nothing to answer: reading it is the study)."""
        row = self._own(user, session_id)
        items = self._items(row)
        item = items[row.position] if row.position < len(items) else None
        if item is None:
            raise XuefaError("今天的学习已经完成")
        if item.questions and not item.finished:
            raise XuefaError("请先回答本条的题目")
        now = self.now()
        self.study.mark(user.id, _article(item), read_at=now, answered_at=now if not item.questions else None)
        self.study.advance_daily(row.id, item.position + 1, finished_at=now)
        return self.today(user)

    def _own(self, user: Person, session_id: int) -> DailySession:
        row = self.study.daily_by_id(session_id)
        if row is None:
            raise NotFoundError(f"没有这次学习：{session_id}")
        if row.user_id != user.id:
            raise PermissionDeniedError("这不是你的学习记录")
        return row

    def _items(self, row: DailySession) -> list:
        answered = len(self.records.answers_of(row.attempt_id)) if row.attempt_id else 0
        return self.builder.items(row, answered)

    def _view(self, user: Person, row: DailySession) -> Today:
        today = self.today_date()
        return Today(session_id=row.id, day=row.day, items=self._items(row), position=row.position,
                     minutes_today=self.seconds_by_day(user.id, since=today).get(today, 0) / 60,
                     goal_minutes=self.builder.config.goal_minutes, goal_items=self.builder.config.items,
                     streak=self.streak(user.id), plans=self.progress(user.id))


def _article(item) -> dict:
    return {"article_id": item.article_id, "doc_id": item.doc_id, "law": item.law, "label": item.label,
            "chapter": item.chapter}
