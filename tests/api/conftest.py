"""Fixtures for the JSON API tests: callers of each role, with their bearer-token headers."""

from typing import Any

import pytest
from api_support import Caller, CallerFactory
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents import passwords
from goodwill.agents.roles import Role
from goodwill.conversations.models import Conversation
from goodwill.core.clock import FixedClock


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at production cost takes ~0.3 s per agent; these tests are not about hashing."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def caller(make: Factories) -> CallerFactory:
    """Make an agent of a role (default: agent) and an API token for it."""

    def make_caller(role: Role = Role.AGENT, **agent_fields: object) -> Caller:
        agent = make.agent(role=role, **agent_fields)  # type: ignore[arg-type]
        return Caller(agent, {"Authorization": f"Bearer {make.token(agent)}"})

    return make_caller


@pytest.fixture
def admin(caller: CallerFactory) -> Caller:
    return caller(Role.ADMIN)


@pytest.fixture
def manager(caller: CallerFactory) -> Caller:
    return caller(Role.MANAGER)


@pytest.fixture
def agent(caller: CallerFactory) -> Caller:
    return caller(Role.AGENT)


class FlushingFactories(Factories):
    """Factories whose conversations are fully flushed, so requests see all of their state."""

    def conversation(self, **fields: Any) -> Conversation:
        conversation = super().conversation(**fields)
        # open_conversation leaves its last changes pending; flushed later they would overwrite
        # what the requests under test wrote.
        self.session.flush()
        return conversation


@pytest.fixture
def make(session: Session, clock: FixedClock) -> Factories:
    return FlushingFactories(session, clock)
