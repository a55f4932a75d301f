"""SmtpSender against a real aiosmtpd server on a loopback port: plain, STARTTLS, TLS, AUTH,
and how refusals are told apart (5xx permanent, 4xx and broken connections retried)."""

import logging
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from outbound_smtp_server import (
    PasswordCheck,
    RecordingHandler,
    SelfSigned,
    free_port,
    make_self_signed,
    smtp_server,
)
from pydantic import SecretStr

from goodwill.channels.kinds import ChannelKind
from goodwill.channels.ports import OutboundMessage, PermanentDeliveryError
from goodwill.channels.senders import sender_for
from goodwill.core.clock import FixedClock
from goodwill.mail.smtp_sender import SmtpSender, TemporaryDeliveryError
from goodwill.settings import Settings

CUSTOMER = "maria@customer.example"
PASSWORD = "s3cret-Pa55word-never-logged"


def outbound(*, to: str = CUSTOMER, message_id: int = 7) -> OutboundMessage:
    return OutboundMessage(
        channel=ChannelKind.EMAIL,
        message_id=message_id,
        to_address=to,
        to_name="Maria López",
        subject="Kettle broken",
        body_text="Hello Maria,\n\nWe are sending a new kettle.",
        body_html=None,
        reference="GW-7K2Q9MXA",
        sent_from="support@shop.example",
        sent_from_name="Shop Support",
        message_id_header=f"GW-7K2Q9MXA.{message_id}.0123456789abcdef@shop.example",
        in_reply_to="m1@customer.example",
        references=("m1@customer.example",),
        reply_to="support+GW-7K2Q9MXA@shop.example",
    )


def smtp_settings(settings: Settings, port: int, **changes: object) -> Settings:
    update: dict[str, object] = {
        "email_backend": "smtp",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_timeout_seconds": 5.0,
        "support_address": "support@shop.example",
    }
    update.update(changes)
    return settings.model_copy(update=update)


def parsed(handler: RecordingHandler, index: int = 0) -> EmailMessage:
    content = handler.received[index].original_content or b""
    return BytesParser(policy=policy.default).parsebytes(content)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> SelfSigned:
    made = make_self_signed(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("the openssl command is not installed")
    return made


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def plain_port(handler: RecordingHandler) -> Iterator[int]:
    with smtp_server(handler) as port:
        yield port


def test_sends_the_composed_email_over_plain_smtp(
    handler: RecordingHandler, plain_port: int, settings: Settings, clock: FixedClock
) -> None:
    sender = sender_for("smtp", settings=smtp_settings(settings, plain_port))
    assert isinstance(sender, SmtpSender)
    receipt = sender.send(outbound(), now=clock.now())
    assert receipt.external_id == outbound().message_id_header
    assert receipt.sent_at == clock.now()
    envelope = handler.received[0]
    assert envelope.mail_from == "support@shop.example"
    assert envelope.rcpt_tos == [CUSTOMER]
    email = parsed(handler)
    assert email["Message-ID"] == f"<{outbound().message_id_header}>"
    assert email["In-Reply-To"] == "<m1@customer.example>"
    assert email["Subject"] == "Re: Kettle broken [GW-7K2Q9MXA]"
    assert email["Reply-To"] == "Shop Support <support+GW-7K2Q9MXA@shop.example>"
    assert email.get_content_type() == "multipart/alternative"


def test_a_permanent_refusal_of_the_recipient_is_not_retried(
    handler: RecordingHandler, plain_port: int, settings: Settings, clock: FixedClock
) -> None:
    handler.refusals[CUSTOMER] = "550 5.1.1 <maria@customer.example>: user unknown"
    sender = SmtpSender(smtp_settings(settings, plain_port))
    with pytest.raises(PermanentDeliveryError) as raised:
        sender.send(outbound(), now=clock.now())
    assert raised.value.code == 550
    assert "user unknown" in raised.value.reason
    assert handler.received == []


def test_a_temporary_refusal_is_raised_for_a_retry(
    handler: RecordingHandler, plain_port: int, settings: Settings, clock: FixedClock
) -> None:
    handler.refusals[CUSTOMER] = "450 4.2.1 Mailbox busy, try later"
    sender = SmtpSender(smtp_settings(settings, plain_port))
    with pytest.raises(TemporaryDeliveryError, match="450"):
        sender.send(outbound(), now=clock.now())


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("554 5.7.1 Message rejected as spam", PermanentDeliveryError),
        ("451 4.3.0 Try again", TemporaryDeliveryError),
    ],
)
def test_a_refused_message_body_is_permanent_only_for_5xx(
    handler: RecordingHandler,
    plain_port: int,
    settings: Settings,
    clock: FixedClock,
    reply: str,
    error: type[Exception],
) -> None:
    handler.data_reply = reply
    with pytest.raises(error):
        SmtpSender(smtp_settings(settings, plain_port)).send(outbound(), now=clock.now())


