"""Scheduling quality of the daily study session (每日一学): simulated learners study a study
list (学法清单) for ``--days`` days (default 90) with the deadline at the end, under three
strategies with the same daily budget, and the benchmark reports what each one leaves in memory
at the deadline.

Strategies (``--items-per-day`` N items on each study day, at most ``--minutes-cap`` minutes):

- ``xuefa``: the app's rule. Each study day ``assistant.study.daily_plan.plan_session`` (the very
  function the app runs) picks from the FSRS-due articles (due by the end of the day; when more
  are due than fit, highest recall probability first), the unstudied articles in list order (at
  the pace the deadline needs, ``assistant.study.progress.expected_study_days``), the open
  wrong-answer book, and fills free places with studied articles weakest at the deadline. Every answer is
  rated on an FSRS card by ``assistant.learning.review.default_scheduler()`` as ``Review.rate``
  does (Again on a miss, Good on a hit); a miss also puts the article into the wrong-answer book,
  which it leaves after 2 right answers in a row (``WrongBook``'s mastery streak). The scheduler
  sees only the simulated answers, never the hidden memory. A session is chosen once a day; a
  missed article (due again in 10 minutes) comes back on the next study day.
- ``in-order``: N articles a day in list order, starting again from the top when done; no reviews.
- ``random-review``: new articles (in list order) for half the budget (rounded up) while any
  remain, the rest random articles studied on earlier days (more new ones if too few were studied).
- ``xuefa-v0`` (marked *): the app's first rule, kept for comparison — ``choose_items`` alone
  (due reviews most overdue first, two places for new articles, free places left empty). The
  first run of this benchmark showed it tied random review (the backlog of due reviews crowded
  out the list); the changes in ``plan_session`` came from that run.

Every strategy does the same thing with an article, so they differ only in which articles come on
which day: an article not seen before is read, then asked one question; an article seen before
is asked one question first (a retrieval attempt), then its text and the explanation are shown.

Memory model — independent of FSRS, so the benchmark does not grade FSRS against itself: each
learner x article has a hidden trace with exponential forgetting p(recall) = exp(-t / S), t the
days since the article was last seen (FSRS assumes a power curve and other parameters).

- First reading: S = S0 x article factor x learner factor (S0 = ``--s0``, 1.5 days). The article
  factor is (median length / length)^0.25 times log-normal noise (sigma 0.3): long articles are
  forgotten faster. Learner factors are log-normal (sigma 0.25).
- A question: the learner recalls with probability p; answers right if recalled, else guesses
  right with probability 0.25 (four options).
- Recalled: S is multiplied by 1 + a x learner factor x (1 - p) x S^(-b), b = 0.3: the spacing
  effect — retrieving a half-forgotten article helps more than one just seen, and strong memories
  grow more slowly (the shape of Wozniak's stability increase). a = 17 (``--gain-a``) makes the
  gain 2.5 at p = 0.9 for a fresh memory (S = S0), the interval growth of SM-2.
- Not recalled: S falls to max(S after first reading, S x 0.5) — a lapse resets part of it.
- Either way the text is then shown, so the trace restarts at t = 0.

Time: reading a new article takes 0.3 + length / 200 minutes (characters of the verbatim text
from the bundled statutes), a question 0.5 min, the text shown after a question a quarter of the
reading time. A session stops before the item that would pass the minute cap. People never study
on weekends and on a working day with a probability drawn per person (0.5 to 0.9, mean 0.7).
All strategies see the same learners, articles and study days; answers are drawn from a random
stream per (seed, learner, strategy), and the FSRS fuzz (which uses the global ``random``) is
seeded per learner, so a run is deterministic for a seed.

Reported per strategy at the deadline (the start of day ``--days``): mean recall probability over
all list articles (never studied counts 0), the share of articles recalled with p >= 0.9, the
mean recall over the articles studied, coverage (articles ever studied), minutes (total per
person and per study day), items per study day, the share of right answers on articles seen
before, the FSRS-due articles at the start of a session (xuefa), and paired differences with a
95% interval over learners. Sensitivity rows rerun with
N = 5 and 12, faster and slower forgetting, a weaker spacing gain and a 40-article list.

    python benchmarks/study_sim.py [--days 90] [--learners 120] [--items-per-day 8] [--seed 1]
                                   [--laws 网络安全法,保守国家秘密法 | --articles 150]
                                   [--minutes-cap 25] [--s0 1.5] [--gain-a 17] [--min-new 2]
                                   [--strategies xuefa,in-order,...] [--no-sensitivity]
                                   [--json out.json]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fsrs import Card, Rating  # noqa: E402

from assistant.learning.review import default_scheduler  # noqa: E402
from assistant.study import daily_plan, progress  # noqa: E402

UTC = dt.timezone.utc
START = dt.date(2026, 3, 2)  # a Monday: day 0
SESSION_HOUR = 9
DEFAULT_LAWS = ("网络安全法", "保守国家秘密法")
WRONG_MASTERY_STREAK = 2  # WrongBook's default
STRATEGIES = ("xuefa", "in-order", "random-review")
REFERENCE = ("xuefa-v0",)  # the app's first rule, shown for comparison


@dataclass(frozen=True)
class Config:
    days: int = 90
    learners: int = 120
    items_per_day: int = 8
    seed: int = 1
    minutes_cap: float = 25.0
    min_new: int = 2  # passed to choose_items
    list_size: int | None = None  # study only the first articles of the list
    # memory model
    s0: float = 1.5  # days
    gain_a: float = 17.0  # SM-2's 2.5x interval growth at p = 0.9 for a fresh memory (S = S0)
    gain_b: float = 0.3
    lapse_keep: float = 0.5
    guess: float = 0.25
    # time model, minutes
    question_min: float = 0.5
    read_base_min: float = 0.3
    chars_per_min: float = 200.0
    # attendance: probability of studying on a working day, uniform per person
    attend_low: float = 0.5
    attend_high: float = 0.9


@dataclass(frozen=True)
class Article:
    index: int  # position in the list
    length: int  # characters
    factor: float  # multiplies the stability after first reading


@dataclass(frozen=True)
class Learner:
    index: int
    rate: float  # learning-rate factor
    study_days: tuple[int, ...]


@dataclass(frozen=True)
class Event:
    day: int
    source: str  # new | review | wrong (xuefa); new | again (in-order); new | review (random-review)
    article: int
    minutes: float
    correct: bool


@dataclass
class LearnerRun:
    learner: int
    strategy: str
    events: list[Event]
    recall: list[float]  # per list article at the deadline
    studied: set[int]
    due_counts: list[int]  # FSRS-due articles at the start of each session (xuefa rules)


# ---- the list, the learners -----------------------------------------------------------------
def real_lengths(laws: Sequence[str]) -> list[int]:
    """Lengths of the articles of ``laws`` (bundled statutes, verbatim text), in list order."""
    from ingest.statute_source import StatuteSource
    from knowledge.legal.law_names import LawNameResolver

    source = StatuteSource()
    chosen = source.select()
    resolver = LawNameResolver(law.title for law in chosen)
    lengths: list[int] = []
    for name in laws:
        title = resolver.resolve(name)
        law = next((x for x in chosen if x.title == title), None)
        if law is None:
            raise SystemExit(f"law not in the bundled statutes: {name}")
        doc = source.to_document(law, is_current=True)
        lengths += [len(a.text) for a in doc.articles if a.kind == "article"]
    return lengths


def synthetic_lengths(k: int, seed: int) -> list[int]:
    """``k`` article lengths, log-normal around 110 characters (the bundled laws' median)."""
    rng = random.Random(f"{seed}:lengths")
    return [max(16, round(110 * math.exp(rng.gauss(0, 0.6)))) for _ in range(k)]


def make_articles(lengths: Sequence[int], seed: int) -> list[Article]:
    rng = random.Random(f"{seed}:articles")
    median = statistics.median(lengths)
    return [Article(i, n, (median / n) ** 0.25 * math.exp(rng.gauss(0, 0.3))) for i, n in enumerate(lengths)]


def make_learners(cfg: Config) -> list[Learner]:
    rng = random.Random(f"{cfg.seed}:learners")
    out = []
    for i in range(cfg.learners):
        rate = math.exp(rng.gauss(0, 0.25))
        attend = rng.uniform(cfg.attend_low, cfg.attend_high)
        days = tuple(d for d in range(cfg.days)
                     if (START + dt.timedelta(days=d)).weekday() < 5 and rng.random() < attend)
        out.append(Learner(i, rate, days))
    return out


# ---- hidden memory (independent of FSRS) ----------------------------------------------------
@dataclass
class Trace:
    s: float  # stability, days
    seen: float  # when last seen, days since day 0
    s_first: float  # stability after the first reading

    def p(self, now: float) -> float:
        return math.exp(-max(0.0, now - self.seen) / self.s)


def first_reading(cfg: Config, article: Article, learner: Learner, now: float) -> Trace:
    s = cfg.s0 * article.factor * learner.rate
    return Trace(s, now, s)


def ask(cfg: Config, trace: Trace, learner: Learner, now: float, rng: random.Random) -> bool:
    """One question from memory; updates the trace; True when answered right."""
    p = trace.p(now)
    recalled = rng.random() < p
    correct = recalled or rng.random() < cfg.guess
    if recalled:
        trace.s *= 1 + cfg.gain_a * learner.rate * (1 - p) * trace.s ** -cfg.gain_b
    else:
        trace.s = max(trace.s_first, trace.s * cfg.lapse_keep)
    trace.seen = now  # the text and explanation are shown after the answer
    return correct


def read_minutes(cfg: Config, article: Article) -> float:
    return cfg.read_base_min + article.length / cfg.chars_per_min


def item_minutes(cfg: Config, article: Article, first: bool) -> float:
    reading = read_minutes(cfg, article)
    return cfg.question_min + (reading if first else reading / 4)


def clock(day_time: float) -> dt.datetime:
    return dt.datetime.combine(START, dt.time(), tzinfo=UTC) + dt.timedelta(days=day_time)


# ---- strategies -----------------------------------------------------------------------------
class Xuefa:
    """The app's daily rule: choose_items over FSRS due dates, the list and the wrong book."""

    def __init__(self, cfg: Config, k: int, rng: random.Random):
        self.cfg, self.k = cfg, k
        self.scheduler = default_scheduler()
        self.cards: dict[int, Card] = {}
        self.wrong: dict[int, list] = {}  # article -> [misses, last miss, right streak]
        self.studied: set[int] = set()
        self.due_counts: list[int] = []
        self.study_dates: list[dt.date] = []

    def choose(self, day: int) -> list[tuple[str, int]]:
        today = START + dt.timedelta(days=day)
        deadline_day = START + dt.timedelta(days=self.cfg.days - 1)
        days_left = progress.expected_study_days(deadline_day, today, self.study_dates)
        self.study_dates.append(today)  # choose runs on study days only
        due, new, wrong = self.sources(day)
        deadline = clock(self.cfg.days - 1 + 18 / 24)  # as the app: 18:00 on the deadline
        recall = self.scheduler.get_card_retrievability
        ahead = [(a, recall(c, current_datetime=deadline)) for a, c in self.cards.items()
                 if a not in {d for d, _ in due}]
        return daily_plan.plan_session(due=due, new=new, wrong=wrong, ahead=ahead, limit=self.cfg.items_per_day,
                                       min_new=self.cfg.min_new, study_days_left=days_left)

    def sources(self, day: int) -> tuple[list[tuple[int, float]], list[int], list[int]]:
        """(due with recall probability now, new, wrong) as the app lists them on ``day``."""
        end = clock(day + 1) - dt.timedelta(microseconds=1)  # the app's end_of_day
        now = clock(day + SESSION_HOUR / 24)
        recall = self.scheduler.get_card_retrievability
        due = [(a, recall(c, current_datetime=now))
               for a, c in sorted(self.cards.items(), key=lambda ac: (ac[1].due, ac[0])) if c.due <= end]
        self.due_counts.append(len(due))
        new = [a for a in range(self.k) if a not in self.studied]
        open_wrong = [a for a, w in self.wrong.items() if w[2] < WRONG_MASTERY_STREAK]
        wrong = sorted(open_wrong, key=lambda a: (-self.wrong[a][0], self.wrong[a][1]))
        return due, new, wrong

    def answered(self, article: int, correct: bool, at: dt.datetime) -> None:
        self.studied.add(article)
        card = self.cards.get(article) or Card(card_id=article + 1, due=at)
        if card.last_review is not None and at < card.last_review:
            at = card.last_review
        rating = Rating.Good if correct else Rating.Again
        self.cards[article], _ = self.scheduler.review_card(card, rating, review_datetime=at)
        entry = self.wrong.get(article)
        if not correct:
            self.wrong[article] = [(entry[0] if entry else 0) + 1, at, 0]
        elif entry is not None:
            entry[2] += 1


class XuefaV0(Xuefa):
    """The app's first rule, kept as a reference: ``choose_items`` alone — due reviews most
    overdue first, two places kept for new articles, nothing fills places left empty."""

    def choose(self, day: int) -> list[tuple[str, int]]:
        due, new, wrong = self.sources(day)
        return daily_plan.choose_items([a for a, _ in due], new, wrong, self.cfg.items_per_day,
                                       min_new=self.cfg.min_new)


def working_days(first: int, end: int) -> int:
    return sum((START + dt.timedelta(days=d)).weekday() < 5 for d in range(first, end))


class InOrder:
    """The list in order, N a day, from the top again when done; no reviews."""

    def __init__(self, cfg: Config, k: int, rng: random.Random):
        self.cfg, self.k = cfg, k
        self.next = 0  # items done so far (position = next % k)
        self.studied: set[int] = set()

    def choose(self, day: int) -> list[tuple[str, int]]:
        ids = [(self.next + i) % self.k for i in range(min(self.cfg.items_per_day, self.k))]
        return [("again" if a in self.studied else "new", a) for a in ids]

    def answered(self, article: int, correct: bool, at: dt.datetime) -> None:
        self.studied.add(article)
        self.next += 1


class RandomReview:
    """New articles for half the budget while any remain, the rest random earlier ones."""

    def __init__(self, cfg: Config, k: int, rng: random.Random):
        self.cfg, self.k, self.rng = cfg, k, rng
        self.studied: set[int] = set()

    def choose(self, day: int) -> list[tuple[str, int]]:
        n = self.cfg.items_per_day
        new = [a for a in range(self.k) if a not in self.studied]
        first = new[:(n + 1) // 2]
        earlier = sorted(self.studied)
        reviews = self.rng.sample(earlier, min(n - len(first), len(earlier)))
        more = new[len(first):len(first) + n - len(first) - len(reviews)]  # too few earlier ones
        return [("new", a) for a in first + more] + [("review", a) for a in reviews]

    def answered(self, article: int, correct: bool, at: dt.datetime) -> None:
        self.studied.add(article)


STRATEGY_CLASSES: dict[str, Callable] = {
    "xuefa": Xuefa, "in-order": InOrder, "random-review": RandomReview,
    "xuefa-v0": XuefaV0,
}


# ---- one learner, one strategy --------------------------------------------------------------
def run_learner(cfg: Config, articles: list[Article], learner: Learner, strategy: str) -> LearnerRun:
    rng = random.Random(f"{cfg.seed}:answers:{learner.index}:{strategy}")
    random.seed(f"{cfg.seed}:fsrs-fuzz:{learner.index}")  # fsrs fuzzes with the global random
    plan = STRATEGY_CLASSES[strategy](cfg, len(articles), random.Random(f"{cfg.seed}:pick:{learner.index}"))
    memory: dict[int, Trace] = {}
    events: list[Event] = []
    for day in learner.study_days:
        events += study_day(cfg, articles, learner, day, plan, memory, rng)
    deadline = float(cfg.days)
    recall = [memory[a].p(deadline) if a in memory else 0.0 for a in range(len(articles))]
    return LearnerRun(learner.index, strategy, events, recall, set(memory), getattr(plan, "due_counts", []))


def study_day(cfg: Config, articles: list[Article], learner: Learner, day: int, plan,
              memory: dict[int, Trace], rng: random.Random) -> list[Event]:
    """One session: the plan's items in order until the minute cap."""
    minutes, events = 0.0, []
    for source, a in plan.choose(day):
        art = articles[a]
        first = a not in memory
        cost = item_minutes(cfg, art, first)
        if minutes + cost > cfg.minutes_cap:
            break
        now = day + SESSION_HOUR / 24 + minutes / 1440
        if first:
            memory[a] = first_reading(cfg, art, learner, now)
            now += read_minutes(cfg, art) / 1440
        correct = ask(cfg, memory[a], learner, now, rng)
        plan.answered(a, correct, clock(now))
        minutes += cost
        events.append(Event(day, source, a, cost, correct))
    return events


# ---- figures --------------------------------------------------------------------------------
@dataclass
class Summary:
    strategy: str
    retention: float  # mean recall probability over list articles at the deadline
    share_090: float  # share of list articles with p >= 0.9
    recall_studied: float  # mean recall over the articles studied
    coverage: float  # share of list articles ever studied
    minutes_total: float  # per learner, whole period
    minutes_per_day: float  # per study day
    items_per_day: float
    hit_rate_seen: float  # right answers on articles seen before
    due_per_day: float | None  # FSRS-due articles at the start of a session (None: no FSRS)
    per_learner: list[float] = field(default_factory=list, repr=False)  # retention of each learner


def summarize(strategy: str, runs: list[LearnerRun], k: int) -> Summary:
    per_learner = [sum(r.recall) / k for r in runs]
    studied = [p for r in runs for a, p in enumerate(r.recall) if a in r.studied]
    days = sum(len({e.day for e in r.events}) for r in runs)
    minutes = sum(e.minutes for r in runs for e in r.events)
    seen = [e.correct for r in runs for e in r.events if e.source != "new"]
    dues = [n for r in runs for n in r.due_counts]
    return Summary(
        strategy=strategy,
        retention=statistics.fmean(per_learner),
        share_090=statistics.fmean(sum(p >= 0.9 for p in r.recall) / k for r in runs),
        recall_studied=statistics.fmean(studied) if studied else 0.0,
        coverage=statistics.fmean(len(r.studied) / k for r in runs),
        minutes_total=minutes / len(runs),
        minutes_per_day=minutes / max(days, 1),
        items_per_day=sum(len(r.events) for r in runs) / max(days, 1),
        hit_rate_seen=statistics.fmean(seen) if seen else 0.0,
        due_per_day=statistics.fmean(dues) if dues else None,
        per_learner=per_learner,
    )


def paired_diff(a: Summary, b: Summary) -> tuple[float, float]:
    """Mean of a - b over learners and the half-width of its 95% interval."""
    d = [x - y for x, y in zip(a.per_learner, b.per_learner)]
    half = 1.96 * statistics.stdev(d) / math.sqrt(len(d)) if len(d) > 1 else float("nan")
    return statistics.fmean(d), half


def simulate(cfg: Config, lengths: Sequence[int], strategies: Sequence[str] = STRATEGIES
             ) -> dict[str, tuple[Summary, list[LearnerRun]]]:
    articles = make_articles(lengths[:cfg.list_size], cfg.seed)
    learners = make_learners(cfg)
    out = {}
    for name in strategies:
        runs = [run_learner(cfg, articles, lr, name) for lr in learners]
        out[name] = (summarize(name, runs, len(articles)), runs)
    return out


def table(title: str, summaries: list[Summary]) -> str:
    head = (f"{'strategy':<18} {'retention':>9} {'p>=0.9':>7} {'p|studied':>9} {'coverage':>8} "
            f"{'min total':>9} {'min/day':>7} {'items/day':>9} {'hits|seen':>9} {'due/day':>7}")
    lines = [f"\n{title}", head, "-" * len(head)]
    for s in summaries:
        name = s.strategy + (" *" if s.strategy not in STRATEGIES else "")
        lines.append(f"{name:<18} {s.retention * 100:8.1f}% {s.share_090 * 100:6.1f}% "
                     f"{s.recall_studied * 100:8.1f}% {s.coverage * 100:7.1f}% {s.minutes_total:9.0f} "
                     f"{s.minutes_per_day:7.1f} {s.items_per_day:9.2f} {s.hit_rate_seen * 100:8.1f}% "
                     + (f"{s.due_per_day:7.1f}" if s.due_per_day is not None else f"{'-':>7}"))
    by = {s.strategy: s for s in summaries}
    pairs = [("xuefa", n) for n in STRATEGIES if n != "xuefa"] + [(p, "xuefa") for p in by if p not in STRATEGIES]
    for a, b in pairs:
        if a in by and b in by:
            mean, half = paired_diff(by[a], by[b])
            lines.append(f"  {a} - {b}: retention {mean * 100:+.1f} pp (95% CI ±{half * 100:.1f})")
    return "\n".join(lines)


def sensitivity(cfg: Config) -> list[tuple[str, Config]]:
    return [(f"main: items-per-day {cfg.items_per_day}, S0 {cfg.s0:g} days, gain a {cfg.gain_a:g}", cfg),
            ("items-per-day 5", replace(cfg, items_per_day=5)),
            ("items-per-day 12", replace(cfg, items_per_day=12)),
            (f"harsher forgetting: S0 {cfg.s0 / 2:g} days", replace(cfg, s0=cfg.s0 / 2)),
            (f"milder forgetting: S0 {cfg.s0 * 2:g} days", replace(cfg, s0=cfg.s0 * 2)),
            (f"slow forgetting: S0 {cfg.s0 * 8:g} days", replace(cfg, s0=cfg.s0 * 8)),
            (f"weak spacing gain: a {cfg.gain_a / 3:.3g}", replace(cfg, gain_a=cfg.gain_a / 3)),
            ("short list: the first 40 articles", replace(cfg, list_size=40)),
            (f"short list, slow forgetting: 40 articles, S0 {cfg.s0 * 8:g} days",
             replace(cfg, list_size=40, s0=cfg.s0 * 8))]


def describe(cfg: Config, what: str) -> str:
    return "\n".join([
        f"study list: {what}; {cfg.learners} learners, {cfg.days} days (deadline = start of day {cfg.days}), "
        f"seed {cfg.seed}, at most {cfg.items_per_day} items and {cfg.minutes_cap:g} minutes a study day",
        "memory model (hidden, independent of FSRS): p(recall) = exp(-t/S); first reading S = "
        f"{cfg.s0:g} d x article x learner factor; recalled: S x (1 + {cfg.gain_a:g}·rate·(1-p)·S^-{cfg.gain_b:g}); "
        f"lapse: S -> max(S_first, {cfg.lapse_keep:g}·S); right answer = recalled or guess ({cfg.guess:g})",
        "xuefa = assistant.study.daily_plan.plan_session + FSRS default_scheduler() fed only the answers; "
        "* xuefa-v0 = the app's first rule (choose_items alone: most overdue first, 2 places for new articles)",
        "hits|seen = share of right answers on articles seen before; "
        "due/day = FSRS-due articles at the start of a session (the queue choose_items draws reviews from)"])


def main() -> int:
    args = parse_args()
    cfg = Config(days=args.days, learners=args.learners, items_per_day=args.items_per_day, seed=args.seed,
                 minutes_cap=args.minutes_cap, s0=args.s0, gain_a=args.gain_a, min_new=args.min_new)
    if args.articles:
        lengths, what = synthetic_lengths(args.articles, args.seed), f"{args.articles} synthetic articles"
    else:
        laws = [x for x in args.laws.split(",") if x]
        lengths = real_lengths(laws)
        what = f"{'+'.join(laws)}: {len(lengths)} articles, real lengths"
    print(describe(cfg, what))
    runs = sensitivity(cfg) if not args.no_sensitivity else sensitivity(cfg)[:1]
    strategies = [x for x in args.strategies.split(",") if x]
    unknown = [x for x in strategies if x not in STRATEGY_CLASSES]
    if unknown:
        raise SystemExit(f"unknown strategies {unknown}; known: {', '.join(STRATEGY_CLASSES)}")
    report = []
    t0 = time.perf_counter()
    for title, c in runs:
        summaries = [s for s, _ in simulate(c, lengths, strategies).values()]
        print(table(title, summaries))
        report.append({"title": title, "config": asdict(c),
                       "strategies": [{k: v for k, v in asdict(s).items() if k != "per_learner"} for s in summaries]})
    print(f"\n{time.perf_counter() - t0:.1f}s")
    if args.json:
        args.json.write_text(json.dumps({"list": what, "runs": report}, ensure_ascii=False, indent=1))
    return 0


def parse_args() -> argparse.Namespace:
    d = Config()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=d.days, help="days until the deadline")
    parser.add_argument("--learners", type=int, default=d.learners)
    parser.add_argument("--items-per-day", type=int, default=d.items_per_day)
    parser.add_argument("--seed", type=int, default=d.seed)
    parser.add_argument("--laws", default=",".join(DEFAULT_LAWS), help="the study list: bundled laws, comma-separated")
    parser.add_argument("--articles", type=int, help="instead of --laws: K synthetic articles")
    parser.add_argument("--minutes-cap", type=float, default=d.minutes_cap, help="minutes per session at most")
    parser.add_argument("--s0", type=float, default=d.s0, help="stability after the first reading, days")
    parser.add_argument("--gain-a", type=float, default=d.gain_a, help="spacing gain factor of the memory model")
    parser.add_argument("--min-new", type=int, default=d.min_new, help="choose_items' min_new")
    parser.add_argument("--no-sensitivity", action="store_true", help="only the main configuration")
    parser.add_argument("--strategies", default=",".join(STRATEGIES + REFERENCE),
                        help="comma-separated: xuefa, in-order, random-review, xuefa-v0 (the app's first rule)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
