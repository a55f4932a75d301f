"""Survey pages: managers edit the questions and rules and read the figures; agents ask for a
survey from the conversation's side panel."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.agents.models import Agent
from goodwill.agents.roles import Role
from goodwill.conversations.access import scope_for
from goodwill.conversations.services.detail import get_visible_conversation
from goodwill.core.errors import Invalid
from goodwill.surveys.defaults import TRIGGERS
from goodwill.surveys.models import SurveyTemplate
from goodwill.surveys.schemas import Kind, TemplateForm
from goodwill.surveys.services.schedule import request_survey
from goodwill.surveys.services.send import send_invitation
from goodwill.surveys.services.stats import stats_period, survey_stats
from goodwill.surveys.services.templates import list_templates, update_template
from goodwill.web.deps import (
    ClockDep,
    DatabaseDep,
    PageAgent,
    PostingAgent,
    SettingsDep,
    require_role,
)
from goodwill.web.schemas import PathId
from goodwill.web.templating import render

router = APIRouter()
KIND_NAMES = {"csat": "CSAT (1-5)", "nps": "NPS (0-10)", "ces": "CES (1-7)"}


def _page_manager(agent: PageAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


def _posting_manager(agent: PostingAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


PageManager = Annotated[Agent, Depends(_page_manager)]


@router.get("/surveys/settings", response_class=HTMLResponse)
def show_settings(
    request: Request, agent: PageManager, database: DatabaseDep, clock: ClockDep
) -> Response:
    with database.transaction() as session:  # templates are created on first use
        templates = list_templates(session, now=clock.now())
        rows = [_template_view(template) for template in templates]
    return render(
        request,
        "surveys/settings.html",
        agent=agent,
        templates=rows,
        kind_names=KIND_NAMES,
        triggers=TRIGGERS,
    )


def _template_view(template: SurveyTemplate) -> dict[str, object]:
    ordered = sorted(template.labels.items(), key=lambda item: int(item[0]))
    return {
        "row": template,
        "labels_text": "\n".join(f"{score}: {label}" for score, label in ordered),
        "reasons_text": "\n".join(
            f"{reason['key']} | {reason['label']} | {reason['group']}"
            for reason in template.reasons
        ),
    }


@router.post("/surveys/settings/{kind}", dependencies=[Depends(_posting_manager)])
def save_settings(
    kind: Kind, form: Annotated[TemplateForm, Form()], database: DatabaseDep, clock: ClockDep
) -> Response:
    changes: dict[str, object] = {
        "question": form.question.strip(),
        "comment_prompt": form.comment_prompt.strip(),
        "labels": parse_labels(form.labels),
        "reasons": parse_reasons(form.reasons),
        "trigger": form.trigger,
        "delay_minutes": form.delay_minutes,
        "expiry_days": form.expiry_days,
        "sampling_rate": round(form.sampling_percent / 100, 4),
        "cooldown_days": form.cooldown_days,
        "relationship_months": form.relationship_months,
        "is_enabled": form.is_enabled == "on",
    }
    with database.transaction() as session:
        update_template(session, kind, changes, now=clock.now())
    return RedirectResponse(f"/surveys/settings#survey-{kind}", status_code=303)


def parse_labels(text: str) -> dict[str, str]:
    """Lines of `score: label`; blank lines are skipped."""
    labels: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        score, sep, label = line.partition(":")
        if not sep or not score.strip().isdigit():
            raise Invalid(
                f"label line {line.strip()!r}: write it as `score: label`, e.g. `5: Great`"
            )
        labels[str(int(score))] = label.strip()
    return labels


def parse_reasons(text: str) -> list[dict[str, str]]:
    """Lines of `key | label | group`; blank lines are skipped."""
    reasons = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3:
            raise Invalid(f"reason line {line.strip()!r}: write it as `key | label | group`")
        reasons.append({"key": parts[0], "label": parts[1], "group": parts[2]})
    return reasons


@router.get("/surveys/stats", response_class=HTMLResponse)
def show_stats(
    request: Request,
    agent: PageManager,
    database: DatabaseDep,
    clock: ClockDep,
    start: Annotated[datetime | None, Query()] = None,
    end: Annotated[datetime | None, Query()] = None,
) -> Response:
    period_start, period_end = stats_period(start, end, now=clock.now())
    with database.reader() as session:
        report = survey_stats(session, start=period_start, end=period_end)
    return render(request, "surveys/stats.html", agent=agent, report=report, kind_names=KIND_NAMES)


@router.post("/conversations/{conversation_id}/surveys")
def ask_for_survey(
    conversation_id: PathId,
    agent: PostingAgent,
    database: DatabaseDep,
    clock: ClockDep,
    settings: SettingsDep,
    kind: Annotated[Kind, Form()] = "csat",
) -> Response:
    with database.transaction() as session:
        conversation = get_visible_conversation(
            session, conversation_id, scope=scope_for(session, agent)
        )
        invitation = request_survey(session, conversation, kind, agent_id=agent.id, now=clock.now())
        send_invitation(session, invitation, settings=settings, now=clock.now())
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)
