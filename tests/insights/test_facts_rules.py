"""The pure rules behind each conversation fact, on hand-built rows."""

from datetime import UTC, datetime, timedelta

from goodwill.agents.business_hours import WorkingCalendar
from goodwill.insights import facts_rules as rules
from goodwill.insights.facts_rules import EventRow, MessageRow, PromiseRow, ResponseRow

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
ALWAYS = WorkingCalendar.always_open()
NINE_TO_FIVE = WorkingCalendar(
    timezone="UTC", weekly_minutes=dict.fromkeys(range(5), ((9 * 60, 17 * 60),))
)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def customer(minutes: float, text: str = "") -> MessageRow:
    return MessageRow("inbound", "customer", False, at(minutes), text)


def agent(minutes: float, text: str = "", *, auto: bool = False) -> MessageRow:
    return MessageRow("outbound", "agent", auto, at(minutes), text)


def assigned(source: int | None, target: int | None) -> EventRow:
    return EventRow("assigned", T0, {"from_agent_id": source, "to_agent_id": target})


def test_transfers_count_only_handovers_between_two_agents() -> None:
    events = [
        assigned(None, 1),  # first assignment
        assigned(1, 1),  # re-assigned to the same agent
        assigned(1, 2),  # a transfer
        EventRow("team_changed", T0, {"from": 1, "to": 2}),
        assigned(2, None),  # unassigned: nobody took it over
        assigned(2, 3),
    ]
    assert rules.count_transfers(events) == 2
    assert rules.count_transfers([]) == 0


def test_first_response_times_come_from_the_event() -> None:
    event = EventRow("first_response", at(30), {"seconds": 1800, "business_seconds": 600})
    assert rules.first_response_times([assigned(None, 1), event]) == (1800, 600)
    assert rules.first_response_times([assigned(None, 1)]) == (None, None)
    assert rules.first_response_times([EventRow("first_response", at(1), {})]) == (None, None)


def test_resolution_counts_wall_and_business_time_to_the_latest_resolution() -> None:
    friday_four = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    monday_ten = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert rules.resolution_times(friday_four, monday_ten, NINE_TO_FIVE) == (
        int((monday_ten - friday_four).total_seconds()),
        2 * 3600,
    )
    assert rules.resolution_times(friday_four, None, NINE_TO_FIVE) == (None, None)


def test_next_response_is_the_median_later_wait_in_business_time() -> None:
    messages = [
        customer(0),
        agent(5),  # the first response: not a "next" response
        customer(10),
        customer(12),  # still the same wait, from minute 10
        agent(40),  # waited 30 minutes
        customer(50),
        MessageRow("note", "agent", False, at(55), ""),  # a note answers nobody
        agent(60, auto=True),  # nor does an automatic message
        agent(70),  # waited 20 minutes
        customer(80),
        agent(180),  # waited 100 minutes
        customer(200),  # never answered: not counted
    ]
    assert rules.next_response_business_seconds(messages, ALWAYS) == 30 * 60
    assert rules.next_response_business_seconds(messages[:2], ALWAYS) is None


def test_first_and_resolving_replies() -> None:
    messages = [customer(0), agent(5, "first"), customer(6), agent(9, "last"), agent(20, "late")]
    first = rules.first_agent_reply(messages)
    assert first is not None and first.body_text == "first"
    resolving = rules.resolving_reply(messages, at(10))
    assert resolving is not None and resolving.body_text == "last"
    assert rules.resolving_reply(messages, None) is None
    assert rules.first_agent_reply([customer(0)]) is None


def test_segment_and_first_contact_resolution() -> None:
    assert rules.segment(at(10), at(0)) == "returning"
    assert rules.segment(at(10), at(10)) == "new"  # this conversation is the customer's first
    assert rules.segment(at(10), None) == "new"
    assert rules.first_contact_resolution(True, 0, 1)
    assert not rules.first_contact_resolution(True, 1, 1)
    assert not rules.first_contact_resolution(True, 0, 2)
    assert not rules.first_contact_resolution(False, 0, 1)


def test_breaches_include_events_whose_column_was_cleared() -> None:
    events = [EventRow("sla_breached", at(60), {"metric": "next_response"})]
    columns = {"first_response": at(30), "next_response": None, "resolution": None}
    assert rules.breached_metrics(events, columns) == {"first_response", "next_response"}
    assert rules.breached_metrics([], dict.fromkeys(columns)) == set()


def test_promises_and_latest_survey_scores() -> None:
    promises = [PromiseRow(at(1), None), PromiseRow(None, at(2)), PromiseRow(None, None)]
    assert rules.promise_counts(promises) == (3, 1, 1)
    responses = [
        ResponseRow("csat", 2, at(10), 1),
        ResponseRow("csat", 5, at(20), 2),
        ResponseRow("ces", 6, at(5), 3),
        ResponseRow("csat", 3, at(20), 0),  # same time, older id: not the latest
    ]
    assert rules.latest_scores(responses) == {"csat": 5, "ces": 6}
    assert rules.latest_scores([]) == {}


def test_repurchase_is_known_once_an_order_comes_or_the_window_passes() -> None:
    resolved = at(0)
    window = rules.REPURCHASE_WINDOW
    assert rules.REPURCHASE_WINDOW_DAYS == 120
    inside = resolved + timedelta(days=30)
    assert rules.repurchased(resolved, [inside], now=inside) is True
    assert rules.repurchased(resolved, [], now=resolved + timedelta(days=30)) is None
    assert rules.repurchased(resolved, [], now=resolved + window) is False
    before = resolved - timedelta(days=1)
    after_window = resolved + window + timedelta(seconds=1)
    assert rules.repurchased(resolved, [before, after_window], now=after_window) is False
    assert rules.repurchased(None, [inside], now=inside) is None


def test_relationship_answers_go_to_the_latest_conversation_resolved_before() -> None:
    history = [(at(0), 11), (at(100), 12), (at(300), 13)]
    assert rules.attribute_relationship(at(200), history) == 12
    assert rules.attribute_relationship(at(0), history) is None
    assert rules.attribute_relationship(at(500), []) is None


def test_text_facts_read_the_first_and_the_resolving_reply() -> None:
    first = "Hi Dana, thanks for reaching out. Could you tell me which model you have?"
    closing = (
        "I have sent a replacement. Thanks for your patience, and let me know if I can "
        "help with anything else."
    )
    found = rules.text_facts(first, closing, "Dana Whitfield")
    assert (found.greeted_by_name, found.asked_needs, found.thanked) == (True, True, True)
    generic = rules.text_facts("Hello there. I have reset your password.", "Done.", "Dana W")
    assert (generic.greeted_by_name, generic.asked_needs, generic.thanked) == (False, False, False)
    assert rules.text_facts(None, None, "Dana") == rules.TextFacts(None, None, None)
    assert rules.first_name("  ") is None
