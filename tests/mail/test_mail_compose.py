"""Outgoing email, pure: Message-IDs, subject rules, threading headers, Thread-Index, MIME shape."""

import base64
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from goodwill.channels.kinds import ChannelKind
from goodwill.channels.ports import OutboundMessage
from goodwill.mail.compose import (
    MAX_REFERENCES,
    ThreadEntry,
    cap_references,
    compose_bytes,
    compose_email,
    reply_subject,
    thread_context,
    thread_topic,
)
from goodwill.mail.message_ids import message_id_domain, our_message_id, our_message_reference
from goodwill.mail.thread_index import (
    CHILD_LENGTH,
    HEADER_LENGTH,
    MAX_CHILDREN,
    child_ticks,
    conversation_guid,
    decode_thread_index,
    filetime,
    thread_index,
)
from goodwill.mail.thread_rules import message_ids_in

REF = "GW-7K2Q9MXA"
SECRET = "test-secret-key-0123456789abcdef"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def outbound(**changes: object) -> OutboundMessage:
    values: dict[str, object] = {
        "channel": ChannelKind.EMAIL,
        "message_id": 12,
        "to_address": "maria@customer.example",
        "to_name": "Maria López",
        "subject": "My kettle stopped working",
        "body_text": "Hello Maria,\n\nA new kettle is on its way.\nTracking: <1234>",
        "body_html": None,
        "reference": REF,
        "sent_from": "support@shop.example",
        "sent_from_name": "Shop Support",
        "message_id_header": f"{REF}.12.0123456789abcdef@shop.example",
        "in_reply_to": "m1@customer.example",
        "references": ("m1@customer.example", f"{REF}.11.fedcba9876543210@shop.example"),
        "reply_to": f"support+{REF}@shop.example",
        "thread_index": thread_index(REF, T0, [T0 + timedelta(minutes=5)]),
    }
    values.update(changes)
    return OutboundMessage(**values)  # type: ignore[arg-type]


def sent(message: OutboundMessage) -> EmailMessage:
    """Compose, serialise and parse back, as the receiving client would."""
    raw = compose_bytes(message, T0)
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


# Message-IDs


def test_our_message_id_is_deterministic_and_names_the_support_domain() -> None:
    first = our_message_id(REF, 42, secret_key=SECRET, support_address="Support@Shop.Example")
    again = our_message_id(REF, 42, secret_key=SECRET, support_address="Support@Shop.Example")
    assert first == again
    local, domain = first.split("@")
    assert domain == "shop.example"
    reference, number, signature = local.split(".")
    assert (reference, number, len(signature)) == (REF, "42", 16)
    assert our_message_id(REF, 43, secret_key=SECRET, support_address="s@shop.example") != first


def test_our_message_reference_recognises_our_ids_only() -> None:
    ours = our_message_id(REF, 42, secret_key=SECRET, support_address="support@shop.example")
    assert our_message_reference(ours, SECRET) == REF
    assert our_message_reference(f" <{ours}> ", SECRET) == REF
    assert our_message_reference(ours.lower(), SECRET) == REF  # a relay that lower-cases
    assert our_message_reference(ours, "another-secret-key-0123456789") is None
    local, domain = ours.split("@")
    head, signature = local.rsplit(".", 1)
    tampered = f"{head}.{'0' if signature[0] != '0' else '1'}{signature[1:]}@{domain}"
    assert our_message_reference(tampered, SECRET) is None
    other_message = ours.replace(".42.", ".43.")
    assert our_message_reference(other_message, SECRET) is None
    assert our_message_reference("m1@customer.example", SECRET) is None
    assert our_message_reference("", SECRET) is None


def test_message_id_domain_falls_back_when_the_address_has_none() -> None:
    assert message_id_domain("support@Shop.Example") == "shop.example"
    assert message_id_domain("support") == "localhost"


# Subject, topic, references


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Where is my order?", f"Re: Where is my order? [{REF}]"),
        ("Re: Where is my order?", f"Re: Where is my order? [{REF}]"),
        ("RE: re: AW: Where is my order?", f"Re: Where is my order? [{REF}]"),
        ("Re[2]: Where is my order?", f"Re: Where is my order? [{REF}]"),
        (f"Where is my order? [{REF}]", f"Re: Where is my order? [{REF}]"),
        (f"Re: Re: Where is my order? [{REF.lower()}]", f"Re: Where is my order? [{REF.lower()}]"),
        ("Order [GW-22222222]", f"Re: Order [GW-22222222] [{REF}]"),
        ("Line\r\nBcc: victim@example.com", f"Re: Line Bcc: victim@example.com [{REF}]"),
        ("   ", f"Re: (no subject) [{REF}]"),
        ("Regarding the refund", f"Re: Regarding the refund [{REF}]"),
    ],
)
def test_reply_subject_has_one_re_and_one_token(subject: str, expected: str) -> None:
    assert reply_subject(subject, REF) == expected
    assert reply_subject(reply_subject(subject, REF), REF) == expected  # idempotent


