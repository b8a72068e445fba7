"""The box office's seat book during a linked day.

Each sale books a party's seats for one showing, first come first served; a
showing never sells more tickets than it has seats, nor any once it started.
"""

from __future__ import annotations

__all__ = ["SeatBook"]


class SeatBook:
    """Seats left per showing, booked first come, first served.

    A buyer prefers one showing; if it has started or has too few seats left,
    they take the next later showing that fits, or leave without tickets.

    Args:
        starts_at_minute: Showing starts, in minutes after opening, ascending.
        seats: Seats per showing.
    """

    def __init__(self, starts_at_minute: list[float], seats: list[int]) -> None:
        self.starts_at_minute = starts_at_minute
        self.seats_left = list(seats)

    def book(self, preferred: int, party: int, now_minute: float) -> int:
        """Book ``party`` seats; returns the showing index, or -1 if none fits."""
        for showing in range(preferred, len(self.seats_left)):
            if self.starts_at_minute[showing] > now_minute and self.seats_left[showing] >= party:
                self.seats_left[showing] -= party
                return showing
        return -1
