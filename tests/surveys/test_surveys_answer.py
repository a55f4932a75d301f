"""Recording an answer: validated, changeable until expiry, and a low one closes the loop."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Invalid, NotFound
from goodwill.core.jobs.enqueue import count_jobs
from goodwill.core.jobs.models import Job
from goodwill.surveys.defaults import default_template
from goodwill.surveys.models import LoopTask, SurveyKind, SurveyResponse
from goodwill.surveys.services.answer import (
    SurveyClosed,
    checked_answer,
    find_invitation,
    insert_response,
    record_answer,
    survey_form,
)
from goodwill.surveys.services.loop import NOTIFY_WEBHOOK_JOB, update_loop_task
from support.survey_answers import csat_template, invitation

HOOK = "http://127.0.0.1:9/hook"


def loop_tasks(session: Session) -> list[LoopTask]:
    return list(session.scalars(select(LoopTask)))


def test_the_first_answer_is_recorded_and_a_second_replaces_it(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now())
    first = record_answer(
        session, invite, score=3, comment=" meh ", reasons=["slow", "price"], now=clock.now()
    )
    assert (first.score, first.comment, first.reasons) == (3, "meh", ["slow", "price"])
    assert first.kind == SurveyKind.CSAT and first.customer_id == invite.customer_id
    assert first.conversation_id == invite.conversation_id and first.source == "email"

    answered_at = clock.now()
    clock.advance(timedelta(hours=2))
    second = record_answer(session, invite, score=5, reasons=["slow"], now=clock.now())
    same = record_answer(session, invite, score=5, reasons=["slow"], now=clock.now())
    assert second.id == first.id == same.id
    assert (same.score, same.comment, same.reasons) == (5, "", [])  # reasons only for low ones
    assert same.answered_at == answered_at and same.updated_at == clock.now()
    assert len(list(session.scalars(select(SurveyResponse)))) == 1


def test_the_form_shows_the_template_and_the_previous_answer(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now())
    assert find_invitation(session, invite.nonce).id == invite.id
    with pytest.raises(NotFound):
        find_invitation(session, "0" * 32)
    form = survey_form(session, invite)
    assert [(c.score, c.label, c.offers_reasons) for c in form.choices][1:4] == [
        (2, "Poor", True),
        (3, "OK", True),
        (4, "Good", False),
    ]
    assert form.response is None
    record_answer(session, invite, score=4, now=clock.now())
    assert survey_form(session, invite).response is not None


def test_an_expired_invitation_refuses_answers_and_changes(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now(), expires_in=timedelta(days=2))
    record_answer(session, invite, score=4, now=clock.now())
    clock.advance(timedelta(days=2))
    with pytest.raises(SurveyClosed, match="has closed"):
        record_answer(session, invite, score=1, now=clock.now())
    assert session.scalars(select(SurveyResponse.score)).all() == [4]


@pytest.mark.parametrize(
    ("kind", "score"),
    [
        (SurveyKind.CSAT, 0),
        (SurveyKind.CSAT, 6),
        (SurveyKind.NPS, 11),
        (SurveyKind.NPS, -1),
        (SurveyKind.CES, 0),
        (SurveyKind.CES, 8),
    ],
)
def test_a_score_off_its_kinds_scale_is_refused(
    session: Session, make: Factories, clock: FixedClock, kind: SurveyKind, score: int
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now(), kind=kind)
    with pytest.raises(Invalid, match="pick a rating from"):
        record_answer(session, invite, score=score, now=clock.now())


def test_reasons_come_only_from_the_template_and_comments_have_a_limit(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now())
    with pytest.raises(Invalid, match=r"unknown reasons \['rude-words'\]"):
        record_answer(session, invite, score=1, reasons=["slow", "rude-words"], now=clock.now())
    with pytest.raises(Invalid, match="shorten it to 2000"):
        record_answer(session, invite, score=1, comment="x" * 2001, now=clock.now())
    assert session.scalars(select(SurveyResponse)).all() == []


def test_a_low_csat_creates_one_task_for_the_teams_manager_and_one_webhook_job(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    make.agent(role=Role.MANAGER)  # a manager elsewhere
    team_manager = make.agent(role=Role.MANAGER)
    team = make.team(members=(make.agent(), team_manager))
    invite = invitation(session, make.conversation(team=team), now=clock.now())

    record_answer(session, invite, score=2, now=clock.now(), webhook_url=HOOK)
    record_answer(session, invite, score=1, comment="awful", now=clock.now(), webhook_url=HOOK)
    [task] = loop_tasks(session)
    assert (task.reason, task.status, task.assignee_id) == ("low_csat", "open", team_manager.id)
    assert task.conversation_id == invite.conversation_id
    [job] = session.scalars(select(Job).where(Job.name == NOTIFY_WEBHOOK_JOB)).all()
    assert job.payload == {"response_id": task.response_id}


def test_no_webhook_job_without_a_configured_url(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now(), kind=SurveyKind.NPS)
    record_answer(session, invite, score=3, now=clock.now(), webhook_url=None)
    [task] = loop_tasks(session)
    assert task.reason == "detractor" and task.assignee_id is None  # no manager anywhere
    assert count_jobs(session, name=NOTIFY_WEBHOOK_JOB) == 0


@pytest.mark.parametrize(
    ("kind", "score", "reason"),
    [
        (SurveyKind.CSAT, 3, None),
        (SurveyKind.NPS, 6, "detractor"),
        (SurveyKind.NPS, 7, None),
        (SurveyKind.CES, 3, "hard_effort"),
        (SurveyKind.CES, 4, None),
        (SurveyKind.CSAT, 2, "low_csat"),
    ],
)
def test_which_answers_need_a_follow_up(
    session: Session,
    make: Factories,
    clock: FixedClock,
    kind: SurveyKind,
    score: int,
    reason: str | None,
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now(), kind=kind)
    record_answer(session, invite, score=score, now=clock.now(), webhook_url=HOOK)
    assert [task.reason for task in loop_tasks(session)] == ([reason] if reason else [])
    assert count_jobs(session, name=NOTIFY_WEBHOOK_JOB) == (1 if reason else 0)


def test_without_a_team_manager_any_manager_then_an_admin_follows_up(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    admin = make.agent(role=Role.ADMIN)
    team = make.team(members=(make.agent(),))
    first = invitation(session, make.conversation(team=team), now=clock.now())
    record_answer(session, first, score=1, now=clock.now())
    manager = make.agent(role=Role.MANAGER)
    second = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, second, score=1, now=clock.now())
    assert [task.assignee_id for task in loop_tasks(session)] == [admin.id, manager.id]


def test_raising_the_score_removes_an_untouched_task_but_keeps_one_being_worked_on(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    quiet = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, quiet, score=1, now=clock.now())
    record_answer(session, quiet, score=4, now=clock.now())
    assert loop_tasks(session) == []

    noted = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, noted, score=1, now=clock.now(), webhook_url=HOOK)
    [task] = loop_tasks(session)
    update_loop_task(session, task.id, status=None, note="Called her back", now=clock.now())
    record_answer(session, noted, score=5, now=clock.now(), webhook_url=HOOK)
    record_answer(session, noted, score=2, now=clock.now(), webhook_url=HOOK)
    assert [(t.id, t.status, t.note) for t in loop_tasks(session)] == [
        (task.id, "open", "Called her back")
    ]
    assert count_jobs(session, name=NOTIFY_WEBHOOK_JOB) == 1


def test_a_follow_up_is_marked_done_and_reopened(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, invite, score=1, now=clock.now())
    [task] = loop_tasks(session)
    done = update_loop_task(session, task.id, status="done", note="Refunded", now=clock.now())
    assert (done.status, done.done_at, done.note) == ("done", clock.now(), "Refunded")
    reopened = update_loop_task(session, task.id, status="open", note=None, now=clock.now())
    assert (reopened.status, reopened.done_at, reopened.note) == ("open", None, "Refunded")
    with pytest.raises(Invalid, match="status must be one of"):
        update_loop_task(session, task.id, status="closed", note=None, now=clock.now())
    with pytest.raises(NotFound):
        update_loop_task(session, task.id + 999, status="done", note=None, now=clock.now())


def test_a_simultaneous_first_submit_reuses_the_row_it_lost_to(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now())
    winner = record_answer(session, invite, score=4, now=clock.now())
    form = survey_form(session, invite)
    answer = checked_answer(form, score=2, comment="", reasons=[])
    loser = insert_response(session, invite, answer, now=clock.now(), source="email")
    assert loser.id == winner.id
    assert len(session.scalars(select(SurveyResponse)).all()) == 1


def test_without_a_saved_template_the_defaults_are_asked(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now(), kind=SurveyKind.CES)
    form = survey_form(session, invite)
    assert form.question == default_template("ces")["question"]
    assert [choice.score for choice in form.choices] == [1, 2, 3, 4, 5, 6, 7]
    assert form.choices[0].label and form.reasons
    response = record_answer(session, invite, score=2, reasons=["rude"], now=clock.now())
    assert response.reasons == ["rude"]
