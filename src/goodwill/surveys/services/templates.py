"""The editable survey templates: one per kind, created from the defaults on first use."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.core.errors import Invalid
from goodwill.surveys.defaults import REASON_GROUPS, TRIGGERS, default_template
from goodwill.surveys.models import SurveyKind, SurveyTemplate
from goodwill.surveys.rules import score_range

KINDS = tuple(kind.value for kind in SurveyKind)


def get_template(session: Session, kind: str, *, now: datetime) -> SurveyTemplate:
    """The template of `kind`, created with the defaults when it does not exist yet."""
    if kind not in KINDS:
        raise Invalid(f"unknown survey kind {kind!r}; use one of {list(KINDS)}")
    query = select(SurveyTemplate).where(SurveyTemplate.kind == kind)
    template = session.scalar(query)
    if template is not None:
        return template
    template = SurveyTemplate(kind=SurveyKind(kind), updated_at=now, **default_template(kind))
    try:
        with session.begin_nested():  # two first runs at once: the second reads the first's
            session.add(template)
    except IntegrityError:
        existing = session.scalar(query)
        if existing is None:
            raise
        return existing
    return template


def list_templates(session: Session, *, now: datetime) -> list[SurveyTemplate]:
    return [get_template(session, kind, now=now) for kind in KINDS]


def update_template(
    session: Session, kind: str, changes: dict[str, Any], *, now: datetime
) -> SurveyTemplate:
    """Apply the given fields (already typed by the schema) after checking they make sense."""
    template = get_template(session, kind, now=now)
    _check(kind, changes)
    for field, value in changes.items():
        setattr(template, field, value)
    template.updated_at = now
    session.flush()
    return template


def _check(kind: str, changes: dict[str, Any]) -> None:
    if "question" in changes and not str(changes["question"]).strip():
        raise Invalid("the question cannot be empty")
    if "labels" in changes:
        allowed = {str(score) for score in score_range(kind)}
        wrong = sorted(set(changes["labels"]) - allowed, key=lambda key: (len(key), key))
        if wrong:
            low, high = min(score_range(kind)), max(score_range(kind))
            raise Invalid(f"labels {wrong} are off the {kind} scale; use scores {low} to {high}")
    if "reasons" in changes:
        _check_reasons(changes["reasons"])
    if "trigger" in changes and changes["trigger"] not in TRIGGERS:
        raise Invalid(f"trigger must be one of {list(TRIGGERS)}")
    if "sampling_rate" in changes and not 0.0 <= changes["sampling_rate"] <= 1.0:
        raise Invalid("sampling_rate is a share from 0 to 1 (1 = every conversation)")


def _check_reasons(reasons: list[dict[str, str]]) -> None:
    keys = [reason.get("key", "") for reason in reasons]
    if len(set(keys)) != len(keys) or not all(keys):
        raise Invalid("every reason needs a unique, non-empty key")
    for reason in reasons:
        if reason.get("group") not in REASON_GROUPS:
            raise Invalid(f"reason {reason.get('key')!r}: group must be one of {REASON_GROUPS}")
        if not reason.get("label", "").strip():
            raise Invalid(f"reason {reason.get('key')!r} needs a label")
