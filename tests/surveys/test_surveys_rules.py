"""Survey arithmetic and eligibility as pure functions."""

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.surveys import rules
from goodwill.surveys.rules import ConversationFacts, Policy

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_csat_counts_4_and_5_as_satisfied_and_means_the_scores() -> None:
    counts = {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}
    assert rules.csat_satisfied_percent(counts) == pytest.approx(60.0)
    assert rules.csat_mean(counts) == pytest.approx((1 + 2 + 6 + 12 + 15) / 10)


def test_nps_is_promoters_minus_detractors() -> None:
    # 5 promoters (9-10), 3 passives (7-8), 2 detractors (0-6) -> 50% - 20% = 30
    counts = {10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1}
    assert rules.nps(counts) == pytest.approx(30.0)
    assert rules.nps({0: 4}) == -100.0
    assert rules.nps({10: 1, 9: 1}) == 100.0


@pytest.mark.parametrize(
    ("score", "group"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_groups(score: int, group: str) -> None:
    assert rules.nps_group(score) == group


def test_an_nps_score_off_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="0-10"):
        rules.nps_group(11)


def test_ces_mean_and_share_of_easy_answers() -> None:
    counts = {7: 2, 5: 1, 4: 1, 1: 1}
    assert rules.ces_mean(counts) == pytest.approx((14 + 5 + 4 + 1) / 5)
    assert rules.ces_easy_percent(counts) == pytest.approx(60.0)


def test_rates_and_empty_distributions_are_none_not_zero() -> None:
    assert rules.response_rate(21, 100) == pytest.approx(21.0)
    assert rules.coverage(8, 100) == pytest.approx(8.0)
    assert rules.response_rate(0, 0) is None
    assert rules.coverage(0, 0) is None
    assert rules.nps({}) is None
    assert rules.csat_satisfied_percent({}) is None
    assert rules.ces_mean({}) is None


def test_sampling_is_deterministic_and_close_to_the_rate() -> None:
    picked = [rules.is_sampled(i, 0.3, salt="csat") for i in range(1, 5001)]
    assert picked == [rules.is_sampled(i, 0.3, salt="csat") for i in range(1, 5001)]
    assert 0.27 < sum(picked) / len(picked) < 0.33
    assert rules.is_sampled(7, 1.0, salt="csat") and not rules.is_sampled(7, 0.0, salt="csat")
    other_salt = [rules.is_sampled(i, 0.3, salt="ces") for i in range(1, 5001)]
    assert other_salt != picked


def facts(**changes: object) -> ConversationFacts:
    values: dict[str, object] = {
        "conversation_id": 42,
        "status": "resolved",
        "is_spam": False,
        "customer_messages": 2,
        "automatic_customer_messages": 0,
    }
    values.update(changes)
    return ConversationFacts(**values)  # type: ignore[arg-type]


def policy(**changes: object) -> Policy:
    values: dict[str, object] = {
        "kind": "csat",
        "is_enabled": True,
        "sampling_rate": 1.0,
        "cooldown_days": 14,
        "already_invited": False,
        "last_invited_at": None,
    }
    values.update(changes)
    return Policy(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("conversation", "rules_", "expected"),
    [
        (facts(), policy(), rules.ELIGIBLE),
        (facts(status="closed"), policy(), rules.ELIGIBLE),
        (facts(is_spam=True), policy(), rules.SPAM),
        (facts(customer_messages=0), policy(), rules.INTERNAL_ONLY),
        (
            facts(customer_messages=2, automatic_customer_messages=2),
            policy(),
            rules.AUTO_REPLY_ONLY,
        ),
        (facts(customer_messages=3, automatic_customer_messages=2), policy(), rules.ELIGIBLE),
        (facts(status="open"), policy(), rules.NOT_FINISHED),
        (facts(status="pending"), policy(), rules.NOT_FINISHED),
        (facts(), policy(is_enabled=False), rules.TEMPLATE_DISABLED),
        (facts(), policy(already_invited=True), rules.ALREADY_INVITED),
        (facts(), policy(sampling_rate=0.0), rules.SAMPLED_OUT),
        (facts(), policy(last_invited_at=NOW - timedelta(days=13)), rules.COOL_DOWN),
        (facts(), policy(last_invited_at=NOW - timedelta(days=14)), rules.ELIGIBLE),
        (facts(), policy(last_invited_at=NOW - timedelta(days=3), cooldown_days=0), rules.ELIGIBLE),
    ],
)
def test_invitation_decisions(
    conversation: ConversationFacts, rules_: Policy, expected: str
) -> None:
    assert rules.invitation_reason(conversation, rules_, now=NOW) == expected


def test_an_agent_request_skips_sampling_and_cool_down_but_not_the_rest() -> None:
    tired = policy(sampling_rate=0.0, last_invited_at=NOW - timedelta(days=1), is_enabled=False)
    assert rules.invitation_reason(facts(), tired, now=NOW, on_demand=True) == rules.ELIGIBLE
    assert (
        rules.invitation_reason(facts(is_spam=True), tired, now=NOW, on_demand=True) == rules.SPAM
    )
    assert (
        rules.invitation_reason(facts(status="open"), tired, now=NOW, on_demand=True)
        == rules.NOT_FINISHED
    )


def test_at_send_time_a_reopened_or_expired_invitation_is_cancelled() -> None:
    later = NOW + timedelta(days=7)
    assert rules.send_reason(facts(), expires_at=later, now=NOW) == rules.ELIGIBLE
    assert rules.send_reason(facts(status="open"), expires_at=later, now=NOW) == rules.REOPENED
    assert rules.send_reason(facts(), expires_at=NOW, now=NOW) == rules.EXPIRED
    assert rules.send_reason(None, expires_at=later, now=NOW) == rules.NO_CHANNEL
    assert rules.send_reason(facts(is_spam=True), expires_at=later, now=NOW) == rules.SPAM


def test_relationship_cycles_are_fixed_windows_of_n_months() -> None:
    period = rules.relationship_period(NOW, 6)
    assert period == (NOW - datetime(1970, 1, 1, tzinfo=UTC)).days // 180
    window_start = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=180 * period)
    assert rules.relationship_period(window_start, 6) == period
    assert rules.relationship_period(window_start - timedelta(seconds=1), 6) == period - 1
    assert rules.relationship_period(window_start + timedelta(days=179), 6) == period
    assert rules.relationship_period(window_start + timedelta(days=180), 6) == period + 1
    assert rules.relationship_dedupe_key(7, 6, period) == f"nps:r7:6m{period}"
    assert rules.relationship_dedupe_key(7, 3, 5) != rules.relationship_dedupe_key(7, 6, 5)
    assert rules.conversation_dedupe_key("csat", 42, rules.FIRST_ROUND) == "csat:c42:1"
    assert len(rules.relationship_dedupe_key(2**63, 24, 10**9)) <= 80  # the column's width


