"""`goodwill mailboxes add|list|test|poll`: the IMAP mailboxes Goodwill polls.

A password is never a command-line argument (it would show in `ps` and the shell history): it is
typed at a hidden prompt, or read at each poll from an environment variable (--password-env)."""

from datetime import UTC, datetime
from typing import Any

import typer
from pydantic import SecretStr, ValidationError

from goodwill.cli.common import console, friendly_errors, load_settings, open_database
from goodwill.core.errors import Invalid
from goodwill.mail.imap import ImapError, ImapSecurity
from goodwill.mail.mailbox_schemas import PASSWORD_SETTING_PREFIX, MailboxCreate
from goodwill.mail.models import Mailbox
from goodwill.mail.services.mailboxes import (
    check_mailbox,
    create_mailbox,
    get_mailbox_by_name,
    list_mailboxes,
)
from goodwill.mail.services.poll import PollResult, poll_mailbox

mailboxes_app = typer.Typer(help="Manage the IMAP mailboxes Goodwill polls.", no_args_is_help=True)
LIST_COLUMNS = (
    "name",
    "server",
    "security",
    "user",
    "folder",
    "active",
    "last_uid",
    "polled",
    "error",
)


@mailboxes_app.command("add")
@friendly_errors
def add_mailbox(
    name: str = typer.Option(..., help="a name to recognise the mailbox by"),
    host: str = typer.Option(..., help="the IMAP server, e.g. imap.gmail.com"),
    username: str = typer.Option(..., help="the login, usually the full email address"),
    security: ImapSecurity = typer.Option(ImapSecurity.SSL, help="ssl (993), starttls or none"),
    port: int | None = typer.Option(None, help="default: 993 for ssl, 143 otherwise"),
    folder: str = typer.Option("INBOX", help="the folder to poll"),
    password_env: str | None = typer.Option(
        None,
        "--password-env",
        help=f"read the password at each poll from this environment variable (its name starts "
        f"with {PASSWORD_SETTING_PREFIX}); without it you are asked for the password",
    ),
    skip_existing: bool = typer.Option(
        False, "--skip-existing", help="log in now and fetch only mail that arrives from now on"
    ),
) -> None:
    """Add a mailbox to poll. The password is asked for at a hidden prompt (or --password-env)."""
    fields: dict[str, Any] = {
        "name": name,
        "host": host,
        "port": port,
        "security": security,
        "username": username,
        "folder": folder,
        "fetch_existing": not skip_existing,
    }
    if password_env:
        fields["password_setting"] = password_env
    else:
        fields["password"] = SecretStr(
            typer.prompt("IMAP password", hide_input=True, confirmation_prompt=True)
        )
    data = _validated(fields)
    database = open_database(load_settings())
    with database.transaction() as session:
        mailbox = create_mailbox(session, data=data, now=datetime.now(UTC))
    console.print(f"added mailbox {mailbox.name} (id {mailbox.id}); `goodwill worker` polls it")


@mailboxes_app.command("list")
def list_all() -> None:
    """List the mailboxes with their polling position and last error (tab-separated)."""
    database = open_database(load_settings())
    with database.reader() as session:
        mailboxes = list_mailboxes(session)
    print("\t".join(LIST_COLUMNS))  # noqa: T201  (stdout, for scripts)
    for mailbox in mailboxes:
        print("\t".join(_row(mailbox)))  # noqa: T201


@mailboxes_app.command("test")
@friendly_errors
def check_login(name: str = typer.Argument(..., help="the mailbox's name")) -> None:
    """Log in and open the folder, changing nothing; exit 1 with the reason when it fails."""
    database = open_database(load_settings())
    with database.reader() as session:
        mailbox = get_mailbox_by_name(session, name)
    try:
        state = check_mailbox(mailbox)
    except ImapError as error:
        console.print(f"[red]Error:[/red] {error}")
        raise typer.Exit(1) from None
    console.print(
        f"ok: {state.messages} messages in {mailbox.folder} (UIDVALIDITY {state.uidvalidity})"
    )


@mailboxes_app.command("poll")
@friendly_errors
def poll_now(
    name: str = typer.Argument(..., help="the mailbox's name"),
    batch: int = typer.Option(100, min=1, max=1000, help="messages stored per transaction"),
) -> None:
    """Fetch and store the mailbox's new mail now, batch after batch until none is left."""
    settings = load_settings()
    database = open_database(settings)
    total = PollResult()
    while True:
        with database.transaction() as session:
            mailbox_id = get_mailbox_by_name(session, name).id
            result = poll_mailbox(
                session,
                mailbox_id,
                now=datetime.now(UTC),
                limit=batch,
                max_message_bytes=settings.smtpd_max_message_bytes,
                continue_later=False,
            )
        total.stored += result.stored
        total.skipped += result.skipped
        total.failed += result.failed
        if result.error or not result.more_waiting:
            break
    console.print(
        f"{total.stored} stored, {total.skipped} already stored, "
        f"{total.failed} could not be fetched"
    )
    if result.error:
        console.print(f"[red]Error:[/red] {result.error}")
        raise typer.Exit(1)


def _validated(fields: dict[str, Any]) -> MailboxCreate:
    try:
        return MailboxCreate(**fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'input'}: {item['msg']}"
            for item in error.errors(include_input=False)
        )
        raise Invalid(problems) from None


def _row(mailbox: Mailbox) -> tuple[str, ...]:
    polled = mailbox.last_polled_at.isoformat(timespec="seconds") if mailbox.last_polled_at else "-"
    return (
        mailbox.name,
        f"{mailbox.host}:{mailbox.port}",
        mailbox.security,
        mailbox.username,
        mailbox.folder,
        "yes" if mailbox.is_active else "no",
        str(mailbox.last_uid),
        polled,
        (mailbox.last_error or "-").replace("\t", " ").replace("\n", " "),
    )
