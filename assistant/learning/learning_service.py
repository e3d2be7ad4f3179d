"""Learning services: practice, mock exams, the wrong-answer book, FSRS review and stats.

One outcome path for every answer, whatever the session: the answer is stored, a miss goes
into the user's 错题本 (a hit lengthens the streak that masters it), and the FSRS card of the
question's article is rated (miss → Again, hit → Good, fast hit → Easy when enabled). The
"due today" queue then asks *fresh* questions on the due articles — another generator or
element than last time — so that remembering one question is not taken for mastery.

Time comes from an injected clock (UTC-aware datetimes); nothing sleeps or reads the wall
clock directly, so sessions, deadlines and schedules are testable.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Callable

from fsrs import Card, Rating, Scheduler, State

from assistant.quiz.quiz_service import QuizService
from assistant.quiz.types import Question
from knowledge.errors import NotFoundError, XuefaError
from knowledge.legal.citations import parse_article_ref
from knowledge.store.records import Exam, Records, ReviewCard, User, WrongEntry, utcnow

Clock = Callable[[], dt.datetime]
UTC = dt.timezone.utc
MATURE_STABILITY_DAYS = 21  # like Anki's "mature": remembered for three weeks and more


def default_scheduler(*, fuzz: bool = True) -> Scheduler:
    """FSRS with one 10-minute (re)learning step: a first right answer schedules the article
    days ahead, a miss brings it back later the same day (with a fresh question)."""
    return Scheduler(learning_steps=(dt.timedelta(minutes=10),),
                     relearning_steps=(dt.timedelta(minutes=10),), enable_fuzzing=fuzz)


def local_tz() -> dt.tzinfo:
    return dt.datetime.now().astimezone().tzinfo or UTC


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("learning services need timezone-aware datetimes")
    return value.astimezone(UTC)


# ---- results --------------------------------------------------------------------------
@dataclass
class Feedback:
    """What practice shows right after an answer."""

    position: int
    question: Question
    response: Any
    correct: bool
    answer_text: str  # the key as shown: B / A、C / 正确 / 三十日
    explanation: str  # quotes the article verbatim
    article_text: str  # the whole article, verbatim from the store ("" if it left the store)
    citation: str  # 《…》第N条
    remaining: int  # questions left in the session
    added_to_wrong_book: bool
    next_review: dt.datetime | None  # when FSRS schedules this article again


class _Accuracy:
    """``accuracy`` for records that count ``answered`` and ``correct``."""

    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass
class SessionSummary(_Accuracy):
    attempt_id: int
    total: int
    answered: int
    correct: int



@dataclass
class QuestionReview:
    """One question of a submitted exam, for the per-question review."""

    position: int
    question: Question
    response: Any
    correct: bool
    points: float


@dataclass
class ExamResult:
    exam_id: int
    attempt_id: int
    score: float
    total_points: float
    pass_mark: float
    passed: bool
    correct: int
    total: int
    time_used: dt.timedelta
    time_limit: dt.timedelta
    auto_submitted: bool
    items: list[QuestionReview] = field(default_factory=list)

    @property
    def by_type(self) -> dict[str, tuple[int, int]]:
        """(correct, total) per question type."""
        out: dict[str, tuple[int, int]] = {}
        for it in self.items:
            c, t = out.get(it.question.qtype, (0, 0))
            out[it.question.qtype] = (c + it.correct, t + 1)
        return out


@dataclass
class DueItem:
    article_id: int
    law: str
    article: str
    chapter: str
    due: dt.datetime
    state: str  # 学习中 / 复习 / 重学
    reps: int
    lapses: int


@dataclass
class WrongItem:
    question: Question
    wrong_count: int
    right_streak: int
    added_at: dt.datetime
    last_wrong_at: dt.datetime
    mastered_at: dt.datetime | None
    article_text: str


@dataclass
class DayAccuracy(_Accuracy):
    day: dt.date
    answered: int
    correct: int



@dataclass
class Mastery(_Accuracy):
    """How well a user knows a law (or one chapter of it)."""

    law: str
    chapter: str  # "" for the whole law
    answered: int
    correct: int
    articles_studied: int  # articles with an FSRS card
    articles_mastered: int  # mature (stability ≥ 21 days) and recall probability ≥ 90 % now
    mean_retrievability: float



@dataclass
class ExamScore:
    exam_id: int
    started_at: dt.datetime
    score: float | None
    passed: bool | None
    time_used: dt.timedelta | None
    auto_submitted: bool


@dataclass
class UserStats(_Accuracy):
    user: str
    answered: int
    correct: int
    daily: list[DayAccuracy]
    by_law: list[Mastery]
    by_chapter: list[Mastery]
    due_now: int
    due_today: int
    cards: int
    wrong_open: int
    exams: list[ExamScore]



# ---- FSRS review ------------------------------------------------------------------------
_STATE_NAMES = {State.Learning: "学习中", State.Review: "复习", State.Relearning: "重学"}


class Review:
    """Spaced repetition per (user, article) with FSRS."""

    def __init__(self, records: Records, quiz: QuizService, *, scheduler: Scheduler | None = None,
                 clock: Clock = utcnow, easy_ms: int | None = None, tz: dt.tzinfo | None = None):
        self.records = records
        self.quiz = quiz
        self.scheduler = scheduler or default_scheduler()
        self.clock = clock
        self.easy_ms = easy_ms  # a right answer faster than this rates Easy (None: never)
        self.tz = tz or local_tz()

    def rating_for(self, correct: bool, duration_ms: int | None) -> Rating:
        if not correct:
            return Rating.Again
        if self.easy_ms is not None and duration_ms is not None and duration_ms <= self.easy_ms:
            return Rating.Easy
        return Rating.Good

    def rate(self, user_id: int, question: Question, correct: bool, *, at: dt.datetime | None = None,
             duration_ms: int | None = None) -> ReviewCard:
        """Rate the card of the question's article after an answer; returns the saved card."""
        at = _aware(at or self.clock())
        row = self.records.get_card(user_id, question.article_id)
        card = Card.from_dict(row.card) if row else Card(card_id=user_id * 10 ** 9 + question.article_id, due=at)
        if card.last_review is not None and at < card.last_review:
            at = card.last_review  # answers submitted late (exams) must not run the clock backwards
        rating = self.rating_for(correct, duration_ms)
        new, _log = self.scheduler.review_card(card, rating, review_datetime=at)
        lapsed = rating == Rating.Again and card.state == State.Review
        return self.records.save_card(user_id, question, new.to_dict(), due=new.due, state=int(new.state),
                                      stability=new.stability, reviewed_at=at, rating=int(rating),
                                      lapsed=lapsed, duration_ms=duration_ms)

    def card(self, user_id: int, article_id: int) -> Card | None:
        row = self.records.get_card(user_id, article_id)
        return Card.from_dict(row.card) if row else None

    def end_of_day(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(self.tz)
        end = dt.datetime.combine(local.date(), dt.time.max, tzinfo=self.tz)
        return end.astimezone(UTC)

    def due(self, user_id: int, *, now: dt.datetime | None = None, today: bool = True) -> list[DueItem]:
        """Articles due now (``today=False``) or by the end of the user's day."""
        now = _aware(now or self.clock())
        until = self.end_of_day(now) if today else now
        return [DueItem(article_id=r.article_id, law=r.law, article=r.article, chapter=r.chapter, due=r.due,
                        state=_STATE_NAMES.get(State(r.state), str(r.state)), reps=r.reps, lapses=r.lapses)
                for r in self._due_cards(user_id, until)]

    def _due_cards(self, user_id: int, until: dt.datetime) -> list[ReviewCard]:
        """Due cards, each moved to the current text of its article first.

        A card names its article by id and by (law, label). When an admin re-imports a law or
        a new version supersedes it, the old id is gone or points at history: the card follows
        the label to the current version, keeping its schedule (a card already on the new
        article wins). An article that left the knowledge base altogether is skipped."""
        rows = self.records.due_cards(user_id, until)
        moved = False
        for row in rows:
            current = self._current_article(row)
            if current is not None and current != (row.article_id, row.doc_id):
                self.records.relink_card(user_id, row.article_id, *current)
                moved = True
        return self.records.due_cards(user_id, until) if moved else rows

    def _current_article(self, row: ReviewCard) -> tuple[int, str] | None:
        store = self.quiz.store
        try:
            art = store.get_article(row.article_id)
        except NotFoundError:
            art = None
        # SQLite may reuse a deleted article's id: it is the card's article only if doc and label agree
        if art is not None and (art.doc_id, art.label) != (row.doc_id, row.article):
            art = None
        if art is not None and store.get_document(art.doc_id).is_current:
            return art.id, art.doc_id
        try:
            number, sub = parse_article_ref(row.article)
        except (ValueError, XuefaError):
            return None
        for doc in store.find_documents(row.law, current_only=True):
            found = store.find_article(doc.id, number, sub)
            if found is not None:
                return found.id, found.doc_id
        return (art.id, art.doc_id) if art is not None else None  # history only: study the old text

    def due_questions(self, user_id: int, n: int = 10, *, now: dt.datetime | None = None,
                      seed: int | None = None, types=None) -> list[Question]:
        """Fresh questions for the articles due today, most overdue first: another generator
        or element than the article's last question, never a question already answered."""
        now = _aware(now or self.clock())
        base = seed if seed is not None else random.SystemRandom().randrange(2 ** 31)
        out: list[Question] = []
        for row in self._due_cards(user_id, self.end_of_day(now)):
            if len(out) >= n:
                break
            try:
                q = self.quiz.variant(row.article_id, types=types,
                                      avoid_generators=[row.last_generator] if row.last_generator else [],
                                      avoid_elements=[row.last_element] if row.last_element else [],
                                      avoid_ids=self.records.asked_question_ids(user_id, row.article_id),
                                      seed=hash((base, row.article_id, row.reps)) & 0x7FFFFFFF)
            except NotFoundError:
                continue  # the article left the knowledge base
            if q is not None:
                out.append(q)
        return out


# ---- wrong-answer book -------------------------------------------------------------------
class WrongBook:
    """错题本: every missed question with its article; redo it, mastered after
    ``mastery_streak`` right answers in a row (then it leaves the open list)."""

    def __init__(self, records: Records, quiz: QuizService | None = None, *, mastery_streak: int = 2):
        self.records = records
        self.quiz = quiz
        self.mastery_streak = mastery_streak

    def missed(self, user_id: int, question: Question, at: dt.datetime) -> WrongEntry:
        return self.records.wrong_missed(user_id, question, at)

    def hit(self, user_id: int, question_id: str, at: dt.datetime) -> WrongEntry | None:
        return self.records.wrong_hit(user_id, question_id, at, self.mastery_streak)

    def entries(self, user_id: int, *, include_mastered: bool = False) -> list[WrongItem]:
        """Open entries (most missed first), each with its question and article text."""
        rows = self.records.wrong_entries(user_id, include_mastered=include_mastered)
        questions = {q.id: q for q in self.records.get_questions([r.question_id for r in rows])}
        texts = self._article_texts([r.article_id for r in rows])
        return [WrongItem(question=questions[r.question_id], wrong_count=r.wrong_count,
                          right_streak=r.right_streak, added_at=r.added_at, last_wrong_at=r.last_wrong_at,
                          mastered_at=r.mastered_at, article_text=texts.get(r.article_id, ""))
                for r in rows if r.question_id in questions]

    def questions(self, user_id: int, n: int | None = None) -> list[Question]:
        """The open questions to redo, most missed first."""
        items = self.entries(user_id)
        return [it.question for it in (items[:n] if n else items)]

    def remove(self, user_id: int, question_id: str) -> bool:
        return self.records.wrong_remove(user_id, question_id)

    def _article_texts(self, ids: list[int]) -> dict[int, str]:
        if self.quiz is None or not ids:
            return {}
        return {a.id: a.text for a in self.quiz.store.get_articles(ids)}


# ---- sessions ---------------------------------------------------------------------------
class PracticeSession:
    """One question at a time with immediate feedback (practice, review, wrong-book redo)."""

    def __init__(self, service: "LearningService", user: User, attempt_id: int, questions: list[Question],
                 position: int = 0, correct: int = 0):
        self.service = service
        self.user = user
        self.attempt_id = attempt_id
        self.questions = questions
        self.position = position
        self.correct = correct
        self._shown_at = service.clock()

    @property
    def current(self) -> Question | None:
        return self.questions[self.position] if self.position < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.position >= len(self.questions)

    def answer(self, response: Any, *, duration_ms: int | None = None) -> Feedback:
        """Grade the current question, record it, and move on; returns the feedback to show."""
        q = self.current
        if q is None:
            raise XuefaError("本次练习已经结束")
        now = _aware(self.service.clock())
        if duration_ms is None:
            duration_ms = max(0, int((now - self._shown_at).total_seconds() * 1000))
        correct = q.is_correct(response)
        self.service.records.record_answer(
            attempt_id=self.attempt_id, user_id=self.user.id, position=self.position, question=q,
            response=q.normalize_response(response), correct=correct, points=1.0 if correct else 0.0,
            answered_at=now, duration_ms=duration_ms)
        card = self.service.apply_outcome(self.user.id, q, correct, at=now, duration_ms=duration_ms)
        self.position += 1
        self.correct += correct
        self._shown_at = now
        if self.finished:
            self.service.records.finish_attempt(self.attempt_id, now)
        return Feedback(position=self.position - 1, question=q, response=response, correct=correct,
                        answer_text=q.answer_text, explanation=q.explanation,
                        article_text=self.service.article_text(q.article_id), citation=q.citation,
                        remaining=len(self.questions) - self.position, added_to_wrong_book=not correct,
                        next_review=card.due if card else None)

    def finish(self) -> SessionSummary:
        """End early (or confirm the end): the unanswered rest is simply not recorded."""
        self.service.records.finish_attempt(self.attempt_id, _aware(self.service.clock()))
        return SessionSummary(self.attempt_id, len(self.questions), self.position, self.correct)

    @property
    def summary(self) -> SessionSummary:
        return SessionSummary(self.attempt_id, len(self.questions), self.position, self.correct)


class MockExam:
    """A timed paper: answers are stored but not judged until submission; submitting after
    the deadline (or any call once it passed) submits automatically with the answers given
    in time. Scores: ``total_points`` shared equally, 多选 all-or-nothing."""

    def __init__(self, service: "LearningService", user: User, exam: Exam, questions: list[Question],
                 responses: dict[int, Any] | None = None):
        self.service = service
        self.user = user
        self.exam = exam
        self.questions = questions
        self.responses: dict[int, Any] = dict(responses or {})
        self._result: ExamResult | None = None

    @property
    def exam_id(self) -> int:
        return self.exam.id

    @property
    def attempt_id(self) -> int:
        return self.exam.attempt_id

    @property
    def deadline(self) -> dt.datetime:
        return self.exam.deadline

    @property
    def points_each(self) -> float:
        return self.exam.total_points / len(self.questions) if self.questions else 0.0

    @property
    def submitted(self) -> bool:
        return self.exam.submitted_at is not None

    def remaining(self) -> dt.timedelta:
        left = self.exam.deadline - _aware(self.service.clock())
        return max(left, dt.timedelta(0))

    def expired(self) -> bool:
        return _aware(self.service.clock()) >= self.exam.deadline

    def answer(self, position: int, response: Any) -> bool:
        """Record (or change) an answer. False, and the exam is submitted, when time is over."""
        if self.submitted or self.check_time() is not None:
            return False
        if not 0 <= position < len(self.questions):
            raise XuefaError(f"没有第 {position + 1} 题")
        q = self.questions[position]
        now = _aware(self.service.clock())
        correct = q.is_correct(response)
        self.service.records.record_answer(
            attempt_id=self.attempt_id, user_id=self.user.id, position=position, question=q,
            response=q.normalize_response(response), correct=correct,
            points=self.points_each if correct else 0.0, answered_at=now)
        self.responses[position] = q.normalize_response(response)
        return True

    def check_time(self) -> ExamResult | None:
        """Submit automatically once the time is over (a UI calls this on its timer)."""
        if not self.submitted and self.expired():
            return self.submit()
        return None

    def submit(self) -> ExamResult:
        """Score the paper, then record misses and FSRS ratings. Idempotent."""
        if self._result is not None:
            return self._result
        if self.submitted:
            self._result = self._build_result()
            return self._result
        now = _aware(self.service.clock())
        auto = now >= self.exam.deadline
        submitted_at = min(now, self.exam.deadline)
        answers = {a.position: a for a in self.service.records.answers_of(self.attempt_id)}
        score = round(sum(a.points for a in answers.values() if a.correct), 2)
        passed = score >= self.exam.pass_mark
        self.exam = self.service.records.submit_exam(self.exam_id, submitted_at=submitted_at, score=score,
                                                     passed=passed, auto_submitted=auto)
        self.service.records.finish_attempt(self.attempt_id, submitted_at)
        for i, q in enumerate(self.questions):
            a = answers.get(i)
            correct = bool(a and a.correct)
            self.service.apply_outcome(self.user.id, q, correct, at=a.answered_at if a else submitted_at,
                                       duration_ms=None)
        self._result = self._build_result()
        return self._result

    @property
    def result(self) -> ExamResult | None:
        return self._result

    def _build_result(self) -> ExamResult:
        answers = {a.position: a for a in self.service.records.answers_of(self.attempt_id)}
        items = []
        for i, q in enumerate(self.questions):
            a = answers.get(i)
            items.append(QuestionReview(position=i, question=q, response=a.response if a else None,
                                        correct=bool(a and a.correct), points=a.points if a and a.correct else 0.0))
        e = self.exam
        return ExamResult(exam_id=e.id, attempt_id=e.attempt_id, score=e.score or 0.0, total_points=e.total_points,
                          pass_mark=e.pass_mark, passed=bool(e.passed), correct=sum(it.correct for it in items),
                          total=len(items), time_used=(e.submitted_at or e.deadline) - e.started_at,
                          time_limit=dt.timedelta(seconds=e.time_limit_s), auto_submitted=e.auto_submitted,
                          items=items)


# ---- stats -------------------------------------------------------------------------------
class Stats:
    """Per-user figures: accuracy per day, mastery per law and chapter, due counts, exams."""

    def __init__(self, records: Records, review: Review):
        self.records = records
        self.review = review

    def for_user(self, user: User, *, now: dt.datetime | None = None) -> UserStats:
        now = _aware(now or self.review.clock())
        tz = self.review.tz
        answers = self.records.answers_of_user(user.id)
        days: dict[dt.date, list[int]] = {}
        for a in answers:
            d = a.answered_at.astimezone(tz).date()
            days.setdefault(d, [0, 0])
            days[d][0] += 1
            days[d][1] += a.correct
        cards = self.records.cards_of(user.id)
        by_law = self._mastery(answers, cards, now, chapter=False)
        by_chapter = self._mastery(answers, cards, now, chapter=True)
        exams = [ExamScore(exam_id=e.id, started_at=e.started_at, score=e.score, passed=e.passed,
                           time_used=(e.submitted_at - e.started_at) if e.submitted_at else None,
                           auto_submitted=e.auto_submitted) for e in self.records.exams_of(user.id)]
        return UserStats(user=user.name, answered=len(answers), correct=sum(a.correct for a in answers),
                         daily=[DayAccuracy(d, v[0], v[1]) for d, v in sorted(days.items())],
                         by_law=by_law, by_chapter=by_chapter,
                         due_now=sum(c.due <= now for c in cards),
                         due_today=sum(c.due <= self.review.end_of_day(now) for c in cards),
                         cards=len(cards), wrong_open=len(self.records.wrong_entries(user.id)), exams=exams)

    def _mastery(self, answers, cards: list[ReviewCard], now: dt.datetime, *, chapter: bool) -> list[Mastery]:
        groups: dict[tuple[str, str], dict] = {}

        def group(law: str, chap: str) -> dict:
            key = (law, chap if chapter else "")
            return groups.setdefault(key, {"answered": 0, "correct": 0, "cards": 0, "mastered": 0, "r": []})

        for a in answers:
            g = group(a.law, a.chapter)
            g["answered"] += 1
            g["correct"] += a.correct
        for c in cards:
            g = group(c.law, c.chapter)
            card = Card.from_dict(c.card)
            r = self.review.scheduler.get_card_retrievability(card, current_datetime=now)
            g["cards"] += 1
            g["r"].append(r)
            g["mastered"] += (card.state == State.Review and (card.stability or 0) >= MATURE_STABILITY_DAYS
                              and r >= 0.9)
        return [Mastery(law=law, chapter=chap, answered=g["answered"], correct=g["correct"],
                        articles_studied=g["cards"], articles_mastered=g["mastered"],
                        mean_retrievability=sum(g["r"]) / len(g["r"]) if g["r"] else 0.0)
                for (law, chap), g in sorted(groups.items())]


# ---- façade -------------------------------------------------------------------------------
class LearningService:
    """Entry point for the CLI and the web app: users, sessions, wrong book, review, stats."""

    def __init__(self, records: Records, quiz: QuizService, *, scheduler: Scheduler | None = None,
                 clock: Clock = utcnow, tz: dt.tzinfo | None = None, mastery_streak: int = 2,
                 easy_ms: int | None = None):
        self.records = records
        self.quiz = quiz
        self.clock = clock
        self.review = Review(records, quiz, scheduler=scheduler, clock=clock, easy_ms=easy_ms, tz=tz)
        self.wrong_book = WrongBook(records, quiz, mastery_streak=mastery_streak)
        self.stats = Stats(records, self.review)

    # users
    def user(self, name: str, role: str = "staff") -> User:
        """The user called ``name`` (created on first use)."""
        return self.records.ensure_user(name, role)

    # the one outcome path
    def apply_outcome(self, user_id: int, question: Question, correct: bool, *, at: dt.datetime,
                      duration_ms: int | None) -> ReviewCard:
        if correct:
            self.wrong_book.hit(user_id, question.id, at)
        else:
            self.wrong_book.missed(user_id, question, at)
        return self.review.rate(user_id, question, correct, at=at, duration_ms=duration_ms)

    def article_text(self, article_id: int) -> str:
        try:
            return self.quiz.store.get_article(article_id).text
        except NotFoundError:
            return ""

    # practice
    def start_practice(self, user: User | str, questions: list[Question], *, mode: str = "practice",
                       scope: dict | None = None, seed: int | None = None) -> PracticeSession:
        """A practice session over ``questions`` (mode: practice / review / wrong)."""
        if not questions:
            raise XuefaError("没有可练习的题目")
        user = self.user(user) if isinstance(user, str) else user
        attempt = self.records.start_attempt(user.id, mode, questions, started_at=_aware(self.clock()),
                                             scope=scope, seed=seed)
        return PracticeSession(self, user, attempt.id, questions)

    def resume_practice(self, attempt_id: int) -> PracticeSession:
        """Continue a practice after a restart (web app reload): next unanswered question."""
        attempt = self.records.get_attempt(attempt_id)
        questions = self.records.get_questions(attempt.question_ids)
        answers = self.records.answers_of(attempt_id)
        return PracticeSession(self, self.records.user_by_id(attempt.user_id), attempt_id, questions,
                               position=len(answers), correct=sum(a.correct for a in answers))

    # exams
    def start_exam(self, user: User | str, questions: list[Question], *, time_limit_minutes: float = 60,
                   pass_mark: float = 60, total_points: float = 100, config: dict | None = None) -> MockExam:
        """A timed mock exam (defaults as the yearly exam: 100 points, pass at 60)."""
        if not questions:
            raise XuefaError("试卷没有题目")
        if time_limit_minutes <= 0:
            raise XuefaError("考试时长必须大于 0")
        user = self.user(user) if isinstance(user, str) else user
        now = _aware(self.clock())
        attempt = self.records.start_attempt(user.id, "exam", questions, started_at=now, scope=config,
                                             seed=(config or {}).get("seed"))
        exam = self.records.create_exam(attempt_id=attempt.id, user_id=user.id, config=config or {},
                                        time_limit_s=int(round(time_limit_minutes * 60)), pass_mark=pass_mark,
                                        total_points=total_points, started_at=now)
        return MockExam(self, user, exam, questions)

    def resume_exam(self, exam_id: int) -> MockExam:
        """The exam as stored (answers so far); submitted automatically if its time is over."""
        exam = self.records.get_exam(exam_id)
        attempt = self.records.get_attempt(exam.attempt_id)
        questions = self.records.get_questions(attempt.question_ids)
        responses = {a.position: a.response for a in self.records.answers_of(attempt.id)}
        mock = MockExam(self, self.records.user_by_id(exam.user_id), exam, questions, responses)
        mock.check_time()
        return mock

    def submit_overdue_exams(self) -> list[ExamResult]:
        """Submit every open exam whose time is over (e.g. the browser was closed)."""
        now = _aware(self.clock())
        return [self.resume_exam(e.id).result for e in self.records.open_exams() if e.deadline <= now]
