"""The notes beside the verdict: numbers printed so they say what the words say."""

from __future__ import annotations

import pytest

from theater_sim.views.verdict_notes import _told_apart


@pytest.mark.parametrize(
    ("waits", "shown"),
    [
        # "waited longer (p95 2.74 min against 2.74)" was printed of these (a trial).
        ((2.7445, 2.7441), ("2.7445", "2.7441")),
        ((9.78, 3.33), ("9.78", "3.33")),
        ((2.0, 2.0), ("2.00", "2.00")),
        ((0.304, 0.296), ("0.304", "0.296")),
    ],
)
def test_two_waits_are_printed_with_enough_decimals_to_tell_them_apart(
    waits: tuple[float, float], shown: tuple[str, str]
) -> None:
    assert _told_apart(*waits) == shown
