"""China's working-day calendar: public holidays move (春节) and 调休 makes some weekend days working days.

The ``holidays`` package computes each year's schedule as the State Council publishes it; it is imported on
first use, so reading the domain (or the settings) does not pay for it.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any


@functools.lru_cache(maxsize=8)
def china_holidays(year: int) -> Any:
    """The holidays package's calendar of China around ``year`` (a ``holidays.HolidayBase``)."""
    import holidays

    return holidays.China(years=range(year - 1, year + 2))


def is_working_day(day: date) -> bool:
    """Monday–Friday except public holidays, plus the weekend days worked in exchange (调休)."""
    return bool(china_holidays(day.year).is_working_day(day))


def working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_after(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
