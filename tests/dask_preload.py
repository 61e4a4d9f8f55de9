"""Loaded by the test clusters' workers (`dask worker --preload tests/dask_preload.py`).

- BK_TEST_FORBIDDEN=PREFIX: an audit hook refuses (PermissionError) and logs to
  BK_TEST_VIOLATIONS every file this worker opens, lists or hands to a program under PREFIX:
  the producer's folders, which a worker with no shared folder must never touch.
- BK_TEST_VERSION=V: this worker says it runs broadcast-kit V.
- BK_TEST_FAKE_VERSION=V: this worker's fake engine says it is version V.
- BK_TEST_PAUSE=FILE: the first time this worker starts mastering an episode, it writes FILE
  and waits 60 s there (a test kills it meanwhile: a worker dying mid-episode).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

EVENTS = {"open", "os.listdir", "os.scandir", "subprocess.Popen", "os.chdir", "shutil.copyfile"}


def _forbid(prefix: str, log: str) -> None:
    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in EVENTS:
            return
        values = list(args[1]) if event == "subprocess.Popen" and args[1] else list(args[:1])
        for value in values:
            text = os.fsdecode(value) if isinstance(value, str | bytes | os.PathLike) else ""
            if prefix in text:
                with open(log, "a", encoding="utf-8") as fh:  # not under PREFIX
                    fh.write(f"{os.getpid()} {event} {text}\n")
                raise PermissionError(f"test cluster worker: {text} is the producer's")

    sys.addaudithook(hook)


def dask_setup(worker: Any) -> None:
    forbidden = os.environ.get("BK_TEST_FORBIDDEN")
    if forbidden:
        _forbid(forbidden, os.environ["BK_TEST_VIOLATIONS"])
    version = os.environ.get("BK_TEST_VERSION")
    if version:
        import broadcast_kit.cluster

        broadcast_kit.cluster.__version__ = version  # what its facts() report
    fake = os.environ.get("BK_TEST_FAKE_VERSION")
    if fake:
        from broadcast_kit.testing import FakeEngine

        FakeEngine.version = property(lambda self: fake)  # type: ignore[assignment,method-assign]
    pause = os.environ.get("BK_TEST_PAUSE")
    if pause:
        from broadcast_kit.render import master

        encode = master.encode

        def paused(*args: Any, **kwargs: Any) -> Any:
            marker = Path(pause)
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                time.sleep(60)
            return encode(*args, **kwargs)

        master.encode = paused  # type: ignore[assignment]
