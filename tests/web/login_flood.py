"""A /login flood for test_web_security (run as its own process, as an attacker would):
N clients send wrong logins back to back for S seconds, each from its own forwarded address
and with made-up names; prints how many answers of each status came back."""
from __future__ import annotations

import sys
import threading
import time
from collections import Counter

import httpx


def main(url: str, clients: int, seconds: float) -> None:
    stop = time.monotonic() + seconds
    codes: Counter = Counter()

    def flood(i: int) -> None:
        with httpx.Client(timeout=30) as client:
            k = 0
            while time.monotonic() < stop:
                r = client.post(url + "login", data={"username": f"nobody{i}-{k}", "password": "wrong-password"},
                                headers={"X-Forwarded-For": f"10.99.{i}.{k % 250}"})
                codes[r.status_code] += 1
                k += 1

    threads = [threading.Thread(target=flood, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(" ".join(f"{code}×{n}" for code, n in sorted(codes.items())))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
