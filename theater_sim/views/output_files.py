"""Files the command line writes: checked before any work, written whole.

Every output path is checked before the simulation starts (a missing folder,
an existing file without ``--force``, two outputs into one file, a pipe or a
device), so a long run never ends in "cannot write" and never hangs on a
FIFO. Every file is written to a temporary file beside it and moved into
place only when complete, so an interrupted write never leaves a file that
looks finished. A write that fails anyway (a full disk) is a failed run, not
bad input.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from theater_sim.model.errors import RunError, ScenarioError
from theater_sim.model.errors import shorten as cut

__all__ = [
    "FIGURE_SUFFIXES",
    "check_distinct",
    "check_writable",
    "figure_path",
    "write_atomically",
    "write_chunks",
]


FIGURE_SUFFIXES = {".png", ".svg", ".pdf", ".jpg", ".jpeg"}


def figure_path(path: Path | None) -> Path | None:
    """The file a figure really goes to: a name without a suffix gets ``.png``."""
    if path is None or str(path).strip() in {"", ".", "-"} or not path.name:
        if path is not None:
            raise ScenarioError(f"--plot {str(path)!r}: give a file name such as day.png")
        return None
    if not path.suffix:
        return path.with_suffix(".png")
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise ScenarioError(f"--plot {path}: write a figure as one of {', '.join(sorted(FIGURE_SUFFIXES))}")
    return path


def check_distinct(outputs: dict[str, Path | None]) -> None:
    """Refuse two outputs into one file (the second would silently replace the first).

    A results store (``--store``) also owns SQLite's files beside it
    (``-wal``, ``-shm``, ``-journal``), which SQLite deletes when it closes.
    """
    seen: dict[Path, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        try:
            keys = [path.resolve()]
        except OSError as error:  # e.g. a name too long for the filesystem
            raise ScenarioError(f"{option} {cut(str(path))}: cannot be used ({error.strerror})") from None
        if option == "--store":
            keys += [Path(f"{keys[0]}{suffix}") for suffix in ("-wal", "-shm", "-journal")]
        for key in keys:
            if key in seen:
                first, second = (seen[key], option) if seen[key] != "--store" else (option, "--store")
                beside = " (or one SQLite keeps beside it)" if "--store" in (first, second) else ""
                raise ScenarioError(
                    f"{first} {cut(str(path if second != '--store' else key))}: is also the {second} file"
                    f"{beside}; give each output its own file"
                )
            seen[key] = option


def check_not_inputs(outputs: Mapping[str, Path | None], inputs: Mapping[str, Path]) -> None:
    """Refuse an output that is one of the command's own input files, even with
    ``--force`` (``run day.yaml --csv day.yaml --force`` replaced the scenario
    with customers, a trial found; its trace likewise)."""
    read: dict[Path, str] = {}
    for what, source in inputs.items():
        try:
            read[source.resolve()] = what
        except OSError:
            continue
    for option, output in outputs.items():
        if output is None or str(output) == "-":
            continue
        try:
            found = read.get(output.resolve())
        except OSError:
            continue  # check_writable says why it cannot be used
        if found is not None:
            raise ScenarioError(
                f"{option} {cut(str(output))}: is the {found} this command reads; give the output its own file"
            )


def check_writable(option: str, path: Path | None, force: bool) -> None:
    """Refuse, before any work, an output that cannot be written whole.

    Refused: an empty name, a folder, a missing folder, an existing file
    without ``--force``, anything that is not a regular file (a FIFO would
    hang the run, a device would be written into), a link to a missing file,
    a name the file system refuses (too long) and a folder the user cannot
    write in (the file is written beside its target, then moved into place).
    """
    if path is None:
        return
    if str(path) == "-":  # run's CSVs may go to standard output; no other output does
        raise ScenarioError(f"{option} -: this output goes to a file, not standard output; give a file name")
    try:
        _check_target(option, path, force)
    except OSError as error:  # e.g. a name too long for the file system
        raise ScenarioError(f"{option} {cut(str(path))}: cannot be written ({error.strerror or error})") from None


def _check_target(option: str, path: Path, force: bool) -> None:
    shown = cut(str(path))
    if not str(path).strip() or path.is_dir():
        raise ScenarioError(f"{option} {shown!r}: give a file name")
    if path.is_symlink():
        # Writing through a link once overwrote /etc/passwd; replacing it once replaced /dev/stdout.
        dash = " (or - for standard output)" if option in {"--csv", "--hourly-csv"} else ""
        raise ScenarioError(f"{option} {shown}: is a link; give the file itself{dash}")
    if _in_system_folder(path):
        raise ScenarioError(f"{option} {shown}: is in a system folder ({path.resolve().parent}); give another place")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise ScenarioError(f"{option} {shown}: is not a regular file (a pipe, device or socket); give a file name")
    if path.exists() and not force:
        raise ScenarioError(f"{option} {shown}: already exists; add --force to overwrite it")
    if not path.parent.is_dir():
        raise ScenarioError(f"{option} {shown}: {_missing_folder(path.parent)}")
    # Find out now, not after the work, that the file cannot be written.
    with _temporary_beside(path):
        pass
    if path.exists():
        _check_replaceable(path)


def _missing_folder(folder: Path) -> str:
    """Why ``folder`` cannot hold a file: it does not exist, or a part of it is a file."""
    for part in (folder, *folder.parents):
        if part.exists() or part.is_symlink():
            if not part.is_dir():
                return f"{cut(str(part))} is a file, not a folder"
            break
    return f"the folder {cut(str(folder))} does not exist"


def _check_replaceable(path: Path) -> None:
    """Refuse an existing file that no one may replace: one marked immutable or
    append-only (``chattr +i``/``+a``), which even root cannot rename over.
    Opening it for writing (without truncating it) fails with EPERM then; a
    file merely without write permission (EACCES) can still be replaced."""
    try:
        os.close(os.open(path, os.O_WRONLY))
    except PermissionError as error:
        if error.errno == errno.EPERM:
            raise


_SYSTEM_FOLDERS = (Path("/dev"), Path("/proc"), Path("/sys"))


def _in_system_folder(path: Path) -> bool:
    folder = path.resolve().parent
    return any(folder == system or system in folder.parents for system in _SYSTEM_FOLDERS)


def write_chunks(path: Path, chunks: Iterable[str]) -> None:
    """Write ``path`` whole or not at all (see ``write_atomically``)."""

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)

    write_atomically(path, write)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Have ``write`` fill a temporary file beside ``path``, then move it into place.

    The move (``os.replace``) is atomic, so ``path`` is either its old self or
    the complete new file: a full disk, Ctrl-C or a failure halfway leaves the
    old file intact and no fragment under its name. (A SIGKILL can leave the
    hidden temporary file, ``.NAME.*.tmp``, never a half-written ``NAME``.)
    A link at ``path`` is replaced by the file, not written through.
    """
    try:
        with _temporary_beside(path) as temporary:
            write(temporary)
            _match_mode(temporary, path)
            temporary.replace(path)  # os.replace: atomic
    except OSError as error:  # the input was fine; the disk or the file system failed
        raise RunError(f"{path}: cannot be written ({error.strerror or error}); any earlier file is intact") from None


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A new, empty temporary file in ``path``'s folder (same file system), removed
    on the way out unless it was moved into place."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _match_mode(temporary: Path, path: Path) -> None:
    """The new file gets the old file's permissions, or the usual ones for a new file."""
    if path.exists() and not path.is_symlink():
        mode = stat.S_IMODE(path.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    temporary.chmod(mode)
