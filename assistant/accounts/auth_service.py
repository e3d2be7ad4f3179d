"""Users, passwords and roles on top of the records database (``records.User``).

Passwords are hashed with argon2id (argon2-cffi, its default parameters); a hash made with
older parameters is upgraded at the next successful login. Roles: ``staff`` and ``admin``.
Every admin action in the app calls :func:`require_admin` on the user read from the
authenticated session, so the check happens on the server whatever the client sends.

A few failed logins in a row for one name lock that name out for a short while (slows down
password guessing without a database table).
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from knowledge.errors import NotFoundError, PermissionDeniedError, XuefaError
from knowledge.private_files import write_secret
from knowledge.store.records import ROLES, Records

if TYPE_CHECKING:
    from knowledge.store.departments import Departments

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-@\u4e00-\u9fff]{1,64}$")
MAX_FAILURES = 5  # in a row, per user name
LOCKOUT_SECONDS = 60
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


def _user_info(row, department: str | None = None) -> UserInfo:
    return UserInfo(id=row.id, name=row.name, role=row.role, has_password=bool(row.password_hash),
                    department=department or "")


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
    """Create users, set passwords and roles, and authenticate logins."""

    def __init__(self, records: Records, hasher: PasswordHasher | None = None, *,
                 max_failures: int = MAX_FAILURES, lockout_seconds: float = LOCKOUT_SECONDS,
                 departments: Departments | None = None, initial_password_file: Path | None = None):
        self.records = records
        # the generated first admin password, shown once; removed when that password is changed
        self.initial_password_file = initial_password_file
        self.departments = departments  # without it, every user's department reads ""
        self.hasher = hasher or PasswordHasher()
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        # verified against when the user does not exist, so both cases cost the same time
        self._dummy_hash = self.hasher.hash("xuefa-no-such-user")

    # ---- reading -----------------------------------------------------------------------------
    def get_user(self, name: str) -> UserInfo:
        """NotFoundError when there is no such user."""
        return self._info(self.records.get_user(name))

    def list_users(self) -> list[UserInfo]:
        membership = self.departments.membership() if self.departments else {}
        return [_user_info(u, membership.get(u.id)) for u in self.records.list_users()]

    def count_users(self, *, role: str | None = None) -> int:
        """Users who can log in (have a password), optionally of one role."""
        return sum(1 for u in self.records.list_users()
                   if u.password_hash and (role is None or u.role == role))

    # ---- changing ----------------------------------------------------------------------------
    def create_user(self, name: str, password: str, role: str = "staff") -> UserInfo:
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
        return self._info(row)

    def set_password(self, name: str, password: str) -> UserInfo:
        check_password(password)
        self.records.get_user(name)  # NotFoundError first, before hashing
        row = self.records.update_user(name, password_hash=self.hasher.hash(password))
        self._clear_failures(row.name)
        self._forget_initial_password(row.name)
        return self._info(row)

    def _forget_initial_password(self, name: str) -> None:
        """The saved first password is stale once its admin has a new one: delete the file."""
        path = self.initial_password_file
        try:
            if path is not None and path.read_text(encoding="utf-8").split("\n", 1)[0].strip() == name:
                path.unlink()
        except OSError:  # missing or unreadable: nothing to forget
            pass

    def set_role(self, name: str, role: str, *, acting: UserInfo | None = None) -> UserInfo:
        """Change a role; the last admin who can log in cannot be demoted."""
        check_role(role)
        user = self.get_user(name)
        if user.role == "admin" and role != "admin" and user.has_password \
                and self.count_users(role="admin") <= 1:
            raise XuefaError("至少需要保留一名管理员。")
        return self._info(self.records.update_user(user.name, role=role))

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
        return _user_info(row, self.departments.department_of(row.id) if self.departments else None)

    # ---- logging in --------------------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> UserInfo | None:
        """The user when ``password`` is right; None otherwise (also while locked out)."""
        name = (name or "").strip()
        if not name or not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
            return None
        if self._locked(name):
            return None
        try:
            row = self.records.get_user(name)
            stored = row.password_hash
        except NotFoundError:
            row, stored = None, None
        try:
            self.hasher.verify(stored or self._dummy_hash, password)
            ok = stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            self._failed(name)
            return None
        self._clear_failures(name)
        if self.hasher.check_needs_rehash(stored):
            row = self.records.update_user(name, password_hash=self.hasher.hash(password))
        return self._info(row)

    def gradio_auth(self, username: str, password: str) -> bool:
        """The ``auth=`` callable of gradio's launch(): True lets the login through."""
        return self.authenticate(username, password) is not None

    def _locked(self, name: str) -> bool:
        with self._lock:
            count, since = self._failures.get(name, (0, 0.0))
            if count < self.max_failures:
                return False
            if time.monotonic() - since >= self.lockout_seconds:
                self._failures.pop(name, None)
                return False
            return True

    def _failed(self, name: str) -> None:
        with self._lock:
            count, _ = self._failures.get(name, (0, 0.0))
            self._failures[name] = (count + 1, time.monotonic())
            if len(self._failures) > 10000:  # bounded memory under a flood of names
                self._failures.clear()

    def _clear_failures(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
