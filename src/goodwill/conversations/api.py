"""JSON routes for conversations, their messages and saved replies; agents see only their scope."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from goodwill.conversations.access import ensure_visible, scope_for
from goodwill.conversations.api_schemas import (
    ConversationListQuery,
    ConversationSearchResults,
    RenderedReply,
    SavedReplyCreate,
    SavedReplyOut,
)
from goodwill.conversations.attachments import ensure_within_limit
from goodwill.conversations.downloads import attachment_response
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.repository import (
    ConversationRow,
    list_attachment_infos,
    list_conversation_rows,
    list_conversation_tags,
)
from goodwill.conversations.schemas import (
    AttachmentOut,
    ConversationCreate,
    ConversationCreated,
    ConversationOut,
    ConversationPage,
    ConversationUpdate,
    MessageCreate,
    MessageOut,
    MessagePage,
)
from goodwill.conversations.search import search_conversations
from goodwill.conversations.services.attachments import get_visible_attachment
from goodwill.conversations.services.common import get_conversation
from goodwill.conversations.services.detail import get_visible_conversation
from goodwill.conversations.services.messages import add_message, list_messages
from goodwill.conversations.services.open import open_conversation
from goodwill.conversations.services.saved_replies import (
    create_saved_reply,
    list_saved_replies,
    render_saved_reply,
)
from goodwill.conversations.services.update import update_conversation
from goodwill.web.deps import ApiAgent, ApiManager, ClockDep, DatabaseDep, SettingsDep, api_agent
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import MAX_ID, PageLimit, PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(tags=["conversations"], dependencies=[Depends(reject_nul_characters)])
AUTHENTICATED = [Depends(api_agent)]
FIRST_MESSAGES = 100  # a new conversation has one message; the bound only guards the query


def conversation_out(conversation: Conversation, tags: list[str]) -> ConversationOut:
    return ConversationOut.model_validate(conversation).model_copy(update={"tags": tags})


def _row_out(row: ConversationRow) -> ConversationOut:
    return conversation_out(row.conversation, row.tags)


def _tagged_out(session: Session, conversation: Conversation) -> ConversationOut:
    return conversation_out(
        conversation, list_conversation_tags(session, conversation_id=conversation.id)
    )


def messages_out(session: Session, messages: list[Message]) -> list[MessageOut]:
    """The messages with their attachments' facts, loaded in one query for the whole list."""
    attachments = list_attachment_infos(session, message_ids=[message.id for message in messages])
    return [
        MessageOut.model_validate(message).model_copy(
            update={
                "attachments": [
                    AttachmentOut.model_validate(info) for info in attachments.get(message.id, [])
                ]
            }
        )
        for message in messages
    ]


def _created_out(session: Session, conversation: Conversation) -> ConversationCreated:
    messages = list_messages(
        session, conversation_id=conversation.id, after_id=None, limit=FIRST_MESSAGES
    )
    return ConversationCreated(
        **_tagged_out(session, conversation).model_dump(),
        messages=messages_out(session, messages),
    )


@router.post(
    "/conversations",
    status_code=201,
    response_model=ConversationCreated,
    summary="Open a conversation with its first message",
    responses=error_responses(400, 409),
)
def post_conversation(
    data: ConversationCreate,
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
    call: Idempotency,
) -> Response:
    ensure_within_limit(data.message.attachment_sizes(), limit=settings.max_attachment_bytes)

    def create(session: Session) -> ConversationCreated:
        conversation = open_conversation(session, data=data, actor=agent, now=clock.now())
        return _created_out(session, conversation)

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.get(
    "/conversations",
    response_model=ConversationPage,
    summary="List conversations in an inbox view, with filters, newest activity first",
    responses=error_responses(),
)
def get_conversations(
    query: Annotated[ConversationListQuery, Query()],
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> ConversationPage:
    with database.reader() as session:
        rows, next_cursor = list_conversation_rows(
            session,
            filters=query.to_filters(),
            scope=scope_for(session, agent),
            cursor=query.cursor,
            limit=query.limit,
            now=clock.now(),
            warning=timedelta(minutes=settings.sla_warning_minutes),
        )
        return ConversationPage(items=[_row_out(row) for row in rows], next_cursor=next_cursor)


@router.get(
    "/conversations/search",
    response_model=ConversationSearchResults,
    summary="Full-text search over subjects and messages",
    responses=error_responses(),
)
def get_conversation_search(
    q: Annotated[str, Query(min_length=1, max_length=200, description="words to look for")],
    agent: ApiAgent,
    database: DatabaseDep,
    limit: PageLimit = 25,
) -> ConversationSearchResults:
    with database.reader() as session:
        rows = search_conversations(session, query=q, scope=scope_for(session, agent), limit=limit)
        return ConversationSearchResults(items=[_row_out(row) for row in rows])


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationOut,
    summary="One conversation",
    responses=error_responses(404),
)
def get_one_conversation(
    conversation_id: PathId, agent: ApiAgent, database: DatabaseDep
) -> ConversationOut:
    with database.reader() as session:
        conversation = get_visible_conversation(
            session, conversation_id, scope=scope_for(session, agent)
        )
        return _tagged_out(session, conversation)


