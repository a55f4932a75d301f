"""parse_mail on real-looking messages: headers, bodies, charsets, attachments; never raising."""

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.mail.parse import parse_mail
from goodwill.mail.parsed import MailAddress, MailKind, ParsedMail

LIMIT = 10 * 1024 * 1024


def parse(raw: str | bytes, limit: int = LIMIT) -> ParsedMail:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return parse_mail(
        data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), max_attachment_bytes=limit
    )


REPLY = """\
Return-Path: <jo@customer.example>
Received: from mx.customer.example by mx.shop.example; Mon, 2 Mar 2026 10:00:01 +0100
From: =?UTF-8?Q?J=C3=B6rg_B=C3=A4cker?= <jorg@customer.example>
Reply-To: "Bäcker, Jörg" <billing@customer.example>
To: Support <support+GW-7K2Q9MXA@shop.example>, sales@shop.example
Cc: "Doe, Jane" <jane@customer.example>, undisclosed-recipients:;
Subject: =?UTF-8?B?UmU6IFLDvGNrZ2FiZQ==?= =?UTF-8?Q?_meiner_Bestellung?=
Date: Mon, 2 Mar 2026 10:00:00 +0100
Message-ID: < 20260302.abc@customer.example >
In-Reply-To: <reply-1@shop.example>
References: <first@customer.example>
 <reply-1@shop.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: quoted-printable

Die R=C3=BCckgabe ist unterwegs. Eine sehr lange Zeile, die weich umgebrochen=
 wurde.

Am 02.03.2026 um 09:00 schrieb Support <support@shop.example>:
> Bitte senden Sie die Ware zur=C3=BCck.
"""


def test_headers_of_a_reply_are_decoded_and_normalised() -> None:
    mail = parse(REPLY)
    assert mail.subject == "Re: Rückgabe meiner Bestellung"
    assert mail.sender == MailAddress(name="Jörg Bäcker", address="jorg@customer.example")
    assert mail.reply_to == (MailAddress("Bäcker, Jörg", "billing@customer.example"),)
    assert [a.address for a in mail.to] == [
        "support+GW-7K2Q9MXA@shop.example",
        "sales@shop.example",
    ]
    assert mail.cc == (MailAddress("Doe, Jane", "jane@customer.example"),)
    assert mail.date == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert mail.message_id == "20260302.abc@customer.example"
    assert mail.in_reply_to == ("reply-1@shop.example",)
    assert mail.references == ("first@customer.example", "reply-1@shop.example")
    assert mail.kind is MailKind.NORMAL
    assert "Eine sehr lange Zeile, die weich umgebrochen wurde." in mail.text
    assert mail.visible_text.startswith("Die Rückgabe ist unterwegs.")
    assert "Bitte senden" not in mail.visible_text
    assert "Bitte senden Sie die Ware zurück." in mail.text
    assert mail.html is None
    assert mail.attachments == ()


ALTERNATIVE = """\
From: Ana <ana@customer.example>
To: support@shop.example
Subject: Broken lid
Message-ID: <alt@customer.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: 8bit

The lid is broken \x96 see photo.
--b1
Content-Type: multipart/related; boundary="b2"

--b2
Content-Type: text/html; charset=utf-8

<html><body><p>The lid is <b>broken</b> &ndash; see photo.</p><img src="cid:photo1"></body></html>
--b2
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <photo1>

iVBORw0KGgo=
--b2--
--b1
Content-Type: text/watch-html

<b>broken</b>
--b1--
"""


def test_alternative_prefers_text_plain_and_keeps_html_and_inline_images() -> None:
    raw = ALTERNATIVE.encode("utf-8").replace("\x96".encode(), b"\x96")
    mail = parse(raw)
    assert mail.text == "The lid is broken \u2013 see photo."
    assert mail.html is not None and "<b>broken</b>" in mail.html
    (photo,) = mail.attachments
    assert photo.content_id == "photo1"
    assert photo.inline is True
    assert photo.content_type == "image/png"
    assert photo.content == b"\x89PNG\r\n\x1a\n"
    assert photo.filename == "attachment-1.png"


