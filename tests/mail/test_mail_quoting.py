"""Quoted history and signatures are set apart from what the customer wrote now."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.mail.quoting import QuotedSplit, split_quoted

GMAIL_REPLY = """Thanks, that worked!

On Mon, Mar 2, 2026 at 9:00 AM Support <support@shop.example> wrote:
> Please restart the router.
>
> Best, Ana"""

GMAIL_WRAPPED = """The parcel arrived today.

On Mon, Mar 2, 2026 at 9:00 AM Goodwill Support Team <support+GW-7K2Q9MXA@shop.example>
wrote:
> Your parcel is on its way."""

GERMAN = """Vielen Dank für die schnelle Antwort.

Am 02.03.2026 um 09:00 schrieb Support <support@shop.example>:
> Bitte starten Sie den Router neu."""

FRENCH = """Merci, c'est réglé.

Le lun. 2 mars 2026 à 09:00, Support <support@shop.example> a écrit :
> Merci de redémarrer la box."""

SPANISH = """Gracias, ya funciona.

El lun, 2 mar 2026 a las 9:00, Soporte (<support@shop.example>) escribió:
> Reinicie el router, por favor."""

DUTCH = """Bedankt, het werkt weer.

Op ma 2 mrt 2026 om 09:00 schreef Support <support@shop.example>:
> Herstart de router."""

OUTLOOK = """Yes, please cancel the order.

Regards,
Jo

-----Original Message-----
From: Support <support@shop.example>
Sent: Monday, March 2, 2026 9:00 AM
To: Jo <jo@customer.example>
Subject: Your order

Shall we cancel the order?"""

OUTLOOK_HEADER_BLOCK = """Please send the invoice again.

From: Support <support@shop.example>
Sent: Monday, March 2, 2026 9:00 AM
To: Jo <jo@customer.example>
Subject: RE: Invoice

Here is your invoice."""

OUTLOOK_GERMAN = """Bitte die Rechnung erneut senden.

Von: Support <support@shop.example>
Gesendet: Montag, 2. März 2026 09:00
An: Jo <jo@customer.example>
Betreff: AW: Rechnung

Anbei Ihre Rechnung."""

OUTLOOK_MOBILE = """Got it, thanks.

Get Outlook for iOS<https://aka.ms/o0ukef>
________________________________
From: Support <support@shop.example>
Sent: Monday, March 2, 2026 9:00:00 AM
To: jo@customer.example
Subject: Re: Delivery

It will arrive on Friday."""

SIGNATURE = """The tracking number does not work.

--
Jo Baker
Baker & Sons Ltd
+44 20 7946 0000"""

IPHONE = """Where is my refund?

Sent from my iPhone

> On 2 Mar 2026, at 09:00, Support <support@shop.example> wrote:
>
> Your refund is on its way."""

FORWARD_ONLY = """---------- Forwarded message ---------
From: Shop <orders@shop.example>
Date: Mon, Mar 2, 2026 at 9:00 AM
Subject: Your order 1234
To: <jo@customer.example>

Your order 1234 has shipped.

On Sun, Mar 1, 2026 Jo wrote:
> Where is my order?"""

FORWARD_WITH_NOTE = """Can you check this confirmation? The amount is wrong.

---------- Forwarded message ---------
From: Shop <orders@shop.example>
Date: Mon, Mar 2, 2026 at 9:00 AM
Subject: Order confirmation
To: <jo@customer.example>

Total: 129.00 EUR"""

BOTTOM_POSTED = """On Mon, Mar 2, 2026 at 9:00 AM Support <support@shop.example> wrote:
> Could you send a photo of the damage?

Here it is, attached.

--
Jo"""

INTERLEAVED = """> What is your order number?
1234
> And the date?
2 March"""

SHORT_ATTRIBUTION = """Fine by me.

Ana Support <support@shop.example> wrote:
> Shall we replace it?"""

ONLY_QUOTED = """> Just a quote
> of something"""


@pytest.mark.parametrize(
    ("text", "visible", "quoted_starts", "signature"),
    [
        (GMAIL_REPLY, "Thanks, that worked!", "On Mon, Mar 2", ""),
        (GMAIL_WRAPPED, "The parcel arrived today.", "On Mon, Mar 2", ""),
        (GERMAN, "Vielen Dank für die schnelle Antwort.", "Am 02.03.2026", ""),
        (FRENCH, "Merci, c'est réglé.", "Le lun. 2 mars", ""),
        (SPANISH, "Gracias, ya funciona.", "El lun, 2 mar", ""),
        (DUTCH, "Bedankt, het werkt weer.", "Op ma 2 mrt", ""),
        (OUTLOOK, "Yes, please cancel the order.\n\nRegards,\nJo", "-----Original Message", ""),
        (OUTLOOK_HEADER_BLOCK, "Please send the invoice again.", "From: Support", ""),
        (OUTLOOK_GERMAN, "Bitte die Rechnung erneut senden.", "Von: Support", ""),
        (OUTLOOK_MOBILE, "Got it, thanks.", "________", "Get Outlook for iOS"),
        (SIGNATURE, "The tracking number does not work.", "", "--\nJo Baker"),
        (IPHONE, "Where is my refund?", "> On 2 Mar 2026", "Sent from my iPhone"),
        (BOTTOM_POSTED, "Here it is, attached.", "On Mon, Mar 2", "--\nJo"),
        (SHORT_ATTRIBUTION, "Fine by me.", "Ana Support", ""),
    ],
)
def test_history_and_signature_are_set_apart(
    text: str, visible: str, quoted_starts: str, signature: str
) -> None:
    split = split_quoted(text)
    assert split.visible == visible
    assert split.quoted.startswith(quoted_starts)
    assert bool(split.quoted) == bool(quoted_starts)
    assert split.signature.startswith(signature)
    assert bool(split.signature) == bool(signature)


def test_a_forwarded_message_that_is_the_whole_mail_stays_visible() -> None:
    split = split_quoted(FORWARD_ONLY)
    assert split.visible == FORWARD_ONLY
    assert split.quoted == ""


def test_forwarded_content_below_a_note_stays_visible() -> None:
    split = split_quoted(FORWARD_WITH_NOTE)
    assert "Total: 129.00 EUR" in split.visible
    assert split.quoted == ""


def test_interleaved_answers_keep_their_questions() -> None:
    assert split_quoted(INTERLEAVED).visible == INTERLEAVED


def test_when_everything_looks_quoted_the_original_is_kept() -> None:
    assert split_quoted(ONLY_QUOTED) == QuotedSplit(visible=ONLY_QUOTED, quoted="", signature="")
    only_signature = "-- \nJo Baker"
    assert split_quoted(only_signature).visible == only_signature


def test_a_dash_line_high_up_is_content_not_a_signature() -> None:
    text = "Steps:\n--\n" + "\n".join(f"line {n}" for n in range(30))
    assert split_quoted(text).visible == text


def test_a_sentence_starting_with_on_is_not_an_attribution() -> None:
    text = "On Monday the parcel was damaged.\nPlease refund it."
    assert split_quoted(text).visible == text


def test_empty_text_stays_empty() -> None:
    assert split_quoted("") == QuotedSplit(visible="", quoted="", signature="")
    assert split_quoted("  \n ").visible == ""


@given(st.text(max_size=400))
def test_visible_is_never_empty_when_there_was_text(text: str) -> None:
    split = split_quoted(text)
    assert bool(split.visible.strip()) == bool(text.strip())
