"""Users, passwords and roles on top of the records database (``records.User``).

Passwords are hashed with argon2id (argon2-cffi, its default parameters); a hash made with
older parameters is upgraded at the next successful login. Roles: ``staff`` and ``admin``.
Every admin action in the app calls :func:`require_admin` on the user read from the
authenticated session, so the check happens on the server whatever the client sends.

Logging in (:meth:`AuthService.login`) goes through per-address and per-name back-off
(``throttle.py``, counters in the database), opens a database session (``sessions.py``) and
writes every success, failure and lockout to the audit log. Changing a password or role, or
disabling an account, revokes the user's sessions.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from assistant.accounts.sessions import SessionPolicy, SessionService
from assistant.accounts.throttle import Throttle, ThrottlePolicy
from knowledge.errors import NotFoundError, PermissionDeniedError, XuefaError
from knowledge.private_files import write_secret
from knowledge.store.audit import AuditLog
from knowledge.store.login_throttle import LoginThrottle
from knowledge.store.records import ROLES, Records, utcnow
from knowledge.store.sessions import Sessions

if TYPE_CHECKING:
    from knowledge.store.departments import Departments

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-@\u4e00-\u9fff]{1,64}$")
# what a user without a department is shown as; reserved, so no department can take the name
UNGROUPED = "未分组"


@dataclass(frozen=True)
class UserInfo:
    """What the app knows about a logged-in user (no password material)."""

    id: int
    name: str
    role: str
    has_password: bool = True
    department: str = ""  # "" when the user has none
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def department_label(self) -> str:
        return self.department or UNGROUPED


def require_admin(user) -> None:
    """Raise PermissionDeniedError unless ``user`` is an admin (server-side role check)."""
    if user is None or getattr(user, "role", None) != "admin":
        raise PermissionDeniedError("仅管理员可以执行此操作。")


def _user_info(row, department: str | None = None, disabled: bool = False) -> UserInfo:
    return UserInfo(id=row.id, name=row.name, role=row.role, has_password=bool(row.password_hash),
                    department=department or "", disabled=disabled)


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to: ``ok`` (with the user and a session token), ``bad``
    (wrong name or password), ``throttled`` (not checked: wait ``retry_after`` seconds) or
    ``disabled`` (right password, account disabled)."""

    outcome: str
    user: UserInfo | None = None
    token: str | None = None
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.fullmatch(name):
        raise XuefaError("用户名须为 1–64 个字符：字母、数字、汉字或 _ . - @")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise XuefaError(f"密码至少 {MIN_PASSWORD_CHARS} 个字符。")
    if len(password) > MAX_PASSWORD_CHARS:
        raise XuefaError(f"密码最多 {MAX_PASSWORD_CHARS} 个字符。")
    if not password.strip():
        raise XuefaError("密码不能全是空白。")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise XuefaError(f"未知角色：{role}（可选：{'、'.join(ROLES)}）")
    return role