HTML_ONLY = """\
From: shop@vendor.example
To: support@shop.example
Subject: HTML only
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html><head><title>Ignore me</title><style>p {color: red}</style></head>
<body><script>alert("x")</script><p>Gr=FC=DFe aus K=F6ln,</p><div>first line<br>second line</div>
<ul><li>one</li><li>two</li></ul>
<div class=3D"gmail_quote">On Mon, Support wrote:<blockquote>old text</blockquote></div>
</body></html>
"""


def test_a_blank_text_alternative_gives_way_to_the_html() -> None:
    raw = (
        "From: a@b.example\nContent-Type: multipart/alternative; boundary=x\n\n"
        "--x\nContent-Type: text/plain\n\n \n"
        "--x\nContent-Type: text/html\n\n<p>Real <b>content</b></p>\n--x--\n"
    )
    assert parse(raw).text == "Real content"


def test_html_only_mail_gets_text_from_its_html() -> None:
    mail = parse(HTML_ONLY)
    assert mail.html is not None and mail.html.startswith("<html>")
    assert "alert" not in mail.text and "color" not in mail.text and "Ignore me" not in mail.text
    assert "Grüße aus Köln," in mail.text
    assert "first line\nsecond line" in mail.text
    assert "- one\n- two" in mail.text
    assert "> old text" in mail.text
    assert "old text" not in mail.visible_text


def _mixed(*parts: str) -> str:
    head = (
        "From: jo@customer.example\nTo: support@shop.example\nSubject: Files\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="mix"\n\n'
    )
    body = "".join(f"--mix\n{part}\n" for part in parts)
    return head + body + "--mix--\n"


TEXT_PART = "Content-Type: text/plain\n\nSee the attached files."
PDF_PART = (
    "Content-Type: application/pdf\n"
    "Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9%20v2.pdf\n"
    "Content-Transfer-Encoding: base64\n\n" + base64.b64encode(b"%PDF-1.4 " + b"x" * 600).decode()
)
ENCODED_NAME_PART = (
    'Content-Type: application/octet-stream; name="=?UTF-8?Q?Rechnung_M=C3=A4rz.xlsx?="\n'
    "Content-Transfer-Encoding: base64\n\n" + base64.b64encode(b"y" * 600).decode()
)
CONTINUED_NAME_PART = (
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Disposition: attachment;\n"
    " filename*0*=UTF-8''%E6%97%A5%E6%9C%AC;\n"
    " filename*1*=%E8%AA%9E.txt\n\n"
    "text file"
)
PATH_NAME_PART = (
    'Content-Type: text/plain\nContent-Disposition: attachment; filename="../../etc/passwd"\n\n'
    "root:x:0:0"
)
FORWARDED_PART = (
    "Content-Type: message/rfc822\n\n"
    "From: orders@vendor.example\nSubject: Your order 1234\nMessage-ID: <o1234@vendor.example>\n\n"
    "Order 1234 has shipped."
)


def test_attachments_keep_decoded_names_types_and_bytes() -> None:
    mail = parse(
        _mixed(TEXT_PART, PDF_PART, ENCODED_NAME_PART, CONTINUED_NAME_PART, PATH_NAME_PART)
    )
    assert mail.text == "See the attached files."
    names = [a.filename for a in mail.attachments]
    assert names == ["Résumé v2.pdf", "Rechnung März.xlsx", "日本語.txt", "etc_passwd"]
    assert [a.content_type for a in mail.attachments] == [
        "application/pdf",
        "application/octet-stream",
        "text/plain",
        "text/plain",
    ]
    assert mail.attachments[0].content.startswith(b"%PDF-1.4")
    assert all(not a.inline and a.skipped_reason is None for a in mail.attachments)


def test_odd_content_types_and_names_from_content_location() -> None:
    image = (
        'Content-Type: IMAGE/JPEG name=""\nContent-Location: http://x.example/img/Photo25.jpg\n'
        "Content-Disposition: inline\nContent-Transfer-Encoding: base64\n\n/9j/4A=="
    )
    (photo,) = parse(_mixed(TEXT_PART, image)).attachments
    assert (photo.filename, photo.content_type, photo.inline) == ("Photo25.jpg", "image/jpeg", True)
    assert photo.content == b"\xff\xd8\xff\xe0"


