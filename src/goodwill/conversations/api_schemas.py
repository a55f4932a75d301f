"""API-only shapes for conversations: list query, search results, saved replies."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import Priority
from goodwill.conversations.repository import ConversationFilters, InboxView
from goodwill.conversations.schemas import ConversationOut
from goodwill.conversations.status import ConversationStatus
from goodwill.web.schemas import MAX_ID


class ConversationListQuery(BaseModel):
    """Query parameters of GET /conversations; every filter narrows the view."""

    view: InboxView = InboxView.ALL
    status: list[ConversationStatus] = Field(
        default_factory=list, description="repeat to allow several statuses"
    )
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    channel: ChannelKind | None = None
    priority: Priority | None = None
    tag: str | None = Field(default=None, min_length=1, max_length=64)
    cursor: str | None = Field(
        default=None, max_length=500, description="next_cursor of the previous page"
    )
    limit: int = Field(default=25, ge=1, le=100, description="rows per page, 1 to 100")

    def to_filters(self) -> ConversationFilters:
        return ConversationFilters(
            view=self.view,
            statuses=tuple(self.status),
            assignee_id=self.assignee_id,
            team_id=self.team_id,
            customer_id=self.customer_id,
            channel=self.channel,
            priority=self.priority,
            tag=self.tag,
        )


class ConversationSearchResults(BaseModel):
    """The best matches, most recently active first; search results have no further pages."""

    items: list[ConversationOut]


class SavedReplyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120)
    body: str = Field(
        min_length=1,
        max_length=20_000,
        description="may use {{ customer.first_name }}, {{ agent.name }}, "
        "{{ conversation.reference }} and the like",
    )
    team_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class SavedReplyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    team_id: int | None
    usage_count: int
    created_at: datetime


class RenderedReply(BaseModel):
    body: str = Field(description="the saved reply with its placeholders filled")