def test_thread_topic_drops_prefixes_and_our_token() -> None:
    assert thread_topic(f"Re: Where is my order? [{REF}]", REF) == "Where is my order?"
    assert thread_topic("Where is my order?", REF) == "Where is my order?"


def test_references_keep_the_root_and_the_newest_nineteen() -> None:
    ids = [f"m{i}@customer.example" for i in range(30)]
    capped = cap_references(ids)
    assert len(capped) == MAX_REFERENCES == 20
    assert capped[0] == "m0@customer.example"
    assert capped[1:] == tuple(ids[11:])
    short = ["a@x", "b@x", "a@x", "bad id@x", "ümlaut@x", "<c@x>", "sha256.00ff@goodwill.invalid"]
    assert cap_references(short) == ("a@x", "b@x")


def entry(number: int, external_id: str | None, *, inbound: bool) -> ThreadEntry:
    return ThreadEntry(number, external_id, inbound, T0 + timedelta(minutes=number))


def test_in_reply_to_is_the_latest_customer_email_before_the_message() -> None:
    entries = [
        entry(1, "m1@customer.example", inbound=True),
        entry(2, f"{REF}.2.aaaaaaaaaaaaaaaa@shop.example", inbound=False),
        entry(3, "m3@customer.example", inbound=True),
        entry(4, "sha256.0f@goodwill.invalid", inbound=True),  # mail without a Message-ID
        entry(5, None, inbound=False),  # the reply being sent
        entry(6, "m6@customer.example", inbound=True),  # later: not part of this reply
    ]
    context = thread_context(entries, 5)
    assert context.in_reply_to == "m3@customer.example"
    assert context.references == (
        "m1@customer.example",
        f"{REF}.2.aaaaaaaaaaaaaaaa@shop.example",
        "m3@customer.example",
    )
    assert context.reply_times == tuple(e.created_at for e in entries[1:5])


def test_first_message_of_a_thread_has_no_parent() -> None:
    context = thread_context([entry(1, None, inbound=False)], 1)
    assert (context.in_reply_to, context.references, context.reply_times) == (None, (), ())
    assert thread_context([], 99).references == ()


def test_in_reply_to_stays_in_capped_references() -> None:
    entries = [entry(1, "m1@customer.example", inbound=True)]
    entries += [entry(n, f"{REF}.{n}.aaaaaaaaaaaaaaaa@x", inbound=False) for n in range(2, 40)]
    entries.append(entry(40, None, inbound=False))
    entries.insert(1, entry(1, "m1b@customer.example", inbound=True))
    context = thread_context(entries, 40)
    assert context.in_reply_to == "m1b@customer.example"
    assert len(context.references) == MAX_REFERENCES
    assert context.references[0] == "m1@customer.example"
    assert context.references[-1] == "m1b@customer.example"


# Thread-Index


def test_thread_index_is_a_22_byte_header_plus_5_bytes_per_reply() -> None:
    replies = [T0 + timedelta(minutes=m) for m in (5, 90, 60 * 24 * 3)]
    for count in range(len(replies) + 1):
        raw = base64.b64decode(thread_index(REF, T0, replies[:count]), validate=True)
        assert len(raw) == HEADER_LENGTH + CHILD_LENGTH * count
        assert raw[0] == 0x01


def test_thread_index_names_the_conversation_and_its_times() -> None:
    replies = [T0 + timedelta(minutes=5), T0 + timedelta(days=3)]
    decoded = decode_thread_index(thread_index(REF, T0, replies))
    assert decoded.guid == conversation_guid(REF)
    assert 0 <= filetime(T0) - decoded.header_ticks < 1 << 24
    for child, at in zip(decoded.children, replies, strict=True):
        elapsed = filetime(at) - decoded.header_ticks
        assert 0 <= elapsed - child_ticks(child) < 1 << 18  # 26 ms resolution
    assert decoded.children[0][4] & 0x0F == 1
    assert decoded.children[1][4] & 0x0F == 2


def test_thread_index_is_deterministic_and_shared_by_the_conversation() -> None:
    later = T0 + timedelta(hours=2)
    first = decode_thread_index(thread_index(REF, T0, []))
    reply = decode_thread_index(thread_index(REF, T0, [later]))
    assert thread_index(REF, T0, [later]) == thread_index(REF, T0, [later])
    assert (first.guid, first.header_ticks) == (reply.guid, reply.header_ticks)
    assert decode_thread_index(thread_index("GW-22222222", T0, [])).guid != first.guid


