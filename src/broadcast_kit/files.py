"""Writing files so that readers never see half of one: write a temp file beside the target,
then `os.replace` it into place (atomic on the same file system)."""

from __future__ import annotations

import hashlib
import os
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


@contextmanager
def atomic_open(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temp file next to `path`; it replaces `path` when the block ends without an
    error and is removed when it does not. Creating the folder may raise OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
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
