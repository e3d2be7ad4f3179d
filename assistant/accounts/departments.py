"""Departments (科室/单位): admins create, rename and delete them and put users in them.

Every change names the acting admin and goes to the admin action log (``dept.add``,
``dept.rename``, ``dept.delete``, ``user.dept``). A user without a department is shown as
未分组; that is a label, not a department, so the name is reserved.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.accounts.auth_service import NAME_RE, UNGROUPED
from knowledge.errors import NotFoundError, XuefaError
from knowledge.store.audit import AuditLog
from knowledge.store.departments import DepartmentInfo, Departments
from knowledge.store.records import Records

NAME_RULES = "科室名称须为 1–64 个字符：字母、数字、汉字或 _ . - @（不含空格和中文标点）"


def check_department_name(name: str) -> str:
    """The name stripped; XuefaError unless it follows the user-name rules and is not 未分组."""
    name = (name or "").strip()
    if name == UNGROUPED:
        raise XuefaError(f"「{UNGROUPED}」是保留名称，指没有科室的用户，不能用作科室名称。")
    if not NAME_RE.fullmatch(name):
        raise XuefaError(NAME_RULES)
    return name


@dataclass(frozen=True)
class MembershipChange:
    """A user's department before and after (``""``: none), and whether the department was created."""

    user: str
    department: str
    previous: str
    created_department: bool = False

    @property
    def changed(self) -> bool:
        return self.department != self.previous


class DepartmentService:
    def __init__(self, departments: Departments, records: Records, audit: AuditLog):
        self.departments = departments
        self.records = records
        self.audit = audit

    # ---- reading -----------------------------------------------------------------------------
    def list(self) -> list[DepartmentInfo]:
        """Departments by name, with member counts."""
        return self.departments.list()

    def get(self, name: str) -> DepartmentInfo:
        found = self.departments.find((name or "").strip())
        if found is None:
            raise NotFoundError(f"没有这个科室：{(name or '').strip()}")
        return found

    def ungrouped_count(self) -> int:
        """Users in no department (未分组)."""
        return len(self.records.list_users()) - len(self.departments.membership())

    # ---- changing ----------------------------------------------------------------------------
    def add(self, name: str, *, actor: str) -> DepartmentInfo:
        dept = self.departments.add(check_department_name(name))
        self.audit.log(actor, "dept.add", dept.name)
        return dept

    def rename(self, old: str, new: str, *, actor: str) -> DepartmentInfo:
        old, new = (old or "").strip(), check_department_name(new)
        if old == new:  # nothing to change or log
            return self.get(old)
        dept = self.departments.rename(old, new)
        self.audit.log(actor, "dept.rename", old, {"new": new})
        return dept

    def delete(self, name: str, *, actor: str) -> int:
        """Delete a department; returns how many users went to 未分组."""
        name = (name or "").strip()
        moved = self.departments.delete(name)
        self.audit.log(actor, "dept.delete", name, {"members": moved})
        return moved

    def set_department(self, user: str, department: str | None, *, actor: str,
                       create_missing: bool = False) -> MembershipChange:
        """Put ``user`` in ``department``; None, "" or 未分组 take them out of any.

        ``create_missing`` creates an unknown department (logged as ``dept.add``); without it
        an unknown department is a NotFoundError. Setting the department a user already has
        changes and logs nothing."""
        row = self.records.get_user(user)
        previous = self.departments.department_of(row.id) or ""
        target, created = self._target(department, actor=actor, create_missing=create_missing)
        change = MembershipChange(row.name, target.name if target else "", previous, created)
        if change.changed:
            self.departments.set_member(row.id, target.id if target else None)
            self.audit.log(actor, "user.dept", row.name, {"from": previous or None, "to": change.department or None})
        return change

    def _target(self, department: str | None, *, actor: str,
                create_missing: bool) -> tuple[DepartmentInfo | None, bool]:
        name = (department or "").strip()
        if name in ("", UNGROUPED):
            return None, False
        found = self.departments.find(check_department_name(name))
        if found is not None:
            return found, False
        if not create_missing:
            raise NotFoundError(f"没有这个科室：{name}")
        try:
            return self.add(name, actor=actor), True
        except XuefaError:  # another admin created it a moment ago
            return self.get(name), False
