"""Reading a file a user named, without surprises.

Only regular files (a pipe or a device could block or never end), at most a
given size, and UTF-8 text (a byte-order mark is tolerated). Every problem is
a ``ScenarioError`` that starts with ``where``.
"""

from __future__ import annotations

from pathlib import Path

from theater_sim.model.errors import ScenarioError

__all__ = ["read_user_text"]


def read_user_text(path: Path, limit_bytes: int, kind: str, where: str) -> str:
    """The text of ``path``.

    Args:
        path: The file.
        limit_bytes: Refuse anything larger.
        kind: What the file should be, for messages ("scenario", "trace").
        where: How messages start (the file, or the key that named it).

    Raises:
        ScenarioError: a directory, a non-regular file, unreadable, too large or not UTF-8.
    """
    try:
        if path.is_dir():
            raise ScenarioError(f"{where}: is a directory, not a {kind} file")
        if path.exists() and not path.is_file():
            raise ScenarioError(f"{where}: is not a regular file (a pipe or device cannot hold a {kind})")
        with path.open("rb") as handle:
            data = handle.read(limit_bytes + 1)
    except OSError as error:
        raise ScenarioError(f"{where}: cannot be read ({error.strerror or error})") from None
    if len(data) > limit_bytes:
        raise ScenarioError(f"{where}: larger than the {limit_bytes:,}-byte limit for a {kind}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{where}: is not UTF-8 text") from None
