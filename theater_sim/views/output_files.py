"""Files the command line writes: checked before any work, written whole.

Every output path is checked before the simulation starts (a missing folder,
an existing file without ``--force``, two outputs into one file), so a long
run never ends in "cannot write". A write that fails anyway (a full disk) is
a failed run, not bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from theater_sim.model.errors import RunError, ScenarioError

__all__ = ["FIGURE_SUFFIXES", "check_distinct", "check_writable", "figure_path", "write_chunks"]


FIGURE_SUFFIXES = {".png", ".svg", ".pdf", ".jpg", ".jpeg"}


def figure_path(path: Path | None) -> Path | None:
    """The file a figure really goes to: a name without a suffix gets ``.png``."""
    if path is None or not str(path).strip() or str(path) == "-":
        if path is not None:
            raise ScenarioError(f"--plot {str(path)!r}: give a file name such as day.png")
        return None
    if not path.suffix:
        return path.with_suffix(".png")
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise ScenarioError(f"--plot {path}: write a figure as one of {', '.join(sorted(FIGURE_SUFFIXES))}")
    return path


def check_distinct(outputs: dict[str, Path | None]) -> None:
    """Refuse two outputs into one file (the second would silently replace the first)."""
    seen: dict[Path, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        key = path.resolve()
        if key in seen:
            raise ScenarioError(f"{option} {path}: is also the {seen[key]} file; give each output its own file")
        seen[key] = option


def check_writable(option: str, path: Path | None, force: bool) -> None:
    """Refuse, before any work, to overwrite a file or write into a missing folder."""
    if path is None:
        return
    if not str(path).strip() or path.is_dir():
        raise ScenarioError(f"{option} {str(path)!r}: give a file name")
    if path.exists() and not force:
        raise ScenarioError(f"{option} {path}: already exists; add --force to overwrite it")
    if not path.parent.is_dir():
        raise ScenarioError(f"{option} {path}: the folder {path.parent} does not exist")
    try:  # find out now, not after the work, that the file cannot be written
        if path.exists():
            with path.open("a"):
                pass
        else:
            with path.open("x"):
                pass
            path.unlink()
    except OSError as error:
        raise ScenarioError(f"{option} {path}: cannot be written ({error.strerror or error})") from None


def write_chunks(path: Path, chunks: Iterable[str]) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as error:  # the input was fine; the disk or the file system failed
        raise RunError(f"{path}: cannot be written ({error.strerror or error})") from None
