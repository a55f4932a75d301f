"""Retry delays for failed jobs. Pure."""

from datetime import timedelta


def retry_delay(
    attempt: int, *, base_seconds: float = 5.0, cap_seconds: float = 3600.0
) -> timedelta:
    """Exponential backoff: 5 s, 10 s, 20 s, ... capped at an hour. `attempt` starts at 1."""
    if attempt < 1:
        raise ValueError(f"attempt starts at 1, got {attempt}")
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** (attempt - 1)))
