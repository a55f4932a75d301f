"""Bounces, auto-replies and bulk mail are told apart from mail a person wrote."""

from email import message_from_bytes
from email.message import Message

import pytest

from goodwill.mail.classify import bounce_report, classify
from goodwill.mail.parse import POLICY
from goodwill.mail.parsed import MailKind


def message(headers: str, body: str = "Hello") -> Message:
    raw = f"{headers.strip()}\nTo: support@shop.example\n\n{body}".replace("\n", "\r\n")
    return message_from_bytes(raw.encode("utf-8"), policy=POLICY)


@pytest.mark.parametrize(
    ("headers", "kind", "reason"),
    [
        ("From: jo@customer.example\nSubject: Where is my order?", MailKind.NORMAL, None),
        (
            "From: jo@customer.example\nSubject: Re: order\nAuto-Submitted: no",
            MailKind.NORMAL,
            None,
        ),
        (
            "From: jo@customer.example\nSubject: Re: order\nAuto-Submitted: auto-replied",
            MailKind.AUTO_REPLY,
            "Auto-Submitted: auto-replied",
        ),
        (
            "From: jo@customer.example\nSubject: Re: x\nAuto-Submitted: Auto-Generated (vacation)",
            MailKind.AUTO_REPLY,
            "Auto-Submitted: auto-generated",
        ),
        (
            "From: jo@customer.example\nSubject: Out of Office: Re: order 1234",
            MailKind.AUTO_REPLY,
            "Subject: Out of Office: Re: order 1234",
        ),
        (
            "From: jo@customer.example\nSubject: Automatic reply: order",
            MailKind.AUTO_REPLY,
            "Subject: Automatic reply: order",
        ),
        (
            "From: jo@customer.example\nSubject: Abwesenheitsnotiz: Ihre Bestellung",
            MailKind.AUTO_REPLY,
            "Subject: Abwesenheitsnotiz: Ihre Bestellung",
        ),
        (
            "From: jo@customer.example\n"
            "Subject: =?utf-8?q?R=C3=A9ponse_automatique=C2=A0:_commande?=",
            MailKind.AUTO_REPLY,
            "Subject: Réponse automatique\u00a0: commande",
        ),
        (
            "From: jo@customer.example\nSubject: Re: order\nPrecedence: auto_reply",
            MailKind.AUTO_REPLY,
            "Precedence: auto_reply",
        ),
        (
            "From: jo@customer.example\nSubject: I am away\nX-Autoreply: yes",
            MailKind.AUTO_REPLY,
            "X-Autoreply: yes",
        ),
        (
            "From: jo@customer.example\nSubject: Re: order\nX-Autorespond: Re: order",
            MailKind.AUTO_REPLY,
            "X-Autorespond: Re: order",
        ),
        (
            "From: jo@customer.example\nSubject: On holiday until Monday\n"
            "X-Auto-Response-Suppress: All",
            MailKind.AUTO_REPLY,
            "X-Auto-Response-Suppress with Subject: On holiday until Monday",
        ),
        (
            "From: jo@customer.example\nSubject: Meeting on Monday\nX-Auto-Response-Suppress: All",
            MailKind.NORMAL,
            None,
        ),
        (
            "From: list@lists.example\nSubject: [users] Transparency\nPrecedence: bulk",
            MailKind.BULK,
            "Precedence: bulk",
        ),
        (
            "From: news@shop.example\nSubject: Spring sale\nPrecedence: junk",
            MailKind.BULK,
            "Precedence: junk",
        ),
        (
            "From: list@lists.example\nSubject: digest\nList-Id: Users <users.lists.example>",
            MailKind.BULK,
            "List-Id: Users <users.lists.example>",
        ),
        (
            "From: news@vendor.example\nSubject: Spring\nList-Unsubscribe: <mailto:u@v.example>",
            MailKind.BULK,
            "List-Unsubscribe: <mailto:u@v.example>",
        ),
        (
            "From: news@vendor.example\nSubject: Spring\nX-Campaign: spring-2026",
            MailKind.BULK,
            "X-Campaign: spring-2026",
        ),
        (
            "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>\n"
            "Subject: Undelivered Mail Returned to Sender",
            MailKind.BOUNCE,
            "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example> with Subject: "
            "Undelivered Mail Returned to Sender",
        ),
        (
            "From: postmaster@mx.example\nSubject: Delivery Status Notification (Failure)",
            MailKind.BOUNCE,
            "From: postmaster@mx.example with Subject: Delivery Status Notification (Failure)",
        ),
        (
            "From: MAILER-DAEMON@mx.example\nSubject: failure notice\nAuto-Submitted: auto-replied",
            MailKind.BOUNCE,
            "From: MAILER-DAEMON@mx.example with Subject: failure notice",
        ),
        (
            "From: postmaster@customer.example\nSubject: Question about my order",
            MailKind.NORMAL,
            None,
        ),
    ],
)
def test_kind_and_reason(headers: str, kind: MailKind, reason: str | None) -> None:
    assert classify(message(headers)) == (kind, reason)