def test_thread_index_uses_coarse_units_after_two_years_and_stays_short() -> None:
    far = T0 + timedelta(days=800)
    decoded = decode_thread_index(thread_index(REF, T0, [far]))
    assert decoded.children[0][0] & 0x80  # the delta flag
    assert 0 <= filetime(far) - decoded.header_ticks - child_ticks(decoded.children[0]) < 1 << 24
    many = [T0 + timedelta(minutes=m) for m in range(MAX_CHILDREN + 30)]
    assert len(decode_thread_index(thread_index(REF, T0, many)).children) == MAX_CHILDREN
    with pytest.raises(ValueError, match="22 \\+ 5n"):
        decode_thread_index(base64.b64encode(b"\x01" * 23).decode())


# The composed email


def test_composed_email_threads_and_routes_back() -> None:
    email = sent(outbound())
    assert str(email["From"]) == "Shop Support <support@shop.example>"
    assert str(email["To"]) == "Maria López <maria@customer.example>"
    assert str(email["Reply-To"]) == f"Shop Support <support+{REF}@shop.example>"
    assert email["Subject"] == f"Re: My kettle stopped working [{REF}]"
    assert email["Message-ID"] == f"<{REF}.12.0123456789abcdef@shop.example>"
    assert email["In-Reply-To"] == "<m1@customer.example>"
    assert message_ids_in(email["References"]) == outbound().references
    assert email["Date"] == "Mon, 02 Mar 2026 09:00:00 +0000"
    assert email["Thread-Topic"] == "My kettle stopped working"
    assert email["Thread-Index"] == outbound().thread_index
    assert email["Auto-Submitted"] is None
    assert email["X-Auto-Response-Suppress"] is None


def test_automatic_messages_say_so() -> None:
    email = sent(outbound(is_automatic=True, in_reply_to=None, references=()))
    assert email["Auto-Submitted"] == "auto-replied"
    assert email["X-Auto-Response-Suppress"] == "All"
    assert email["In-Reply-To"] is None
    assert email["References"] is None


def test_a_message_of_no_conversation_keeps_its_own_subject() -> None:
    standalone = outbound(
        subject="How likely are you\nto recommend us?",
        reference="",
        in_reply_to=None,
        references=(),
        reply_to=None,
        thread_index=None,
    )
    email = sent(standalone)
    assert email["Subject"] == "How likely are you to recommend us?"
    assert email["Thread-Topic"] is None and email["Reply-To"] is None


def test_body_is_multipart_alternative_text_then_html() -> None:
    email = sent(outbound())
    assert email.get_content_type() == "multipart/alternative"
    parts = list(email.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    text, html = (p.get_content().replace("\r\n", "\n") for p in parts)
    assert "Tracking: <1234>" in text
    assert "<p>Hello Maria,</p>" in html
    assert "A new kettle is on its way.<br>\nTracking: &lt;1234&gt;" in html
    rich = sent(outbound(body_html="<p>Hello <strong>Maria</strong></p>"))
    assert "<p>Hello <strong>Maria</strong></p>" in list(rich.iter_parts())[1].get_content()


def test_long_threading_headers_are_folded_never_encoded() -> None:
    ids = tuple(f"{'x' * 60}.{n}@customer.example" for n in range(25))
    many = [T0 + timedelta(minutes=m) for m in range(MAX_CHILDREN)]
    message = outbound(references=ids, thread_index=thread_index(REF, T0, many))
    raw = compose_bytes(message, T0)
    header_block = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert all(len(line) <= 998 for line in header_block.split("\r\n"))
    unfolded = header_block.replace("\r\n ", " ").split("\r\n")
    threading = [h for h in unfolded if h.split(":")[0] in ("References", "Thread-Index")]
    assert len(threading) == 2
    assert not any("=?" in header for header in threading)
    email = sent(message)
    assert message_ids_in(email["References"]) == cap_references(ids)
    assert email["Thread-Index"] == message.thread_index


def test_non_ascii_and_line_breaks_cannot_break_headers() -> None:
    email = sent(outbound(subject="Wasserkocher kaputt \u2013 Ärger\r\nBcc: x@y", to_name="A\nB"))
    assert email["Subject"] == f"Re: Wasserkocher kaputt \u2013 Ärger Bcc: x@y [{REF}]"
    assert email["Bcc"] is None
    assert str(email["To"]) == "A B <maria@customer.example>"


def test_an_unusable_recipient_is_refused() -> None:
    with pytest.raises(ValueError, match="not a usable email address"):
        compose_email(outbound(to_address="maria at home"), now=T0)
