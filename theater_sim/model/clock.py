"""Clock times on the theater's wall, and minutes since the doors opened.

Scenarios speak in wall-clock times ("19:30"); the simulation counts minutes
from the opening. A clock time maps to the minutes after ``opens`` on the same
day or, for days that run past midnight, the next one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

__all__ = [
    "MINUTES_PER_DAY",
    "MINUTES_PER_HOUR",
    "ClockTime",
    "clock_label",
    "clock_label_to_the_second",
    "minutes_after_opening",
    "parse_clock_minutes",
]

MINUTES_PER_DAY = 1440
MINUTES_PER_HOUR = 60.0
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")


# Cached: a day's metrics and labels read the same few clocks a hundred times.
@lru_cache(maxsize=1024)
def parse_clock_minutes(text: str) -> float:
    """Minutes after midnight of ``HH:MM`` or ``HH:MM:SS`` (``8:30`` too; ``24:00`` is midnight at the end).

    Raises:
        ValueError: for anything else.
    """
    match = _CLOCK.match(text)
    if not match or (match.group(1) == "24" and text not in {"24:00", "24:00:00"}):
        raise ValueError(f"{text!r} is not a clock time like '19:30' or '19:30:15'")
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    return hours * 60 + minutes + seconds / 60


def _checked_clock(text: str) -> str:
    parse_clock_minutes(text)
    return text


#: The pattern lets editors check clock times through the JSON Schema too.
CLOCK_PATTERN = r"^(([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?|24:00(:00)?)$"
ClockTime = Annotated[str, StringConstraints(pattern=CLOCK_PATTERN), AfterValidator(_checked_clock)]


def minutes_after_opening(clock: str, opens: str, *, is_end: bool = False) -> float:
    """Minutes from ``opens`` to ``clock``, wrapping past midnight.

    With ``is_end``, a time equal to the opening means a full day later
    (the end of a 24-hour day), not the opening itself.
    """
    minutes = (parse_clock_minutes(clock) - parse_clock_minutes(opens)) % MINUTES_PER_DAY
    if is_end and minutes == 0:
        return float(MINUTES_PER_DAY)
    return minutes


@lru_cache(maxsize=4096)  # a day's data labels the same hours again and again
def clock_label(minute: float, opens: str) -> str:
    """The wall-clock ``HH:MM`` of ``minute`` after opening (wrapping past midnight)."""
    total = int(parse_clock_minutes(opens) + minute) % MINUTES_PER_DAY
    return f"{total // 60:02d}:{total % 60:02d}"


def clock_label_to_the_second(minute: float, opens: str) -> str:
    """``HH:MM``, or ``HH:MM:SS`` when ``minute`` after opening falls between whole
    minutes (a half-minute closure read "12:00-12:00"); wrapping past midnight."""
    second = round((parse_clock_minutes(opens) + minute) * 60) % (MINUTES_PER_DAY * 60)
    text = f"{second // 3600:02d}:{second // 60 % 60:02d}"
    return text if second % 60 == 0 else f"{text}:{second % 60:02d}"
