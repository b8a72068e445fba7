"""The scenario format and its parts: pydantic models, clock times, distributions. No I/O.

Every model defers building its validator (``defer_build``) to its first use:
a run validates one ``Scenario``, whose validator covers all its parts, so
the parts' own validators are built only if something validates them alone.
"""
