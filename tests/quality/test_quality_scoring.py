"""Whole-conversation scoring: step results, N/A rules, failure modes with evidence, the total."""

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.quality.promises_text import commitment_due, extract_commitments
from goodwill.quality.rubric import DEFAULT_RUBRIC, Rubric
from goodwill.quality.scoring import (
    ConversationFacts,
    TranscriptMessage,
    compute_total,
    draft_checklist,
    score_conversation,
)
from goodwill.quality.steps import StepResult

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 09:00
DONE, MISSED, NA = StepResult.DONE, StepResult.MISSED, StepResult.NA


def customer(text: str, minutes: float) -> TranscriptMessage:
    return TranscriptMessage("customer", text, T0 + timedelta(minutes=minutes))


def agent(text: str, minutes: float, agent_id: int = 7) -> TranscriptMessage:
    return TranscriptMessage("agent", text, T0 + timedelta(minutes=minutes), agent_id)


def facts(**overrides: object) -> ConversationFacts:
    values: dict[str, object] = {
        "created_at": T0,
        "first_response_at": T0 + timedelta(minutes=30),
        "status": "resolved",
        "customer_first_name": "Sarah",
        "first_response_breached": False,
    }
    values.update(overrides)
    return ConversationFacts(**values)  # type: ignore[arg-type]


GOOD = [
    customer("My kettle arrived broken, really disappointed.", 0),
    agent(
        "Hi Sarah, I'm so sorry to hear the kettle arrived broken. "
        "Could you send me a photo of the damage?",
        30,
    ),
    customer("Here you go.", 60),
    agent(
        "Thanks Sarah. I've sent a replacement, it will arrive tomorrow. "
        "Thank you for your patience. Is there anything else I can help with?",
        90,
    ),
]
LATER = T0 + timedelta(days=10)


def test_a_good_conversation_scores_every_step_and_100() -> None:
    quality = score_conversation(GOOD, facts(), now=LATER)
    assert quality.steps == dict.fromkeys(quality.steps, DONE)
    assert set(quality.steps) == {"acknowledgement", "rapport", "needs", "solution", "gratitude"}
    assert not any(quality.failure_modes.values())
    assert quality.total == 100
    assert quality.strengths["acknowledgement"] == 1.0
    assert quality.evidence["needs"] == "Could you send me a photo of the damage?"


def test_no_reply_yet_is_not_applicable_then_missed_once_overdue() -> None:
    waiting = [customer("Where is my order?", 0)]
    fresh = score_conversation(waiting, facts(status="open", first_response_at=None), now=T0)
    assert fresh.steps == dict.fromkeys(fresh.steps, NA)
    assert fresh.total == 0
    overdue = score_conversation(
        waiting, facts(status="open", first_response_at=None), now=T0 + timedelta(days=2)
    )
    assert overdue.steps["acknowledgement"] == MISSED
    assert overdue.failure_modes["ignored"]
    assert "unanswered" in overdue.evidence["ignored"]


def test_a_late_first_reply_misses_acknowledgement_and_counts_as_ignored() -> None:
    quality = score_conversation(
        GOOD,
        facts(first_response_breached=True, first_response_at=T0 + timedelta(hours=30)),
        now=LATER,
    )
    assert quality.steps["acknowledgement"] == MISSED
    assert quality.failure_modes["ignored"]
    # 5 of 6 weight units done (solution weighs 2) -> 83, minus 15 for ignored
    assert quality.total == 83 - 15


def test_greeting_without_the_name_is_weaker() -> None:
    generic = [GOOD[0], agent("Hello, could you send me a photo?", 30), *GOOD[2:]]
    quality = score_conversation(generic, facts(), now=LATER)
    assert quality.steps["acknowledgement"] == DONE
    assert quality.strengths["acknowledgement"] == 0.7


def test_scripted_and_stuffed_apologies_are_not_rapport() -> None:
    stuffed = [
        customer("My order is late again!!", 0),
        agent("Hi Sarah, sorry! So sorry. We apologise, sorry again. It ships tomorrow.", 30),
    ]
    quality = score_conversation(stuffed, facts(status="open"), now=LATER)
    assert quality.steps["rapport"] == MISSED
    assert "stuffed" in quality.evidence["rapport"]
    canned = [stuffed[0], agent("Hello, we apologise for any inconvenience caused.", 30)]
    quality = score_conversation(canned, facts(status="open"), now=LATER)
    assert quality.evidence["rapport"] == "only a scripted apology"


