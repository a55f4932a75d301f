"""Survey templates, an agent's survey request and the survey figures over the API, and the
relationship NPS end to end: job, email, link, answer, figures."""

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import urlsplit

from api_support import Caller
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.channels.senders import capture_sender
from goodwill.conversations.models import Conversation, Message
from goodwill.conversations.services.status_change import change_status
from goodwill.conversations.status import ConversationStatus
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.settings import Settings
from goodwill.surveys.jobs import RELATIONSHIP_JOB
from goodwill.surveys.models import SurveyInvitation, SurveyKind, SurveyResponse
from goodwill.surveys.services.answer import record_answer
from support.survey_answers import invitation


def resolve(session: Session, conversation: Conversation, clock: FixedClock) -> None:
    change_status(
        session, conversation, ConversationStatus.RESOLVED, now=clock.now(), actor_agent_id=None
    )
    session.flush()


def test_a_manager_reads_and_edits_the_templates(client: TestClient, manager: Caller) -> None:
    listed = client.get("/api/v1/surveys/templates", headers=manager.headers)
    assert listed.status_code == 200, listed.text
    assert [row["kind"] for row in listed.json()] == ["csat", "nps", "ces"]
    changed = client.patch(
        "/api/v1/surveys/templates/csat",
        json={
            "question": "Were we helpful?",
            "sampling_rate": 0.5,
            "labels": {"1": "No", "5": "Yes"},
        },
        headers=manager.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["question"], body["sampling_rate"], body["labels"]) == (
        "Were we helpful?",
        0.5,
        {"1": "No", "5": "Yes"},
    )
    assert body["cooldown_days"] == 14  # untouched
    again = client.get("/api/v1/surveys/templates", headers=manager.headers).json()
    assert again[0]["question"] == "Were we helpful?"


def test_template_edits_that_make_no_sense_are_refused(
    client: TestClient, manager: Caller, agent: Caller
) -> None:
    url = "/api/v1/surveys/templates/csat"
    off_scale = client.patch(url, json={"labels": {"9": "Wow"}}, headers=manager.headers)
    assert off_scale.status_code == 422 and "off the csat scale" in off_scale.text
    bad_rate = client.patch(url, json={"sampling_rate": 2}, headers=manager.headers)
    assert bad_rate.status_code == 422
    bad_group = client.patch(
        url,
        json={"reasons": [{"key": "x", "label": "X", "group": "weather"}]},
        headers=manager.headers,
    )
    assert bad_group.status_code == 422
    assert client.patch(url, json={"question": None}, headers=manager.headers).status_code == 422
    assert client.get("/api/v1/surveys/templates", headers=agent.headers).status_code == 403


def test_an_agent_sends_a_survey_for_a_resolved_conversation(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, agent: Caller
) -> None:
    conversation = make.conversation(team=make.team(members=(agent.agent,)))
    url = f"/api/v1/conversations/{conversation.id}/surveys"
    early = client.post(url, json={"kind": "csat"}, headers=agent.headers)
    assert early.status_code == 409 and "resolve or close" in early.text
    resolve(session, conversation, clock)
    sent = client.post(url, json={"kind": "csat"}, headers=agent.headers)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["trigger"], body["requested_by_agent_id"]) == ("agent", agent.agent.id)
    assert body["sent_at"] is not None and body["message_id"] is not None
    session.expire_all()
    message = session.get(Message, body["message_id"])
    assert message is not None and "/s/" in message.body_text
    assert client.post(url, json={"kind": "csat"}, headers=agent.headers).status_code == 409
    keyed = client.post(url, json={"kind": "nps"}, headers=agent.with_key("k1"))
    replay = client.post(url, json={"kind": "nps"}, headers=agent.with_key("k1"))
    assert keyed.status_code == replay.status_code == 201
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == keyed.json()
    listed = client.get(url, headers=agent.headers)
    assert [row["id"] for row in listed.json()] == [body["id"], keyed.json()["id"]]
    assert listed.json()[0]["score"] is None


def test_an_agent_cannot_survey_a_conversation_they_cannot_see(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, agent: Caller
) -> None:
    conversation = make.conversation(team=make.team())
    resolve(session, conversation, clock)
    url = f"/api/v1/conversations/{conversation.id}/surveys"
    assert client.post(url, json={}, headers=agent.headers).status_code == 404


