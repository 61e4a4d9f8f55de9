"""Music and recorded clips decoded to samples, remembered across the episodes one process
renders when it is asked to (a batch worker): a season's theme and beds are then decoded
once per worker rather than once per episode.

Entries are keyed by the file's content (sha256) with the rate, channels and trim asked
for, so an edited file is decoded again; the remembered samples are read-only arrays, and
their total is bounded (least recently used first out). A single render remembers nothing:
it would never ask again, and would only hold the samples longer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from broadcast_kit import ffmpeg
from broadcast_kit.errors import InputError
from broadcast_kit.fingerprint import FileHashes

if TYPE_CHECKING:
    import numpy as np

#: bytes of decoded samples a batch worker keeps: a few minutes of stereo music at 48 kHz
BATCH_LIMIT = 128 * 1024 * 1024

Key = tuple[str, int, int, float | None, float | None]

_limit = 0  # 0: remember nothing (a single render)
_kept: OrderedDict[Key, np.ndarray] = OrderedDict()
_bytes = 0
_lock = threading.Lock()  # a Dask worker may render several episodes at once, in threads
_hashes = FileHashes()  # each file read once per (path, size, mtime), not once per episode


def remember(limit: int = BATCH_LIMIT) -> None:
    """From now on keep up to `limit` bytes of decoded samples in this process (0: none)."""
    global _limit
    with _lock:
        _limit = max(0, limit)
        _trim()


def decode(
    path: Path, rate: int, channels: int, start: float | None = None, end: float | None = None
) -> np.ndarray:
    """`ffmpeg.decode(path, rate, channels, start, end)`, from memory when this process
    decoded the same bytes the same way before (the array is read-only)."""
    if not _limit:
        return ffmpeg.decode(path, rate, channels, start, end)
    try:
        digest = _hashes(path)
    except InputError:  # missing or unreadable: ffmpeg says so in its own words
        return ffmpeg.decode(path, rate, channels, start, end)
    key = (digest, rate, channels, start, end)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    samples = ffmpeg.decode(path, rate, channels, start, end)
    samples.flags.writeable = False  # shared by every episode that uses the file
    with _lock:
        if samples.nbytes <= _limit and key not in _kept:
            global _bytes
            _kept[key] = samples
            _bytes += samples.nbytes
            _trim()
    return samples


def _trim() -> None:
    """Drop the least recently used samples until the rest fit (the lock held)."""
    global _bytes
    while _kept and _bytes > _limit:
        _, dropped = _kept.popitem(last=False)
        _bytes -= dropped.nbytes
