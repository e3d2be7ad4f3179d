"""Logins and sessions at the service level, on SQLite and PostgreSQL: per-address and
per-name back-off that never refuses the right password from a clean address, the audit log
of every login, database sessions with idle and absolute timeouts, revocation on a new
password, a new role and disabling, and two services on one database (two app instances)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from argon2 import PasswordHasher

from assistant.accounts.auth_service import AuthService
from assistant.accounts.sessions import SessionPolicy, token_hash
from assistant.accounts.throttle import ThrottlePolicy
from knowledge.errors import XuefaError
from knowledge.store.audit import AuditLog
from knowledge.store.login_throttle import LoginThrottle
from knowledge.store.records import Records
from knowledge.store.sessions import LoginSession

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the policy, not argon2, is under test
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += dt.timedelta(**kw)


@pytest.fixture
def records(records_url):
    r = Records(records_url)
    yield r
    r.close()


@pytest.fixture
def clock():
    return Clock()


def make_auth(records, clock, **kw):
    return AuthService(records, FAST, clock=clock, throttle=ThrottlePolicy(**kw.pop("policy", {})),
                       sessions=SessionPolicy(idle=dt.timedelta(hours=2), absolute=dt.timedelta(hours=12)), **kw)


@pytest.fixture
def auth(records, clock):
    a = make_auth(records, clock)
    a.create_user("admin", "admin-pass-123", role="admin")
    a.create_user("zhang", "zhang-pass-123")
    return a


def actions(auth, action=None):
    return [(r.actor, r.action, r.target) for r in reversed(auth.audit.recent(500, action=action))]


# ---- back-off ----------------------------------------------------------------------------------
def test_guessing_from_one_address_backs_off_that_address_only(auth, clock):
    for _ in range(5):
        assert auth.login("admin", "guess-guess", address="10.0.0.66").outcome == "bad"
    # the sixth try from that address waits (without a hash check), even with the right password
    held = auth.login("admin", "admin-pass-123", address="10.0.0.66")
    assert held.outcome == "throttled" and 1 <= held.retry_after <= 2
    # the real admin, from their own address, is not refused
    ok = auth.login("admin", "admin-pass-123", address="10.0.0.7")
    assert ok.ok and ok.user.name == "admin" and ok.token
    # the wait doubles with each further failure
    clock.advance(seconds=3)
    assert auth.login("admin", "guess-guess", address="10.0.0.66").outcome == "bad"
    assert 3 < auth.login("admin", "x" * 9, address="10.0.0.66").retry_after <= 4
    clock.advance(seconds=5)
    assert auth.login("admin", "admin-pass-123", address="10.0.0.66").ok  # waited long enough


def test_repeated_minute_by_minute_guessing_never_locks_the_real_user_out(auth, clock):
    for _minute in range(6):
        for _ in range(5):
            auth.login("admin", "guess-guess", address="203.0.113.9")
        clock.advance(minutes=1)
        assert auth.login("admin", "admin-pass-123", address="10.0.0.7").ok


def test_spraying_one_password_over_many_names_stops(records, clock):
    auth = make_auth(records, clock, policy={"address_free": 20})
    outcomes = [auth.login(f"user{i}", "Spring2026!", address="198.51.100.4").outcome for i in range(25)]
    assert outcomes[:20] == ["bad"] * 20 and set(outcomes[20:]) == {"throttled"}


def test_a_name_under_attack_slows_every_failing_address_but_not_a_clean_one(auth, clock):
    for i in range(10):  # ten addresses, one guess each: the name is now under attack
        assert auth.login("zhang", "guess-guess", address=f"192.0.2.{i}").outcome == "bad"
    assert auth.login("zhang", "another-guess", address="192.0.2.3").outcome == "throttled"
    assert auth.login("zhang", "zhang-pass-123", address="192.0.2.200").ok  # a clean address
    clock.advance(hours=2)  # a quiet window later the counters start again
    assert auth.login("zhang", "guess-guess", address="192.0.2.3").outcome == "bad"


def test_every_login_outcome_is_in_the_audit_log(auth, clock):
    auth.login("admin", "admin-pass-123", address="10.0.0.7")
    for _ in range(6):
        auth.login("admin", "guess-guess", address="10.0.0.66")
    auth.login("admin", "guess-guess", address="10.0.0.66")
    log = actions(auth)
    assert ("admin", "login.ok", "10.0.0.7") in log
    assert log.count(("admin", "login.fail", "10.0.0.66")) == 5
    assert ("admin", "login.lockout", "10.0.0.66") in log
    # refusals during one back-off are logged once, not per request
    assert log.count(("admin", "login.throttled", "10.0.0.66")) == 1
    lock = auth.audit.recent(1, action="login.lockout")[0]
    assert lock.detail["scope"] == "name+address" and lock.detail["failures"] == 5


def test_counters_are_shared_by_two_instances_and_survive_a_restart(records, clock, auth):
    other = make_auth(records, clock)  # a second app instance on the same database
    for _ in range(5):
        other.login("admin", "guess-guess", address="10.0.0.66")
    assert auth.login("admin", "admin-pass-123", address="10.0.0.66").outcome == "throttled"
    assert LoginThrottle(records).counters(["a:10.0.0.66"], since=T0)["a:10.0.0.66"].failures == 5


def test_concurrent_failures_are_all_counted(records, clock, auth):
    def guess(i):
        make_auth(records, clock).login("zhang", f"guess-{i:04d}", address="10.1.1.1")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    counters = LoginThrottle(records).counters(["a:10.1.1.1", "n:zhang"], since=T0)
    assert counters["a:10.1.1.1"].failures == 4 and counters["n:zhang"].failures == 4


# ---- sessions ------------------------------------------------------------------------------------
def test_sessions_live_in_the_database_by_token_hash(auth, records, clock):
    token = auth.login("zhang", "zhang-pass-123", address="10.0.0.5").token
    with records.session() as s:
        rows = s.query(LoginSession).all()
    assert [r.token_hash for r in rows] == [token_hash(token)] and token not in rows[0].token_hash
    assert auth.session_user(token).name == "zhang"
    assert auth.session_user("made-up-token") is None and auth.session_user(None) is None
    restarted = AuthService(Records(records.engine), FAST, clock=clock)  # another instance, or a restart
    assert restarted.session_user(token).name == "zhang"


def test_idle_and_absolute_timeouts(auth, clock):
    token = auth.login("zhang", "zhang-pass-123").token
    clock.advance(minutes=119)
    assert auth.session_user(token) is not None  # used: the idle clock starts again
    clock.advance(minutes=119)
    assert auth.session_user(token) is not None
    clock.advance(minutes=121)
    assert auth.session_user(token) is None  # idle too long
    busy = auth.login("zhang", "zhang-pass-123").token
    for _ in range(12):
        clock.advance(minutes=59)
        assert auth.session_user(busy) is not None
    clock.advance(minutes=20)
    assert auth.session_user(busy) is None  # 12 hours after logging in, however busy
    assert auth.sessions.purge() == 2


def test_new_password_role_or_disabling_ends_every_session(auth, clock):
    tokens = [auth.login("zhang", "zhang-pass-123").token for _ in range(2)]
    auth.set_password("zhang", "zhang-pass-456", actor="admin")
    assert [auth.session_user(t) for t in tokens] == [None, None]
    token = auth.login("zhang", "zhang-pass-456").token
    auth.set_role("zhang", "admin", actor="admin")
    assert auth.session_user(token) is None
    token = auth.login("zhang", "zhang-pass-456").token
    assert auth.session_user(token).role == "admin"
    auth.disable("zhang", actor="admin")
    assert auth.session_user(token) is None
    assert auth.login("zhang", "zhang-pass-456").outcome == "disabled"
    assert auth.get_user("zhang").disabled and [u.disabled for u in auth.list_users()] == [False, True]
    auth.enable("zhang", actor="admin")
    assert auth.login("zhang", "zhang-pass-456").ok
    log = actions(auth)
    for action in ("user.passwd", "user.role", "user.disable", "user.enable", "login.disabled"):
        assert any(a == action for _, a, _ in log), action


def test_the_last_admin_cannot_be_disabled_nor_an_admin_themself(auth):
    with pytest.raises(XuefaError, match="管理员"):
        auth.disable("admin", actor="cli")
    with pytest.raises(XuefaError, match="自己"):
        auth.disable("admin", actor="admin")
    auth.set_role("zhang", "admin", actor="admin")
    auth.disable("admin", actor="zhang")
    with pytest.raises(XuefaError, match="管理员"):
        auth.set_role("zhang", "staff", actor="cli")  # the only admin who can still log in


def test_logout_ends_only_that_session(auth):
    a, b = (auth.login("zhang", "zhang-pass-123").token for _ in range(2))
    auth.logout(a)
    assert auth.session_user(a) is None and auth.session_user(b).name == "zhang"


def test_audit_log_is_shared(records, auth):
    auth.login("zhang", "zhang-pass-123", address="10.0.0.5")
    assert ("zhang", "login.ok", "10.0.0.5") in [(r.actor, r.action, r.target) for r in AuditLog(records).recent()]
