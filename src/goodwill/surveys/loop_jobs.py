"""The survey.low_rating webhook: POST the event; the worker retries failures with backoff."""

import logging
from typing import Any

import httpx
from sqlalchemy.orm import Session

from goodwill.core.jobs.registry import JobContext, job
from goodwill.surveys.answer_rules import loop_reason
from goodwill.surveys.models import SurveyResponse
from goodwill.surveys.services.loop import NOTIFY_WEBHOOK_JOB, low_rating_event

log = logging.getLogger("goodwill.surveys")

WEBHOOK_TIMEOUT_SECONDS = 10.0


class WebhookUnavailable(RuntimeError):
    """The receiver answered 5xx: raised so the worker tries again later."""


@job(NOTIFY_WEBHOOK_JOB)
def notify_webhook(context: JobContext, payload: dict[str, Any]) -> None:
    """POST the low-rating event to settings.survey_webhook_url.

    Connection errors, timeouts and 5xx raise (the worker retries with backoff); a 4xx is the
    receiver refusing this event, so it is logged and given up."""
    url = getattr(context.settings, "survey_webhook_url", None)
    if not url:
        log.info("survey webhook skipped: survey_webhook_url is no longer set")
        return
    body = _event_body(context.session, int(payload["response_id"]))
    if body is None:
        return
    send_webhook(url, body)


def _event_body(session: Session, response_id: int) -> dict[str, Any] | None:
    response = session.get(SurveyResponse, response_id)
    if response is None:
        log.info("survey webhook skipped: response %s was deleted", response_id)
        return None
    if loop_reason(response.kind, response.score) is None:
        log.info("survey webhook skipped: response %s was raised above the low mark", response_id)
        return None
    return low_rating_event(session, response)


def send_webhook(url: str, body: dict[str, Any]) -> None:
    answer = httpx.post(url, json=body, timeout=WEBHOOK_TIMEOUT_SECONDS)
    if answer.status_code >= 500:
        raise WebhookUnavailable(f"survey webhook answered {answer.status_code}; will retry")
    if answer.status_code >= 400:
        log.warning(
            "survey webhook refused the event with %s (not retried): %s",
            answer.status_code,
            answer.text[:200],
        )
