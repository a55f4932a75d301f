"""What a manager filters insights by: a period of UTC days and the slices. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from goodwill.core.errors import Invalid

SEGMENTS = ("new", "returning")
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
MAX_ID = 2**31 - 1
FIRST_DAY = date(1990, 1, 1)  # bounds keep the previous period and period ends computable
LAST_DAY = date(2200, 12, 31)
_INT_FIELDS = ("team_id", "agent_id", "product_id", "tag_id")
_TEXT_FIELDS = ("channel", "topic", "segment")


@dataclass(frozen=True, slots=True)
class InsightFilter:
    """Conversations opened from `start` to `end` (UTC days, both included) in the slices set."""

    start: date
    end: date
    channel: str | None = None
    team_id: int | None = None
    agent_id: int | None = None
    product_id: int | None = None
    topic: str | None = None
    tag_id: int | None = None
    segment: str | None = None  # new | returning

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "InsightFilter":
        """The same slices over the period of the same length just before this one."""
        return replace(
            self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1)
        )

    def slices(self) -> dict[str, str]:
        """The slices that are set, as query parameters (without the period)."""
        values = {name: getattr(self, name) for name in (*_TEXT_FIELDS, *_INT_FIELDS)}
        return {name: str(value) for name, value in values.items() if value is not None}

    def query_string(self, **extra: str) -> str:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat(), **self.slices()}
        params.update(extra)
        return urlencode(params)


def default_filter(today: date, days: int = DEFAULT_DAYS) -> InsightFilter:
    """The last `days` days up to and including today."""
    return InsightFilter(start=today - timedelta(days=days - 1), end=today)


def parse_filter(params: Mapping[str, str], today: date) -> InsightFilter:
    """Read a filter from query parameters; blank values mean "not set". Raises Invalid."""
    base = default_filter(today)
    start = _parse_day(params, "start") or base.start
    end = _parse_day(params, "end") or (base.end if "start" not in params else today)
    if end < start:
        raise Invalid("end must not be before start (both are YYYY-MM-DD days)")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"choose a period of at most {MAX_DAYS} days")
    texts = {name: (params.get(name) or "").strip() or None for name in _TEXT_FIELDS}
    if texts["segment"] is not None and texts["segment"] not in SEGMENTS:
        raise Invalid(f"segment must be one of {', '.join(SEGMENTS)}")
    return InsightFilter(
        start=start,
        end=end,
        channel=texts["channel"],
        topic=texts["topic"],
        segment=texts["segment"],
        team_id=_parse_id(params, "team_id"),
        agent_id=_parse_id(params, "agent_id"),
        product_id=_parse_id(params, "product_id"),
        tag_id=_parse_id(params, "tag_id"),
    )


def _parse_day(params: Mapping[str, str], name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{name} must be a day written YYYY-MM-DD, not {raw[:20]!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(f"{name} must be between {FIRST_DAY} and {LAST_DAY}")
    return day


def _parse_id(params: Mapping[str, str], name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise Invalid(f"{name} must be a whole number (an id), not {raw[:20]!r}")
    return int(raw)
