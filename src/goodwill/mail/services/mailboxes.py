"""IMAP mailbox use-cases: create, change, list, delete, and check the login.

The password is write-only: it is stored (or read from the environment variable named by
`password_setting`, which must start with GOODWILL_IMAP_PASSWORD) and handed to the IMAP client,
never returned, logged or put in an error message."""

import os
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.core.errors import Conflict, Invalid, NotFound
from goodwill.mail.imap import (
    DEFAULT_PORTS,
    FolderState,
    ImapConfig,
    ImapConnection,
    ImapError,
    ImapSecurity,
)
from goodwill.mail.mailbox_schemas import MailboxCreate, MailboxUpdate
from goodwill.mail.models import Mailbox

# Fields that say which folder is polled: changing one starts polling that folder over.
LOCATION_FIELDS = frozenset({"host", "port", "username", "folder"})
PLAIN_FIELDS = frozenset({"name", "host", "port", "security", "username", "folder", "is_active"})

Connector = Callable[[ImapConfig], ImapConnection]


class MissingPassword(Exception):
    """The mailbox has no password: none stored and its environment variable is unset."""


def create_mailbox(
    session: Session, *, data: MailboxCreate, now: datetime, connect: Connector = ImapConnection
) -> Mailbox:
    """Add a mailbox; with fetch_existing false, log in now and start after its last message."""
    _check_name_is_free(session, data.name, exclude_id=None)
    mailbox = Mailbox(
        name=data.name,
        host=data.host,
        port=data.port or DEFAULT_PORTS[data.security],
        security=data.security.value,
        username=data.username,
        password=data.password.get_secret_value() if data.password else None,
        password_setting=data.password_setting,
        folder=data.folder,
        is_active=data.is_active,
        last_uid=0,
        created_at=now,
    )
    if not data.fetch_existing:
        _start_after_existing_mail(mailbox, connect)
    session.add(mailbox)
    session.flush()
    return mailbox


def update_mailbox(session: Session, mailbox_id: int, *, patch: MailboxUpdate) -> Mailbox:
    """Change the fields sent; pointing at another folder restarts its polling position."""
    mailbox = get_mailbox(session, mailbox_id)
    fields = patch.model_fields_set
    if patch.name is not None and patch.name != mailbox.name:
        _check_name_is_free(session, patch.name, exclude_id=mailbox.id)
    moved = any(
        getattr(patch, field) != getattr(mailbox, field) for field in fields & LOCATION_FIELDS
    )
    for field in fields & PLAIN_FIELDS:
        value = getattr(patch, field)
        setattr(mailbox, field, value.value if field == "security" else value)
    if "password" in fields or "password_setting" in fields:
        _replace_password(mailbox, patch)
    if moved:
        mailbox.uidvalidity = None
        mailbox.last_uid = 0
    session.flush()
    return mailbox


def delete_mailbox(session: Session, mailbox_id: int) -> None:
    """Remove the mailbox; mail received from it stays (its mailbox becomes unknown)."""
    session.delete(get_mailbox(session, mailbox_id))
    session.flush()


def get_mailbox(session: Session, mailbox_id: int) -> Mailbox:
    mailbox = session.get(Mailbox, mailbox_id)
    if mailbox is None:
        raise NotFound(f"mailbox {mailbox_id} does not exist")
    return mailbox


def get_mailbox_by_name(session: Session, name: str) -> Mailbox:
    mailbox = session.scalar(select(Mailbox).where(func.lower(Mailbox.name) == name.lower()))
    if mailbox is None:
        raise NotFound(f"no mailbox is named {name!r}; `goodwill mailboxes list` shows them")
    return mailbox


def list_mailboxes(session: Session) -> list[Mailbox]:
    return list(session.scalars(select(Mailbox).order_by(Mailbox.name, Mailbox.id)))


def has_password(mailbox: Mailbox) -> bool:
    if mailbox.password:
        return True
    return bool(mailbox.password_setting and os.environ.get(mailbox.password_setting))


def imap_config(mailbox: Mailbox) -> ImapConfig:
    """How to reach the mailbox, with its password; MissingPassword when there is none."""
    password = mailbox.password
    if not password and mailbox.password_setting:
        password = os.environ.get(mailbox.password_setting)
        if not password:
            raise MissingPassword(
                f"the environment variable {mailbox.password_setting} that holds the password is "
                "not set for this process; set it and restart, or store a password"
            )
    if not password:
        raise MissingPassword("no password: store one or name an environment variable")
    return ImapConfig(
        host=mailbox.host,
        port=mailbox.port,
        security=ImapSecurity(mailbox.security),
        username=mailbox.username,
        password=password,
        folder=mailbox.folder,
    )


def check_mailbox(mailbox: Mailbox, *, connect: Connector = ImapConnection) -> FolderState:
    """Log in and open the folder, changing nothing; ImapError or MissingPassword says why not."""
    try:
        connection = connect(imap_config(mailbox))
    except MissingPassword as error:
        raise ImapError(str(error)) from None
    with connection as opened:
        assert opened.state is not None
        return opened.state


def _start_after_existing_mail(mailbox: Mailbox, connect: Connector) -> None:
    try:
        with connect(imap_config(mailbox)) as connection:
            state = connection.state
            assert state is not None
            last = state.uidnext - 1 if state.uidnext else max(connection.uids_after(0), default=0)
    except (ImapError, MissingPassword) as error:
        raise Invalid(
            f"could not log in to find where new mail starts: {error}. Fix the settings, or "
            "send fetch_existing true to fetch everything already in the folder"
        ) from None
    mailbox.uidvalidity = state.uidvalidity
    mailbox.last_uid = last


def _replace_password(mailbox: Mailbox, patch: MailboxUpdate) -> None:
    """A value sent replaces both sources; a null sent clears that source."""
    fields = patch.model_fields_set
    if patch.password is not None:
        mailbox.password, mailbox.password_setting = patch.password.get_secret_value(), None
    elif patch.password_setting is not None:
        mailbox.password, mailbox.password_setting = None, patch.password_setting
    else:
        if "password" in fields:
            mailbox.password = None
        if "password_setting" in fields:
            mailbox.password_setting = None
    if mailbox.password is None and mailbox.password_setting is None:
        raise Invalid("a mailbox needs a password or a password_setting; send one of them")


def _check_name_is_free(session: Session, name: str, *, exclude_id: int | None) -> None:
    query = select(Mailbox.id).where(func.lower(Mailbox.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Mailbox.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(f"a mailbox named {name!r} already exists; choose another name")