class AuthService:
    """Create users, set passwords and roles, disable accounts, log in and keep sessions."""

    def __init__(self, records: Records, hasher: PasswordHasher | None = None, *,
                 departments: Departments | None = None, audit: AuditLog | None = None,
                 throttle: ThrottlePolicy | None = None, sessions: SessionPolicy | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 max_failures: int | None = None, lockout_seconds: float | None = None,
                 initial_password_file: Path | None = None):
        self.records = records
        # the generated first admin password, shown once; removed when that password is changed
        self.initial_password_file = initial_password_file
        self.departments = departments  # without it, every user's department reads ""
        self.audit = audit or AuditLog(records)
        self.hasher = hasher or PasswordHasher()
        self.clock = clock or utcnow  # replaceable in tests (timeouts, back-off)
        policy = throttle or ThrottlePolicy()
        if max_failures is not None:  # the older knobs: failures allowed, first wait
            policy = replace(policy, pair_free=max_failures)
        if lockout_seconds is not None:
            policy = replace(policy, base_seconds=lockout_seconds)
        self.throttle = Throttle(LoginThrottle(records), policy)
        self.accounts = Sessions(records)
        self.sessions = SessionService(self.accounts, lambda: self.clock(), sessions)
        # verified against when the user does not exist, so both cases cost the same time
        self._dummy_hash = self.hasher.hash("xuefa-no-such-user")

    # ---- reading -----------------------------------------------------------------------------
    def get_user(self, name: str) -> UserInfo:
        """NotFoundError when there is no such user."""
        return self._info(self.records.get_user(name))

    def list_users(self) -> list[UserInfo]:
        membership = self.departments.membership() if self.departments else {}
        disabled = self.accounts.disabled_ids()
        return [_user_info(u, membership.get(u.id), u.id in disabled) for u in self.records.list_users()]

    def count_users(self, *, role: str | None = None) -> int:
        """Users who can log in (have a password and are not disabled), optionally of one role."""
        disabled = self.accounts.disabled_ids()
        return sum(1 for u in self.records.list_users()
                   if u.password_hash and u.id not in disabled and (role is None or u.role == role))

    # ---- changing ----------------------------------------------------------------------------
    def create_user(self, name: str, password: str, role: str = "staff", *, actor: str | None = None) -> UserInfo:
        """A new login. A record that exists without a password (made by the CLI's quiz for
        its local user) gets this password and role; an existing login is an error."""
        name, role = check_name(name), check_role(role)
        check_password(password)
        try:
            existing = self.records.get_user(name)
        except NotFoundError:
            existing = None
        if existing is not None and existing.password_hash:
            raise XuefaError(f"用户已存在：{name}（修改密码用 xuefa users passwd {name}）")
        if existing is None:
            self.records.ensure_user(name, role=role)
        row = self.records.update_user(name, role=role, password_hash=self.hasher.hash(password))
        if actor:
            self.audit.log(actor, "user.add", row.name, {"role": role})
        return self._info(row)

    def set_password(self, name: str, password: str, *, actor: str | None = None) -> UserInfo:
        """A new password; every open session of the user ends."""
        check_password(password)
        self.records.get_user(name)  # NotFoundError first, before hashing
        row = self.records.update_user(name, password_hash=self.hasher.hash(password))
        ended = self.sessions.end_all(row.id, "password")
        self._forget_initial_password(row.name)
        self.audit.log(actor or row.name, "user.passwd", row.name, {"sessions_ended": ended})
        return self._info(row)

    def _forget_initial_password(self, name: str) -> None:
        """The saved first password is stale once its admin has a new one: delete the file."""
        path = self.initial_password_file
        try:
            if path is not None and path.read_text(encoding="utf-8").split("\n", 1)[0].strip() == name:
                path.unlink()
        except OSError:  # missing or unreadable: nothing to forget
            pass

    def set_role(self, name: str, role: str, *, acting: UserInfo | None = None, actor: str | None = None) -> UserInfo:
        """Change a role (the user's sessions end); the last admin who can log in cannot be demoted."""
        check_role(role)
        user = self.get_user(name)
        if user.role == role:
            return user
        if user.role == "admin" and user.has_password and not user.disabled \
                and self.count_users(role="admin") <= 1:
            raise XuefaError("至少需要保留一名管理员。")
        row = self.records.update_user(user.name, role=role)
        ended = self.sessions.end_all(row.id, "role")
        who = acting.name if acting else (actor or "cli")
        self.audit.log(who, "user.role", row.name, {"from": user.role, "to": role, "sessions_ended": ended})
        return self._info(row)

    def disable(self, name: str, *, actor: str) -> UserInfo:
        """Disable an account: it cannot log in and its open sessions end at once. The last
        admin who can log in cannot be disabled, nor can an admin disable themself."""
        user = self.get_user(name)
        if user.name == actor:
            raise XuefaError("不能停用自己的账号。")
        if user.role == "admin" and not user.disabled and self.count_users(role="admin") <= 1:
            raise XuefaError("至少需要保留一名可登录的管理员。")
        changed = self.accounts.disable(user.id, by=actor, at=self.clock())
        ended = self.sessions.end_all(user.id, "disabled")
        if changed:
            self.audit.log(actor, "user.disable", user.name, {"sessions_ended": ended})
        return replace(user, disabled=True)

    def enable(self, name: str, *, actor: str) -> UserInfo:
        user = self.get_user(name)
        if self.accounts.enable(user.id):
            self.audit.log(actor, "user.enable", user.name)
        return replace(user, disabled=False)

    def ensure_first_admin(self, name: str, password: str, *, password_file: Path
                           ) -> tuple[str, str | None] | None:
        """Create the initial admin when nobody can log in yet, so a first start just works.

        Without a ``password`` a random one is generated and returned, so the caller can show
        it once; it is also written, owner-readable only, to ``password_file``. Returns (name,
        generated password or None), or None when users already exist."""
        if self.count_users() > 0:
            return None
        name = (name or "").strip() or "admin"
        generated = None
        if not password:
            generated = password = secrets.token_urlsafe(12)
        self.create_user(name, password, role="admin")
        if generated:  # created 0600 in one step: never readable by others, not even briefly
            write_secret(password_file, f"{name}\n{generated}\n")
            self.initial_password_file = self.initial_password_file or password_file
        return name, generated

    def _info(self, row) -> UserInfo:
        return _user_info(row, self.departments.department_of(row.id) if self.departments else None,
                          self.accounts.is_disabled(row.id))

    # ---- logging in --------------------------------------------------------------------------
    def login(self, name: str, password: str, *, address: str = "") -> LoginResult:
        """Check a password behind the back-off and, when right, open a session (``token``)."""
        result = self.check_login(name, password, address=address)
        if result.ok:
            token = self.sessions.start(result.user.id, address=address)
            result = replace(result, token=token)
        return result

    def check_login(self, name: str, password: str, *, address: str = "") -> LoginResult:
        """Check a password behind the back-off, count and log the outcome; no session."""
        name = (name or "").strip()[:MAX_PASSWORD_CHARS]
        address = (address or "unknown")[:64]
        if not name or not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
            return LoginResult("bad")
        now = self.clock()
        wait, scope = self.throttle.wait(name, address, now)
        if wait > 0:
            if self.throttle.refused(name, address, scope) == 1:  # once per lockout, not per request
                self.audit.log(name[:64], "login.throttled", address, {"scope": scope, "retry_after": round(wait)})
            return LoginResult("throttled", retry_after=wait)
        row = self._verify(name, password)
        if row is None:
            return self._failed(name, address, now)
        self.throttle.succeeded(name, address)
        if self.accounts.is_disabled(row.id):
            self.audit.log(row.name, "login.disabled", address)
            return LoginResult("disabled")
        self.audit.log(row.name, "login.ok", address)
        return LoginResult("ok", self._info(row))

    def authenticate(self, name: str, password: str, *, address: str = "local") -> UserInfo | None:
        """The user when ``password`` is right (and the account enabled, not backed off); else None."""
        return self.check_login(name, password, address=address).user

    def gradio_auth(self, username: str, password: str) -> bool:
        """An ``auth=`` callable for gradio: True lets the login through (no session: the web
        app's own /login opens database sessions)."""
        return self.authenticate(username, password) is not None

    def session_user(self, token: str | None) -> UserInfo | None:
        """The user of a valid session token (None: unknown, expired, revoked, disabled)."""
        row = self.sessions.valid(token)
        if row is None:
            return None
        dept = self.departments.department_of(row.user_id) if self.departments else None
        return UserInfo(id=row.user_id, name=row.user_name, role=row.role, has_password=row.has_password,
                        department=dept or "")

    def logout(self, token: str | None) -> None:
        self.sessions.end(token)

    def _verify(self, name: str, password: str):
        """The user row when the password is right; the hash is checked either way (same time)."""
        try:
            row = self.records.get_user(name)
            stored = row.password_hash
        except NotFoundError:
            row, stored = None, None
        try:
            self.hasher.verify(stored or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if stored is None:
            return None
        if self.hasher.check_needs_rehash(stored):
            row = self.records.update_user(name, password_hash=self.hasher.hash(password))
        return row

    def _failed(self, name: str, address: str, now: dt.datetime) -> LoginResult:
        locks = self.throttle.failed(name, address, now)
        self.audit.log(name[:64], "login.fail", address)
        for lock in locks:
            self.audit.log(name[:64], "login.lockout", address,
                           {"scope": lock.scope, "failures": lock.failures, "seconds": round(lock.seconds)})
        return LoginResult("bad")
