"""pydub's AudioSegment, imported quietly, and conversions to the mixer's sample arrays.

pydub warns at import time when no ffmpeg is on PATH, although broadcast-kit never lets it
look there (it decodes and encodes through `ffmpeg.py`). Engines hand over AudioSegments;
the mixer works on float32 arrays shaped (frames, channels) for headroom and speed.
"""

from __future__ import annotations

import threading
import warnings
from functools import cache
from math import gcd
from types import ModuleType

import numpy as np

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    # Python 3.11/3.12 deprecate the audioop module pydub uses (audioop-lts replaces it on 3.13)
    warnings.filterwarnings(
        "ignore", message="'audioop' is deprecated", category=DeprecationWarning
    )
    from pydub import AudioSegment

__all__ = ["AudioSegment", "load_scipy", "resample", "to_array"]

_SCIPY = threading.Lock()


def load_scipy() -> ModuleType:
    """scipy, with its signal and ndimage imported: the one way kit gets scipy (no other
    module imports it; tests/test_imports.py checks). Two threads importing scipy at once
    (a render's preload thread and a batch job resampling music) can see it partly
    initialized (`KeyError: 'scipy'`, `cannot import name 'PytestTester'`), so the import
    runs under one lock. Once imported it costs a lock and two dictionary look-ups."""
    with _SCIPY:
        import scipy.ndimage
        import scipy.signal

        loaded: ModuleType = scipy
    return loaded


def to_array(segment: AudioSegment) -> np.ndarray:
    """AudioSegment -> float32 (frames, channels) in [-1, 1]."""
    width = segment.sample_width
    if width == 1:
        raw = np.frombuffer(segment.raw_data, dtype=np.uint8).astype(np.float32) - 128
        scale = 128.0
    else:
        raw = np.frombuffer(segment.raw_data, dtype={2: "<i2", 4: "<i4"}[width]).astype(np.float32)
        scale = float(2 ** (8 * width - 1))
    data: np.ndarray = raw / np.float32(scale)
    return data.reshape(-1, segment.channels)


@cache
def _taps(up: int, down: int) -> np.ndarray:
    """resample_poly's own anti-aliasing filter for up/down, designed once."""
    rate = max(up, down)
    taps: np.ndarray = load_scipy().signal.firwin(20 * rate + 1, 1 / rate, window=("kaiser", 5.0))
    return taps


def resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    """Polyphase resampling (band-limited, unlike pydub's linear `set_frame_rate`)."""
    if source == target:
        return samples
    # scipy.signal takes 0.8 s to import: only when used
    resample_poly = load_scipy().signal.resample_poly
    g = gcd(source, target)
    up, down = target // g, source // g
    out: np.ndarray = resample_poly(samples, up, down, axis=0, window=_taps(up, down))
    return out.astype(np.float32)
