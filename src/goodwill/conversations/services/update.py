"""Changing a conversation's status, assignee, team, priority and tags in one call."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent, Team
from goodwill.conversations.access import ConversationScope, ensure_visible
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, ConversationTag
from goodwill.conversations.repository import list_conversation_tags
from goodwill.conversations.schemas import ConversationUpdate
from goodwill.conversations.services.assign import assign_conversation
from goodwill.conversations.services.common import get_conversation, record_event, touch
from goodwill.conversations.services.sla import apply_sla_policy
from goodwill.conversations.services.status_change import change_status
from goodwill.core.errors import Invalid
from goodwill.tags.service import ensure_tags


def update_conversation(
    session: Session,
    conversation_id: int,
    *,
    patch: ConversationUpdate,
    actor: Agent,
    scope: ConversationScope,
    now: datetime,
) -> Conversation:
    """Apply only the fields present in `patch`; each change is logged as an event."""
    conversation = get_conversation(session, conversation_id, for_update=True)
    ensure_visible(conversation, scope)
    fields = patch.model_fields_set
    if "team_id" in fields:
        _change_team(session, conversation, patch.team_id, now=now, actor_id=actor.id)
    if "priority" in fields and patch.priority is not None:
        _change_priority(session, conversation, patch.priority, now=now, actor_id=actor.id)
    if "assignee_id" in fields:
        assign_conversation(
            session, conversation, agent_id=patch.assignee_id, now=now, actor_agent_id=actor.id
        )
    if "tags" in fields and patch.tags is not None:
        set_conversation_tags(session, conversation, patch.tags, now=now, actor_id=actor.id)
    if "status" in fields and patch.status is not None and patch.status != conversation.status:
        change_status(session, conversation, patch.status, now=now, actor_agent_id=actor.id)
    session.flush()
    return conversation


def _change_team(
    session: Session,
    conversation: Conversation,
    team_id: int | None,
    *,
    now: datetime,
    actor_id: int,
) -> None:
    if team_id == conversation.team_id:
        return
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid(f"team_id {team_id} does not exist")
    record_event(
        session,
        conversation,
        EventKind.TEAM_CHANGED,
        now=now,
        actor_agent_id=actor_id,
        data={"from": conversation.team_id, "to": team_id},
    )
    conversation.team_id = team_id
    apply_sla_policy(session, conversation)  # due times now count in the new team's hours
    touch(conversation, now=now)


def _change_priority(
    session: Session, conversation: Conversation, priority: str, *, now: datetime, actor_id: int
) -> None:
    if priority == conversation.priority:
        return
    record_event(
        session,
        conversation,
        EventKind.PRIORITY_CHANGED,
        now=now,
        actor_agent_id=actor_id,
        data={"from": conversation.priority, "to": priority},
    )
    conversation.priority = priority  # type: ignore[assignment]
    apply_sla_policy(session, conversation)
    touch(conversation, now=now)


def set_conversation_tags(
    session: Session, conversation: Conversation, names: list[str], *, now: datetime, actor_id: int
) -> None:
    before = set(list_conversation_tags(session, conversation_id=conversation.id))
    tags = ensure_tags(session, names)
    after = {tag.name for tag in tags}
    if before == after:
        return
    session.execute(
        delete(ConversationTag).where(ConversationTag.conversation_id == conversation.id)
    )
    for tag in tags:
        session.add(ConversationTag(conversation_id=conversation.id, tag_id=tag.id))
    record_event(
        session,
        conversation,
        EventKind.TAGS_CHANGED,
        now=now,
        actor_agent_id=actor_id,
        data={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    touch(conversation, now=now)
