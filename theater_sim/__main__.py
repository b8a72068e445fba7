"""``python -m theater_sim`` runs the command line."""

from theater_sim.cli import main

main()
