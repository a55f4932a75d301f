"""Agent roles and what each may do. Pure."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"


_RANK = {Role.AGENT: 0, Role.MANAGER: 1, Role.ADMIN: 2}


def has_at_least(role: Role, required: Role) -> bool:
    return _RANK[role] >= _RANK[required]
