"""``python -m theater_sim`` runs the command line."""

from theater_sim.views.launch import main

main()
