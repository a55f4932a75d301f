"""JSON routes for the IMAP mailboxes we poll (admin only). Passwords go in, never out."""

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from goodwill.mail.imap import ImapError, ImapSecurity
from goodwill.mail.mailbox_schemas import (
    PASSWORD_SETTING_RULE,
    MailboxCheckOut,
    MailboxCreate,
    MailboxOut,
    MailboxPollOut,
    MailboxUpdate,
)
from goodwill.mail.models import Mailbox
from goodwill.mail.services.mailboxes import (
    check_mailbox,
    create_mailbox,
    delete_mailbox,
    get_mailbox,
    has_password,
    list_mailboxes,
    update_mailbox,
)
from goodwill.mail.services.poll import poll_mailbox
from goodwill.web.deps import ClockDep, DatabaseDep, SettingsDep, api_admin
from goodwill.web.idempotency import Idempotency, create_once
from goodwill.web.schemas import PathId, error_responses
from goodwill.web.text_guard import reject_nul_characters

router = APIRouter(
    tags=["Mailboxes"],
    dependencies=[Depends(api_admin), Depends(reject_nul_characters)],
)
ABOUT = (
    "Existing mailboxes polled over IMAP every GOODWILL_IMAP_POLL_SECONDS. Messages are fetched "
    "without marking them seen, and each is stored once: the poll remembers the folder's "
    "UIDVALIDITY and the last UID it stored. The password is never returned; instead of storing "
    f"it, password_setting may name {PASSWORD_SETTING_RULE}."
)


def mailbox_out(mailbox: Mailbox) -> MailboxOut:
    return MailboxOut(
        id=mailbox.id,
        name=mailbox.name,
        host=mailbox.host,
        port=mailbox.port,
        security=ImapSecurity(mailbox.security),
        username=mailbox.username,
        has_password=has_password(mailbox),
        password_setting=mailbox.password_setting,
        folder=mailbox.folder,
        is_active=mailbox.is_active,
        uidvalidity=mailbox.uidvalidity,
        last_uid=mailbox.last_uid,
        last_polled_at=mailbox.last_polled_at,
        last_error=mailbox.last_error,
        last_error_at=mailbox.last_error_at,
        created_at=mailbox.created_at,
    )


@router.get(
    "/mailboxes",
    response_model=list[MailboxOut],
    summary="List IMAP mailboxes, by name (admin)",
    description=ABOUT,
    responses=error_responses(403),
)
def get_mailboxes(database: DatabaseDep) -> list[MailboxOut]:
    with database.reader() as session:
        return [mailbox_out(mailbox) for mailbox in list_mailboxes(session)]


@router.post(
    "/mailboxes",
    status_code=201,
    response_model=MailboxOut,
    summary="Add an IMAP mailbox to poll (admin)",
    description=f"{ABOUT} With fetch_existing false the server is contacted now, and only mail "
    "arriving afterwards is fetched (422 when the login fails).",
    responses=error_responses(403, 409),
)
def post_mailbox(
    data: MailboxCreate, database: DatabaseDep, clock: ClockDep, call: Idempotency
) -> Response:
    def create(session: Session) -> MailboxOut:
        return mailbox_out(create_mailbox(session, data=data, now=clock.now()))

    return create_once(database, call, payload=data, create=create, now=clock.now())


@router.get(
    "/mailboxes/{mailbox_id}",
    response_model=MailboxOut,
    summary="One IMAP mailbox with its polling position and last error (admin)",
    responses=error_responses(403, 404),
)
def get_one_mailbox(mailbox_id: PathId, database: DatabaseDep) -> MailboxOut:
    with database.reader() as session:
        return mailbox_out(get_mailbox(session, mailbox_id))


@router.patch(
    "/mailboxes/{mailbox_id}",
    response_model=MailboxOut,
    summary="Change a mailbox, its password, or deactivate it with is_active: false (admin)",
    description="A password sent replaces password_setting and the reverse; null clears one, but "
    "a mailbox always keeps one of them (422 otherwise). Changing host, port, "
    "username or folder starts polling that folder from its first message; messages already "
    "stored from this mailbox are recognised by Message-ID and skipped.",
    responses=error_responses(403, 404, 409),
)
def patch_mailbox(mailbox_id: PathId, data: MailboxUpdate, database: DatabaseDep) -> MailboxOut:
    with database.transaction() as session:
        return mailbox_out(update_mailbox(session, mailbox_id, patch=data))


@router.delete(
    "/mailboxes/{mailbox_id}",
    status_code=204,
    summary="Stop polling a mailbox and forget its settings (admin)",
    description="Mail already received from it is kept.",
    responses=error_responses(403, 404),
)
def delete_one_mailbox(mailbox_id: PathId, database: DatabaseDep) -> Response:
    with database.transaction() as session:
        delete_mailbox(session, mailbox_id)
    return Response(status_code=204)


@router.post(
    "/mailboxes/{mailbox_id}/test",
    response_model=MailboxCheckOut,
    summary="Log in and open the folder now, changing nothing (admin)",
    description="Answers 200 either way: `ok` says whether it worked and `error` why not.",
    responses=error_responses(403, 404),
)
def check_mailbox_now(mailbox_id: PathId, database: DatabaseDep) -> MailboxCheckOut:
    with database.reader() as session:
        mailbox = get_mailbox(session, mailbox_id)
    try:
        state = check_mailbox(mailbox)
    except ImapError as error:
        return MailboxCheckOut(ok=False, error=str(error))
    return MailboxCheckOut(
        ok=True, uidvalidity=state.uidvalidity, uidnext=state.uidnext, messages=state.messages
    )


@router.post(
    "/mailboxes/{mailbox_id}/poll",
    response_model=MailboxPollOut,
    summary="Poll the mailbox now (admin)",
    description="Stores up to 100 new messages and answers with the counts; when more are "
    "waiting, a background job continues. A connection or login failure is answered 200 with "
    "`error` and recorded on the mailbox. An inactive mailbox is 409.",
    responses=error_responses(403, 404, 409),
)
def poll_mailbox_now(
    mailbox_id: PathId, database: DatabaseDep, clock: ClockDep, settings: SettingsDep
) -> MailboxPollOut:
    with database.transaction() as session:
        result = poll_mailbox(
            session,
            mailbox_id,
            now=clock.now(),
            max_message_bytes=settings.smtpd_max_message_bytes,
        )
        mailbox = get_mailbox(session, mailbox_id)
        return MailboxPollOut(
            stored=result.stored,
            skipped=result.skipped,
            failed=result.failed,
            more_waiting=result.more_waiting,
            error=result.error,
            mailbox=mailbox_out(mailbox),
        )