@router.patch(
    "/conversations/{conversation_id}",
    response_model=ConversationOut,
    summary="Change status, assignee, team, priority or tags (only the fields sent)",
    responses=error_responses(400, 404, 409),
)
def patch_conversation(
    conversation_id: PathId,
    data: ConversationUpdate,
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
) -> ConversationOut:
    with database.transaction() as session:
        conversation = update_conversation(
            session,
            conversation_id,
            patch=data,
            actor=agent,
            scope=scope_for(session, agent),
            now=clock.now(),
        )
        return _tagged_out(session, conversation)


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=201,
    response_model=MessageOut,
    summary="Add a customer message, a reply to the customer, or an internal note",
    responses=error_responses(400, 404, 409),
)
def post_message(
    conversation_id: PathId,
    data: MessageCreate,
    agent: ApiAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
    call: Idempotency,
) -> Response:
    ensure_within_limit(data.attachment_sizes(), limit=settings.max_attachment_bytes)

    def create(session: Session) -> MessageOut:
        conversation = get_conversation(session, conversation_id, for_update=True)
        ensure_visible(conversation, scope_for(session, agent))
        message = add_message(session, conversation, data=data, actor=agent, now=clock.now())
        return messages_out(session, [message])[0]

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=MessagePage,
    summary="Messages and notes, oldest first; pass next_cursor as after_id for more",
    responses=error_responses(404),
)
def get_messages(
    conversation_id: PathId,
    agent: ApiAgent,
    database: DatabaseDep,
    after_id: Annotated[int | None, Query(ge=0, le=MAX_ID, description="a message id")] = None,
    limit: PageLimit = 50,
) -> MessagePage:
    with database.reader() as session:
        get_visible_conversation(session, conversation_id, scope=scope_for(session, agent))
        messages = list_messages(
            session, conversation_id=conversation_id, after_id=after_id, limit=limit + 1
        )
        page = messages[:limit]
        return MessagePage(
            items=messages_out(session, page),
            next_cursor=str(page[-1].id) if len(messages) > limit else None,
        )


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    summary="Download an attachment's bytes (always as a file, never shown inline)",
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "the file"},
        **error_responses(404),
    },
)
def get_attachment(attachment_id: PathId, agent: ApiAgent, database: DatabaseDep) -> Response:
    with database.reader() as session:
        attachment = get_visible_attachment(session, attachment_id, scope=scope_for(session, agent))
        return attachment_response(attachment)


@router.get(
    "/saved-replies",
    response_model=list[SavedReplyOut],
    dependencies=AUTHENTICATED,
    summary="List saved replies",
    responses=error_responses(),
)
def get_saved_replies(database: DatabaseDep) -> list[SavedReplyOut]:
    with database.reader() as session:
        return [SavedReplyOut.model_validate(reply) for reply in list_saved_replies(session)]


@router.post(
    "/saved-replies",
    status_code=201,
    response_model=SavedReplyOut,
    summary="Create a saved reply; managers and admins",
    responses=error_responses(400, 403, 409),
)
def post_saved_reply(
    data: SavedReplyCreate,
    manager: ApiManager,
    database: DatabaseDep,
    clock: ClockDep,
    call: Idempotency,
) -> Response:
    def create(session: Session) -> SavedReplyOut:
        reply = create_saved_reply(
            session,
            title=data.title,
            body=data.body,
            team_id=data.team_id,
            actor=manager,
            now=clock.now(),
        )
        return SavedReplyOut.model_validate(reply)

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.post(
    "/conversations/{conversation_id}/saved-replies/{reply_id}/render",
    response_model=RenderedReply,
    summary="Fill a saved reply's placeholders for this conversation",
    responses=error_responses(404),
)
def post_render_saved_reply(
    conversation_id: PathId, reply_id: PathId, agent: ApiAgent, database: DatabaseDep
) -> RenderedReply:
    with database.transaction() as session:
        conversation = get_visible_conversation(
            session, conversation_id, scope=scope_for(session, agent)
        )
        body = render_saved_reply(
            session, saved_reply_id=reply_id, conversation=conversation, agent=agent
        )
        return RenderedReply(body=body)
