"""The scenario format and its parts: pydantic models, clock times, distributions. No I/O."""
