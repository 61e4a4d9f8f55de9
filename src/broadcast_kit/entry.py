"""The `kit` program's entry point: Ctrl-C at any moment ends it with exit 130 and one line.

Importing the command-line interface takes a moment; a Ctrl-C meanwhile would print a
KeyboardInterrupt traceback (or be swallowed by the import system and ignored), before the
error boundary of `cli/` exists. So SIGINT is only noted while the CLI loads, and acted on
once it has: the same `error:` line and exit code as an interruption inside a command (a
command's own modules are imported inside that boundary).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130


def main() -> None:
    interrupted = False

    def note(_signum: int, _frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True

    # kit uses no pydantic plugins: looking for them reads every installed package's entry
    # points when the first model is built (2% of `kit check`'s start-up)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    previous = signal.signal(signal.SIGINT, note)
    try:
        from broadcast_kit.cli import main as kit

        signal.signal(signal.SIGINT, previous)
        if interrupted:
            raise KeyboardInterrupt
        try:
            kit()
        except SystemExit as exc:
            # typer ends a Ctrl-C that lands while it parses the command line (before the
            # command's boundary is entered) as a silent exit 130: say it like the rest
            if exc.code == INTERRUPTED and _after_keyboard_interrupt(exc):
                sys.stderr.write("error: interrupted; nothing was written\n")
            raise
    except KeyboardInterrupt:  # before or after a command's own boundary handles it
        sys.stderr.write("error: interrupted; nothing was written\n")
        raise SystemExit(INTERRUPTED) from None


def _after_keyboard_interrupt(exc: BaseException) -> bool:
    """Whether `exc` was raised while handling a KeyboardInterrupt that nobody reported: the
    boundary's own exit after reporting one is raised `from None`, which ends the chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    return False
