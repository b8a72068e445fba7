"""The manager's keys for ``watch --manage``: one key, one command, no Enter.

Hand-made on purpose: the whole interface is eight keys read while a rich
``Live`` view redraws, which the standard library's ``termios``/``tty`` and
asyncio's ``add_reader`` do in a few lines; a TUI framework (Textual) would
replace the rich dashboard that ``watch`` already shares with its plain
mode, and add a dependency, for no key this needs. The terminal is put in
cbreak mode (keys arrive one by one, Ctrl-C still interrupts) and always
restored, whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator

__all__ = ["KEYS", "LEGEND", "keys_to", "terminal_problem"]

#: Key -> command (``analysis.live.COMMANDS``).
KEYS = {
    "s": "selling+",
    "x": "selling-",
    "c": "collecting+",
    "v": "collecting-",
    " ": "pause",
    "+": "faster",
    "=": "faster",
    "-": "slower",
    "q": "quit",
}
LEGEND = "keys: s/x seller +/-  c/v collector +/-  space pause  +/- speed  q quit"


def terminal_problem() -> str | None:
    """Why keys cannot be read here (no terminal on stdin or stdout), or None."""
    # A stream closed before the start (``<&-``) is None, not a file.
    if not (sys.stdin is not None and sys.stdin.isatty() and sys.stdout is not None and sys.stdout.isatty()):
        return "--manage needs a terminal to read keys from and draw on (stdin and stdout are not both one)"
    return None


#: Signals that end a managed day as q does.
_ENDINGS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


@contextlib.contextmanager
def keys_to(queue: asyncio.Queue[str]) -> Iterator[None]:
    """Send the commands of keys pressed on stdin to ``queue`` while inside; the
    terminal's settings are restored on the way out, even on an error."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    loop = asyncio.get_running_loop()

    def read_key() -> None:
        key = os.read(fd, 1).decode("utf-8", "replace")
        command = KEYS.get(key)
        if command is not None:
            queue.put_nowait(command)

    # asyncio's remove_signal_handler leaves a signal at its default (a SIGTERM
    # after the day would then kill the command silently): the handlers before are put back.
    before = {handled: signal.getsignal(handled) for handled in (*_ENDINGS, signal.SIGCONT)}
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # keys pressed while starting are kept, not flushed
        loop.add_reader(fd, read_key)
        # kill or timeout (SIGTERM), a closed terminal window (SIGHUP) and Ctrl-\ (SIGQUIT) end
        # the day like q: the terminal is restored, --record written.
        for ending in _ENDINGS:
            loop.add_signal_handler(ending, queue.put_nowait, f"signal:{int(ending)}")
        # Back from Ctrl-Z (fg): the shell gave the terminal back in line mode; keys one by one again.
        loop.add_signal_handler(signal.SIGCONT, tty.setcbreak, fd, termios.TCSANOW)
        yield
    finally:
        for handled, handler in before.items():
            loop.remove_signal_handler(handled)
            if handler is not None:  # None: set outside Python, left as asyncio leaves it
                signal.signal(handled, handler)
        loop.remove_reader(fd)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
