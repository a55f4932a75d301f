"""Configuration: one typed settings class read from GOODWILL_* environment variables and .env."""

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WEAK_SECRETS = {"", "changeme", "secret", "change-me", "dev"}


class Settings(BaseSettings):
    """Every field is documented in docs/settings.md (a test checks it)."""

    model_config = SettingsConfigDict(
        env_prefix="GOODWILL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///./goodwill.db"
    secret_key: str = Field(min_length=16)
    environment: Literal["development", "production", "test"] = "development"
    base_url: str = "http://127.0.0.1:8000"
    email_backend: Literal["console", "capture", "smtp"] = "console"
    support_address: str = "support@goodwill.example"
    support_name: str = "Support"
    inbound_addresses: list[str] = Field(default_factory=list)  # more addresses we accept
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 30.0
    smtpd_enabled: bool = False
    smtpd_host: str = "127.0.0.1"
    smtpd_port: int = 2525
    smtpd_max_message_bytes: int = 25 * 1024 * 1024
    imap_poll_seconds: int = Field(default=60, ge=5)
    email_reply_to_closed: Literal["reopen", "new_linked"] = "reopen"
    email_auto_acknowledge: bool = True
    survey_webhook_url: str | None = None  # POSTed a JSON event for low ratings (close the loop)
    min_ratings_for_prediction: int = Field(default=200, ge=20)
    insights_refresh_seconds: int = Field(default=60, ge=5)
    weekly_report_enabled: bool = True
    weekly_report_weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday
    weekly_report_hour: int = Field(default=8, ge=0, le=23)  # UTC
    run_worker_in_process: bool = False
    worker_poll_seconds: float = 1.0
    worker_batch_size: int = 20
    sla_warning_minutes: int = 60
    session_max_age_hours: int = 12
    page_size: int = 25
    max_request_body_bytes: int = 16 * 1024 * 1024
    max_attachment_bytes: int = Field(default=10 * 1024 * 1024, ge=0)

    @field_validator("secret_key")
    @classmethod
    def _refuse_weak_secret(cls, value: str) -> str:
        if value.strip().lower() in WEAK_SECRETS:
            raise ValueError("GOODWILL_SECRET_KEY is a well-known weak value; use a random one")
        return value
