"""Load test of an office exam: N staff (default 50) take the same exam at once through the
web app's HTTP queue, then the records are checked.

Setup (temporary XUEFA_HOME, fake embedder, no network): a few bundled laws are imported, N
staff get accounts with passwords and a department (科室), and an exam is set for that
department (default 20 questions on 劳动合同法, 30 minutes). The app is served as `xuefa
serve` serves it (``build_app`` + ``launch`` behind gradio's login, the exam timer thread) on
127.0.0.1 at a free port.

Each person logs in with gradio_client, then all at once: ``/office_exam_start``, one
``/office_exam_answer`` per question (some right, some wrong; every fifth person changes one answer
once) and ``/office_exam_submit``. Every request has a timeout, at most 50 people run at once and
the whole run has a deadline.

Afterwards the records (not the clients) are checked: one row per attempt and position in
``answers`` holding the last response sent, none lost, every attempt submitted once, scores
equal to what the sent answers imply. Exits 1 if anything was lost, duplicated, wrong or failed.

    python benchmarks/exam_load.py [--people 50] [--questions 20] [--minutes 30] [--seed 1]
                                   [--think-ms 0] [--request-timeout 60] [--timeout 600]
                                   [--json out.json]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.exams.types import Audience, Blueprint, ExamSpec  # noqa: E402
from assistant.learning.stored_questions import load_questions  # noqa: E402
from assistant.quiz.types import QuizScope  # noqa: E402

LAWS = ["劳动合同法", "公务员法", "保守国家秘密法"]
DEPARTMENT = "压测科"
MAX_CONCURRENT = 50


# ---- setup --------------------------------------------------------------------------------
def blueprint(questions: int, law: str = "劳动合同法") -> Blueprint:
    """单选 half, 多选 a fifth, 判断 the rest; 5 points each."""
    single, multi = questions // 2, questions // 5
    counts = {"单选": single, "多选": multi, "判断": questions - single - multi}
    counts = {t: n for t, n in counts.items() if n}
    return Blueprint(scope=QuizScope(laws=[law]), counts=counts, points={t: 5.0 for t in counts})


def add_people(c, count: int, *, prefix: str = "bench", department: str = DEPARTMENT) -> list[tuple[str, str]]:
    """``count`` staff with passwords, all in ``department`` (created if missing)."""
    people = []
    for i in range(count):
        name, password = f"{prefix}{i:03d}", f"pass-{prefix}-{i:03d}-x"
        c.auth.create_user(name, password, role="staff")
        c.depts.set_department(name, department, actor="exam_load", create_missing=True)
        people.append((name, password))
    return people


def create_exam(c, *, questions: int = 20, minutes: float = 30, department: str = DEPARTMENT,
                seed: int = 1) -> int:
    """An exam for ``department``, open now for a day; its id."""
    bp = blueprint(questions)
    now = dt.datetime.now(dt.timezone.utc)
    spec = ExamSpec(title=f"劳动合同法学法考试（压测 {now:%H%M%S}）", blueprint=bp,
                    audience=Audience(department_ids=[c.depts.get(department).id]),
                    opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(days=1),
                    minutes=minutes, pass_mark=round(bp.total_points * 0.6, 2), seed=seed)
    return c.exams.create(spec, actor="exam_load").id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- one person ---------------------------------------------------------------------------
def wrong_response(q) -> Any:
    if q.qtype == "判断":
        return "错误" if q.answer == "正确" else "正确"
    if q.qtype == "单选":
        return next(x for x in q.letters if x not in q.answer)
    if q.qtype == "多选":
        return [x for x in q.letters if x not in q.answer][:2] or q.letters[:1]
    return "不知道"


def right_response(q) -> Any:
    if q.qtype == "单选":
        return q.answer[0]
    return list(q.answer) if isinstance(q.answer, list) else q.answer


@dataclass
class Taker:
    name: str
    password: str
    rng: random.Random
    changes_answer: bool
    sent: list[tuple[str, Any]] = field(default_factory=list)  # acknowledged (question id, response), in order
    answer_ms: list[float] = field(default_factory=list)
    submit_ms: float | None = None
    start_ms: float | None = None
    login_ms: float | None = None
    submits: int = 0
    client_score: float | None = None
    errors: list[str] = field(default_factory=list)
    client: Any = None


class Deadline(Exception):
    pass


def _call(taker: Taker, api_name: str, args: tuple, *, request_timeout: float, deadline: float):
    """One request through gradio's queue; its result and latency in ms."""
    if time.monotonic() > deadline:
        raise Deadline("overall timeout reached")
    t0 = time.perf_counter()
    result = taker.client.submit(*args, api_name=api_name).result(timeout=request_timeout)
    return result, (time.perf_counter() - t0) * 1000


