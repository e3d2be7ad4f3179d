"""Load of a busy office on one deployment: N simulated staff (default 30) mixing questions,
searches, practice answers and mock-exam submissions through the web app's gradio API,
against one `xuefa serve` instance and against two instances on the shared engines (one
PostgreSQL database, one Chroma server, one `xuefa worker`), then two instances while a
flood of wrong logins hits /login. Loopback only; users, requests and time are bounded.

Prints requests/s, p50/p95 latency and errors per phase, and the p95 ratio under the login
flood (target ≤ 2×). Needs a PostgreSQL URL and a Chroma server (the same variables the tests
use; .ci/run starts both):

    XUEFA_TEST_POSTGRES_URL=postgresql+psycopg://xuefa:xuefa@127.0.0.1:5432/xuefa_bench \\
    XUEFA_TEST_CHROMA_URL=http://127.0.0.1:8000 \\
    PYTHONPATH=. python benchmarks/load_bench.py [--users 30] [--seconds 30] [--flood 20] [--json out.json]

The database named by the URL is emptied first: give it one of its own.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from deploy_harness import Deployment, client  # noqa: E402

LAWS = ["网络安全法", "保守国家秘密法", "劳动合同法"]
MAX_USERS = 50
MAX_SECONDS = 300
QUESTIONS = ["试用期最长可以约定多久", "涉密载体丢了怎么办", "网络运营者收集个人信息要遵守什么规定",
             "劳动合同法第四十六条", "用人单位拖欠工资怎么办", "保密期限怎么确定"]
SEARCHES = ["网络运营者 个人信息", "国家秘密 密级", "经济补偿 解除劳动合同", "关键信息基础设施"]
PRACTICE = ("练习（逐题反馈）", ["中华人民共和国劳动合同法"], "", ["单选", "判断"], 2, 60)
EXAM = ("模拟考试（计时，交卷后评分）", ["中华人民共和国网络安全法"], "", ["判断"], 2, 5)


def password(i: int) -> str:
    return f"load-pass-{i:03d}"


def _op(c, kind: str, rng: random.Random) -> int:
    """One user action; returns the number of requests it made (each timed by the caller)."""
    if kind == "question":
        c.predict(rng.choice(QUESTIONS), [], "全部法规与制度", [], api_name="/chat_send")
    elif kind == "search":
        c.predict(rng.choice(SEARCHES), "全部", api_name="/library_search")
    elif kind == "practice":
        c.predict(*PRACTICE, api_name="/practice_start")
        c.predict(api_name="/practice_skip")
        c.predict(api_name="/practice_finish")
    else:  # a mock exam, answered and submitted
        c.predict(*EXAM, api_name="/practice_start")
        c.predict("正确", [], "", api_name="/exam_next")
        c.predict("错误", [], "", api_name="/exam_submit")
    return 1


def log_in(urls: list[str], users: int) -> list:
    """Every simulated user's client, logged in before the clock starts (4 at a time)."""
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda i: client(urls[i % len(urls)], (f"load{i:03d}", password(i))), range(users)))