def relationship_policy(**changes: object) -> Policy:
    fields: dict[str, object] = {
        "kind": "nps",
        "is_enabled": True,
        "sampling_rate": 1.0,
        "cooldown_days": 90,
        "already_invited": False,
        "last_invited_at": None,
    }
    return Policy(**(fields | changes))  # type: ignore[arg-type]


def test_relationship_reason_checks_cool_down_sampling_and_an_address() -> None:
    def reason(policy: Policy, *, has_email: bool = True, customer_id: int = 7) -> str:
        return rules.relationship_reason(
            customer_id, policy, has_email=has_email, period=113, now=NOW
        )

    assert reason(relationship_policy()) == rules.ELIGIBLE
    assert reason(relationship_policy(), has_email=False) == rules.NO_EMAIL
    assert reason(relationship_policy(is_enabled=False)) == rules.TEMPLATE_DISABLED
    recent = relationship_policy(last_invited_at=NOW - timedelta(days=89))
    assert reason(recent) == rules.COOL_DOWN
    older = relationship_policy(last_invited_at=NOW - timedelta(days=90))
    assert reason(older) == rules.ELIGIBLE
    assert reason(relationship_policy(sampling_rate=0.0)) == rules.SAMPLED_OUT
    half = relationship_policy(sampling_rate=0.5)
    picked = [reason(half, customer_id=c) == rules.ELIGIBLE for c in range(1, 401)]
    assert 150 < sum(picked) < 250  # about half, and the same answer every time
    assert picked == [reason(half, customer_id=c) == rules.ELIGIBLE for c in range(1, 401)]