def test_a_customer_repeating_themselves_means_not_listening() -> None:
    messages = [
        customer("I need the invoice with my company name on it.", 0),
        agent("Hi Sarah, you can download invoices from your account page.", 30),
        customer("As I said, I need the company name ON the invoice.", 60),
    ]
    quality = score_conversation(messages, facts(status="open"), now=T0 + timedelta(hours=2))
    assert quality.failure_modes["not_listening"]
    assert "As I said" in quality.evidence["not_listening"]
    assert quality.steps["needs"] == MISSED


def test_a_repeated_request_without_the_phrase_is_caught_by_overlap() -> None:
    messages = [
        customer("Please cancel order 4411 and refund the deposit to my card", 0),
        agent("Hi Sarah, thanks, I'll pass this on to the team.", 30),
        customer("please cancel order 4411 and refund the deposit to my card!", 90),
    ]
    quality = score_conversation(messages, facts(status="open"), now=T0 + timedelta(hours=2))
    assert quality.failure_modes["not_listening"]


def test_a_promise_in_the_text_that_passed_unkept_is_broken() -> None:
    messages = [
        customer("When will my refund come?", 0),
        agent("Hi Sarah, I'll call you back by 3pm tomorrow to confirm the refund.", 30),
    ]
    before = score_conversation(messages, facts(status="open"), now=T0 + timedelta(hours=20))
    assert not before.failure_modes["promise_broken"]
    after = score_conversation(messages, facts(status="open"), now=T0 + timedelta(days=2))
    assert after.failure_modes["promise_broken"]
    assert "3pm tomorrow" in after.evidence["promise_broken"]
    kept = [*messages, agent("As promised: your refund is confirmed.", 60 * 24)]
    assert not score_conversation(kept, facts(), now=LATER).failure_modes["promise_broken"]


def test_recorded_promises_win_over_the_text() -> None:
    messages = [GOOD[0], agent("Hi Sarah, I'll email you by Friday.", 30)]
    tracked = facts(status="open", promises_tracked=True, promises_kept=1)
    assert not score_conversation(messages, tracked, now=LATER).failure_modes["promise_broken"]
    broken = facts(status="open", promises_tracked=True, promises_broken=2)
    quality = score_conversation(messages, broken, now=LATER)
    assert quality.evidence["promise_broken"] == "2 promise(s) recorded as broken"


@pytest.mark.parametrize(
    ("overrides", "text", "evidence"),
    [
        ({"assignment_count": 3}, "Hi Sarah, the refund is processed.", "assigned 3 times"),
        ({"team_changes": 1}, "Hi Sarah, the refund is processed.", "moved between teams"),
        ({"reopened_count": 1}, "Hi Sarah, the refund is processed.", "reopened 1 time"),
        ({}, "Hi Sarah, I'm not sure why the refund failed.", "I'm not sure why"),
    ],
)
def test_lacking_knowledge(overrides: dict[str, int], text: str, evidence: str) -> None:
    messages = [customer("Where is my refund?", 0), agent(text, 30)]
    quality = score_conversation(messages, facts(**overrides), now=LATER)
    assert quality.failure_modes["lacking_knowledge"]
    assert evidence in quality.evidence["lacking_knowledge"]


def test_reopening_or_bouncing_misses_the_solution_step() -> None:
    quality = score_conversation(GOOD, facts(reopened_count=1), now=LATER)
    assert quality.steps["solution"] == MISSED
    assert quality.evidence["solution"] == "reopened 1 time(s)"
    quality = score_conversation(GOOD, facts(assignment_count=2), now=LATER)
    assert quality.evidence["solution"] == "bounced between agents or teams"


def test_no_follow_up_while_waiting_on_us() -> None:
    messages = [GOOD[0], agent("Hi Sarah, I'll look into it and get back to you.", 30)]
    open_facts = facts(status="open", waiting_on_us_since=T0 + timedelta(minutes=30))
    quality = score_conversation(messages, open_facts, now=T0 + timedelta(days=3))
    assert quality.failure_modes["no_follow_up"]
    assert "waiting on us" in quality.evidence["no_follow_up"]
    pending = facts(status="pending")
    vague = score_conversation(messages, pending, now=T0 + timedelta(days=3))
    assert vague.failure_modes["no_follow_up"]
    assert "promised an update" in vague.evidence["no_follow_up"]
    soon = score_conversation(messages, pending, now=T0 + timedelta(hours=5))
    assert not soon.failure_modes["no_follow_up"]