def login(taker: Taker, url: str, request_timeout: float) -> None:
    from gradio_client import Client

    t0 = time.perf_counter()
    taker.client = Client(url, auth=(taker.name, taker.password), verbose=False, analytics_enabled=False,
                          download_files=False, httpx_kwargs={"timeout": request_timeout})
    taker.login_ms = (time.perf_counter() - t0) * 1000


def take_exam(taker: Taker, c, exam_id: int, *, request_timeout: float, deadline: float, think_ms: float) -> None:
    """Start, answer every question (right with the person's skill), maybe change one, submit."""
    kw = dict(request_timeout=request_timeout, deadline=deadline)
    start, taker.start_ms = _call(taker, "/office_exam_start", (exam_id,), **kw)
    ids = [q["id"] for q in start["questions"]]
    key = {q.id: q for q in load_questions(c.records, ids)}  # the simulation knows the key
    skill = taker.rng.uniform(0.4, 0.95)
    for qid in ids:
        q = key[qid]
        response = right_response(q) if taker.rng.random() < skill else wrong_response(q)
        _, ms = _call(taker, "/office_exam_answer", (exam_id, qid, response), **kw)
        taker.answer_ms.append(ms)
        taker.sent.append((qid, response))
        if think_ms:
            time.sleep(taker.rng.uniform(0, think_ms) / 1000)
    if taker.changes_answer and ids:
        qid = taker.rng.choice(ids)
        q = key[qid]
        last = next(r for i, r in reversed(taker.sent) if i == qid)
        response = wrong_response(q) if q.is_correct(last) else right_response(q)
        _, ms = _call(taker, "/office_exam_answer", (exam_id, qid, response), **kw)
        taker.answer_ms.append(ms)
        taker.sent.append((qid, response))
    result, taker.submit_ms = _call(taker, "/office_exam_submit", (exam_id,), **kw)
    taker.submits += 1
    taker.client_score = result.get("score")


def _guarded(fn, taker: Taker, *args, **kwargs) -> None:
    try:
        fn(taker, *args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        taker.errors.append(f"{type(exc).__name__}: {exc}"[:300])


# ---- the run ------------------------------------------------------------------------------
def run_load(c, url: str, exam_id: int, people: list[tuple[str, str]], *, seed: int = 1,
             request_timeout: float = 60, timeout: float = 600, think_ms: float = 0) -> dict:
    """Everyone logs in, then all take the exam at once; the records are checked. The figures."""
    rng = random.Random(seed)
    takers = [Taker(n, p, random.Random(rng.random()), changes_answer=i % 5 == 0) for i, (n, p) in enumerate(people)]
    started = time.monotonic()
    deadline = started + timeout
    workers = max(1, min(MAX_CONCURRENT, len(takers)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="taker") as pool:
        _run_phase(pool, [(login, t, url, request_timeout) for t in takers], deadline)
        ready = [t for t in takers if t.client is not None and not t.errors]
        exam_started = time.monotonic()
        _run_phase(pool, [(take_exam, t, c, exam_id) for t in ready], deadline,
                   request_timeout=request_timeout, deadline=deadline, think_ms=think_ms)
        exam_wall = time.monotonic() - exam_started
    for t in takers:
        if t.client is not None:
            try:
                t.client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
    figures = verify(c, exam_id, takers)
    figures.update(_latencies(takers))
    figures.update(people=len(takers), logged_in=len(ready), exam_wall_s=round(exam_wall, 2),
                   wall_s=round(time.monotonic() - started, 2),
                   errors=sum(len(t.errors) for t in takers),
                   error_samples=[f"{t.name}: {e}" for t in takers for e in t.errors][:5])
    figures["ok"] = _ok(figures)
    return figures


def _run_phase(pool, calls, until: float, **kwargs) -> None:
    futures = {pool.submit(_guarded, fn, t, *args, **kwargs): t for fn, t, *args in calls}
    _, pending = wait(futures, timeout=max(0.0, until - time.monotonic()))
    for future in pending:  # stuck past the overall timeout: counted as failed
        future.cancel()
        futures[future].errors.append("overall timeout")


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1], 1)


