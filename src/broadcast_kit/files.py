"""Writing files so that readers never see half of one: write a temp file beside the target,
then `os.replace` it into place (atomic on the same file system)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# the mode open() gives a new file: mkstemp's 0600 would hide a published page or feed from
# the web server's user (read once, as reading the umask means setting it)
NEW_FILE_MODE = 0o666 & ~_umask()


def blocking_file(folder: Path) -> Path | None:
    """The file that stops `folder` from being (or becoming) a folder: `folder` itself or
    the nearest of its parents that exists, when that is not a folder; None otherwise."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def stream(path: Path) -> bool:
    """True when `path` is a device or a named pipe (/dev/null, /dev/stdout, a FIFO): written
    into, never replaced (os.replace would put a file where the device was, even /dev/null
    when run as root); raises IsADirectoryError for a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    return not stat.S_ISREG(mode)


@contextmanager
def atomic_open(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temp file next to `path`; it replaces `path` when the block ends without an
    error and is removed when it does not. A device or named pipe (`stream`) is written
    into instead; a folder raises IsADirectoryError. Creating the folder may raise OSError."""
    encoding = None if "b" in mode else "utf-8"
    if stream(path):
        with open(path, mode, encoding=encoding) as handle:
            yield handle
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, mode, encoding=encoding) as handle:
            yield handle
        os.chmod(temp, NEW_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def sha256(path: Path) -> str:
    """The hex sha256 of the file at `path`, read in chunks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
