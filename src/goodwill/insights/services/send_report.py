"""Store the weekly report once and mail it to every manager, one job per recipient.

The report row is inserted before any mail is queued; its unique `week_start` makes a second
worker (or a second click) find it and stop, so a week is never reported or mailed twice. Each
mail is a job with a dedupe key (week and agent): a crash retries it, nothing queues it twice."""

import logging
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.core.jobs.enqueue import enqueue
from goodwill.insights.models import WeeklyReport
from goodwill.insights.report_rules import ReportWeek
from goodwill.insights.services.report_pdf import report_pdf
from goodwill.insights.services.weekly_report import build_report, report_html, report_recipients
from goodwill.mail.compose import MAIL_POLICY
from goodwill.mail.html_text import html_to_text
from goodwill.settings import Settings

log = logging.getLogger("goodwill.insights.report")
SEND_REPORT_JOB = "insights.send_weekly_report"
SEND_ATTEMPTS = 8
_outbox: list[EmailMessage] = []


@dataclass(frozen=True, slots=True)
class Queued:
    report: WeeklyReport
    created: bool  # False: the report for that week already existed
    mails: int  # mail jobs queued now


def find_report(session: Session, week: ReportWeek) -> WeeklyReport | None:
    return session.scalar(select(WeeklyReport).where(WeeklyReport.week_start == week.start))


def create_report(
    session: Session, week: ReportWeek, *, settings: Settings, now: datetime
) -> WeeklyReport | None:
    """Build and insert the report of `week`; None when it exists (here or in another worker)."""
    if find_report(session, week) is not None:
        return None
    content = build_report(session, week, now=now)
    report = WeeklyReport(
        week_start=week.start,
        html=report_html(content, base_url=settings.base_url),
        pdf=report_pdf(content),
        recipients=[],
        created_at=now,
        sent_at=None,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:  # another worker inserted it first
        return None
    return report


def queue_report_mails(session: Session, report: WeeklyReport, *, now: datetime) -> int:
    """Queue one mail job per active manager and admin; returns how many were queued."""
    recipients = report_recipients(session)
    for agent in recipients:
        enqueue(
            session,
            SEND_REPORT_JOB,
            {"report_id": report.id, "agent_id": agent.id},
            now=now,
            dedupe_key=f"weekly-report:{report.week_start.isoformat()}:{agent.id}",
            max_attempts=SEND_ATTEMPTS,
        )
    report.recipients = [agent.email for agent in recipients]
    session.flush()
    return len(recipients)


def create_and_queue(
    session: Session, week: ReportWeek, *, settings: Settings, now: datetime
) -> Queued | None:
    """The report of `week` built and its mails queued; None when it was already there."""
    report = create_report(session, week, settings=settings, now=now)
    if report is None:
        return None
    return Queued(report, created=True, mails=queue_report_mails(session, report, now=now))


def report_email(report: WeeklyReport, agent: Agent, *, settings: Settings) -> EmailMessage:
    """The mail for one manager: the HTML report, a text version, and the PDF attached."""
    start = report.week_start.isoformat()
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = Address(display_name=settings.support_name, addr_spec=settings.support_address)
    email["To"] = Address(display_name=agent.name, addr_spec=agent.email)
    email["Subject"] = f"Weekly report, week of {start}"
    email["Date"] = format_datetime(report.created_at)
    email["Message-ID"] = make_msgid(domain=settings.support_address.rpartition("@")[2])
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(html_to_text(report.html), cte="quoted-printable")
    email.add_alternative(report.html, subtype="html", cte="quoted-printable")
    email.add_attachment(
        report.pdf,
        maintype="application",
        subtype="pdf",
        filename=f"goodwill-weekly-report-{start}.pdf",
    )
    return email


def deliver(email: EmailMessage, *, settings: Settings) -> None:
    """Send through GOODWILL_EMAIL_BACKEND: SMTP, the log (console), or `report_outbox()`."""
    recipient = str(email["To"].addresses[0].addr_spec)
    if settings.email_backend == "capture":
        _outbox.append(email)
    elif settings.email_backend == "console":
        log.info("weekly report to %s: %s", recipient, email["Subject"])
    else:
        from goodwill.mail.smtp_sender import SmtpSender

        SmtpSender(settings).deliver(  # one path for every SMTP error (retried or permanent)
            email, sender=settings.support_address, recipient=recipient
        )


def report_outbox() -> list[EmailMessage]:
    """The report mails sent with GOODWILL_EMAIL_BACKEND=capture (tests read and clear it)."""
    return _outbox


def send_to(
    session: Session, report_id: int, agent_id: int, *, settings: Settings, now: datetime
) -> bool:
    """Mail report `report_id` to agent `agent_id`; False when either is gone or inactive."""
    report = session.get(WeeklyReport, report_id)
    agent = session.get(Agent, agent_id)
    if report is None or agent is None or not agent.is_active:
        return False
    deliver(report_email(report, agent, settings=settings), settings=settings)
    if report.sent_at is None:
        report.sent_at = now
    session.flush()
    return True
