"""Worker processes that stop quietly on Ctrl-C.

A terminal's Ctrl-C sends SIGINT to the whole process group: `kit` and every worker process
it started (batch renders, parallel synthesis). `kit` reports the interruption, stops its
pools and exits 130; a worker must only stop what it is doing. Python's default turns SIGINT
into KeyboardInterrupt wherever the worker is, and a worker that is starting up or waiting
for its next job prints that as a traceback. So a worker process starts with SIGINT blocked
(`starting`: the mask is inherited across fork and exec, and the signal waits rather than
being lost); its initializer calls `quiet_when_idle`, after which SIGINT raises
KeyboardInterrupt only inside a job (`job`), where it unwinds the work like it would in
`kit` itself (temp files removed, ffmpeg stopped) and goes back to the parent as the job's
exception; an idle worker notes it (so a job it is handed later stops at once) and ends
when the parent shuts its pool down.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

_busy = False  # in a worker process: a job is under way
_interrupted = False  # in a worker process: Ctrl-C came (every later job stops at once)


@contextmanager
def starting() -> Iterator[None]:
    """Around whatever may start a worker process (a pool's submit): SIGINT is blocked in
    this thread meanwhile, so the process starts with it blocked; in the main thread a
    Ctrl-C is also held back until the process has started, as KeyboardInterrupt halfway
    through would leave the new process waiting for the rest of its start-up data."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process groups, no SIGINT
        yield
        return
    held: list[Any] = []
    handler = None
    if threading.current_thread() is threading.main_thread() and not _ignored():
        handler = signal.signal(signal.SIGINT, lambda *args: held.append(args))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
            if held and callable(handler):
                handler(*held[0])  # Python's default raises KeyboardInterrupt now


def quiet_when_idle() -> None:
    """In a worker process's initializer: from now on SIGINT interrupts the job under way,
    and makes every later job stop at once, but never raises while the worker waits (one
    that arrived while the worker was starting is delivered now). A `kit` that ignores
    SIGINT (started in the background by a script, or by nohup) has workers that ignore it
    too: they inherit that through exec, and must not stop the work `kit` goes on with."""
    if not _ignored():
        signal.signal(signal.SIGINT, _interrupt)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def job() -> Iterator[None]:
    """Around a job's work in a worker process: Ctrl-C interrupts it (KeyboardInterrupt),
    also when it came before the job began (a job queued before the batch was stopped)."""
    global _busy
    _busy = True  # first: a Ctrl-C from here on raises, or is seen just below
    try:
        if _interrupted:
            raise KeyboardInterrupt
        yield
    finally:
        _busy = False


def _ignored() -> bool:
    """Whether this process ignores SIGINT: a shell starts a background job of a script
    that way, and a process it starts inherits it (a caught signal is reset by exec)."""
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    global _interrupted
    _interrupted = True
    if _busy:
        raise KeyboardInterrupt
