"""The weekly report jobs: built once when due, one mail per active manager and admin (HTML body,
PDF attached), sent by retried jobs; a second run or a second worker sends nothing more."""

import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents import passwords
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import periodic_schedules
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.insights.models import WeeklyReport
from goodwill.insights.report_jobs import WEEKLY_REPORT_JOB
from goodwill.insights.report_rules import ReportWeek
from goodwill.insights.services import send_report
from goodwill.insights.services.send_report import SEND_REPORT_JOB, create_report, report_outbox
from goodwill.mail.smtp_sender import TemporaryDeliveryError
from goodwill.settings import Settings
from support.export_facts import add_fact

WEEK = ReportWeek(date(2026, 2, 23))  # the clock is Monday 2 March 2026, 09:00 UTC


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at production cost takes ~0.4 s per agent; these tests are not about hashing."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture(autouse=True)
def empty_outbox() -> Iterator[list[EmailMessage]]:
    report_outbox().clear()
    yield report_outbox()
    report_outbox().clear()


@pytest.fixture
def managers(make: Factories) -> list[Agent]:
    manager = make.agent(role=Role.MANAGER, name="Mona Manager")
    admin = make.agent(role=Role.ADMIN, name="Ada Admin")
    make.agent(role=Role.AGENT)
    gone = make.agent(role=Role.MANAGER)
    gone.is_active = False
    add_fact(make, day=date(2026, 2, 24), csat=5)
    add_fact(make, day=date(2026, 2, 25), csat=3)
    make.session.flush()
    return [manager, admin]


def run_report_job(
    session: Session, database: Database, clock: FixedClock, settings: Settings
) -> None:
    enqueue(session, WEEKLY_REPORT_JOB, {}, now=clock.now())
    session.flush()
    drain_jobs(Worker(database, clock=clock, settings=settings))
    session.expire_all()


def reports(session: Session) -> list[WeeklyReport]:
    return list(session.scalars(select(WeeklyReport)))


def test_the_job_is_hourly() -> None:
    schedule = next(every for every in periodic_schedules() if every.name == WEEKLY_REPORT_JOB)
    assert schedule.interval == timedelta(hours=1)


def test_two_runs_build_one_report_and_mail_each_manager_once(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    managers: list[Agent],
    empty_outbox: list[EmailMessage],
) -> None:
    run_report_job(session, database, clock, settings)
    clock.advance(timedelta(hours=1))
    run_report_job(session, database, clock, settings)
    [report] = reports(session)
    assert report.week_start == WEEK.start
    assert sorted(report.recipients) == sorted(agent.email for agent in managers)
    assert report.sent_at is not None
    assert sorted(str(mail["To"].addresses[0].addr_spec) for mail in empty_outbox) == sorted(
        agent.email for agent in managers
    )
    mail = empty_outbox[0]
    assert mail["Subject"] == "Weekly report, week of 2026-02-23"
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and "<svg" in html.get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "goodwill-weekly-report-2026-02-23.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    done = session.scalar(
        select(func.count())
        .select_from(Job)
        .where(Job.name == SEND_REPORT_JOB, Job.status == JobStatus.DONE)
    )
    assert done == 2


def test_nothing_is_built_before_the_hour_or_when_switched_off(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    managers: list[Agent],
) -> None:
    settings.weekly_report_hour = 10  # it is 09:00
    run_report_job(session, database, clock, settings)
    assert reports(session) == []
    settings.weekly_report_hour = 8
    settings.weekly_report_enabled = False
    run_report_job(session, database, clock, settings)
    assert reports(session) == []
    assert report_outbox() == []


def test_a_second_worker_that_lost_the_race_stops_quietly(
    session: Session,
    clock: FixedClock,
    settings: Settings,
    managers: list[Agent],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = create_report(session, WEEK, settings=settings, now=clock.now())
    assert first is not None
    # The other worker checked before this one inserted: it meets the unique week_start.
    monkeypatch.setattr(send_report, "find_report", lambda *_: None)
    assert create_report(session, WEEK, settings=settings, now=clock.now()) is None
    assert len(reports(session)) == 1  # the session is still usable after the conflict


def test_a_failed_delivery_is_retried_by_the_job_queue(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    managers: list[Agent],
    monkeypatch: pytest.MonkeyPatch,
    empty_outbox: list[EmailMessage],
) -> None:
    real = send_report.deliver
    failures = {"left": 2}

    def flaky(email: EmailMessage, *, settings: Settings) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise TemporaryDeliveryError("451 try again later")
        real(email, settings=settings)

    monkeypatch.setattr(send_report, "deliver", flaky)
    run_report_job(session, database, clock, settings)
    assert len(empty_outbox) == 0
    assert reports(session)[0].sent_at is None
    clock.advance(timedelta(minutes=5))
    drain_jobs(Worker(database, clock=clock, settings=settings))
    session.expire_all()
    assert len(empty_outbox) == 2
    assert reports(session)[0].sent_at == clock.now()


class Recorder:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def test_over_smtp_the_mail_carries_the_report_and_the_pdf(
    session: Session, clock: FixedClock, settings: Settings, managers: list[Agent]
) -> None:
    recorder = Recorder()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = settings.model_copy(
            update={
                "email_backend": "smtp",
                "smtp_port": port,
                "smtp_host": "127.0.0.1",
                "smtp_security": "none",
            }
        )
        report = create_report(session, WEEK, settings=smtp, now=clock.now())
        assert report is not None
        assert send_report.send_to(
            session, report.id, managers[0].id, settings=smtp, now=clock.now()
        )
    finally:
        controller.stop()
    [(recipients, raw)] = recorder.received
    assert recipients == [managers[0].email]
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    assert [part.get_content_type() for part in mail.walk()][-1] == "application/pdf"
    assert "2026-02-23" in str(mail["Subject"])


def test_an_address_no_mail_can_carry_is_not_retried(
    session: Session,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    managers: list[Agent],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unwritable(*_: object, **__: object) -> EmailMessage:
        raise ValueError("'a\\nb' is not a usable email address")

    monkeypatch.setattr(send_report, "report_email", unwritable)
    run_report_job(session, database, clock, settings)
    jobs = session.scalars(select(Job).where(Job.name == SEND_REPORT_JOB)).all()
    assert [(job.status, job.attempts) for job in jobs] == [(JobStatus.DONE, 1)] * 2
    assert report_outbox() == []
