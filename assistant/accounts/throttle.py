"""Who may try a password now: per-address and per-name back-off on failed logins.

Three counters (``knowledge.store.login_throttle``, shared by every app instance):

- one name from one address: after ``pair_free`` failures that address waits, doubling with
  each further failure (``base_seconds`` … ``max_seconds``), before it may try that name again;
- one address, any names: after ``address_free`` failures it waits the same way (stops
  spraying one password over many names);
- one name, all addresses: once it reaches ``name_alert`` the name is under attack, and every
  address that has failed on it waits after a single failure.

No counter ever blocks a name as such: an address that has not failed keeps its tries, so
the right password from a clean address always reaches the hash check however many other
addresses are guessing. Counters fall back to zero after ``window_seconds`` without a failure.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from knowledge.store.login_throttle import Counter, LoginThrottle

PURGE_CHANCE = 0.01  # forget stale counters now and then (a flood of made-up names adds rows)


@dataclass(frozen=True)
class ThrottlePolicy:
    pair_free: int = 5
    address_free: int = 20
    name_alert: int = 10
    base_seconds: float = 2.0
    max_seconds: float = 900.0
    window_seconds: float = 3600.0

    def backoff(self, failures: int, free: int) -> float:
        """Seconds to wait after the last failure, with ``failures`` counted and ``free`` allowed."""
        if failures < free:
            return 0.0
        return min(self.max_seconds, self.base_seconds * 2 ** min(failures - free, 30))


@dataclass(frozen=True)
class Lockout:
    """A counter that has just reached back-off (for the audit log)."""

    scope: str  # "address", "name+address" or "name" (under attack)
    failures: int
    seconds: float


def _keys(name: str, address: str) -> tuple[str, str, str]:
    name, address = name[:64], (address or "unknown")[:64]
    return f"p:{name}\n{address}", f"a:{address}", f"n:{name}"


class Throttle:
    def __init__(self, store: LoginThrottle, policy: ThrottlePolicy | None = None):
        self.store = store
        self.policy = policy or ThrottlePolicy()

    def _since(self, now: dt.datetime) -> dt.datetime:
        return now - dt.timedelta(seconds=self.policy.window_seconds)

    def wait(self, name: str, address: str, now: dt.datetime) -> tuple[float, str]:
        """(seconds this address must still wait before trying ``name``, the scope that says so);
        (0, "") when it may try now."""
        pair, addr, nkey = _keys(name, address)
        got = self.store.counters([pair, addr, nkey], since=self._since(now))
        waits = [(self._left(got.get(addr), self.policy.address_free, now), "address"),
                 (self._left(got.get(pair), self._pair_free(got.get(nkey)), now), "name+address")]
        return max(waits)

    def refused(self, name: str, address: str, scope: str) -> int:
        """Count a refusal; returns the number turned away since that counter's last failure."""
        pair, addr, _ = _keys(name, address)
        return self.store.refused(addr if scope == "address" else pair)

    def failed(self, name: str, address: str, now: dt.datetime) -> list[Lockout]:
        """Count a failure; returns the counters that reached back-off with it."""
        pair, addr, nkey = _keys(name, address)
        got = self.store.fail([pair, addr, nkey], at=now, since=self._since(now))
        if random.random() < PURGE_CHANCE:
            self.store.purge(before=self._since(now))
        p = self.policy
        out = []
        if (c := got.get(addr)) and p.backoff(c.failures, p.address_free):
            out.append(Lockout("address", c.failures, p.backoff(c.failures, p.address_free)))
        free = self._pair_free(got.get(nkey))
        if (c := got.get(pair)) and p.backoff(c.failures, free):
            out.append(Lockout("name+address", c.failures, p.backoff(c.failures, free)))
        if (c := got.get(nkey)) and c.failures == p.name_alert:
            out.append(Lockout("name", c.failures, 0.0))
        return out

    def succeeded(self, name: str, address: str) -> None:
        """The right password: this address's count on this name starts again. The address and
        name counters stay (one valid account must not reset an attacker's address)."""
        pair, _, _ = _keys(name, address)
        self.store.clear([pair])

    def _pair_free(self, name_counter: Counter | None) -> int:
        under_attack = name_counter is not None and name_counter.failures >= self.policy.name_alert
        return 1 if under_attack else self.policy.pair_free

    def _left(self, counter: Counter | None, free: int, now: dt.datetime) -> float:
        if counter is None:
            return 0.0
        until = counter.last_failure_at + dt.timedelta(seconds=self.policy.backoff(counter.failures, free))
        return max(0.0, (until - now).total_seconds())