def test_stats_count_rates_coverage_and_scores_in_a_fixed_number_of_queries(
    client: TestClient,
    session: Session,
    database: Database,
    make: Factories,
    clock: FixedClock,
    manager: Caller,
) -> None:
    conversations = [make.conversation() for _ in range(4)]
    for conversation in conversations:
        resolve(session, conversation, clock)
    for conversation, score in zip(conversations[:3], (5, 4, 1), strict=True):
        record_answer(
            session,
            invitation(session, conversation, now=clock.now()),
            score=score,
            now=clock.now(),
        )
    invitation(session, conversations[3], now=clock.now())  # sent, never answered
    for score in (10, 3):
        nps = invitation(session, make.conversation(), now=clock.now(), kind=SurveyKind.NPS)
        record_answer(session, nps, score=score, now=clock.now())
    session.flush()
    start = (clock.now() - timedelta(days=1)).isoformat()
    end = (clock.now() + timedelta(days=1)).isoformat()
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    response = client.get(
        "/api/v1/surveys/stats", params={"start": start, "end": end}, headers=manager.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["sent"], body["answered"]) == (6, 5)
    assert body["response_rate"] == 500 / 6
    assert (body["resolved_conversations"], body["rated_conversations"], body["coverage"]) == (
        4,
        3,
        75.0,
    )
    csat, nps_stats, ces = body["kinds"]
    assert csat["satisfied_percent"] == 200 / 3 and csat["mean"] == 10 / 3
    assert csat["distribution"] == {"1": 1, "4": 1, "5": 1}
    assert (nps_stats["nps"], nps_stats["promoters"], nps_stats["detractors"]) == (0.0, 1, 1)
    assert ces["responses"] == 0 and ces["mean"] is None
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 5
    wrong = client.get(
        "/api/v1/surveys/stats", params={"start": end, "end": start}, headers=manager.headers
    )
    assert wrong.status_code == 422 and "start must be before end" in wrong.text


def test_relationship_nps_goes_by_email_and_the_answer_reaches_the_figures(
    client: TestClient,
    session: Session,
    database: Database,
    make: Factories,
    clock: FixedClock,
    settings: Settings,
    manager: Caller,
) -> None:
    customer = make.customer(name="Maria Lopez", email="maria@customer.example")
    resolve(session, make.conversation(customer=customer), clock)
    captured = capture_sender()
    captured.clear()
    enqueue(session, RELATIONSHIP_JOB, {}, now=clock.now())
    session.flush()
    drain_jobs(Worker(database, clock=clock, settings=settings))  # invite, then mail it
    session.expire_all()
    invite = session.scalars(select(SurveyInvitation)).one()
    assert (invite.trigger, invite.conversation_id, invite.sent_at) == (
        "relationship",
        None,
        clock.now(),
    )
    [raw] = [raw for key, raw in captured.raw if key == invite.id]
    captured.clear()
    email = BytesParser(policy=policy.default).parsebytes(raw)
    assert str(email["To"]) == "Maria Lopez <maria@customer.example>"
    assert email["In-Reply-To"] is None and "GW-" not in str(email["Subject"])  # no thread
    plain = email.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    link = re.search(r"http\S+/s/[^?\s]+\?score=9", text)
    assert link is not None
    url = urlsplit(link.group(0))

    shown = client.get(f"{url.path}?{url.query}")  # what a mail scanner would do, too
    assert shown.status_code == 200
    assert "How likely are you to recommend us" in shown.text
    [radio] = re.findall(r'<input type="radio"[^>]*value="9"[^>]*>', shown.text)
    assert " checked" in radio
    assert session.scalars(select(SurveyResponse)).all() == []  # GET records nothing
    token = re.search(r'name="form_token" value="([^"]+)"', shown.text)
    assert token is not None

    submitted = client.post(
        url.path,
        data={"score": "9", "comment": "Quick and kind", "form_token": token.group(1)},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    answer = session.scalars(select(SurveyResponse)).one()
    assert (answer.kind, answer.score, answer.customer_id, answer.conversation_id) == (
        "nps",
        9,
        customer.id,
        None,
    )
    period = {
        "start": (clock.now() - timedelta(days=1)).isoformat(),
        "end": (clock.now() + timedelta(days=1)).isoformat(),
    }
    stats = client.get("/api/v1/surveys/stats", params=period, headers=manager.headers).json()
    nps = stats["kinds"][1]
    assert (nps["kind"], nps["sent"], nps["answered"], nps["responses"]) == ("nps", 1, 1, 1)
    assert (nps["nps"], nps["promoters"], nps["response_rate"]) == (100.0, 1, 100.0)
