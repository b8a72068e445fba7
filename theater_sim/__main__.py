"""``python -m theater_sim`` runs the command line."""

from theater_sim.views.cli import main

main()
