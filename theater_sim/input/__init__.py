"""From files to a checked Scenario: safe YAML, size limits, traces."""
