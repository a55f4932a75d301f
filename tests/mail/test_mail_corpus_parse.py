"""parse_mail on the shared corpus of real messages (180 files, an Outlook .msg, a list mbox).

Skips without ../shared/data/email_corpus; nothing from it is copied into the repository."""

import mailbox
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.mail.parse import parse_mail
from goodwill.mail.parsed import MailKind, ParsedMail

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "email_corpus"
MBOX = CORPUS / "perl5_mail_box_mbox" / "mbox.src"
LIMIT = 10 * 1024 * 1024
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/data/email_corpus is absent")


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file() and not path.name.startswith("LICENSE") and path != MBOX
    )


def parsed(relative: str) -> ParsedMail:
    return parse_mail((CORPUS / relative).read_bytes(), max_attachment_bytes=LIMIT)


def test_every_file_parses_with_the_real_parser() -> None:
    files = corpus_files()
    assert len(files) == 181  # 180 RFC 822 messages and one Outlook .msg
    for path in files:
        mail = parse_mail(path.read_bytes(), max_attachment_bytes=LIMIT)
        assert not [d for d in mail.defects if d.startswith("unparseable")], path
        assert "\x00" not in mail.text, path
        mail.text.encode("utf-8")  # storable: no lone surrogates
        assert bool(mail.visible_text.strip()) == bool(mail.text.strip()), path


def test_the_outlook_msg_file_is_recognised_as_not_mail() -> None:
    mail = parsed("spamscope_mail_parser/mail_outlook_1.msg")
    assert mail.sender is None
    assert "no header fields: this is not an RFC 5322 message" in mail.defects


BOUNCES = {
    "enmime/dsn/delayed_dsn.raw": (("thomas@de-montfort.ac.uk",), "4.0.0", False),
    "enmime/dsn/dsn_with_multipart_alternative.raw": (
        ("non-existing@example.com",),
        "5.1.10",
        True,
    ),
    "enmime/dsn/multi_recipient_dsn.raw": (
        ("arathib@vnet.ibm.com", "johnh@hpnjld.njd.hp.com", "wsnell@sdcc13.ucsd.edu"),
        "5.0.0",
        True,
    ),
    "enmime/dsn/simple_dsn.raw": (("louisl@larry.slip.umd.edu",), "4.0.0", True),
    "enmime/dsn/simple_dsn_with_html.raw": (("louisl@larry.slip.umd.edu",), "4.0.0", True),
    "mikel_mail/multipart_report_emails/multi_address_bounce1.eml": (
        (
            "bbbbvhvbbvkjbhfbvbvjhb@gmail.com",
            "bscdbcjhasbcjhbdscbhbsdhcbj@gmail.com",
            "egyfefsdvsfvvhjsd@gmail.com",
            "kfhejkfbsjkjsbhds@gmail.com",
            "qfvhgsvhgsduiohncdhcvhsdfvsfygusd@gmail.com",
        ),
        "5.1.1",
        True,
    ),
    "mikel_mail/multipart_report_emails/multipart_report_multiple_status.eml": (
        ("u@ci.com",),
        "5.3.0",
        True,
    ),
    "mikel_mail/multipart_report_emails/report_422.eml": (
        ("fraser@oooooooo.com.au",),
        "4.2.2",
        False,
    ),
    "mikel_mail/multipart_report_emails/report_530.eml": (("edwin@zzzzzzz.com",), "5.3.0", True),
    "mikel_mail/mime_emails/raw_email_with_mimepart_without_content_type.eml": (
        ("larose.julie@courrier.uqam.ca",),
        "4.5.0",
        False,
    ),
    "spamscope_mail_parser/mail_malformed_2.eml": (("abh@netpar.com.br",), "4.2.2", True),
}


@pytest.mark.parametrize("relative", sorted(BOUNCES))
def test_delivery_reports_are_bounces_with_their_failed_recipients(relative: str) -> None:
    recipients, status, permanent = BOUNCES[relative]
    mail = parsed(relative)
    assert mail.kind is MailKind.BOUNCE
    assert mail.bounce is not None
    assert mail.bounce.failed_recipients == recipients
    assert mail.bounce.status == status
    assert mail.bounce.is_permanent is permanent


def test_exactly_the_thirteen_reports_are_bounces() -> None:
    """The 11 above, the second copy of multi_address_bounce, and a report without a boundary."""
    bounces = {
        str(path.relative_to(CORPUS))
        for path in corpus_files()
        if parse_mail(path.read_bytes(), max_attachment_bytes=LIMIT).kind is MailKind.BOUNCE
    }
    extra = {
        "mikel_mail/multipart_report_emails/multi_address_bounce2.eml",
        "enmime/mail/multipart-wo-boundary.raw",
    }
    assert bounces == set(BOUNCES) | extra
    no_boundary = parsed("enmime/mail/multipart-wo-boundary.raw")
    assert no_boundary.bounce is not None and no_boundary.bounce.failed_recipients == ()


def test_original_message_ids_are_found_in_attached_originals_and_headers() -> None:
    headers_only = parsed("mikel_mail/multipart_report_emails/report_530.eml").bounce
    attached = parsed("mikel_mail/multipart_report_emails/multi_address_bounce1.eml").bounce
    assert headers_only is not None and attached is not None
    assert headers_only.original_message_id == "200712232303.lBNN3jDq002941@mail12.rrrr.com.au"
    assert attached.original_message_id == "118707422.15521266992174819.JavaMail.root@lvmail01"


