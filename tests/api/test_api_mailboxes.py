"""JSON API: IMAP mailboxes are admin-only, take a password and never give it back."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import Caller, count_rows
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.core.clock import FixedClock
from goodwill.core.idempotency import IdempotentRequest
from goodwill.mail.models import InboundMail, Mailbox
from goodwill.mail.services.accept import accept_raw_mail
from support.imap_server import ImapServer, dovecot_missing_reason, running_imap_server

PATH = "/api/v1/mailboxes"
SECRET = "s3cret-app-password"
GMAIL = {
    "name": "Support (Gmail)",
    "host": "imap.gmail.com",
    "username": "support@shop.example",
    "password": SECRET,
}
RAW = b"From: ada@customer.example\r\nMessage-ID: <one@customer.example>\r\n\r\nHello\r\n"


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    if reason := dovecot_missing_reason():
        pytest.skip(reason)
    with running_imap_server(tmp_path) as server:
        yield server


def create(client: TestClient, caller: Caller, **fields: Any) -> dict[str, Any]:
    response = client.post(PATH, json=GMAIL | fields, headers=caller.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def local_body(server: ImapServer, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Local",
        "host": server.host,
        "port": server.imap_port,
        "security": "none",
        "username": server.username,
        "password": server.password,
    } | fields


def test_an_admin_adds_a_mailbox_and_the_password_never_comes_back(
    client: TestClient, admin: Caller, session: Session
) -> None:
    created = create(client, admin)

    assert "password" not in created and SECRET not in str(created)
    assert (created["port"], created["security"], created["folder"]) == (993, "ssl", "INBOX")
    assert (created["has_password"], created["password_setting"]) == (True, None)
    assert (created["last_uid"], created["uidvalidity"], created["last_error"]) == (0, None, None)
    stored = session.get(Mailbox, created["id"])
    assert stored is not None and stored.password == SECRET
    listed = client.get(PATH, headers=admin.headers)
    one = client.get(f"{PATH}/{created['id']}", headers=admin.headers)
    assert listed.json() == [created] and one.json() == created
    assert SECRET not in listed.text + one.text


def test_an_idempotent_retry_creates_once_and_stores_no_password(
    client: TestClient, admin: Caller, session: Session
) -> None:
    headers = admin.with_key("mailbox-1")
    first = client.post(PATH, json=GMAIL, headers=headers)
    again = client.post(PATH, json=GMAIL, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and count_rows(session, Mailbox) == 1
    stored = session.scalars(select(IdempotentRequest.response_body)).all()
    assert stored and SECRET not in str(stored)


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_mailboxes_are_for_admins_only(
    client: TestClient, admin: Caller, request: pytest.FixtureRequest, role: str
) -> None:
    created = create(client, admin)
    caller: Caller = request.getfixturevalue(role)
    for method, path in [
        ("GET", PATH),
        ("POST", PATH),
        ("GET", f"{PATH}/{created['id']}"),
        ("PATCH", f"{PATH}/{created['id']}"),
        ("DELETE", f"{PATH}/{created['id']}"),
        ("POST", f"{PATH}/{created['id']}/test"),
        ("POST", f"{PATH}/{created['id']}/poll"),
    ]:
        response = client.request(method, path, json={}, headers=caller.headers)
        assert response.status_code == 403, (method, path, response.text)
        assert "admin" in response.json()["detail"]


@pytest.mark.parametrize(
    ("_case", "fields", "message"),
    [
        ("no password", {"password": None}, "exactly one"),
        ("two passwords", {"password_setting": "GOODWILL_IMAP_PASSWORD_X"}, "exactly one"),
        (
            "any variable",
            {"password": None, "password_setting": "GOODWILL_SECRET_KEY"},
            "password_setting",
        ),
        ("starttls on 993", {"security": "starttls", "port": 993}, "use security 'ssl'"),
        ("host with a port", {"host": "imap.gmail.com:993"}, "host"),
        ("unknown security", {"security": "tls"}, "security"),
        ("port zero", {"port": 0}, "port"),
    ],
)
def test_invalid_mailboxes_are_refused_with_the_reason(
    client: TestClient, admin: Caller, _case: str, fields: dict[str, Any], message: str
) -> None:
    response = client.post(PATH, json=GMAIL | fields, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert message in response.text
    assert SECRET not in response.text


def test_names_are_unique_ignoring_case(client: TestClient, admin: Caller) -> None:
    create(client, admin)
    response = client.post(PATH, json=GMAIL | {"name": "support (GMAIL)"}, headers=admin.headers)
    assert response.status_code == 409 and "already exists" in response.json()["detail"]


def test_a_patch_replaces_the_password_source_and_a_new_folder_restarts_polling(
    client: TestClient, admin: Caller, session: Session
) -> None:
    created = create(client, admin)
    stored = session.get(Mailbox, created["id"])
    assert stored is not None
    stored.uidvalidity, stored.last_uid = 7, 42
    session.flush()
    url = f"{PATH}/{created['id']}"

    by_env = client.patch(
        url, json={"password_setting": "GOODWILL_IMAP_PASSWORD_GMAIL"}, headers=admin.headers
    )
    assert by_env.status_code == 200, by_env.text
    assert by_env.json()["password_setting"] == "GOODWILL_IMAP_PASSWORD_GMAIL"
    assert by_env.json()["last_uid"] == 42  # same folder: polling goes on where it was
    session.refresh(stored)
    assert stored.password is None

    moved = client.patch(
        url, json={"folder": "Support", "password": "new-pw"}, headers=admin.headers
    )
    assert moved.status_code == 200 and "new-pw" not in moved.text
    assert (moved.json()["folder"], moved.json()["last_uid"], moved.json()["uidvalidity"]) == (
        "Support",
        0,
        None,
    )
    session.refresh(stored)
    assert (stored.password, stored.password_setting) == ("new-pw", None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": None}, "name cannot be null"),
        ({"password": None}, "needs a password or a password_setting"),
        ({"password": "a", "password_setting": "GOODWILL_IMAP_PASSWORD"}, "not both"),
    ],
)
def test_a_patch_cannot_leave_a_mailbox_unusable(
    client: TestClient, admin: Caller, body: dict[str, Any], message: str
) -> None:
    created = create(client, admin)
    response = client.patch(f"{PATH}/{created['id']}", json=body, headers=admin.headers)
    assert response.status_code == 422 and message in response.text


def test_deleting_a_mailbox_keeps_the_mail_it_delivered(
    client: TestClient, admin: Caller, session: Session, clock: FixedClock
) -> None:
    created = create(client, admin)
    inbound = accept_raw_mail(
        session, RAW, source="imap", now=clock.now(), mailbox_id=created["id"]
    )

    response = client.delete(f"{PATH}/{created['id']}", headers=admin.headers)

    assert response.status_code == 204
    assert client.get(f"{PATH}/{created['id']}", headers=admin.headers).status_code == 404
    session.expire_all()
    kept = session.get(InboundMail, inbound.id)
    assert kept is not None and kept.raw == RAW and kept.mailbox_id is None
    assert client.delete(f"{PATH}/{created['id']}", headers=admin.headers).status_code == 404


def test_checking_the_login_reports_the_folder_or_the_reason(
    client: TestClient, admin: Caller, imap_server: ImapServer
) -> None:
    imap_server.append(RAW)
    good = create(client, admin, **local_body(imap_server))
    bad = create(client, admin, **local_body(imap_server, name="Bad", password=SECRET))

    checked = client.post(f"{PATH}/{good['id']}/test", headers=admin.headers)
    refused = client.post(f"{PATH}/{bad['id']}/test", headers=admin.headers)

    assert checked.status_code == 200 and checked.json()["ok"] is True
    assert (checked.json()["messages"], checked.json()["uidnext"]) == (1, 2)
    assert refused.status_code == 200 and refused.json()["ok"] is False
    assert "refused the login" in refused.json()["error"] and SECRET not in refused.text


def test_polling_now_stores_new_mail_and_reports_the_counts(
    client: TestClient, admin: Caller, imap_server: ImapServer, session: Session
) -> None:
    imap_server.append(RAW)
    created = create(client, admin, **local_body(imap_server))

    polled = client.post(f"{PATH}/{created['id']}/poll", headers=admin.headers)

    assert polled.status_code == 200, polled.text
    body = polled.json()
    assert (body["stored"], body["skipped"], body["failed"], body["error"]) == (1, 0, 0, None)
    assert body["mailbox"]["last_uid"] == 1 and body["mailbox"]["last_polled_at"] is not None
    assert session.scalars(select(InboundMail.raw)).all() == [RAW]
    again = client.post(f"{PATH}/{created['id']}/poll", headers=admin.headers).json()
    assert again["stored"] == 0


def test_a_failed_poll_is_answered_with_the_error_and_recorded(
    client: TestClient, admin: Caller, imap_server: ImapServer
) -> None:
    created = create(client, admin, **local_body(imap_server, password=SECRET))
    polled = client.post(f"{PATH}/{created['id']}/poll", headers=admin.headers)
    assert polled.status_code == 200 and "refused the login" in polled.json()["error"]
    shown = client.get(f"{PATH}/{created['id']}", headers=admin.headers).json()
    assert shown["last_error"] == polled.json()["error"] and shown["last_error_at"]
    assert SECRET not in polled.text


def test_an_inactive_mailbox_is_not_polled(client: TestClient, admin: Caller) -> None:
    created = create(client, admin, is_active=False)
    response = client.post(f"{PATH}/{created['id']}/poll", headers=admin.headers)
    assert response.status_code == 409 and "inactive" in response.json()["detail"]


def test_fetch_existing_false_starts_after_the_mail_already_there(
    client: TestClient, admin: Caller, imap_server: ImapServer
) -> None:
    imap_server.append(RAW, RAW)
    created = create(client, admin, **local_body(imap_server, fetch_existing=False))
    assert created["last_uid"] == 2 and created["uidvalidity"] is not None

    imap_server.stop()
    refused = client.post(
        PATH,
        json=local_body(imap_server, name="Other", fetch_existing=False),
        headers=admin.headers,
    )
    assert refused.status_code == 422 and "fetch_existing true" in refused.json()["detail"]
