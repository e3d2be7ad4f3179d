"""Who something is for — an office exam, a study list: everyone, the members of departments,
named users. One definition, read the same way by every feature."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Protocol


class Membership(Protocol):
    """Departments as an audience needs them (``knowledge.store.departments.Departments``)."""

    def list(self) -> list:
        """The departments (each with ``id`` and ``name``)."""

    def member_ids(self, names: Iterable[str]) -> set[int]:
        """The users in the departments of these names."""


@dataclass
class Audience:
    """Everyone, or the members of departments plus named users."""

    everyone: bool = False
    department_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Audience":
        return cls(everyone=bool(d.get("everyone")), department_ids=[int(i) for i in d.get("department_ids", [])],
                   user_ids=[int(i) for i in d.get("user_ids", [])])

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.department_ids or self.user_ids)

    def user_ids_now(self, users: Iterable, members: Membership) -> set[int]:
        """The users it names now (everyone: every user who can log in). Departments are named
        by id, so an audience survives a department's rename."""
        users = list(users)
        if self.everyone:
            return {u.id for u in users if u.password_hash}
        wanted = set(self.department_ids)
        names = [d.name for d in members.list() if d.id in wanted]
        return (members.member_ids(names) | set(self.user_ids)) & {u.id for u in users}
