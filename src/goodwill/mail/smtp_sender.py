"""Sending email through an SMTP server (smtplib): TLS or STARTTLS, optional login, a timeout.

A refusal the server calls permanent (5xx for the recipient or the message) raises
PermanentDeliveryError and is never retried; anything else (4xx, a dropped connection, a
timeout) raises and the job worker retries with backoff. The password is never logged."""

import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from typing import NoReturn

from goodwill.channels.ports import OutboundMessage, PermanentDeliveryError, SendReceipt
from goodwill.mail.compose import compose_email
from goodwill.settings import Settings

log = logging.getLogger("goodwill.mail.smtp")


class TemporaryDeliveryError(Exception):
    """The server could not take the message now (4xx, connection or TLS trouble); retry later."""


class SmtpSender:
    """An OutboundSender for GOODWILL_EMAIL_BACKEND=smtp; one connection per message."""

    def __init__(self, settings: Settings, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._settings = settings
        self._ssl_context = ssl_context

    def __repr__(self) -> str:  # never shows the password
        s = self._settings
        return f"SmtpSender({s.smtp_host}:{s.smtp_port}, security={s.smtp_security})"

    def send(self, message: OutboundMessage, *, now: datetime) -> SendReceipt:
        try:
            email = compose_email(message, now=now)
        except ValueError as error:
            raise PermanentDeliveryError(str(error)) from error
        self._deliver(email, sender=message.sent_from, recipient=message.to_address.strip())
        log.info("sent message %s through %s", message.message_id, self)
        external_id = message.message_id_header or f"smtp-{message.message_id}"
        return SendReceipt(external_id=external_id, sent_at=now)

    def deliver(self, email: EmailMessage, *, sender: str, recipient: str) -> None:
        """Send an already composed email (a report with attachments, say) to one recipient;
        raises TemporaryDeliveryError (retry) or PermanentDeliveryError like `send`."""
        self._deliver(email, sender=sender, recipient=recipient)

    def _deliver(self, email: EmailMessage, *, sender: str, recipient: str) -> None:
        try:
            with self._connect() as client:
                self._login(client)
                client.send_message(email, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            code, text = _first_refusal(error)
            _raise_for(code, f"the server refused {recipient}: {code} {text}")
        except smtplib.SMTPDataError as error:
            _raise_for(error.smtp_code, f"the server refused the message: {_describe(error)}")
        except smtplib.SMTPResponseException as error:
            raise TemporaryDeliveryError(f"{self} answered {_describe(error)}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryDeliveryError(f"{self}: {type(error).__name__}: {error}") from error

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        timeout = s.smtp_timeout_seconds
        if s.smtp_security == "tls":
            return smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=timeout, context=self._tls())
        client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=timeout)
        if s.smtp_security == "starttls":
            try:
                client.starttls(context=self._tls())
                client.ehlo()
            except BaseException:
                client.close()
                raise
        return client

    def _login(self, client: smtplib.SMTP) -> None:
        s = self._settings
        if s.smtp_username:
            password = s.smtp_password.get_secret_value() if s.smtp_password else ""
            client.login(s.smtp_username, password)

    def _tls(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()


def _first_refusal(error: smtplib.SMTPRecipientsRefused) -> tuple[int, str]:
    for code, text in error.recipients.values():
        return int(code), _text(text)
    return 0, "no reason given"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"


def _raise_for(code: int, reason: str) -> NoReturn:
    if 500 <= code < 600:
        raise PermanentDeliveryError(reason, code=code)
    raise TemporaryDeliveryError(reason)