def test_an_unwritable_recipient_address_is_permanent(
    plain_port: int, settings: Settings, clock: FixedClock
) -> None:
    sender = SmtpSender(smtp_settings(settings, plain_port))
    with pytest.raises(PermanentDeliveryError, match="not a usable email address"):
        sender.send(outbound(to="not an address"), now=clock.now())


def test_a_refused_connection_is_retried(settings: Settings, clock: FixedClock) -> None:
    sender = SmtpSender(smtp_settings(settings, free_port()))
    with pytest.raises(TemporaryDeliveryError, match="ConnectionRefusedError"):
        sender.send(outbound(), now=clock.now())


def test_a_silent_server_times_out_and_is_retried(settings: Settings, clock: FixedClock) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        sender = SmtpSender(smtp_settings(settings, port, smtp_timeout_seconds=0.5))
        with pytest.raises(TemporaryDeliveryError, match="timed out"):
            sender.send(outbound(), now=clock.now())


def test_starttls_with_login_never_logs_the_password(
    handler: RecordingHandler,
    certificate: SelfSigned,
    settings: Settings,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    check = PasswordCheck("goodwill", PASSWORD)
    options = {
        "tls_context": certificate.server_context(),
        "require_starttls": True,
        "authenticator": check,
        "auth_required": True,
    }
    with smtp_server(handler, **options) as port:
        config = smtp_settings(
            settings,
            port,
            smtp_security="starttls",
            smtp_username="goodwill",
            smtp_password=SecretStr(PASSWORD),
        )
        sender = SmtpSender(config, ssl_context=certificate.client_context())
        caplog.set_level(logging.DEBUG)
        sender.send(outbound(), now=clock.now())
    assert check.attempts == ["goodwill"]
    assert handler.received[0].rcpt_tos == [CUSTOMER]
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(sender)
    assert PASSWORD not in repr(config)


def test_a_wrong_password_is_retried_not_a_failed_message(
    handler: RecordingHandler, certificate: SelfSigned, settings: Settings, clock: FixedClock
) -> None:
    options = {
        "tls_context": certificate.server_context(),
        "require_starttls": True,
        "authenticator": PasswordCheck("goodwill", PASSWORD),
        "auth_required": True,
    }
    with smtp_server(handler, **options) as port:
        config = smtp_settings(
            settings,
            port,
            smtp_security="starttls",
            smtp_username="goodwill",
            smtp_password=SecretStr("wrong"),
        )
        sender = SmtpSender(config, ssl_context=certificate.client_context())
        with pytest.raises(TemporaryDeliveryError, match="535") as raised:
            sender.send(outbound(), now=clock.now())
    assert "wrong" not in str(raised.value)
    assert handler.received == []


def test_starttls_refuses_a_certificate_it_cannot_verify(
    handler: RecordingHandler, certificate: SelfSigned, settings: Settings, clock: FixedClock
) -> None:
    with smtp_server(handler, tls_context=certificate.server_context()) as port:
        sender = SmtpSender(smtp_settings(settings, port, smtp_security="starttls"))
        with pytest.raises(TemporaryDeliveryError, match="SSLCertVerificationError"):
            sender.send(outbound(), now=clock.now())
    assert handler.received == []


def test_starttls_never_falls_back_to_plain_text(
    handler: RecordingHandler, plain_port: int, settings: Settings, clock: FixedClock
) -> None:
    sender = SmtpSender(smtp_settings(settings, plain_port, smtp_security="starttls"))
    with pytest.raises(TemporaryDeliveryError, match="STARTTLS"):
        sender.send(outbound(), now=clock.now())
    assert handler.received == []


def test_implicit_tls(
    handler: RecordingHandler, certificate: SelfSigned, settings: Settings, clock: FixedClock
) -> None:
    with smtp_server(handler, ssl_context=certificate.server_context()) as port:
        config = smtp_settings(settings, port, smtp_security="tls")
        SmtpSender(config, ssl_context=certificate.client_context()).send(
            outbound(), now=clock.now()
        )
    assert parsed(handler)["To"] == "Maria López <maria@customer.example>"


def test_sender_for_knows_every_backend(settings: Settings) -> None:
    assert isinstance(sender_for("smtp", settings=settings), SmtpSender)
    assert sender_for("capture") is sender_for("capture")
    with pytest.raises(ValueError, match="needs the settings"):
        sender_for("smtp")
    with pytest.raises(ValueError, match="does not exist"):
        sender_for("carrier-pigeon")
