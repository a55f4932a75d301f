"""One invitation per conversation and kind, and per customer and relationship cycle, even when
two scheduling runs race: the unique dedupe_key refuses the second row and the run moves on."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Conversation
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.errors import Conflict
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.models import Job
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.customers.models import Customer
from goodwill.settings import Settings
from goodwill.surveys import rules
from goodwill.surveys.jobs import RELATIONSHIP_JOB, SCHEDULE_JOB
from goodwill.surveys.models import SurveyInvitation
from goodwill.surveys.services import relationship, schedule
from goodwill.surveys.services.relationship import EMAIL_JOB, schedule_relationship
from goodwill.surveys.services.schedule import insert_once, request_survey, schedule_finished
from goodwill.surveys.services.templates import get_template, list_templates, update_template


def resolve(session: Session, conversation: Conversation, clock: FixedClock) -> None:
    change_status(
        session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
    )
    session.flush()


def count(session: Session, *conditions: Any) -> int:
    query = select(func.count(SurveyInvitation.id)).where(*conditions)
    return session.scalar(query) or 0


def test_every_new_invitation_carries_its_key_suppressed_ones_too(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    kept, spam = make.conversation(), make.conversation()
    spam.is_spam = True
    for conversation in (kept, spam):
        resolve(session, conversation, clock)
    schedule_finished(session, now=clock.now())
    keys = {
        row.conversation_id: (row.dedupe_key, row.suppressed_reason)
        for row in session.scalars(select(SurveyInvitation))
    }
    assert keys == {kept.id: (f"csat:c{kept.id}:1", None), spam.id: (f"csat:c{spam.id}:1", "spam")}
    assert rules.conversation_dedupe_key("nps", 42, 2) == "nps:c42:2"


def test_a_duplicate_key_is_already_invited_not_an_error(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    conversation = make.conversation()
    resolve(session, conversation, clock)
    template = get_template(session, "csat", now=clock.now())
    first = schedule.invite_after(
        session, conversation, template, trigger="resolved", at=clock.now(), now=clock.now()
    )
    assert first is not None
    twin = SurveyInvitation(
        kind=first.kind,
        conversation_id=first.conversation_id,
        customer_id=first.customer_id,
        nonce="f" * 32,
        created_at=clock.now(),
        send_at=first.send_at,
        expires_at=first.expires_at,
        dedupe_key=first.dedupe_key,
    )
    assert insert_once(session, twin) is False
    assert twin not in session and count(session) == 1  # the session is still usable
    other = SurveyInvitation(
        kind=first.kind,
        conversation_id=None,
        customer_id=first.customer_id,
        nonce=first.nonce,  # another unique column: a real error, raised
        created_at=clock.now(),
        send_at=first.send_at,
        expires_at=first.expires_at,
        dedupe_key="csat:c0:1",
    )
    with pytest.raises(IntegrityError):
        insert_once(session, other)


def test_an_agent_request_that_loses_the_race_is_a_conflict(
    monkeypatch: pytest.MonkeyPatch, session: Session, make: Factories, clock: FixedClock
) -> None:
    conversation = make.conversation()
    resolve(session, conversation, clock)
    agent_id = make.agent().id
    request_survey(session, conversation, "ces", agent_id=agent_id, now=clock.now())
    template = get_template(session, "ces", now=clock.now())
    stale = replace(schedule._policy(session, template, conversation), already_invited=False)
    monkeypatch.setattr(schedule, "_policy", lambda *_args: stale)  # as if read before the insert
    with pytest.raises(Conflict, match="already has a CES survey"):
        request_survey(session, conversation, "ces", agent_id=agent_id, now=clock.now())
    assert count(session, SurveyInvitation.kind == "ces") == 1


def test_re_running_the_scheduling_jobs_does_not_duplicate(
    session: Session, make: Factories, clock: FixedClock, settings: Settings, database: Database
) -> None:
    resolve(session, make.conversation(), clock)
    clock.advance(timedelta(minutes=1))
    worker = Worker(database, clock=clock, settings=settings)
    for _ in range(3):
        enqueue(session, SCHEDULE_JOB, {}, now=clock.now())
        enqueue(session, RELATIONSHIP_JOB, {}, now=clock.now())
        session.flush()
        drain_jobs(worker)
    session.expire_all()
    assert count(session, SurveyInvitation.trigger == "resolved") == 1
    assert count(session, SurveyInvitation.trigger == "relationship") == 1
    keys = session.scalars(select(SurveyInvitation.dedupe_key)).all()
    assert len(set(keys)) == 2 and None not in keys


@contextmanager
def racing_inserts(monkeypatch: pytest.MonkeyPatch, *, meet: bool) -> Iterator[None]:
    """Make both runs reach their first insert before either inserts (PostgreSQL: both have
    read "not invited yet"). SQLite takes the write lock at BEGIN IMMEDIATE, so a second run
    cannot read before the first commits: there the runs simply queue, nobody meets."""
    barrier = threading.Barrier(2, timeout=20)
    waited = threading.local()
    original: Callable[[Session, SurveyInvitation], bool] = schedule.insert_once

    def insert_after_both_read(session: Session, invitation: SurveyInvitation) -> bool:
        if meet and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return original(session, invitation)

    monkeypatch.setattr(schedule, "insert_once", insert_after_both_read)
    monkeypatch.setattr(relationship, "insert_once", insert_after_both_read)
    yield


def run_twice_at_once(url: str, run: Callable[[Session], int]) -> list[int]:
    """`run` in two threads, each with its own Database (like two worker processes)."""
    results: list[int] = []
    errors: list[BaseException] = []

    def one() -> None:
        database = Database(url)
        try:
            with database.transaction() as session:
                results.append(run(session))
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            database.dispose()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) == 2
    return results


def committed_resolved_customer(database: Database, clock: FixedClock) -> int:
    """A customer with a conversation resolved now, committed; the templates at their defaults."""
    with database.transaction() as session:
        list_templates(session, now=clock.now())  # all three exist before the runs meet
        update_template(
            session, "csat", {"is_enabled": True, "trigger": "resolved"}, now=clock.now()
        )
        update_template(
            session, "nps", {"is_enabled": True, "trigger": "relationship"}, now=clock.now()
        )
        for kind in ("csat", "nps"):
            update_template(session, kind, {"sampling_rate": 1.0}, now=clock.now())
        make = Factories(session, clock)
        customer = make.customer()
        resolve(session, make.conversation(customer=customer), clock)
        return customer.id


def remove_customer(database: Database, customer_id: int) -> None:
    with database.transaction() as session:
        ids = session.scalars(
            select(SurveyInvitation.id).where(SurveyInvitation.customer_id == customer_id)
        ).all()
        session.execute(delete(Job).where(Job.dedupe_key.in_([f"{EMAIL_JOB}:{i}" for i in ids])))
        session.execute(delete(SurveyInvitation).where(SurveyInvitation.id.in_(ids)))
        session.execute(delete(Conversation).where(Conversation.customer_id == customer_id))
        session.execute(delete(Customer).where(Customer.id == customer_id))


@pytest.mark.parametrize("job", ["finished", "relationship"])
def test_two_concurrent_scheduling_runs_invite_once(
    monkeypatch: pytest.MonkeyPatch,
    file_database_url: str,
    db_kind: str,
    clock: FixedClock,
    job: str,
) -> None:
    clock.advance(timedelta(days=3650))  # ten years on: nobody else's data is in the windows
    now = clock.now()
    runs: dict[str, Callable[[Session], int]] = {
        "finished": lambda session: schedule_finished(session, now=now),
        "relationship": lambda session: schedule_relationship(session, now=now),
    }
    setup = Database(file_database_url)
    customer_id = committed_resolved_customer(setup, clock)
    try:
        with racing_inserts(monkeypatch, meet=db_kind == "postgres"):
            created = run_twice_at_once(file_database_url, runs[job])
        with setup.reader() as session:
            rows = session.scalars(
                select(SurveyInvitation).where(SurveyInvitation.customer_id == customer_id)
            ).all()
            keys = [f"{EMAIL_JOB}:{row.id}" for row in rows]
            jobs = session.scalar(select(func.count(Job.id)).where(Job.dedupe_key.in_(keys)))
        assert sorted(created) == [0, 1]  # the loser created nothing, and raised nothing
        assert len(rows) == 1 and rows[0].dedupe_key is not None
        assert jobs == (1 if job == "relationship" else 0)  # one email, never two
    finally:
        remove_customer(setup, customer_id)
        setup.dispose()
