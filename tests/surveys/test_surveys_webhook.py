"""The survey.low_rating webhook, POSTed to a real local HTTP server by the job worker."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.conversations.models import Conversation
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.backoff import retry_delay
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.worker import Worker
from goodwill.settings import Settings
from goodwill.surveys.models import SurveyKind
from goodwill.surveys.services.answer import record_answer
from goodwill.surveys.services.loop import NOTIFY_WEBHOOK_JOB
from support.survey_answers import csat_template, invitation


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in turn, then 204
    bodies: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            state.bodies.append(json.loads(self.rfile.read(length)))
            status = state.statuses.pop(0) if state.statuses else 204
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: no request lines on the test output."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/survey"
    yield state
    server.shutdown()
    server.server_close()


def run_webhook_jobs(database: Database, clock: FixedClock, settings: Settings) -> list[bool]:
    """Claim due jobs and run only the webhook ones; returns each run's success."""
    worker = Worker(database, clock=clock, settings=settings)
    claimed = worker.claim(50)
    return [worker.run_claimed(item) for item in claimed if item.name == NOTIFY_WEBHOOK_JOB]


def webhook_job(session: Session) -> Job:
    session.expire_all()
    return session.scalars(select(Job).where(Job.name == NOTIFY_WEBHOOK_JOB)).one()


def low_rating(
    session: Session, make: Factories, clock: FixedClock, url: str
) -> tuple[Conversation, int]:
    csat_template(session, now=clock.now())
    conversation = make.conversation()
    invite = invitation(session, conversation, now=clock.now())
    response = record_answer(
        session,
        invite,
        score=1,
        comment="Nobody answered",
        reasons=["slow"],
        now=clock.now(),
        webhook_url=url,
    )
    return conversation, response.id


def test_the_event_is_posted_and_a_5xx_is_retried_with_backoff(
    session: Session,
    database: Database,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    receiver: Receiver,
) -> None:
    configured = settings.model_copy(update={"survey_webhook_url": receiver.url})
    conversation, _ = low_rating(session, make, clock, receiver.url)
    receiver.statuses = [503]

    assert run_webhook_jobs(database, clock, configured) == [False]
    job = webhook_job(session)
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert "503" in (job.last_error or "")
    assert job.run_after == clock.now() + retry_delay(1)

    clock.advance(retry_delay(1))
    assert run_webhook_jobs(database, clock, configured) == [True]
    assert webhook_job(session).status == JobStatus.DONE
    assert len(receiver.bodies) == 2
    assert receiver.bodies[-1] == {
        "event": "survey.low_rating",
        "kind": "csat",
        "score": 1,
        "comment": "Nobody answered",
        "reasons": ["slow"],
        "conversation_id": conversation.id,
        "reference": conversation.reference,
        "customer_id": conversation.customer_id,
        "answered_at": (clock.now() - retry_delay(1)).isoformat(),
    }


def test_a_4xx_is_given_up_without_retrying(
    session: Session,
    database: Database,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configured = settings.model_copy(update={"survey_webhook_url": receiver.url})
    low_rating(session, make, clock, receiver.url)
    receiver.statuses = [410]

    assert run_webhook_jobs(database, clock, configured) == [True]
    assert webhook_job(session).status == JobStatus.DONE
    assert len(receiver.bodies) == 1
    assert "refused the event with 410" in caplog.text


def test_an_unreachable_receiver_is_retried(
    session: Session,
    database: Database,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    receiver: Receiver,
) -> None:
    closed_port = "http://127.0.0.1:9/hooks/survey"  # discard port: connection refused
    low_rating(session, make, clock, closed_port)
    configured = settings.model_copy(update={"survey_webhook_url": closed_port})

    assert run_webhook_jobs(database, clock, configured) == [False]
    job = webhook_job(session)
    assert job.status == JobStatus.QUEUED and "ConnectError" in (job.last_error or "")

    clock.advance(timedelta(minutes=1))  # the receiver is fixed; the job now goes there
    fixed = settings.model_copy(update={"survey_webhook_url": receiver.url})
    assert run_webhook_jobs(database, clock, fixed) == [True]
    assert [body["score"] for body in receiver.bodies] == [1]


def test_nothing_is_sent_when_the_rating_was_raised_or_the_url_removed(
    session: Session,
    database: Database,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    receiver: Receiver,
) -> None:
    configured = settings.model_copy(update={"survey_webhook_url": receiver.url})
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now(), kind=SurveyKind.CSAT)
    record_answer(session, invite, score=1, now=clock.now(), webhook_url=receiver.url)
    record_answer(session, invite, score=5, now=clock.now(), webhook_url=receiver.url)
    assert run_webhook_jobs(database, clock, configured) == [True]

    other = invitation(session, make.conversation(), now=clock.now())
    record_answer(session, other, score=1, now=clock.now(), webhook_url=receiver.url)
    assert run_webhook_jobs(database, clock, settings) == [True]  # survey_webhook_url unset
    assert receiver.bodies == []
