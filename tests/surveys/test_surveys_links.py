"""Signed survey links: tied to one invitation, refused when altered, re-signed or re-salted."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from itsdangerous import URLSafeTimedSerializer

from goodwill.settings import Settings
from goodwill.surveys.answer_rules import is_open
from goodwill.surveys.links import InvalidSurveyLink, read_survey_token, survey_link, survey_token
from goodwill.surveys.models import SurveyInvitation

NONCE = "0123456789abcdef0123456789abcdef"


def settings_with(secret: str) -> Settings:
    return Settings(secret_key=secret, base_url="https://help.example.com/", _env_file=None)  # type: ignore[call-arg]


SETTINGS = settings_with("survey-links-secret-0123456789")
INVITATION = SurveyInvitation(nonce=NONCE)


def flip_char(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def test_the_link_carries_a_signed_token_and_the_rating() -> None:
    link = survey_link(SETTINGS, INVITATION, 4)
    token = survey_token(SETTINGS, INVITATION)
    assert link == f"https://help.example.com/s/{token}?score=4"
    assert NONCE not in link  # the nonce is signed, not readable as a bare id
    assert read_survey_token(SETTINGS, token) == NONCE


def test_an_altered_token_is_refused_with_a_sentence() -> None:
    token = survey_token(SETTINGS, INVITATION)
    payload, timestamp, signature = token.rsplit(".", 2)
    other = survey_token(SETTINGS, SurveyInvitation(nonce="f" * 32))
    for tampered in (
        flip_char(token, token.rindex(".") + 1),  # the signature
        flip_char(token, 5),  # the payload
        f"{other.rsplit('.', 2)[0]}.{timestamp}.{signature}",  # another invitation's payload
        payload,
        "",
        "not-a-token",
    ):
        with pytest.raises(InvalidSurveyLink, match="not valid"):
            read_survey_token(SETTINGS, tampered)


def test_a_token_signed_with_another_secret_or_salt_is_refused() -> None:
    foreign = survey_token(settings_with("another-installation-secret-xyz"), INVITATION)
    with pytest.raises(InvalidSurveyLink):
        read_survey_token(SETTINGS, foreign)
    session_salted = URLSafeTimedSerializer(SETTINGS.secret_key, salt="goodwill.session")
    with pytest.raises(InvalidSurveyLink):
        read_survey_token(SETTINGS, str(session_salted.dumps({"n": NONCE})))


def test_a_signed_token_without_a_nonce_is_refused() -> None:
    serializer = URLSafeTimedSerializer(SETTINGS.secret_key, salt="survey")
    for payload in ({"x": NONCE}, [NONCE], {"n": ""}, {"n": 7}):
        with pytest.raises(InvalidSurveyLink, match="does not name a survey"):
            read_survey_token(SETTINGS, str(serializer.dumps(payload)))


def test_a_token_older_than_a_given_age_is_refused() -> None:
    signed_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
    with mock.patch("time.time", return_value=signed_at):
        token = survey_token(SETTINGS, INVITATION)
    with mock.patch("time.time", return_value=signed_at + 3600):
        assert read_survey_token(SETTINGS, token, max_age_seconds=7200) == NONCE
        with pytest.raises(InvalidSurveyLink):
            read_survey_token(SETTINGS, token, max_age_seconds=60)


def test_an_invitation_can_be_answered_until_it_expires() -> None:
    expires_at = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert is_open(expires_at, expires_at - timedelta(seconds=1))
    assert not is_open(expires_at, expires_at)
    assert not is_open(expires_at, expires_at + timedelta(days=1))
