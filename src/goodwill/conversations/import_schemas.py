"""API shapes for importing conversation history in bulk."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.enums import Priority
from goodwill.conversations.schemas import CustomerRef, MessageKind
from goodwill.conversations.status import ConversationStatus

MAX_CONVERSATIONS_PER_IMPORT = 500
MAX_MESSAGES_PER_CONVERSATION = 500


class ImportedMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: MessageKind = MessageKind.CUSTOMER
    body_text: str = Field(min_length=1, max_length=200_000)
    body_html: str | None = Field(default=None, max_length=1_000_000)
    external_id: str | None = Field(default=None, max_length=998)
    created_at: datetime = Field(description="when the message was written (timezone required)")
    author_agent_id: int | None = Field(
        default=None, description="for replies and notes; defaults to the calling agent"
    )

    @model_validator(mode="after")
    def _aware(self) -> "ImportedMessage":
        if self.created_at.tzinfo is None:
            raise ValueError("created_at needs a timezone, e.g. 2026-03-02T09:00:00Z")
        return self


class ConversationImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=300)
    customer: CustomerRef
    channel: ChannelKind = ChannelKind.EMAIL
    priority: Priority = Priority.NORMAL
    team_id: int | None = None
    assignee_id: int | None = None
    product_id: int | None = None
    topic: str | None = Field(default=None, max_length=80)
    tags: list[str] = Field(default_factory=list, max_length=50)
    status: ConversationStatus | None = Field(
        default=None, description="final status; default: from who wrote last"
    )
    resolved_at: datetime | None = None
    messages: list[ImportedMessage] = Field(min_length=1, max_length=MAX_MESSAGES_PER_CONVERSATION)


class ConversationImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversations: list[ConversationImport] = Field(
        min_length=1, max_length=MAX_CONVERSATIONS_PER_IMPORT
    )


class ConversationImportResult(BaseModel):
    conversation_ids: list[int] = Field(description="new conversations, in request order")
    imported_conversations: int
    imported_messages: int
    skipped_conversations: int = Field(
        description="already imported: every message's external_id was known"
    )