def test_auto_reply_wins_over_bulk() -> None:
    headers = "From: jo@x.example\nSubject: Out of office\nPrecedence: bulk"
    assert classify(message(headers))[0] is MailKind.AUTO_REPLY


POSTFIX_BOUNCE = """\
From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B1/mx.shop.example"

--B1/mx.shop.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1/mx.shop.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.example

Final-Recipient: rfc822; Gone@Customer.example
Original-Recipient: rfc822;gone@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does
    not exist.

Final-Recipient: rfc822; fine@customer.example
Action: delivered
Status: 2.0.0

--B1/mx.shop.example
Content-Description: Undelivered Message
Content-Type: message/rfc822

From: support@shop.example
To: gone@customer.example
Subject: Re: Your order [GW-7K2Q9MXA]
Message-ID: <gw.42.7@shop.example>

Your order has shipped.

--B1/mx.shop.example--
"""

DELAYED = """\
From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example>
Subject: Warning: could not send message for past 4 hours
Content-Type: multipart/report; report-type="delivery-status"; boundary="d"

--d
Content-Type: text/plain

Still trying.
--d
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: RFC822; <slow@customer.example>
Action: delayed
Status: 4.4.7 (delivery time expired)
--d
Content-Type: text/rfc822-headers

From: support@shop.example
Message-ID:
 <gw.43.1@shop.example>
Subject: Hello
--d--
"""

QMAIL = """\
From: MAILER-DAEMON@mail.customer.example
Subject: failure notice

Hi. This is the qmail-send program at mail.customer.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<nobody@customer.example>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

From: support@shop.example
Message-ID: <gw.44.2@shop.example>
Subject: Re: refund
"""


def bounce(raw: str) -> Message:
    return message_from_bytes(raw.replace("\n", "\r\n").encode(), policy=POLICY)


def test_delivery_status_report_names_the_failed_recipient_and_original() -> None:
    report = bounce_report(bounce(POSTFIX_BOUNCE))
    assert report is not None
    assert report.failed_recipients == ("Gone@Customer.example",)
    assert report.status == "5.1.1"
    assert report.diagnostic == (
        "550-5.1.1 The email account that you tried to reach does not exist."
    )
    assert report.original_message_id == "gw.42.7@shop.example"
    assert report.is_permanent is True


def test_a_delay_is_a_soft_failure_with_headers_only_original() -> None:
    report = bounce_report(bounce(DELAYED))
    assert report is not None
    assert report.failed_recipients == ("slow@customer.example",)
    assert report.status == "4.4.7"
    assert report.is_permanent is False
    assert report.original_message_id == "gw.43.1@shop.example"


def test_a_non_standard_bounce_is_read_from_its_text() -> None:
    mail = bounce(QMAIL)
    assert classify(mail)[0] is MailKind.BOUNCE
    report = bounce_report(mail)
    assert report is not None
    assert report.failed_recipients == ("nobody@customer.example",)
    assert report.status == "5.1.1"
    assert report.original_message_id == "gw.44.2@shop.example"
    assert report.is_permanent is True


def test_read_receipts_are_automatic_not_bounces() -> None:
    receipt = bounce(
        "From: jo@customer.example\nSubject: Read: order\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="m"\n\n'
        "--m\nContent-Type: text/plain\n\nYour message was read.\n--m--\n"
    )
    assert classify(receipt) == (
        MailKind.AUTO_REPLY,
        "Content-Type: multipart/report; report-type=disposition-notification",
    )
    assert bounce_report(receipt) is None


def test_normal_mail_has_no_bounce_report() -> None:
    assert bounce_report(message("From: jo@customer.example\nSubject: Hello")) is None


def test_works_on_a_plain_compat32_message_too() -> None:
    plain = message_from_bytes(POSTFIX_BOUNCE.encode())
    assert classify(plain)[0] is MailKind.BOUNCE
    report = bounce_report(plain)
    assert report is not None and report.failed_recipients == ("Gone@Customer.example",)
