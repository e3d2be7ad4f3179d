"""The scheduling benchmark (benchmarks/study_sim.py) on a small configuration: what must hold
by construction — the daily budget, in-order coverage, xuefa asking only studied articles and
running the app's choose_items, determinism — not the benchmark's result figures."""
from __future__ import annotations

import importlib.util
import math
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.study import daily_plan

ROOT = Path(__file__).resolve().parents[2]
ALL = ("xuefa", "in-order", "random-review", "xuefa-v0")


@pytest.fixture(scope="module")
def sim():
    spec = importlib.util.spec_from_file_location("study_sim", ROOT / "benchmarks" / "study_sim.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["study_sim"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lengths(sim):
    """Article lengths of 网络安全法 + 保守国家秘密法 from the bundled statutes."""
    return sim.real_lengths(sim.DEFAULT_LAWS)


@pytest.fixture(scope="module")
def small(sim):
    return sim.Config(days=30, learners=5, items_per_day=8, seed=3)


@pytest.fixture(scope="module")
def runs(sim, small, lengths):
    return sim.simulate(small, lengths, ALL)


def by_day(events):
    days = defaultdict(list)
    for e in events:
        days[e.day].append(e)
    return days


def test_the_list_is_the_real_laws(lengths):
    assert len(lengths) == 146  # 网络安全法 81 + 保守国家秘密法 65 articles
    assert min(lengths) > 0


@pytest.mark.parametrize("items, cap", [(8, 25.0), (12, 9.0)])  # the second: the minute cap binds
def test_daily_budget_never_exceeded(sim, small, lengths, items, cap):
    cfg = replace(small, items_per_day=items, minutes_cap=cap)
    learners = {lr.index: lr for lr in sim.make_learners(cfg)}
    for _summary, learner_runs in sim.simulate(cfg, lengths, ALL).values():
        for run in learner_runs:
            for day, events in by_day(run.events).items():
                assert day in learners[run.learner].study_days
                assert len(events) <= items
                assert sum(e.minutes for e in events) <= cap + 1e-9
                assert len({e.article for e in events}) == len(events)  # an article once a day


def test_no_study_on_weekends(sim, small):
    for learner in sim.make_learners(small):
        assert all((sim.START.toordinal() + d) % 7 not in (6, 0) for d in learner.study_days)  # Sat, Sun


def test_in_order_coverage_is_items_times_days(sim, small, lengths):
    roomy = replace(small, minutes_cap=1e9)
    learners = {lr.index: lr for lr in sim.make_learners(roomy)}
    for size in (None, 20):  # the whole list, and a short one that starts again from the top
        cfg = replace(roomy, list_size=size)
        k = size or len(lengths)
        (_summary, learner_runs), = sim.simulate(cfg, lengths, ("in-order",)).values()
        for run in learner_runs:
            done = cfg.items_per_day * len(learners[run.learner].study_days)
            assert len(run.studied) == min(k, done)
            assert [e.article for e in run.events] == [i % k for i in range(done)]
            assert all(e.source == ("new" if i < k else "again") for i, e in enumerate(run.events))


def test_xuefa_asks_only_articles_studied_before(runs):
    for name in ALL:
        if not name.startswith("xuefa"):
            continue
        for run in runs[name][1]:
            seen: set[int] = set()
            for e in run.events:
                if e.source == "new":
                    assert e.article not in seen
                else:
                    assert e.source in ("review", "wrong", "ahead")
                    assert e.article in seen, (name, e)
                seen.add(e.article)


def test_random_review_reviews_earlier_days_only(sim, small, runs):
    half = math.ceil(small.items_per_day / 2)
    for run in runs["random-review"][1]:
        before: set[int] = set()
        for _day, events in sorted(by_day(run.events).items()):
            reviews = [e.article for e in events if e.source == "review"]
            assert set(reviews) <= before
            if len(before) >= small.items_per_day - half:
                assert sum(e.source == "new" for e in events) <= half
            before |= {e.article for e in events}


def test_xuefa_runs_the_apps_plan_session(sim, small, lengths, monkeypatch):
    chosen: list[list[tuple[str, int]]] = []

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        chosen.append(out)
        return out

    real = daily_plan.plan_session
    monkeypatch.setattr(daily_plan, "plan_session", spy)
    cfg = replace(small, learners=1)
    (_summary, (run,)), = sim.simulate(cfg, lengths, ("xuefa",)).values()
    days = sorted(by_day(run.events).items())
    assert len(chosen) == len(sim.make_learners(cfg)[0].study_days) == len(days)
    for picked, (_day, events) in zip(chosen, days):
        assert [(e.source, e.article) for e in events] == picked[:len(events)]
    assert any(e.source in ("review", "ahead") for e in run.events)  # studied articles came back


def test_deterministic_for_a_seed(sim, small, lengths, runs):
    again = sim.simulate(small, lengths, ALL)
    for name in ALL:
        assert [r.events for r in runs[name][1]] == [r.events for r in again[name][1]]
        assert [r.recall for r in runs[name][1]] == [r.recall for r in again[name][1]]
    other = sim.simulate(replace(small, seed=4), lengths, ("xuefa",))
    assert [r.events for r in other["xuefa"][1]] != [r.events for r in runs["xuefa"][1]]


def test_recall_at_the_deadline(runs):
    for _summary, learner_runs in runs.values():
        for run in learner_runs:
            for article, p in enumerate(run.recall):
                assert (0.0 < p <= 1.0) if article in run.studied else p == 0.0


def test_forgetting_is_exponential_and_spacing_helps(sim, small):
    """The hidden memory: p = exp(-t/S); a recall at lower p lengthens S more."""
    article = sim.Article(0, 100, 1.0)
    learner = sim.Learner(0, 1.0, ())
    trace = sim.first_reading(small, article, learner, 0.0)
    assert trace.p(trace.s) == pytest.approx(math.exp(-1))

    class Recalls:
        def random(self):
            return 0.0  # always recalled

    early, late = sim.first_reading(small, article, learner, 0.0), sim.first_reading(small, article, learner, 0.0)
    sim.ask(small, early, learner, 0.5, Recalls())
    sim.ask(small, late, learner, 2.0, Recalls())
    assert late.s > early.s > trace.s