def test_attachments_over_the_limit_per_message_are_kept_as_skipped() -> None:
    mail = parse(_mixed(TEXT_PART, PDF_PART, ENCODED_NAME_PART), limit=1000)
    kept, skipped = mail.attachments
    assert kept.content.startswith(b"%PDF") and kept.skipped_reason is None
    assert skipped.content == b""
    assert skipped.filename == "Rechnung März.xlsx"
    assert skipped.skipped_reason is not None and "limit" in skipped.skipped_reason


def test_a_forwarded_message_is_an_eml_attachment_not_body_text() -> None:
    mail = parse(_mixed(TEXT_PART, FORWARDED_PART))
    assert mail.text == "See the attached files."
    (forwarded,) = mail.attachments
    assert forwarded.filename == "Your order 1234.eml"
    assert forwarded.content_type == "message/rfc822"
    inner = parse_mail(forwarded.content, max_attachment_bytes=LIMIT)
    assert inner.message_id == "o1234@vendor.example"
    assert inner.text == "Order 1234 has shipped."


def _single(charset: str, body: bytes, encoding: str = "8bit") -> bytes:
    head = (
        f"From: x@customer.example\nSubject: charset\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {encoding}\n\n"
    )
    return head.encode("ascii") + body


@pytest.mark.parametrize(
    ("charset", "body", "expected", "defect"),
    [
        ("utf-8", "Grüße 😀".encode(), "Grüße 😀", None),
        ("windows-1251", "Привет".encode("cp1251"), "Привет", None),
        ("koi8-r", "Привет".encode("koi8-r"), "Привет", None),
        ('"ks_c_5601-1987"', "안녕하세요".encode("cp949"), "안녕하세요", None),
        ("euc-kr", "안녕하세요".encode("euc-kr"), "안녕하세요", None),
        ("gb2312", "你好世界".encode("gb2312"), "你好世界", None),
        ("big5", "你好".encode("big5"), "你好", None),
        ("shift_jis", "こんにちは".encode("shift_jis"), "こんにちは", None),
        ("iso-2022-jp", "こんにちは".encode("iso2022_jp"), "こんにちは", None),
        ("iso-8859-15", "Preis: 5 €".encode("iso-8859-15"), "Preis: 5 €", None),
        ("iso-8859-1", "smart \x93quotes\x94".encode("latin-1"), "smart \u201cquotes\u201d", None),
        ("us-askey", "café".encode("latin-1"), "café", "unknown charset 'us-askey'"),
        ("fakescii", "café".encode(), "café", "unknown charset 'fakescii'"),
        ("x-unknown", b"plain words", "plain words", "unknown charset 'x-unknown'"),
        ("base64", b"not a codec", "not a codec", "unknown charset 'base64'"),
        ("us-ascii", "naïve".encode(), "naïve", "is not valid 'us-ascii'"),
        ("utf-8", "Müller".encode("latin-1"), "Müller", "decoded as windows-1252"),
    ],
)
def test_every_charset_decodes_with_fallbacks(
    charset: str, body: bytes, expected: str, defect: str | None
) -> None:
    mail = parse(_single(charset, body))
    assert mail.text == expected
    found = [d for d in mail.defects if "charset" in d or "decoded" in d or "valid" in d]
    assert bool(found) == bool(defect)
    assert defect is None or defect in found[0]


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("base64", base64.b64encode("Grüße aus Wien".encode())),
        ("base64;", base64.b64encode("Grüße aus Wien".encode())),
        (" Base64 ", base64.b64encode("Grüße aus Wien".encode())),
        ("quoted-printable", b"Gr=C3=BC=C3=9Fe aus =\nWien"),
        ("Quoted-Printable ", b"Gr=C3=BC=C3=9Fe aus =\nWien"),
        ("8bits", "Grüße aus Wien".encode()),
    ],
)
def test_transfer_encodings_are_undone_even_when_misspelled(encoding: str, body: bytes) -> None:
    assert parse(_single("utf-8", body, encoding)).text == "Grüße aus Wien"


def test_malformed_base64_keeps_what_decodes() -> None:
    body = base64.b64encode(b"Hello world, this is fine").rstrip(b"=")[:-1] + b"!!"
    mail = parse(_single("utf-8", body, "base64"))
    assert mail.text.startswith("Hello world")


def test_rfc6532_utf8_headers() -> None:
    raw = (
        "From: Jöhn Döe <jöhn@exämple.example>\nTo: support@shop.example\n"
        "Subject: Säying Hello\n\nbody"
    ).encode()
    mail = parse(raw)
    assert mail.subject == "Säying Hello"
    assert mail.sender == MailAddress("Jöhn Döe", "jöhn@exämple.example")


