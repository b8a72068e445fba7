"""The SimPy day: a Scenario's customers drawn from named streams, both sides' counters, records."""
