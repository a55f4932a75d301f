"""The demo business: support hours, teams, products and topics, SLA policies, channels. Pure."""

from dataclasses import dataclass
from datetime import date, timedelta

from goodwill.agents.business_hours import WorkingCalendar

BUSINESS_NAME = "Hearthware"
SIGNATURE = "Hearthware Customer Care"
CURRENCY = "GBP"

HOURS_NAME = "Support hours"
TIMEZONE = "Europe/London"
# Monday to Friday 09:00-12:30 and 13:30-17:30 local time, closed for lunch in between.
DAY_INTERVALS = ((9 * 60, 12 * 60 + 30), (13 * 60 + 30, 17 * 60 + 30))
WEEKLY_MINUTES = dict.fromkeys(range(5), DAY_INTERVALS)


@dataclass(frozen=True, slots=True)
class TeamSpec:
    name: str
    strategy: str  # manual | round_robin | least_loaded
    topics: tuple[str, ...]


TEAMS = (
    TeamSpec("Orders & Delivery", "round_robin", ("delivery",)),
    TeamSpec("Technical", "least_loaded", ("defect", "how_to")),
    TeamSpec("Billing", "manual", ("refund", "billing")),
)
TOPICS = ("delivery", "refund", "defect", "how_to", "billing")


def team_for_topic(topic: str) -> str:
    return next(team.name for team in TEAMS if topic in team.topics)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    slug: str
    name: str
    short: str  # how customers call it in a message
    price_cents: int
    share: float  # share of conversations outside the defect surge
    topics: tuple[tuple[str, float], ...]  # topic -> weight


_HARDWARE_TOPICS = (
    ("delivery", 0.32),
    ("how_to", 0.24),
    ("defect", 0.16),
    ("refund", 0.16),
    ("billing", 0.12),
)
PRODUCTS = (
    ProductSpec("ember-kettle", "Ember Smart Kettle", "kettle", 8999, 0.24, _HARDWARE_TOPICS),
    ProductSpec(
        "cascade-grinder", "Cascade Coffee Grinder", "grinder", 12900, 0.18, _HARDWARE_TOPICS
    ),
    ProductSpec("lumen-lamp", "Lumen Desk Lamp", "lamp", 5900, 0.15, _HARDWARE_TOPICS),
    ProductSpec(
        "nimbus-purifier", "Nimbus Air Purifier", "air purifier", 19900, 0.15, _HARDWARE_TOPICS
    ),
    ProductSpec(
        "orbit-vacuum", "Orbit Robot Vacuum", "robot vacuum", 34900, 0.16, _HARDWARE_TOPICS
    ),
    ProductSpec(
        "care-plan",
        "Hearthware Care Plan",
        "care plan",
        4800,
        0.12,
        (("billing", 0.55), ("how_to", 0.25), ("refund", 0.20)),
    ),
)

DEFECT_PRODUCT = "ember-kettle"
DEFECT_BATCH = "K-2209"
# The batch defect runs for six weeks, starting this many days after the start of the year of data.
DEFECT_START_DAY = 150
DEFECT_DAYS = 42
# During the defect window, this many extra conversations per normal one are about the defect.
DEFECT_SURGE = 0.6


@dataclass(frozen=True, slots=True)
class SlaSpec:
    name: str
    priority: str | None
    channel: str | None
    first_response: int  # business seconds
    next_response: int
    resolution: int
    position: int


_HOUR = 3600
_DAY = 7 * _HOUR + 30 * 60  # one business day: 7.5 working hours
SLA_POLICIES = (
    SlaSpec("Standard", None, None, 4 * _HOUR, 8 * _HOUR, 3 * _DAY, 40),
    SlaSpec("Low priority", "low", None, 8 * _HOUR, 16 * _HOUR, 5 * _DAY, 30),
    SlaSpec("High priority", "high", None, 2 * _HOUR, 4 * _HOUR, 2 * _DAY, 20),
    SlaSpec("Urgent", "urgent", None, _HOUR // 2, _HOUR, _DAY, 10),
    SlaSpec("Live chat", None, "chat", 120, 300, _DAY, 5),
)


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    name: str
    share: float  # of conversations over the year
    is_live: bool  # chat and phone only arrive while we are open
    agent_speed: float  # multiplies an agent's usual reply time
    customer_reply_median: int  # seconds a customer takes to answer us (wall clock)


CHANNELS = (
    ChannelSpec("email", 0.44, False, 1.0, 4 * _HOUR),
    ChannelSpec("chat", 0.20, True, 0.03, 60),
    ChannelSpec("web_form", 0.14, False, 1.1, 5 * _HOUR),
    ChannelSpec("phone", 0.10, True, 0.02, 3 * _HOUR),
    ChannelSpec("social", 0.07, False, 0.5, 90 * 60),
    ChannelSpec("sms", 0.05, False, 0.6, 40 * 60),
)
CHANNEL_BY_NAME = {channel.name: channel for channel in CHANNELS}

PRIORITIES = (("low", 0.14), ("normal", 0.63), ("high", 0.18), ("urgent", 0.05))
PRIORITY_SPEED = {"low": 1.3, "normal": 1.0, "high": 0.6, "urgent": 0.35}

# How often an agent's solution includes a promise to do something later, by topic.
PROMISE_RATE = {"delivery": 0.34, "refund": 0.30, "defect": 0.32, "how_to": 0.10, "billing": 0.20}

TAG_VIP = "vip"
TAG_DEFECT = "ember-leak"


def demo_calendar(first_year: int, last_year: int) -> WorkingCalendar:
    holidays = frozenset(
        day for year in range(first_year, last_year + 1) for day, _ in bank_holidays(year)
    )
    return WorkingCalendar(timezone=TIMEZONE, weekly_minutes=WEEKLY_MINUTES, holidays=holidays)


def bank_holidays(year: int) -> list[tuple[date, str]]:
    """England and Wales bank holidays, with weekend substitutes (coronation extras ignored)."""
    easter = _easter_sunday(year)
    fixed = [
        (_substitute(date(year, 1, 1)), "New Year's Day"),
        (easter - timedelta(days=2), "Good Friday"),
        (easter + timedelta(days=1), "Easter Monday"),
        (_first_monday(year, 5), "Early May bank holiday"),
        (_last_monday(year, 5), "Spring bank holiday"),
        (_last_monday(year, 8), "Summer bank holiday"),
    ]
    christmas = date(year, 12, 25)
    boxing = date(year, 12, 26)
    if christmas.weekday() >= 5:  # Christmas on a weekend: substitutes on Monday and Tuesday
        christmas = christmas + timedelta(days=7 - christmas.weekday())
        boxing = christmas + timedelta(days=1)
    elif boxing.weekday() >= 5:
        boxing = boxing + timedelta(days=7 - boxing.weekday())
    return [*fixed, (christmas, "Christmas Day"), (boxing, "Boxing Day")]


def _substitute(day: date) -> date:
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _easter_sunday(year: int) -> date:
    """The anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)
