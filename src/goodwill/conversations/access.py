"""Which conversations an agent may see: managers all; agents their teams' and their own."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, TeamMembership
from goodwill.agents.roles import Role, has_at_least
from goodwill.conversations.models import Conversation
from goodwill.core.errors import NotFound


@dataclass(frozen=True, slots=True)
class ConversationScope:
    agent_id: int
    sees_everything: bool
    team_ids: frozenset[int]

    def allows(self, conversation: Conversation) -> bool:
        return (
            self.sees_everything
            or conversation.assignee_id == self.agent_id
            or conversation.team_id is None
            or conversation.team_id in self.team_ids
        )

    def condition(self) -> ColumnElement[bool]:
        if self.sees_everything:
            return true()
        return or_(
            Conversation.assignee_id == self.agent_id,
            Conversation.team_id.is_(None),
            Conversation.team_id.in_(sorted(self.team_ids)),
        )


def scope_for(session: Session, agent: Agent) -> ConversationScope:
    if has_at_least(agent.role, Role.MANAGER):
        return ConversationScope(agent.id, True, frozenset())
    teams = session.scalars(
        select(TeamMembership.team_id).where(TeamMembership.agent_id == agent.id)
    )
    return ConversationScope(agent.id, False, frozenset(teams))


def ensure_visible(conversation: Conversation, scope: ConversationScope) -> None:
    """Outside an agent's scope a conversation does not exist (no 403 that leaks its existence)."""
    if not scope.allows(conversation):
        raise NotFound(f"conversation {conversation.id} does not exist")
