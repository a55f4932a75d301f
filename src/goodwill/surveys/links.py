"""Signed survey links: the nonce of an invitation, signed so it cannot be guessed or altered."""

from itsdangerous import BadSignature, URLSafeTimedSerializer

from goodwill.core.errors import NotFound
from goodwill.settings import Settings
from goodwill.surveys.models import SurveyInvitation

SURVEY_SALT = "survey"


class InvalidSurveyLink(NotFound):
    """The token was altered, signed with another key, or is not a survey token at all."""


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=SURVEY_SALT)


def survey_token(settings: Settings, invitation: SurveyInvitation) -> str:
    """The signed token that identifies `invitation` in a public link."""
    return str(_serializer(settings).dumps({"n": invitation.nonce}))


def survey_link(settings: Settings, invitation: SurveyInvitation, score: int) -> str:
    """The public link a customer clicks to answer `invitation` with `score` preselected."""
    base = settings.base_url.rstrip("/")
    return f"{base}/s/{survey_token(settings, invitation)}?score={score}"


def read_survey_token(settings: Settings, token: str, *, max_age_seconds: int | None = None) -> str:
    """The invitation nonce signed into `token`; raises InvalidSurveyLink when it was tampered."""
    try:
        payload = _serializer(settings).loads(token, max_age=max_age_seconds)
    except BadSignature as error:  # SignatureExpired is a BadSignature too
        raise InvalidSurveyLink(
            "This survey link is not valid: it was altered or copied incompletely. "
            "Please use the link from your email exactly as it was sent."
        ) from error
    nonce = payload.get("n") if isinstance(payload, dict) else None
    if not isinstance(nonce, str) or not nonce:
        raise InvalidSurveyLink("This survey link is not valid: it does not name a survey.")
    return nonce
