"""The edge: the Typer app, rich reports, exports, plots, the live dashboard, progress."""
