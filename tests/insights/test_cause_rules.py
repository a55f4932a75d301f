"""Root-cause rules: each detail from text, negation, the precedence of evidence, happy = none."""

from dataclasses import replace

import pytest

from goodwill.insights.cause_rules import (
    Attribution,
    ConversationEvidence,
    attribute_conversation,
    attribute_text,
    is_unhappy,
)

QUIET = ConversationEvidence(
    csat=None,
    nps=None,
    ces=None,
    reasons=(),
    comment="",
    customer_texts=(),
    slow_first_reply=False,
    reopens=0,
    promises_broken=0,
    transferred=False,
    failure_not_listening=False,
    failure_ignored=False,
    failure_lacking_knowledge=False,
    failure_no_follow_up=False,
    sentiment_end=None,
    predicted_csat=None,
    topic=None,
)
UNHAPPY = replace(QUIET, csat=1)


@pytest.mark.parametrize(
    ("text", "cause", "detail"),
    [
        ("The agent was rude and condescending", "service", "attitude"),
        (
            "Nobody listened, as I said three times the order number is 123",
            "service",
            "not_listened",
        ),
        ("I waited 3 days for a reply", "service", "slow_or_ignored"),
        ("I never got a reply to my emails", "service", "slow_or_ignored"),
        ("You promised a refund by Friday and nothing came", "service", "broken_promise"),
        ("The agent had no idea how to fix it", "service", "lacking_knowledge"),
        ("Nobody called me back", "service", "no_follow_up"),
        ("The blender stopped working after a week", "product", "defect"),
        ("Poor quality fabric, it feels cheap", "product", "quality"),
        ("My parcel was lost and the delivery was late", "product", "delivery_operations"),
        ("Way overpriced, not worth the money", "product", "price_value"),
        ("Your refund policy is ridiculous", "policy", "policy"),
        ("They would not refund me because of the terms and conditions", "policy", "policy"),
        ("The seats were worn and cramped", "product", "quality"),
        ("The cabin crew were indifferent", "service", "attitude"),
    ],
)
def test_each_detail_from_text(text: str, cause: str, detail: str) -> None:
    found = attribute_text(text)
    assert (found.cause, found.detail) == (cause, detail), found
    assert found.evidence.startswith("text: ")


@pytest.mark.parametrize(
    "text",
    [
        "The staff were not rude at all",
        "The product is not broken",
        "There was no problem with the delivery",
        "It was fine, thanks",
        "",
    ],
)
def test_negated_or_neutral_text_names_no_cause(text: str) -> None:
    assert attribute_text(text) == Attribution("none", "", "")


def test_praise_of_one_side_leaves_the_complaint_about_the_other() -> None:
    found = attribute_text("The crew were excellent. The seats were worn and the food was cold")
    assert (found.cause, found.detail) == ("product", "quality")
    assert '"seats were worn"' in found.evidence
    mixed = attribute_text("Staff were not helpful at all, but the seat was comfortable")
    assert mixed.cause == "service"


def test_the_stronger_complaint_wins_in_a_mixed_text() -> None:
    found = attribute_text("The jacket is a bit cheap looking but the agent was rude, rude, rude")
    assert found.cause == "service"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"csat": 2}, True),
        ({"csat": 3}, False),
        ({"nps": 6}, True),
        ({"nps": 7}, False),
        ({"ces": 3}, True),
        ({"ces": 4}, False),
        ({"predicted_csat": 2.5}, True),
        ({"predicted_csat": 3.1}, False),
        ({"sentiment_end": -0.6}, True),
        ({"sentiment_end": 0.1}, False),
        ({"csat": 5, "predicted_csat": 1.0}, False),  # a rating beats a prediction
        ({}, False),
    ],
)
def test_unhappy_thresholds(changes: dict[str, float], expected: bool) -> None:
    assert is_unhappy(replace(QUIET, **changes)) is expected  # type: ignore[arg-type]


def test_a_happy_conversation_has_no_cause_whatever_it_says() -> None:
    happy = replace(QUIET, csat=5, comment="the agent was rude", promises_broken=2)
    assert attribute_conversation(happy) == Attribution("none", "", "")


def test_survey_reasons_beat_the_comment_and_the_facts() -> None:
    evidence = replace(
        UNHAPPY, reasons=("defect",), comment="the agent was rude", promises_broken=1
    )
    found = attribute_conversation(evidence)
    assert (found.cause, found.detail, found.evidence) == ("product", "defect", "reasons: defect")