def test_gratitude_applies_at_the_close_only() -> None:
    still_open = score_conversation(GOOD, facts(status="open"), now=LATER)
    assert still_open.steps["gratitude"] == NA
    assert "gratitude" not in still_open.strengths
    bare_thanks = [*GOOD[:3], agent("Thanks, the replacement ships tomorrow.", 90)]
    closed = score_conversation(bare_thanks, facts(), now=LATER)
    assert closed.steps["gratitude"] == MISSED
    assert closed.strengths["gratitude"] == 0.5
    assert closed.evidence["gratitude"] == "thanks without an offer of more help"


def test_total_arithmetic() -> None:
    steps = {"acknowledgement": DONE, "rapport": MISSED, "needs": DONE}
    steps |= {"solution": DONE, "gratitude": NA}
    flags = dict.fromkeys(DEFAULT_RUBRIC.penalties, False)
    assert compute_total(steps, flags, DEFAULT_RUBRIC) == 80  # 4 of 5 weight units
    assert compute_total(steps, flags | {"ignored": True}, DEFAULT_RUBRIC) == 65
    everything = dict.fromkeys(flags, True)
    assert compute_total(steps, everything, DEFAULT_RUBRIC) == 20  # 80 - 60
    critical = Rubric(weights=DEFAULT_RUBRIC.weights, critical=frozenset({"rapport"}))
    assert compute_total(steps, flags, critical) == 0
    only_rapport = Rubric(weights={"rapport": 1.0})
    assert compute_total(steps, flags, only_rapport) == 0
    assert compute_total(dict.fromkeys(steps, NA), flags, DEFAULT_RUBRIC) == 0


def test_custom_rubric_changes_the_total() -> None:
    quality = score_conversation(GOOD, facts(reopened_count=1), now=LATER)
    heavy = Rubric(weights={"solution": 1.0, "gratitude": 1.0})
    again = score_conversation(GOOD, facts(reopened_count=1), now=LATER, rubric=heavy)
    # both: lacking_knowledge (-10); default 4 of 6 units -> 67, heavy 1 of 2 -> 50
    assert (quality.total, again.total) == (67 - 10, 50 - 10)


@pytest.mark.parametrize(
    ("sentence", "due"),
    [
        ("I'll call you back by 3pm tomorrow.", datetime(2026, 3, 3, 15, 0, tzinfo=UTC)),
        ("We will email you within 48 hours.", datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
        ("I'll update you by Friday.", datetime(2026, 3, 6, 23, 59, tzinfo=UTC)),
        ("I'll have it sorted by the end of today.", datetime(2026, 3, 2, 23, 59, tzinfo=UTC)),
        ("I'll come back to you this afternoon.", datetime(2026, 3, 2, 17, 0, tzinfo=UTC)),
    ],
)
def test_commitments_with_a_time(sentence: str, due: datetime) -> None:
    assert commitment_due(sentence, T0) == due
    [commitment] = extract_commitments(f"Hi Sarah. {sentence} Thanks!", T0)
    assert commitment.due_at == due


@pytest.mark.parametrize(
    "text",
    ["We'll be in touch.", "You should get it by Friday.", "Thanks for waiting since Monday."],
)
def test_no_commitment_without_a_first_person_deadline(text: str) -> None:
    assert extract_commitments(text, T0) == []


def test_draft_checklist() -> None:
    history = [customer("My parcel never arrived and I'm fed up!", 0)]
    open_facts = facts(status="open", first_response_at=None)
    items = {item.step: item for item in draft_checklist(history, open_facts, "")}
    assert [item.state for item in items.values()] == ["missing"] * 5
    assert items["acknowledgement"].suggestion == 'Greet Sarah by name, e.g. "Hi Sarah,"'
    assert "sounds upset" in (items["rapport"].suggestion or "")
    draft = "Hi Sarah, I'm so sorry your parcel hasn't arrived. Can you confirm the address?"
    items = {item.step: item for item in draft_checklist(history, open_facts, draft)}
    assert items["acknowledgement"].state == "covered_by_draft"
    assert items["rapport"].state == "covered_by_draft"
    assert items["needs"].state == "covered_by_draft"
    assert items["solution"].state == "missing"
    replied = [*history, agent(draft, 30), customer("It's 1 High St.", 40)]
    items = {item.step: item for item in draft_checklist(replied, open_facts, "Thanks!")}
    assert items["acknowledgement"].state == "done"
    assert items["gratitude"].suggestion == (
        'Offer more help: "Is there anything else I can help with?"'
    )
    assert all(item.state == "na" for item in draft_checklist([], open_facts, "Hi"))