def _latencies(takers: list[Taker]) -> dict:
    answers = [ms for t in takers for ms in t.answer_ms]
    submits = [t.submit_ms for t in takers if t.submit_ms is not None]
    starts = [t.start_ms for t in takers if t.start_ms is not None]
    logins = [t.login_ms for t in takers if t.login_ms is not None]
    return {"answer_p50_ms": _pct(answers, 50), "answer_p95_ms": _pct(answers, 95),
            "answer_max_ms": round(max(answers), 1) if answers else None,
            "submit_p50_ms": _pct(submits, 50), "submit_p95_ms": _pct(submits, 95),
            "submit_max_ms": round(max(submits), 1) if submits else None,
            "start_p50_ms": _pct(starts, 50), "start_p95_ms": _pct(starts, 95),
            "login_p50_ms": _pct(logins, 50), "login_p95_ms": _pct(logins, 95)}


# ---- checking the records -----------------------------------------------------------------
def verify(c, exam_id: int, takers: list[Taker]) -> dict:
    """Compare what the clients sent (and had acknowledged) with the records."""
    from sqlalchemy import func, select

    from knowledge.store.records import Answer

    exam = c.exams.get(exam_id)
    points = Blueprint.from_dict(exam.blueprint).points
    users = {u.name: u for u in c.records.list_users()}
    counts = Counter(sent=0, sent_distinct=0, stored=0, lost=0, wrong_response=0, extra=0, sittings=0,
                     submitted=0, auto_submitted=0, unsubmitted=0, multiple_sittings=0, score_mismatch=0,
                     client_score_mismatch=0, submit_calls=0)
    attempt_ids = []
    for t in takers:
        attempt_id = _check_person(c, exam_id, t, users[t.name].id, points, counts)
        if attempt_id is not None:
            attempt_ids.append(attempt_id)
    with c.records.session() as s:  # the table itself: more than one row per attempt and position?
        dup_rows = s.execute(select(Answer.attempt_id, Answer.position, func.count()).where(
            Answer.attempt_id.in_(attempt_ids or [-1])).group_by(Answer.attempt_id, Answer.position)
            .having(func.count() > 1)).all()
    counts["duplicates"] = sum(n - 1 for _, _, n in dup_rows)
    return dict(counts)


def _check_person(c, exam_id: int, t: Taker, user_id: int, points: dict[str, float], counts: Counter) -> int | None:
    """One person's sitting against what they sent; the attempt id (None without a sitting)."""
    counts["sent"] += len(t.sent)
    counts["submit_calls"] += t.submits
    last: dict[str, Any] = {}
    for qid, response in t.sent:
        last[qid] = response
    counts["sent_distinct"] += len(last)
    sittings = c.office_exams.sittings(exam_id, user_id=user_id)
    counts["sittings"] += len(sittings)
    counts["multiple_sittings"] += len(sittings) > 1
    if not sittings:
        counts["lost"] += len(last)
        return None
    row = c.records.get_exam(sittings[0].exam_id)
    attempt = c.records.get_attempt(row.attempt_id)
    paper = {q.id: (i, q) for i, q in enumerate(load_questions(c.records, attempt.question_ids))}
    stored = {a.position: a for a in c.records.answers_of(attempt.id)}
    counts["stored"] += len(stored)
    expected = 0.0
    for qid, response in last.items():
        position, q = paper[qid]
        a = stored.get(position)
        if a is None:
            counts["lost"] += 1
            continue
        if a.question_id != qid or a.response != q.normalize_response(response):
            counts["wrong_response"] += 1
        if q.is_correct(response):
            expected += points[q.qtype]
    counts["extra"] += len(set(stored) - {paper[qid][0] for qid in last})
    if row.submitted_at is None:
        counts["unsubmitted"] += 1
        return attempt.id
    counts["submitted"] += 1
    counts["auto_submitted"] += bool(row.auto_submitted)
    counts["score_mismatch"] += round(row.score or 0.0, 2) != round(expected, 2)
    if t.client_score is not None:
        counts["client_score_mismatch"] += round(t.client_score, 2) != round(row.score or 0.0, 2)
    return attempt.id