@pytest.mark.parametrize(
    ("relative", "field", "expected"),
    [
        ("mikel_mail/multi_charset/japanese.eml", "subject", "まみむめも"),
        ("mikel_mail/multi_charset/japanese.eml", "text", "かきくえこ"),
        ("mikel_mail/multi_charset/japanese_iso_2022.eml", "text", "すみません。"),
        (
            "mikel_mail/multi_charset/japanese_shift_jis.eml",
            "text",
            "このメールはテスト用のメールです。",
        ),
        ("mikel_mail/multi_charset/ks_c_5601-1987.eml", "text", "스티해"),
        ("mikel_mail/plain_emails/raw_email.eml", "subject", "NOTE: 한국말로 하는 것"),
        ("mikel_mail/plain_emails/raw_email.eml", "text", "제 이름은 Jamis입니다."),
        ("mikel_mail/rfc6532/utf8_headers.eml", "subject", "Säying Hello"),
        ("mikel_mail/plain_emails/raw_email_with_partially_quoted_subject.eml", "subject", "漢字"),
        ("spamscope_mail_parser/mail_test_12.eml", "text", "我公司可代开各类增值税发票"),
        ("spamscope_mail_parser/mail_test_6.eml", "text", "Профессионалы.ru"),
        ("spamscope_mail_parser/mail_test_5.eml", "subject", "Je prépare mon été zéro complexe !"),
        ("enmime/mail/qp-utf8-header.raw", "subject", "MIME UTF8 Test ¢ More Text"),
    ],
)
def test_charsets_decode_to_readable_text(relative: str, field: str, expected: str) -> None:
    assert expected in getattr(parsed(relative), field)


def test_broken_declared_charsets_are_recorded() -> None:
    unknown = parsed("mikel_mail/plain_emails/raw_email10.eml")
    assert unknown.text.startswith("Test test. Hi. Waving.")
    assert any("unknown charset 'x-unknown'" in d for d in unknown.defects)
    askey = parsed("enmime/low-quality/unk-charset-part.raw")
    assert askey.text == "A text section"
    assert any("unknown charset" in d for d in askey.defects)


@pytest.mark.parametrize(
    ("relative", "names"),
    [
        ("mikel_mail/attachment_emails/attachment_nonascii_filename.eml", ["ciële.txt"]),
        ("mikel_mail/multi_charset/japanese_attachment.eml", ["てすと.txt"]),
        (
            "mikel_mail/attachment_emails/attachment_with_quoted_filename.eml",
            ["Eelanalüüsi päring.jpg"],
        ),
        ("mikel_mail/attachment_emails/attachment_message_rfc822.eml", ["ForwardedMessage.eml"]),
        ("mikel_mail/mime_emails/raw_email7.eml", ["test.rb", "test.pdf", "smime.p7s"]),
        ("enmime/mail/other-multi-related.raw", ["image001.png", "image002.png"]),
        ("mikel_mail/attachment_emails/attachment_content_location.eml", ["Photo25.jpg"]),
        ("enmime/mail/mime-blank-media-name.raw", ["Invoice_302232133150612.pdf"]),
        ("enmime/mail/mime-bad-8bit-filename.raw", None),
        ("spamscope_mail_parser/mail_test_10.eml", None),
    ],
)
def test_attachments_of_known_files(relative: str, names: list[str] | None) -> None:
    mail = parsed(relative)
    if names is not None:
        assert [a.filename for a in mail.attachments] == names
    assert all(a.content and a.skipped_reason is None for a in mail.attachments)
    assert all(re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", a.content_type) for a in mail.attachments)


def test_inline_images_keep_their_content_ids() -> None:
    mail = parsed("spamscope_mail_parser/mail_test_10.eml")
    inline = [a for a in mail.attachments if a.inline]
    assert len(inline) == 3 and all(a.content_id for a in inline)
    assert [a.filename for a in mail.attachments if not a.inline] == ["Move To Eight ZWEP6227F.pdf"]


def test_the_mailing_list_mbox_parses_message_by_message() -> None:
    raws = [m.as_bytes() for m in mailbox.mbox(MBOX)]
    messages = [parse_mail(raw, max_attachment_bytes=LIMIT) for raw in raws]
    assert len(messages) == 45
    # one message was saved by its author before sending: no From, no Message-ID
    unsent = [m for m in messages if m.sender is None]
    assert [(m.subject, m.message_id) for m in unsent] == [("Resize with Transparency", None)]
    assert all(m.date for m in messages)
    assert len({m.message_id for m in messages if m.message_id}) == 44
    threaded = [raw for raw in raws if re.search(rb"^(In-Reply-To|References):", raw, re.M | re.I)]
    replies = [m for m in messages if m.in_reply_to or m.references]
    assert len(replies) == len(threaded) == 21
    known = {m.message_id for m in messages}
    assert sum(1 for m in replies if set(m.in_reply_to + m.references) & known) == 16
    assert sum(1 for m in replies if len(m.visible_text) < len(m.text)) >= 15
    assert sum(1 for m in messages if m.kind is MailKind.BULK) == 21  # Precedence: bulk
    assert {m.kind for m in messages} <= {MailKind.NORMAL, MailKind.BULK}


@st.composite
def mutated_corpus_messages(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(corpus_files())).read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, len(data)))
        end = start + draw(st.integers(0, 120))
        replacement = draw(
            st.sampled_from([b"", b"\n", b"--", b"\xff", b"=?", b";", data[end : end + 80]])
        )
        data[start:end] = replacement
    return bytes(data)


@settings(max_examples=150, deadline=None)
@given(mutated_corpus_messages())
def test_mutated_corpus_messages_never_raise(raw: bytes) -> None:
    mail = parse_mail(raw, max_attachment_bytes=100_000)
    assert isinstance(mail, ParsedMail)
    mail.text.encode("utf-8")
