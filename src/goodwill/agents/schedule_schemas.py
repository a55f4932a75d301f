"""API shapes for business hours: weekly intervals as 'HH:MM' wall-clock times, and holidays."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from goodwill.agents.business_hours import format_minute, parse_minute
from goodwill.agents.schemas import Name


def _is_clock_time(text: str) -> str:
    parse_minute(text)
    return text


ClockTime = Annotated[
    str,
    Field(max_length=5, examples=["09:00"], description="local wall-clock time, 00:00 to 24:00"),
    AfterValidator(_is_clock_time),
]


class WorkingInterval(BaseModel):
    """Working time on one weekday, [start, end) in the schedule's timezone."""

    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    start: ClockTime
    end: ClockTime = Field(examples=["17:30"])

    @property
    def start_minute(self) -> int:
        return parse_minute(self.start)

    @property
    def end_minute(self) -> int:
        return parse_minute(self.end)

    @classmethod
    def from_minutes(cls, weekday: int, start_minute: int, end_minute: int) -> "WorkingInterval":
        start, end = format_minute(start_minute), format_minute(end_minute)
        return cls(weekday=weekday, start=start, end=end)


class HolidayDay(BaseModel):
    """A day without working time, in the schedule's timezone."""

    model_config = ConfigDict(extra="forbid")

    day: date
    name: str = Field(default="", max_length=120, examples=["Christmas Day"])


class BusinessHoursIn(BaseModel):
    """A whole schedule: POST creates one, PUT replaces every field of an existing one."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    timezone: str = Field(
        min_length=1, max_length=64, description="an IANA time zone", examples=["Europe/London"]
    )
    intervals: list[WorkingInterval] = Field(
        min_length=1,
        max_length=200,
        description="weekly working intervals; on one weekday they must not overlap",
    )
    holidays: list[HolidayDay] = Field(default_factory=list, max_length=1000)

    @field_validator("holidays")
    @classmethod
    def _one_entry_per_day(cls, holidays: list[HolidayDay]) -> list[HolidayDay]:
        seen: set[date] = set()
        for holiday in holidays:
            if holiday.day in seen:
                raise ValueError(f"{holiday.day.isoformat()} is listed twice; list each day once")
            seen.add(holiday.day)
        return holidays


class BusinessHoursOut(BaseModel):
    id: int
    name: str
    timezone: str
    intervals: list[WorkingInterval] = Field(description="sorted by weekday, then start")
    holidays: list[HolidayDay] = Field(description="sorted by day")
    created_at: datetime
