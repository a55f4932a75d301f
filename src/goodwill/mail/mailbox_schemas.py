"""API shapes for IMAP mailboxes. A password goes in (create, change) and never comes out."""

import re
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, model_validator

from goodwill.mail.imap import ImapSecurity
from goodwill.web.schemas import PartialUpdate

PASSWORD_SETTING_PREFIX = "GOODWILL_IMAP_PASSWORD"
PASSWORD_SETTING_PATTERN = re.compile(rf"^{PASSWORD_SETTING_PREFIX}(_[A-Z0-9_]+)?$")
PASSWORD_SETTING_RULE = (
    f"the name of an environment variable that starts with {PASSWORD_SETTING_PREFIX}, for "
    f"example {PASSWORD_SETTING_PREFIX}_SUPPORT (other variables, such as the secret key, "
    "are never sent to a mail server)"
)

MailboxName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Host = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=253, pattern=r"^[^\s/:@]+$"),
    Field(description="the IMAP server's name or address, e.g. imap.gmail.com"),
]
Port = Annotated[int, Field(ge=1, le=65535)]
Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
Password = Annotated[
    SecretStr,
    Field(
        min_length=1, max_length=1000, description="stored, never returned; see password_setting"
    ),
]
PasswordSetting = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=120, pattern=PASSWORD_SETTING_PATTERN.pattern
    ),
    Field(description=PASSWORD_SETTING_RULE),
]
Folder = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


def _check_tls_port(security: ImapSecurity | None, port: int | None) -> None:
    if security == ImapSecurity.STARTTLS and port == 993:
        raise ValueError("port 993 speaks TLS from the start: use security 'ssl' with it")


class MailboxCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: MailboxName
    host: Host
    port: Port | None = Field(default=None, description="default: 993 for ssl, 143 otherwise")
    security: ImapSecurity = ImapSecurity.SSL
    username: Username
    password: Password | None = None
    password_setting: PasswordSetting | None = None
    folder: Folder = "INBOX"
    is_active: bool = True
    fetch_existing: bool = Field(
        default=True,
        description="true: the first poll fetches every message already in the folder; false: "
        "connect now and fetch only messages that arrive from now on",
    )

    @model_validator(mode="after")
    def _one_password_source(self) -> Self:
        if (self.password is None) == (self.password_setting is None):
            raise ValueError("give either password or password_setting (exactly one)")
        _check_tls_port(self.security, self.port)
        return self


class MailboxUpdate(PartialUpdate):
    """Only the fields sent change. A password sent replaces password_setting, and the reverse;
    null clears one, but a mailbox always keeps one of them.

    Changing host, port, username or folder points at another folder: polling starts it over
    (messages already stored from this mailbox are recognised by Message-ID and skipped)."""

    NOT_NULL = ("name", "host", "port", "security", "username", "folder", "is_active")

    name: MailboxName | None = None
    host: Host | None = None
    port: Port | None = None
    security: ImapSecurity | None = None
    username: Username | None = None
    password: Password | None = None
    password_setting: PasswordSetting | None = None
    folder: Folder | None = None
    is_active: bool | None = Field(default=None, description="inactive mailboxes are not polled")

    @model_validator(mode="after")
    def _not_both_passwords(self) -> Self:
        if self.password is not None and self.password_setting is not None:
            raise ValueError("give either password or password_setting, not both")
        _check_tls_port(self.security, self.port)
        return self


class MailboxOut(BaseModel):
    id: int
    name: str
    host: str
    port: int
    security: ImapSecurity
    username: str
    has_password: bool = Field(
        description="a password is stored, or the environment variable named by "
        "password_setting is set in this process"
    )
    password_setting: str | None
    folder: str
    is_active: bool
    uidvalidity: int | None = Field(description="the folder's UIDVALIDITY when last polled")
    last_uid: int = Field(description="every message up to this UID has been stored")
    last_polled_at: datetime | None
    last_error: str | None = Field(description="why the last poll failed; null after a success")
    last_error_at: datetime | None
    created_at: datetime


class MailboxCheckOut(BaseModel):
    """The outcome of logging in and opening the folder."""

    ok: bool
    error: str | None = Field(default=None, description="what failed; never contains the password")
    uidvalidity: int | None = None
    uidnext: int | None = None
    messages: int | None = Field(default=None, description="messages in the folder")


class MailboxPollOut(BaseModel):
    stored: int = Field(description="new messages stored and queued for processing")
    skipped: int = Field(description="messages already stored from this mailbox (same Message-ID)")
    failed: int = Field(description="messages the server would not hand over, stored as rejected")
    more_waiting: bool = Field(description="more new messages remain; a job fetches them next")
    error: str | None = Field(description="why the poll stopped early; null when it did not")
    mailbox: MailboxOut
