"""From records to what a manager reads: metrics, counter time, box office, pressure, verdict."""
