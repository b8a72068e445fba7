"""The ``theater-sim`` command line: parse, call the domain once, render once.

The commands live in ``cli_day`` (run, watch, validate, scenarios, schema)
and ``cli_plans`` (sweep, staff); what they share (the app, options, loading,
checks and error handling) in ``cli_common``. They are registered here, in
the order ``--help`` lists them.
"""

from __future__ import annotations

from theater_sim.views import cli_day, cli_plans
from theater_sim.views.cli_common import app

__all__ = ["app", "main"]

for command in (
    cli_day.run,
    cli_plans.sweep,
    cli_plans.staff,
    cli_day.watch,
    cli_day.validate,
    cli_day.scenarios,
    cli_day.schema,
):
    app.command()(command)


def main() -> None:
    """Entry point of the ``theater-sim`` console script."""
    app()
