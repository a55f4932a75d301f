"""API and form shapes for conversations and messages."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from goodwill.channels.kinds import ChannelKind
from goodwill.conversations.attachments import (
    CONTENT_TYPE_PATTERN,
    DEFAULT_CONTENT_TYPE,
    MAX_FILENAME_LENGTH,
    clean_filename,
    decode_base64,
)
from goodwill.conversations.enums import AuthorKind, MessageDirection, Priority
from goodwill.conversations.status import ConversationStatus
from goodwill.customers.models import IdentityKind
from goodwill.web.schemas import MAX_ID

EntityId = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id that can exist in the database


class MessageKind(StrEnum):
    CUSTOMER = "customer"  # a message from the customer (inbound)
    REPLY = "reply"  # an agent's reply to the customer (outbound)
    NOTE = "note"  # internal note


class CustomerRef(BaseModel):
    """Who the conversation is with: an existing customer id, or an identity to find or create."""

    model_config = ConfigDict(extra="forbid")

    id: EntityId | None = None
    kind: IdentityKind = IdentityKind.EMAIL
    value: str | None = Field(default=None, max_length=320)
    name: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _id_or_identity(self) -> "CustomerRef":
        if self.id is None and not self.value:
            raise ValueError(
                "give the customer's id, or an identity value such as an email address"
            )
        return self


MAX_ATTACHMENTS = 20


class AttachmentIn(BaseModel):
    """A file sent with a message; its content as standard base64."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(
        min_length=1,
        max_length=MAX_FILENAME_LENGTH,
        description="the file's name; any directory part is removed",
    )
    content_type: str = Field(
        default=DEFAULT_CONTENT_TYPE, pattern=CONTENT_TYPE_PATTERN, description="type/subtype"
    )
    content_base64: str = Field(description="the bytes, base64-encoded")
    _content: bytes = PrivateAttr(default=b"")

    @field_validator("filename")
    @classmethod
    def _strip_path(cls, value: str) -> str:
        return clean_filename(value)

    @field_validator("content_type")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()

    @model_validator(mode="after")
    def _decode(self) -> "AttachmentIn":
        self._content = decode_base64(self.content_base64)
        return self

    @property
    def content(self) -> bytes:
        return self._content


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: MessageKind = MessageKind.CUSTOMER
    body_text: str = Field(min_length=1, max_length=200_000)
    body_html: str | None = Field(default=None, max_length=1_000_000)
    channel: ChannelKind | None = None
    external_id: str | None = Field(default=None, max_length=998)
    created_at: datetime | None = Field(
        default=None, description="when it happened, for imports; defaults to now"
    )
    status_after: ConversationStatus | None = Field(
        default=None, description="for replies: the status to set (default: pending)"
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)

    def attachment_sizes(self) -> list[int]:
        return [len(attachment.content) for attachment in self.attachments]


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=300)
    customer: CustomerRef
    channel: ChannelKind = ChannelKind.API
    priority: Priority = Priority.NORMAL
    team_id: EntityId | None = None
    assignee_id: EntityId | None = None
    product_id: EntityId | None = None
    topic: str | None = Field(default=None, max_length=80)
    tags: list[str] = Field(default_factory=list, max_length=50)
    message: MessageCreate


class ConversationUpdate(BaseModel):
    """Only the fields present are changed; `assignee_id: null` unassigns."""

    model_config = ConfigDict(extra="forbid")

    status: ConversationStatus | None = None
    assignee_id: EntityId | None = None
    team_id: EntityId | None = None
    priority: Priority | None = None
    tags: list[str] | None = Field(default=None, max_length=50)


class AttachmentOut(BaseModel):
    """An attachment's facts; GET /attachments/{id} downloads its bytes."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size_bytes: int


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    conversation_id: int
    channel: ChannelKind
    direction: MessageDirection
    author_kind: AuthorKind
    author_agent_id: int | None
    author_customer_id: int | None
    body_text: str
    body_html: str | None
    external_id: str | None
    created_at: datetime
    attachments: list[AttachmentOut] = Field(default_factory=list)


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    subject: str
    customer_id: int
    channel: ChannelKind
    status: ConversationStatus
    priority: Priority
    team_id: int | None
    assignee_id: int | None
    product_id: int | None
    topic: str | None
    tags: list[str] = Field(default_factory=list)
    message_count: int
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reopened_count: int
    first_response_due_at: datetime | None
    next_response_due_at: datetime | None
    resolution_due_at: datetime | None


class ConversationCreated(ConversationOut):
    messages: list[MessageOut]


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    next_cursor: str | None


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None