def test_a_tie_between_reasons_goes_to_the_comment_then_to_the_first_reason() -> None:
    tied = replace(UNHAPPY, reasons=("rude", "price"), comment="so overpriced, a rip-off")
    assert attribute_conversation(tied).cause == "product"
    silent = replace(UNHAPPY, reasons=("price", "rude"))
    assert attribute_conversation(silent).cause == "product"
    majority = replace(UNHAPPY, reasons=("price", "rude", "slow"))
    assert (attribute_conversation(majority).cause, attribute_conversation(majority).detail) == (
        "service",
        "attitude",
    )


def test_not_resolved_takes_its_detail_from_the_comment() -> None:
    evidence = replace(UNHAPPY, reasons=("not_resolved",), comment="nobody ever called me back")
    assert attribute_conversation(evidence).detail == "no_follow_up"
    plain = replace(UNHAPPY, reasons=("not_resolved",))
    assert attribute_conversation(plain).detail == "lacking_knowledge"
    waited = replace(plain, failure_ignored=True)
    assert attribute_conversation(waited).detail == "slow_or_ignored"


def test_unknown_reasons_fall_through_to_the_comment() -> None:
    evidence = replace(UNHAPPY, reasons=("weather",), comment="the zip broke on day one")
    found = attribute_conversation(evidence)
    assert (found.cause, found.detail) == ("product", "defect")
    assert found.evidence.startswith("comment: ")


def test_the_comment_beats_the_service_facts() -> None:
    evidence = replace(UNHAPPY, comment="the price is too high", promises_broken=1)
    assert attribute_conversation(evidence).detail == "price_value"


def test_service_words_of_the_customer_beat_the_facts_and_the_ticket_subject() -> None:
    evidence = replace(
        UNHAPPY,
        customer_texts=("My kettle is leaking", "Still waiting for a reply!!"),
        reopens=1,
    )
    found = attribute_conversation(evidence)
    assert (found.cause, found.detail) == ("service", "slow_or_ignored")
    assert found.evidence.startswith("customer wrote: ")


def test_service_facts_come_before_the_product_named_in_the_messages() -> None:
    evidence = replace(
        UNHAPPY, customer_texts=("My kettle is leaking",), promises_broken=1, reopens=2
    )
    found = attribute_conversation(evidence)
    assert (found.cause, found.detail) == ("service", "broken_promise")
    assert found.evidence == "facts: 1 broken promise(s); reopened 2 time(s)"
    for flag, detail in (
        ("failure_not_listening", "not_listened"),
        ("failure_ignored", "slow_or_ignored"),
        ("failure_no_follow_up", "no_follow_up"),
        ("failure_lacking_knowledge", "lacking_knowledge"),
        ("slow_first_reply", "slow_or_ignored"),
        ("transferred", "lacking_knowledge"),
    ):
        assert attribute_conversation(replace(UNHAPPY, **{flag: True})).detail == detail


def test_only_the_product_named_in_the_messages_makes_it_product() -> None:
    evidence = replace(UNHAPPY, customer_texts=("The kettle stopped working",))
    found = attribute_conversation(evidence)
    assert (found.cause, found.detail) == ("product", "defect")


def test_only_the_last_three_customer_messages_count() -> None:
    old = ("you are rude",) + ("ok",) * 3
    assert attribute_conversation(replace(UNHAPPY, customer_texts=old)).cause == "none"


def test_unhappy_without_evidence_is_none_with_a_reason() -> None:
    found = attribute_conversation(replace(UNHAPPY, predicted_csat=1.0, csat=None))
    assert found == Attribution("none", "", "unhappy; no evidence of a cause")
    how_to = attribute_conversation(replace(UNHAPPY, topic="how_to"))
    assert how_to == Attribution("none", "", "unhappy; no evidence of a cause")


@pytest.mark.parametrize(
    ("topic", "cause", "detail"),
    [
        ("delivery", "product", "delivery_operations"),
        ("defect", "product", "defect"),
        ("refund", "policy", "policy"),
        ("billing", "product", "price_value"),
    ],
)
def test_the_topic_is_the_last_resort(topic: str, cause: str, detail: str) -> None:
    found = attribute_conversation(replace(UNHAPPY, topic=topic))
    assert (found.cause, found.detail) == (cause, detail)
    assert found.evidence == f"topic: {topic} (nothing else found)"
    slow = attribute_conversation(replace(UNHAPPY, topic=topic, slow_first_reply=True))
    assert (slow.cause, slow.detail) == ("service", "slow_or_ignored")


def test_evidence_is_short() -> None:
    found = attribute_text(" ".join(["The agent was rude."] * 40 + ["It broke."] * 3))
    assert len(found.evidence) <= 160
