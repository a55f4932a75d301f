"""The five steps in one agent message: behaviour at a place in the reply, not word counts."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.quality import lexicon, lexicon_solution
from goodwill.quality.gated import GatedPattern, word_prefixes
from goodwill.quality.rubric import STEPS
from goodwill.quality.steps import customer_is_upset, detect_message_steps, split_sentences


def steps_of(text: str, **kwargs: str) -> dict[str, int]:
    result = detect_message_steps(text, **kwargs)
    return {step: int(result.done(step)) for step in STEPS}


ACK, RAP, NEE, SOL, GRA = STEPS
FULL_REPLY = (
    "Hi Sarah,\n\nThanks for getting in touch. I understand how annoying a missing parcel is. "
    "I've chased the courier and it will be delivered tomorrow.\n\nThank you for your patience, "
    "Sarah. Is there anything else I can help with?"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FULL_REPLY, {ACK, RAP, SOL, GRA}),
        ("@AcmeHelp Hey there! Which version of iOS are you running?", {ACK, NEE}),
        ("Could you send me the order number and a photo of the fault, please?", {NEE}),
        ("Please DM us your booking reference so we can look into this.", {NEE}),
        ("Just to confirm, you'd like the refund to your original card?", {NEE}),
        ("It sounds like the kettle trips the fuse as soon as it boils.", {NEE}),
        ("Please hold the descale button for three seconds to reset the reminder.", {SOL}),
        ("Try restarting the router, then sign in again.", {SOL}),
        ("I've refunded the delivery charge; it should reach your card within 3-5 days.", {SOL}),
        ("You can change the delivery address here: https://help.example.com/address", {SOL}),
        ("Unfortunately we don't offer upgrades on cancelled flights.", {SOL}),
        ("Please create a ticket here: https://support.example.com/new and we'll help.", set()),
        ("Send us a DM and we'll take a look.", set()),
        ("Please contact our sales team.", set()),
        ("I'm so sorry to hear your parcel is late, Tom.", {RAP}),
        ("That must be really frustrating.", {RAP}),
        ("Great to hear it's working again! Enjoy your new kettle.", {RAP}),
        ("Thanks for your patience. Let me know if there's anything else I can do.", {ACK, GRA}),
        ("Thanks.", {ACK}),
        ("Is there anything else I can help with?", set()),
        ("Isn't that great?", set()),
        ("", set()),
    ],
)
def test_steps_of_one_message(text: str, expected: set[str]) -> None:
    assert {step for step, done in steps_of(text).items() if done} == expected


@pytest.mark.parametrize(
    ("text", "name", "by_name"),
    [
        ("Hi Sarah, thanks for waiting.", "Sarah", True),
        ("Hi there, thanks for waiting.", "Sarah", False),
        ("Hello Priya! Your order is on its way.", None, True),
        ("Hello there! Your order is on its way.", None, False),
        ("Dear customer, your refund has been processed.", None, False),
        ("Thanks for reaching out, Jessica! You can check the status here.", "Jessica", True),
    ],
)
def test_greeting_by_name(text: str, name: str | None, by_name: bool) -> None:
    result = detect_message_steps(text, customer_first_name=name)
    assert result.acknowledgement
    assert result.greeted_by_name is by_name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hola María, gracias por escribirnos.", "María"),
        ("Buenos días Carlos, le escribo sobre su pedido.", "Carlos"),
        ("Bonjour Claire, merci pour votre message.", "Claire"),
        ("Hallo Jonas, danke für deine Nachricht.", "Jonas"),
        ("Guten Tag Frau Weber, vielen Dank für Ihre Geduld.", "Weber"),
        ("Olá Ana, obrigado pelo contato.", "Ana"),
        ("Bom dia João, tudo bem?", "João"),
        ("Ciao Luca, grazie per averci scritto.", "Luca"),
        ("Buongiorno Giulia, ecco le istruzioni.", "Giulia"),
        ("Hoi Sanne, bedankt voor je bericht.", "Sanne"),
        ("Goedemorgen Pieter, uw bestelling is onderweg.", "Pieter"),
    ],
)
def test_non_english_greetings(text: str, name: str) -> None:
    result = detect_message_steps(text, customer_first_name=name)
    assert result.acknowledgement and result.greeted_by_name


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour Claire, merci pour votre message. N'hésitez pas à nous recontacter.",
        "Hallo Jonas, danke für deine Nachricht. Hast du noch Fragen?",
        "Hola María, gracias por tu paciencia. ¿Hay algo más en lo que pueda ayudarte?",
    ],
)
def test_non_english_thanks_with_offer(text: str) -> None:
    assert detect_message_steps(text).gratitude


@pytest.mark.parametrize(
    ("text", "rapport", "canned", "stuffed"),
    [
        ("I'm sorry to hear the kettle leaked, that must be worrying.", True, False, False),
        ("We apologise for any inconvenience caused.", False, True, False),
        ("Sorry for the inconvenience. Your ticket has been updated.", False, True, False),
        ("Sorry! So sorry. We apologise. Sorry again for this.", False, False, True),
        ("Sorry to hear that, sorry for the delay, and sorry again.", False, False, True),
        ("Your call is important to us.", False, True, False),
    ],
)
def test_empathy_versus_canned_and_stuffed_apologies(
    text: str, rapport: bool, canned: bool, stuffed: bool
) -> None:
    result = detect_message_steps(text)
    assert (result.rapport, result.canned_apology, result.apology_stuffing) == (
        rapport,
        canned,
        stuffed,
    )


def test_cheer_does_not_match_an_upset_customer() -> None:
    angry = "This is the third time my order is late, absolutely ridiculous!!"
    happy = "Got it, works now, thank you!"
    reply = "Great to hear from you! Glad to help."
    assert not detect_message_steps(reply, customer_text=angry).rapport
    assert detect_message_steps(reply, customer_text=happy).rapport
    empathy = "I'm sorry your order is late again, I know how frustrating that is."
    assert detect_message_steps(empathy, customer_text=angry).rapport


@pytest.mark.parametrize(
    ("text", "thanks", "offer", "gratitude"),
    [
        ("Thanks for your patience! Is there anything else I can help with?", True, True, True),
        ("Thank you for letting us know - happy to help with anything else.", True, True, True),
        ("Thanks.", True, False, False),
        ("Let us know if you have any other questions.", False, True, False),
        ("Thanks! Thank you so much! Thanks again, anything else?", False, True, False),
    ],
)
def test_gratitude_needs_thanks_and_an_offer(
    text: str, thanks: bool, offer: bool, gratitude: bool
) -> None:
    result = detect_message_steps(text)
    assert (result.thanks, result.offers_help, result.gratitude) == (thanks, offer, gratitude)


@pytest.mark.parametrize(
    "spam",
    [
        "Sorry sorry sorry! Thanks thanks thanks!",
        "We're so sorry. Apologies. Sorry again. Thank you, thanks, many thanks!",
        "Thank you! Thanks! Thanks so much! Please let us know if you need anything else.",
    ],
)
def test_politeness_spam_earns_neither_rapport_nor_gratitude(spam: str) -> None:
    result = detect_message_steps(spam, customer_text="Where is my parcel?!")
    assert not result.rapport
    assert not result.gratitude
    assert not result.acknowledgement


def test_evidence_quotes_the_sentence() -> None:
    result = detect_message_steps(FULL_REPLY, customer_first_name="Sarah")
    assert result.evidence["acknowledgement"] == "Hi Sarah,"
    assert result.evidence["rapport"] == "I understand how annoying a missing parcel is."
    assert "will be delivered tomorrow" in result.evidence["solution"]
    assert "anything else I can help with" in result.evidence["gratitude"]
    assert "needs" not in result.evidence


def test_links_are_masked_and_their_query_is_no_question() -> None:
    text = "Please try the steps here: https://help.example.com/a?step=2&x=1 Hope this helps!"
    result = detect_message_steps(text)
    assert result.solution and not result.needs
    assert "[link]" in result.evidence["solution"]


@pytest.mark.parametrize(
    ("text", "uncertain"),
    [
        ("I don't know why that happened.", True),
        ("I'm not sure what the delivery date is.", True),
        ("No idea, sorry.", True),
        ("I know exactly what happened: the courier lost it.", False),
    ],
)
def test_uncertainty(text: str, uncertain: bool) -> None:
    assert detect_message_steps(text).uncertain is uncertain


def test_customer_mood() -> None:
    assert customer_is_upset("Still waiting for my refund, this is unacceptable")
    assert customer_is_upset("😡")
    assert not customer_is_upset("Hi, could you tell me the opening hours?")
    assert not customer_is_upset("")


def test_sentences_keep_their_punctuation() -> None:
    assert split_sentences("Hi Tom. Can you check?\nThanks!Bye") == [
        "Hi Tom.",
        "Can you check?",
        "Thanks!",
        "Bye",
    ]


GATED = [
    value
    for module in (lexicon, lexicon_solution)
    for value in vars(module).values()
    if isinstance(value, GatedPattern)
]
REAL_LOOKING = [
    FULL_REPLY.lower(),
    "we're so sorry to hear that! please dm us your order number and we'll look into it.",
    "as i said, i already told you twice: the kettle is broken!!",
    "you can find more info here: [link] let us know if you have any other questions.",
    "hola, lo siento mucho por la espera. ¿puedes enviarnos tu número de pedido?",
    "i'm not sure, but we recommend restarting. it should be back within 24 hours.",
]


@pytest.mark.parametrize("pattern", GATED)
@pytest.mark.parametrize("text", REAL_LOOKING)
def test_gating_never_changes_the_answer(pattern: GatedPattern, text: str) -> None:
    ungated = any(compiled.search(text) for compiled in pattern.patterns)
    assert (pattern.search(text) is not None) == ungated
    assert (pattern.search(text, word_prefixes(text)) is not None) == ungated


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdeghilnorstuwy '!?.,\n")), max_size=80))
def test_gating_agrees_with_the_plain_patterns_on_letter_soup(text: str) -> None:
    for pattern in GATED:
        ungated = any(compiled.search(text) for compiled in pattern.patterns)
        assert (pattern.search(text) is not None) == ungated


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.text(max_size=40), st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str, name: str, customer: str) -> None:
    result = detect_message_steps(text, customer_first_name=name or None, customer_text=customer)
    assert set(result.evidence) <= set(STEPS)
    assert all(len(sentence) <= 160 for sentence in result.evidence.values())


def test_patterns_are_written_in_lower_case() -> None:
    for pattern in GATED:
        for compiled in pattern.patterns:
            assert not re.search(r"(?<!\\)[A-Z]", compiled.pattern), compiled.pattern