def user_loop(i: int, c, deadline: float, out: dict, lock: threading.Lock) -> None:
    rng = random.Random(i)
    while time.monotonic() < deadline:
        kind = rng.choices(["question", "search", "practice", "exam"], weights=[3, 4, 2, 1])[0]
        started = time.monotonic()
        try:
            _op(c, kind, rng)
            with lock:
                out["latency"][kind].append(time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001
            with lock:
                out["errors"][f"{kind}: {type(exc).__name__}: {str(exc)[:80]}"] += 1


def login_flood(urls: list[str], stop: threading.Event, counter: Counter, lock: threading.Lock, n: int) -> None:
    import httpx

    def one(k: int) -> None:
        with httpx.Client(timeout=30) as h:
            while not stop.is_set():
                try:
                    h.post(urls[k % len(urls)] + "login", data={"username": f"admin{k % 3}", "password": "wrong"})
                    with lock:
                        counter["sent"] += 1
                except httpx.HTTPError:
                    with lock:
                        counter["failed"] += 1

    threads = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def phase(name: str, urls: list[str], users: int, seconds: float, flood: int = 0) -> dict:
    out = {"latency": {k: [] for k in ("question", "search", "practice", "exam")}, "errors": Counter()}
    lock, stop, flood_count = threading.Lock(), threading.Event(), Counter()
    clients = log_in(urls, users)
    flooder = None
    if flood:
        flooder = threading.Thread(target=login_flood, args=(urls, stop, flood_count, lock, flood), daemon=True)
        flooder.start()
    started = time.monotonic()
    deadline = started + seconds
    with ThreadPoolExecutor(users) as pool:
        for i in range(users):
            pool.submit(user_loop, i, clients[i], deadline, out, lock)
    elapsed = time.monotonic() - started
    stop.set()
    if flooder:
        flooder.join(30)
    every = sorted(x for v in out["latency"].values() for x in v)
    result = {"phase": name, "instances": len(urls), "users": users, "seconds": round(elapsed, 1),
              "actions": len(every), "actions_per_s": round(len(every) / elapsed, 2),
              "p50_ms": round(1000 * statistics.median(every), 1) if every else None,
              "p95_ms": round(1000 * every[int(0.95 * (len(every) - 1))], 1) if every else None,
              "errors": sum(out["errors"].values()), "error_kinds": dict(out["errors"]),
              "by_kind": {k: len(v) for k, v in out["latency"].items()}}
    if flood:
        result["wrong_logins_sent"] = flood_count["sent"]
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def setup(dep: Deployment, root: Path, users: int) -> None:
    from deploy_fixtures import drop_store_tables
    from records_fixtures import _drop_all

    drop_store_tables(dep.database_url)
    _drop_all(dep.database_url)
    dep.prepare(root / "setup", LAWS)
    from assistant.container import Container
    from assistant.settings import Settings

    env = dep.env(root / "setup")
    c = Container(Settings(_env_file=None, **{k[6:].lower(): v for k, v in env.items() if k.startswith("XUEFA_")}))
    for i in range(users):
        c.auth.create_user(f"load{i:03d}", password(i), role="staff")
    c.records.engine.dispose()
    c.store.close()
    dep.start_worker(root / "worker")
    deadline = time.monotonic() + 300
    while json.loads(dep.cli(root / "setup", "index", "status", "--json"))["pending"] and time.monotonic() < deadline:
        time.sleep(2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=30, help="length of each phase")
    ap.add_argument("--flood", type=int, default=20, help="parallel wrong-login senders in the last phase")
    ap.add_argument("--embedder", default="fake")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    db, chroma = os.environ.get("XUEFA_TEST_POSTGRES_URL"), os.environ.get("XUEFA_TEST_CHROMA_URL")
    if not db or not chroma:
        ap.error("set XUEFA_TEST_POSTGRES_URL and XUEFA_TEST_CHROMA_URL")
    for url in (db, chroma):
        host = url.split("@")[-1].split("/")[2 if url.startswith("http") else 0].split(":")[0]
        if host not in ("127.0.0.1", "localhost", "::1"):
            ap.error(f"loopback only: {url}")
    users, seconds = min(args.users, MAX_USERS), min(args.seconds, MAX_SECONDS)
    dep = Deployment(db, chroma, embedder=args.embedder)
    results = []
    with tempfile.TemporaryDirectory(prefix="xuefa-load-") as tmp:
        root = Path(tmp)
        try:
            setup(dep, root, users)
            one = [dep.start_instance(root / "a")]
            results.append(phase("one instance", one, users, seconds))
            two = one + [dep.start_instance(root / "b")]
            results.append(phase("two instances", two, users, seconds))
            results.append(phase("two instances + /login flood", two, users, seconds, flood=args.flood))
        finally:
            dep.stop()
    base, flooded = results[1]["p95_ms"], results[2]["p95_ms"]
    ratio = round(flooded / base, 2) if base and flooded else None
    print(f"p95 under the /login flood: {ratio}× (target ≤ 2×)")
    if args.json:
        args.json.write_text(json.dumps({"phases": results, "flood_p95_ratio": ratio}, ensure_ascii=False, indent=1))
    return 0 if all(r["errors"] == 0 for r in results) and ratio is not None and ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