def _ok(f: dict) -> bool:
    people = f["people"]
    return (f["errors"] == 0 and f["lost"] == 0 and f["duplicates"] == 0 and f["wrong_response"] == 0
            and f["extra"] == 0 and f["score_mismatch"] == 0 and f["client_score_mismatch"] == 0
            and f["multiple_sittings"] == 0 and f["unsubmitted"] == 0 and f["auto_submitted"] == 0
            and f["submitted"] == people and f["submit_calls"] == people and f["stored"] == f["sent_distinct"])


def summary(f: dict) -> str:
    return "\n".join([
        f"people {f['people']} (logged in {f['logged_in']}), submitted {f['submitted']}, "
        f"submit calls {f['submit_calls']}, errors {f['errors']}",
        f"answers sent {f['sent']} (distinct questions {f['sent_distinct']}), stored {f['stored']}, "
        f"duplicates {f['duplicates']}, lost {f['lost']}, wrong response {f['wrong_response']}, extra {f['extra']}",
        f"score mismatches {f['score_mismatch']} (client vs records {f['client_score_mismatch']}), "
        f"unsubmitted {f['unsubmitted']}, auto-submitted {f['auto_submitted']}, "
        f"more than one sitting {f['multiple_sittings']}",
        f"submission p50 {f['submit_p50_ms']} ms, p95 {f['submit_p95_ms']} ms, max {f['submit_max_ms']} ms",
        f"answer p50 {f['answer_p50_ms']} ms, p95 {f['answer_p95_ms']} ms, max {f['answer_max_ms']} ms",
        f"start p50 {f['start_p50_ms']} ms, p95 {f['start_p95_ms']} ms; login p50 {f['login_p50_ms']} ms, "
        f"p95 {f['login_p95_ms']} ms",
        f"wall time {f['wall_s']} s (exam phase {f['exam_wall_s']} s)",
        *[f"  error: {e}" for e in f["error_samples"]],
        "OK" if f["ok"] else "FAILED",
    ])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=50)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--think-ms", type=float, default=0, help="random pause up to this after each answer")
    ap.add_argument("--request-timeout", type=float, default=60, help="seconds per request")
    ap.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    if not 1 <= args.people <= MAX_CONCURRENT:
        ap.error(f"--people must be 1–{MAX_CONCURRENT}")

    from assistant.container import Container
    from assistant.settings import Settings
    from assistant.web import build_app, launch

    home = Path(tempfile.mkdtemp(prefix="xuefa-examload-"))
    demo, stop = None, threading.Event()
    try:
        t0 = time.monotonic()
        c = Container(Settings(home=home, embedder="fake", embed_batch_size=64, _env_file=None))
        c.ingestion.import_statutes(names=LAWS)
        people = add_people(c, args.people)
        exam_id = create_exam(c, questions=args.questions, minutes=args.minutes, seed=args.seed)
        port = free_port()
        demo = build_app(c.services)
        launch(demo, c.auth, c.settings, host="127.0.0.1", port=port, root_path="", block=False, quiet=True)
        threading.Thread(target=c.exams.sweep, args=(c.settings.exam_sweep_seconds, stop), daemon=True,
                         name="xuefa-exam-timer").start()
        print(f"setup {time.monotonic() - t0:.1f} s: {args.people} staff in {DEPARTMENT}, exam {exam_id} "
              f"({args.questions} questions, {args.minutes:g} min), http://127.0.0.1:{port}/", flush=True)
        figures = run_load(c, f"http://127.0.0.1:{port}/", exam_id, people, seed=args.seed,
                           request_timeout=args.request_timeout, timeout=args.timeout, think_ms=args.think_ms)
    finally:
        stop.set()
        if demo is not None:
            demo.close()
        shutil.rmtree(home, ignore_errors=True)
    figures.update(questions=args.questions, minutes=args.minutes, seed=args.seed, think_ms=args.think_ms)
    print(summary(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
