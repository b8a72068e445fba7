"""``engine.kept``: values kept between days, least recently used out first, within a budget of customers."""

from __future__ import annotations

from theater_sim.engine.kept import Kept


def test_the_least_recently_used_go_first_once_past_the_budget() -> None:
    kept: Kept[str] = Kept(budget=10)
    kept.put("a", "A", 4)
    kept.put("b", "B", 4)
    assert kept.get("a") == "A"  # a is now the most recently used
    kept.put("c", "C", 4)  # 12 > 10: b goes
    assert kept.get("b") is None
    assert (kept.get("a"), kept.get("c")) == ("A", "C")
    assert kept.customers == 8


def test_a_value_larger_than_the_budget_is_not_kept() -> None:
    """A day of ten million customers is not kept (its memory would stay
    through the next day's), and what was kept stays."""
    kept: Kept[str] = Kept(budget=10)
    kept.put("small", "S", 2)
    kept.put("huge", "H", 1_000)
    assert kept.get("huge") is None
    assert kept.get("small") == "S"
    kept.put("small", "S2", 3)  # put again: its old size is given back
    assert kept.customers == 3
    kept.clear()
    assert (len(kept), kept.customers) == (0, 0)


def test_everything_kept_can_be_forgotten() -> None:
    from theater_sim.engine.kept import forget_everything

    first: Kept[str] = Kept()
    second: Kept[int] = Kept()
    first.put("a", "A", 1)
    second.put("b", 2, 1)
    forget_everything()
    assert (first.get("a"), second.get("b"), first.customers) == (None, None, 0)