def test_raw_8bit_headers_in_the_charset_of_the_text() -> None:
    raw = (
        b"From: " + "Иван".encode("koi8-r") + b" <ivan@customer.example>\n"
        b"Subject: " + "Привет".encode("koi8-r") + b"\n"
        b"Content-Type: text/plain; charset=koi8-r\n\n" + "Текст".encode("koi8-r")
    )
    mail = parse(raw)
    assert mail.subject == "Привет"
    assert mail.sender == MailAddress("Иван", "ivan@customer.example")
    assert mail.text == "Текст"


def test_missing_from_bad_date_and_odd_ids() -> None:
    raw = (
        "To: support@shop.example\nSubject: =?utf-8?B?broken!?= tail\nDate: Someday soon\n"
        "Message-ID: not an id\nIn-Reply-To: John's message of Monday\n\nHello"
    )
    mail = parse(raw)
    assert mail.sender is None
    assert mail.date is None and "Date header unusable" in mail.defects
    assert mail.message_id is None
    assert mail.in_reply_to == ()
    assert mail.subject.endswith("tail")
    assert mail.text == "Hello"


def test_several_from_addresses_keep_the_first_as_sender() -> None:
    mail = parse("From: tim@x.example concierge@x.example\nTo: a@b.example\n\nhi")
    assert mail.sender == MailAddress("", "tim@x.example")
    assert any("From holds 2 addresses" in d for d in mail.defects)


def test_a_date_without_zone_is_read_as_utc() -> None:
    mail = parse("From: a@b.example\nDate: Mon, 2 Mar 2026 09:00:00 -0000\n\nx")
    assert mail.date == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_multipart_without_boundary_keeps_its_text() -> None:
    raw = "From: a@b.example\nContent-Type: multipart/mixed\n\nJust text, no boundary."
    mail = parse(raw)
    assert mail.text == "Just text, no boundary."
    assert any("NoBoundary" in d for d in mail.defects)


def test_nul_characters_and_lone_surrogates_never_reach_the_text() -> None:
    mail = parse(_single("utf-7", b"a\x00b +2D3- c"))
    assert "\x00" not in mail.text
    mail.text.encode("utf-8")  # no lone surrogate left


def test_binary_that_is_not_mail_says_so() -> None:
    mail = parse_mail(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)), max_attachment_bytes=1
    )
    assert mail.sender is None
    assert any("not an RFC 5322 message" in d for d in mail.defects)


def test_kind_and_bounce_come_with_the_parse() -> None:
    raw = (
        "From: MAILER-DAEMON@mx.example\nTo: support@shop.example\n"
        "Subject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
        "--r\nContent-Type: text/plain\n\nSorry.\n"
        "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        "Final-Recipient: rfc822; gone@customer.example\nAction: failed\nStatus: 5.1.1\n"
        "--r--\n"
    )
    mail = parse(raw)
    assert mail.kind is MailKind.BOUNCE
    assert mail.bounce is not None and mail.bounce.failed_recipients == ("gone@customer.example",)
    assert mail.sender == MailAddress("", "MAILER-DAEMON@mx.example")


SAMPLES = [
    REPLY.encode(),
    ALTERNATIVE.encode(),
    HTML_ONLY.encode(),
    _mixed(TEXT_PART, PDF_PART, FORWARDED_PART).encode(),
]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    assert isinstance(parse_mail(raw, max_attachment_bytes=500), ParsedMail)


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 12))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "delete", "insert", "duplicate"]))
        if action == "flip" and position < len(data):
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 200))]
        elif action == "insert":
            snippet = draw(
                st.sampled_from([b"\n", b"--b1\n", b"=?utf-8?b?", b"\xff\xfe", b";", b'"'])
            )
            data[position:position] = snippet
        else:
            data[position:position] = data[position : position + draw(st.integers(1, 300))]
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(mutated_samples())
def test_mutated_messages_never_raise(raw: bytes) -> None:
    mail = parse_mail(raw, max_attachment_bytes=1000)
    assert isinstance(mail, ParsedMail)
    assert "\x00" not in mail.text
    assert bool(mail.visible_text.strip()) == bool(mail.text.strip())
