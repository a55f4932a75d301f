"""When conversations arrive: daily and weekly rhythm, growth, Christmas, the defect. Pure."""

import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from goodwill.demo.catalog import CHANNELS, DEFECT_DAYS, DEFECT_START_DAY, DEFECT_SURGE
from goodwill.demo.worktime import BusinessClock

# Arrival k of n is placed by stratified inverse-CDF sampling over hourly weights, so times
# increase with k (ids follow time, as in a live system) and any batch can be drawn on its own.

HOUR = 3600
DAY = 86400
YEAR_DAYS = 365

# Relative volume of always-open channels (email, web form, social, SMS) by local hour.
_HOURLY = (
    0.15,
    0.1,
    0.08,
    0.07,
    0.08,
    0.15,
    0.35,
    0.7,
    1.1,
    1.4,
    1.5,
    1.4,
    1.3,
    1.35,
    1.4,
    1.35,
    1.2,
    1.0,
    0.9,
    0.95,
    1.0,
    0.9,
    0.6,
    0.3,
)
_WEEKDAY = (1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.55)
_LIVE_SHARE = sum(channel.share for channel in CHANNELS if channel.is_live)


class Arrival(NamedTuple):
    at: int
    is_live_hour: bool  # chat and phone are open: the conversation may be live
    is_defect_surge: bool  # one of the extra conversations about the defect


@dataclass(frozen=True, slots=True)
class DefectWindow:
    start: int
    end: int

    def contains(self, moment: int) -> bool:
        return self.start <= moment < self.end


def defect_window(year_start: int) -> DefectWindow:
    start = year_start + DEFECT_START_DAY * DAY
    return DefectWindow(start, start + DEFECT_DAYS * DAY)


class ArrivalCurve:
    """Hourly arrival weights over the year before `now`, split by kind of arrival."""

    def __init__(self, clock: BusinessClock, *, now: int) -> None:
        self.year_start = now - YEAR_DAYS * DAY
        self.window = defect_window(self.year_start)
        first_hour = self.year_start - self.year_start % HOUR
        open_hours_a_week = (
            sum(
                end - start
                for spans in clock.calendar.weekly_minutes.values()
                for start, end in spans
            )
            / 60
        )
        # Live channels carry their share of the year's volume, all of it in open hours.
        self._live_weight = (
            _LIVE_SHARE / (1 - _LIVE_SHARE) * sum(_HOURLY) * sum(_WEEKDAY) / open_hours_a_week
        )
        self._hours: list[int] = []
        self._cumulative: list[float] = []
        self._live: list[float] = []  # share of each hour's weight that is a live channel
        self._surge: list[float] = []  # share of each hour's weight that is the defect surge
        total = 0.0
        for hour in range(first_hour, now, HOUR):
            offline, live = self._weights(clock, hour)
            surge = DEFECT_SURGE * (offline + live) if self.window.contains(hour) else 0.0
            weight = offline + live + surge
            self._hours.append(hour)
            total += weight
            self._cumulative.append(total)
            self._live.append(live / weight if weight else 0.0)
            self._surge.append(surge / weight if weight else 0.0)
        self.total = total
        self.now = now

    def arrival(self, index: int, count: int, rng: random.Random) -> Arrival:
        """The `index`-th of `count` arrivals; increasing in `index`."""
        target = (index + rng.random()) / count * self.total
        hour = min(bisect_right(self._cumulative, target), len(self._hours) - 1)
        before = self._cumulative[hour - 1] if hour else 0.0
        weight = self._cumulative[hour] - before
        fraction = (target - before) / weight if weight else 0.0
        at = min(self.now - 1, max(self.year_start, self._hours[hour] + int(fraction * HOUR)))
        roll = rng.random()
        return Arrival(
            at=at,
            is_live_hour=roll < self._live[hour],
            is_defect_surge=self._live[hour] <= roll < self._live[hour] + self._surge[hour],
        )

    def _weights(self, clock: BusinessClock, hour: int) -> tuple[float, float]:
        local = clock.local(hour)
        day = (hour - self.year_start) / DAY
        trend = 0.8 + 0.4 * day / YEAR_DAYS  # the business grows over the year
        christmas = 1.0 + 0.35 * math.exp(-(((local.timetuple().tm_yday - 352) / 12) ** 2))
        scale = trend * christmas
        offline = _HOURLY[local.hour] * _WEEKDAY[local.weekday()] * scale
        open_fraction = clock.between(hour, hour + HOUR) / HOUR
        return offline, open_fraction * scale * self._live_weight
