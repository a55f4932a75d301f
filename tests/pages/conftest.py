"""Fixtures for the workspace page tests: a signed-in TestClient and its CSRF token."""

import pytest
from fastapi.testclient import TestClient
from workspace_client import PASSWORD, SignIn, login_token, read_csrf_token

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.agents.roles import Role


@pytest.fixture
def sign_in(client: TestClient) -> SignIn:
    """Sign the client in as `agent` (POST /login) and return the session's CSRF token."""

    def sign_in_as(agent: Agent) -> str:
        response = client.post(
            "/login",
            data={"email": agent.email, "password": PASSWORD, "login_token": login_token(client)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return read_csrf_token(client.get("/inbox").text)

    return sign_in_as


@pytest.fixture
def agent(make: Factories) -> Agent:
    return make.agent(name="Grace Hopper", role=Role.AGENT, password=PASSWORD)


@pytest.fixture
def csrf(sign_in: SignIn, agent: Agent) -> str:
    """Signs `agent` in; the token to send with POSTs."""
    return sign_in(agent)
