"""Clock times: parsing, minutes after opening, and labels, including past midnight."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from theater_sim.model.clock import clock_label, minutes_after_opening, parse_clock_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("00:00", 0.0), ("08:30", 510.0), ("8:30", 510.0), ("19:30:15", 1170.25), ("23:59", 1439.0), ("24:00", 1440.0)],
)
def test_parse_clock_minutes(text: str, minutes: float) -> None:
    assert parse_clock_minutes(text) == minutes


@pytest.mark.parametrize("text", ["24:01", "24:00:01", "7:3", "19:60", "19:30:60", "noon", "", " 19:30", "19.30"])
def test_parse_clock_refuses_what_is_not_a_clock_time(text: str) -> None:
    with pytest.raises(ValueError, match="is not a clock time"):
        parse_clock_minutes(text)


@pytest.mark.parametrize(
    ("clock", "opens", "is_end", "minutes"),
    [
        ("10:00", "08:00", False, 120.0),
        ("01:00", "22:00", False, 180.0),  # past midnight
        ("08:00", "08:00", False, 0.0),  # the opening itself
        ("08:00", "08:00", True, 1440.0),  # the end of a 24-hour day
        ("24:00", "08:00", False, 960.0),
    ],
)
def test_minutes_after_opening(clock: str, opens: str, is_end: bool, minutes: float) -> None:
    assert minutes_after_opening(clock, opens, is_end=is_end) == minutes


@pytest.mark.parametrize(
    ("minute", "opens", "label"),
    [(0.0, "08:00", "08:00"), (90.5, "08:00", "09:30"), (960.0, "08:00", "00:00"), (150.0, "23:00", "01:30")],
)
def test_clock_label(minute: float, opens: str, label: str) -> None:
    assert clock_label(minute, opens) == label


@given(opens=st.integers(0, 1439), minute=st.integers(0, 1439))
def test_label_and_minutes_round_trip(opens: int, minute: int) -> None:
    """A whole minute after opening, labelled and read back, is the same minute."""
    opening = f"{opens // 60:02d}:{opens % 60:02d}"
    assert minutes_after_opening(clock_label(minute, opening), opening) == minute
