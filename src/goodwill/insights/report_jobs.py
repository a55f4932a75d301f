"""Weekly report jobs: build the report when it is due, and mail it to each manager."""

import logging
from datetime import timedelta
from typing import Any

from goodwill.channels.ports import PermanentDeliveryError
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.insights.report_rules import due_week
from goodwill.insights.services.send_report import SEND_REPORT_JOB, create_and_queue, send_to

log = logging.getLogger("goodwill.insights.report")
WEEKLY_REPORT_JOB = "insights.weekly_report"


@job(WEEKLY_REPORT_JOB)
def weekly_report(context: JobContext, payload: dict[str, Any]) -> None:  # noqa: ARG001
    """When the configured weekday and hour have come, build last week's report once and queue
    its mails; a second run (or worker) finds the report and does nothing."""
    settings = context.settings
    if not settings.weekly_report_enabled:
        return
    week = due_week(
        context.now, weekday=settings.weekly_report_weekday, hour=settings.weekly_report_hour
    )
    if week is None:
        return
    queued = create_and_queue(context.session, week, settings=settings, now=context.now)
    if queued is not None:
        log.info("weekly report for %s: %d mail(s) queued", week.start, queued.mails)


@job(SEND_REPORT_JOB)
def send_weekly_report(context: JobContext, payload: dict[str, Any]) -> None:
    """Mail one stored report to one manager; a temporary failure raises and is retried."""
    try:
        send_to(
            context.session,
            int(payload["report_id"]),
            int(payload["agent_id"]),
            settings=context.settings,
            now=context.now,
        )
    except PermanentDeliveryError as error:
        log.warning("weekly report %s not delivered: %s", payload["report_id"], error.reason)
    except ValueError as error:  # an address no email header can carry: retrying cannot help
        log.warning("weekly report %s not delivered: %s", payload["report_id"], error)


periodic(Every(timedelta(hours=1), WEEKLY_REPORT_JOB))
