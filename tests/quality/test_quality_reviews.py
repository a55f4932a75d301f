"""Rubrics, reviewer scores and calibration on a real database."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.conversations.access import scope_for
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Conflict, Invalid, NotFound
from goodwill.quality.calibration import agreement_from_pairs
from goodwill.quality.models import STEPS, QualityReview, QualityScore
from goodwill.quality.review_schemas import ReviewIn, RubricCreate, RubricUpdate
from goodwill.quality.services.calibration import calibration_report
from goodwill.quality.services.reviews import list_reviews, save_review
from goodwill.quality.services.rubrics import (
    create_rubric,
    rubric_in_use,
    save_active_rubric,
    update_rubric,
)

ALL_DONE = dict.fromkeys(STEPS, "done")


def review_in(**steps: str) -> ReviewIn:
    return ReviewIn.model_validate(ALL_DONE | steps)


def save(
    session: Session, conversation: Conversation, reviewer: Agent, clock: FixedClock, data: ReviewIn
) -> QualityReview:
    review, _ = save_review(
        session,
        conversation.id,
        data=data,
        reviewer=reviewer,
        scope=scope_for(session, reviewer),
        now=clock.now(),
    )
    return review


# Rubrics ---------------------------------------------------------------------------------------


def test_the_built_in_default_applies_until_a_rubric_is_saved(session: Session) -> None:
    rubric = rubric_in_use(session)
    assert rubric.row is None and rubric.id is None
    assert rubric.name == "Default"
    assert rubric.rules.weight("solution") == 2.0
    assert rubric.rules.critical == frozenset()


def test_activating_a_rubric_deactivates_the_one_in_use(
    session: Session, clock: FixedClock
) -> None:
    first = create_rubric(
        session,
        data=RubricCreate(
            name="Strict", weights={"solution": 3}, critical=["solution"], is_active=True
        ),
        now=clock.now(),
    )
    assert first.weights == {
        "acknowledgement": 0,
        "rapport": 0,
        "needs": 0,
        "solution": 3,
        "gratitude": 0,
    }
    assert rubric_in_use(session).id == first.id
    second = create_rubric(
        session, data=RubricCreate(name="Gentle", weights={"rapport": 1}), now=clock.now()
    )
    assert rubric_in_use(session).id == first.id  # saved, not in use
    update_rubric(session, second.id, patch=RubricUpdate(is_active=True), now=clock.now())
    session.refresh(first)
    assert (first.is_active, second.is_active) == (False, True)
    assert rubric_in_use(session).rules.critical == frozenset()


def test_rubric_names_are_unique_and_weights_need_one_above_zero(
    session: Session, clock: FixedClock
) -> None:
    create_rubric(session, data=RubricCreate(name="Team A", weights={"needs": 1}), now=clock.now())
    with pytest.raises(Conflict, match="already exists"):
        create_rubric(
            session, data=RubricCreate(name="team a", weights={"needs": 1}), now=clock.now()
        )
    with pytest.raises(Invalid, match="at least one step"):
        create_rubric(
            session, data=RubricCreate(name="Zero", weights={"needs": 0}), now=clock.now()
        )


def test_the_editor_saves_the_first_rubric_then_changes_it(
    session: Session, clock: FixedClock
) -> None:
    weights = dict.fromkeys(STEPS, 1.0)
    saved = save_active_rubric(session, weights=weights, critical=["needs"], now=clock.now())
    assert (saved.name, saved.is_active, saved.critical) == ("Default", True, ["needs"])
    again = save_active_rubric(
        session, weights=weights | {"gratitude": 0.5}, critical=[], now=clock.now()
    )
    assert again.id == saved.id
    assert rubric_in_use(session).rules.weight("gratitude") == 0.5
    with pytest.raises(Invalid, match="unknown critical"):
        save_active_rubric(session, weights=weights, critical=["smile"], now=clock.now())


# Reviews ---------------------------------------------------------------------------------------


def test_a_review_is_created_once_per_reviewer_then_replaced(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    worker = make.agent(name="Wendy Worker")
    reviewer = make.agent(role=Role.MANAGER, name="Rita Reviewer")
    conversation = make.conversation(assignee=worker)
    data = review_in(
        rapport="missed",
        failure_modes=["not_listening"],
        step_comments={"rapport": "Cold reply", "needs": ""},
        comment="  Good fix, cold tone.  ",
    )
    review, created = save_review(
        session,
        conversation.id,
        data=data,
        reviewer=reviewer,
        scope=scope_for(session, reviewer),
        now=clock.now(),
    )
    assert created is True
    assert review.agent_id == worker.id
    assert review.rubric_id is None  # the built-in default
    assert review.step_comments == {"rapport": "Cold reply"}
    assert review.comment == "Good fix, cold tone."
    assert review.failure_modes == ["not_listening"]

    clock.advance(timedelta(hours=1))
    again, created = save_review(
        session,
        conversation.id,
        data=review_in(),
        reviewer=reviewer,
        scope=scope_for(session, reviewer),
        now=clock.now(),
    )
    assert (again.id, created) == (review.id, False)
    assert again.total == 100.0
    assert again.updated_at == clock.now() and again.created_at < clock.now()
    assert [
        name
        for _, name in list_reviews(session, conversation.id, scope=scope_for(session, reviewer))
    ] == ["Rita Reviewer"]


def test_the_reviewed_agent_is_the_last_to_reply_when_unassigned(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    replier = make.agent()
    reviewer = make.agent(role=Role.MANAGER)
    conversation = make.conversation()
    add_message(
        session,
        conversation,
        data=MessageCreate(kind=MessageKind.REPLY, body_text="Hi Ada, on it."),
        actor=replier,
        now=clock.now(),
    )
    conversation.assignee_id = None
    session.flush()
    assert save(session, conversation, reviewer, clock, review_in()).agent_id == replier.id


def test_reviews_outside_the_reviewers_scope_do_not_exist(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    plain_agent = make.agent()
    team = make.team()
    conversation = make.conversation(team=team)
    with pytest.raises(NotFound):
        save(session, conversation, plain_agent, clock, review_in())


# Calibration -----------------------------------------------------------------------------------


def add_review(
    session: Session,
    conversation: Conversation,
    reviewer: Agent,
    clock: FixedClock,
    **steps: str,
) -> QualityReview:
    """A review row as stored, without the service: calibration only reads the labels."""
    review = QualityReview(
        conversation_id=conversation.id,
        reviewer_id=reviewer.id,
        agent_id=None,
        rubric_id=None,
        **(ALL_DONE | steps),
        failure_modes=[],
        step_comments={},
        comment="",
        total=0.0,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(review)
    session.flush()
    return review


def add_score(
    session: Session, conversation: Conversation, clock: FixedClock, **steps: str
) -> QualityScore:
    score = QualityScore(
        conversation_id=conversation.id,
        **(ALL_DONE | steps),
        strengths={},
        evidence={},
        total=0,
        scorer_version="test",
        conversation_updated_at=clock.now(),
        scored_at=clock.now(),
    )
    session.add(score)
    session.flush()
    return score


# Six conversations, the labels of the "needs" step (other steps all "done"):
#   conversation: 1       2       3        4        5     6
#   Ann (a):      done    done    missed   missed   na    done
#   Bob (b):      done    missed  missed   missed   na    -      (no review: no pair)
#   automatic:    done    done    done     missed   na    missed
NEEDS_ANN = ["done", "done", "missed", "missed", "na", "done"]
NEEDS_BOB = ["done", "missed", "missed", "missed", "na", None]
NEEDS_AUTO = ["done", "done", "done", "missed", "na", "missed"]


def test_calibration_counts_pairs_in_sql_and_matches_the_pure_kappa(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    ann = make.agent(role=Role.MANAGER, name="Ann")
    bob = make.agent(role=Role.MANAGER, name="Bob")
    start = clock.now()
    for ann_label, bob_label, auto_label in zip(NEEDS_ANN, NEEDS_BOB, NEEDS_AUTO, strict=True):
        conversation = make.conversation()
        add_review(session, conversation, ann, clock, needs=ann_label)
        if bob_label:
            add_review(session, conversation, bob, clock, needs=bob_label)
        add_score(session, conversation, clock, needs=auto_label)
    report = calibration_report(session, start=start, end=start + timedelta(days=1))

    between = report.between_reviewers["needs"]
    # Bob's id is higher: Ann is rater a. Pairs (a, b): dd, dm, mm, mm, nn -> 4 of 5 agree.
    # p_e = (2*1 + 2*3 + 1*1) / 25 = 9/25 = 0.36; kappa = (0.8 - 0.36) / 0.64 = 0.6875
    assert (between.n, between.agreed) == (5, 4)
    assert between.kappa == pytest.approx(0.6875)
    assert between.confusion == {
        ("done", "done"): 1,
        ("done", "missed"): 1,
        ("missed", "missed"): 2,
        ("na", "na"): 1,
    }
    assert report.reviewer_pairs == 5
    assert report.between_reviewers["solution"].kappa is None  # all "done": undefined

    automatic = report.against_automatic["needs"]
    expected = agreement_from_pairs(
        [(a, auto) for a, auto in zip(NEEDS_ANN, NEEDS_AUTO, strict=True)]
        + [(b, auto) for b, auto in zip(NEEDS_BOB, NEEDS_AUTO, strict=True) if b]
    )
    assert automatic == expected
    assert report.automatic_pairs == 11
    assert [(r.name, r.reviews) for r in report.reviewers] == [("Ann", 6), ("Bob", 5)]


def test_calibration_keeps_to_the_period_and_puts_the_chosen_reviewer_first(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    ann = make.agent(role=Role.MANAGER, name="Ann")
    bob = make.agent(role=Role.MANAGER, name="Bob")
    carl = make.agent(role=Role.MANAGER, name="Carl")
    old = make.conversation()
    add_review(session, old, ann, clock, needs="missed")
    add_review(session, old, bob, clock, needs="done")
    clock.advance(timedelta(days=2))
    start = clock.now()
    recent = make.conversation()
    add_review(session, recent, ann, clock, needs="done")
    add_review(session, recent, bob, clock, needs="missed")
    add_review(session, recent, carl, clock, needs="done")
    end = start + timedelta(days=1)

    everyone = calibration_report(session, start=start, end=end).between_reviewers["needs"]
    # Ann-Bob (done, missed), Ann-Carl (done, done), Bob-Carl (missed, done); the old pair is out.
    assert everyone.n == 3
    assert everyone.confusion == {("done", "missed"): 1, ("done", "done"): 1, ("missed", "done"): 1}

    bobs = calibration_report(session, start=start, end=end, reviewer_id=bob.id)
    assert bobs.between_reviewers["needs"].confusion == {("missed", "done"): 2}
    assert bobs.against_automatic["needs"].n == 0
    assert calibration_report(session, start=end, end=end + timedelta(days=1)).reviewer_pairs == 0
