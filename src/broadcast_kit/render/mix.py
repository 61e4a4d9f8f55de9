"""Mix placed audio into one buffer (no file I/O).

Every item of the timeline is added into a float32 (frames, channels) buffer at its start:
speech as it is, music with its level, fades, looping and a ducking envelope built from the
speech spans the timeline gave it. Ramps are raised-cosine in dB, so there are no clicks.
Summing floats keeps headroom: mastering brings the level down, nothing clips here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from broadcast_kit.model import MusicPart
from broadcast_kit.render.timeline import Placed, Timeline

Fetch = Callable[[Placed], np.ndarray]  # the (frames, channels) audio of a placed item
DECLICK_MS = 10  # every piece of music and every recording fades in and out at least this


def ms_to_frames(ms: float, rate: int) -> int:
    return round(ms * rate / 1000)


def ramp(n: int) -> np.ndarray:
    """0 -> 1 raised-cosine ramp of n samples."""
    if n <= 0:
        return np.ones(0, dtype=np.float32)
    return (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)


def duck_depth(
    length: int,
    rate: int,
    offset: int,
    spans: tuple[tuple[int, int], ...],
    attack: float,
    release: float,
) -> np.ndarray:
    """How far (0..1) music starting at ms `offset` is ducked at each of its `length` frames:
    full during each speech span, ramping down over `attack` ms before and up over `release`
    ms after it."""
    depth = np.zeros(length, dtype=np.float32)
    a = ms_to_frames(attack, rate)
    r = ms_to_frames(release, rate)
    for start_ms, end_ms in spans:
        s = ms_to_frames(start_ms - offset, rate)
        e = ms_to_frames(end_ms - offset, rate)
        shape = np.concatenate([ramp(a), np.ones(max(0, e - s), np.float32), ramp(r)[::-1]])
        lo = s - a
        clip_lo, clip_hi = max(lo, 0), min(lo + len(shape), length)
        if clip_hi > clip_lo:
            np.maximum(
                depth[clip_lo:clip_hi],
                shape[clip_lo - lo : clip_hi - lo],
                out=depth[clip_lo:clip_hi],
            )
    return depth


def shape_music(audio: np.ndarray, item: Placed, part: MusicPart, rate: int) -> np.ndarray:
    """Loop or cut music to its placed length, then apply level, ducking and fades."""
    length = ms_to_frames(item.end - item.start, rate)
    if item.loop and len(audio) < length:
        audio = loop(audio, length, rate)
    audio = audio[:length]
    n = len(audio)
    depth = duck_depth(n, rate, item.start, item.ducks, part.attack, part.release)
    gain_db = part.level + part.duck * depth
    gain = np.power(10.0, gain_db / 20.0, dtype=np.float32)
    fade_in = min(ms_to_frames(max(item.fade_in, DECLICK_MS), rate), n)
    fade_out = min(ms_to_frames(max(item.fade_out, DECLICK_MS), rate), n)
    if fade_in:
        gain[:fade_in] *= ramp(fade_in)
    if fade_out:
        gain[n - fade_out :] *= ramp(fade_out)[::-1]
    return audio * gain[:, None]


def declick(audio: np.ndarray, rate: int) -> np.ndarray:
    """The audio with DECLICK_MS ramps at both ends, so a cut never steps."""
    n = min(ms_to_frames(DECLICK_MS, rate), len(audio) // 2)
    gain = np.ones(len(audio), dtype=np.float32)
    gain[:n] = ramp(n)
    gain[len(audio) - n :] = ramp(n)[::-1]
    return audio * gain[:, None]


def loop(audio: np.ndarray, length: int, rate: int, seam_ms: int = 200) -> np.ndarray:
    """Repeat `audio` to `length` frames, crossfading each seam so the loop does not click."""
    seam = min(ms_to_frames(seam_ms, rate), len(audio) // 4)
    pieces = [audio]
    total = len(audio)
    fade = ramp(seam)[:, None]
    while total < length:
        head = pieces[-1]
        joined_tail = head[len(head) - seam :] * (1 - fade) + audio[:seam] * fade
        pieces[-1] = head[: len(head) - seam]
        pieces += [joined_tail, audio[seam:]]
        total += len(audio) - seam
    return np.concatenate(pieces)[:length]


def mix(
    timeline: Timeline,
    fetch: Fetch,
    parts: list[object],
    rate: int,
    channels: int,
) -> np.ndarray:
    total = ms_to_frames(timeline.duration, rate)
    buffer = np.zeros((total, channels), dtype=np.float32)
    for item in timeline.items:
        audio = fetch(item)
        part = parts[item.part]
        if isinstance(part, MusicPart):
            audio = shape_music(audio, item, part, rate)
        elif item.file is not None:  # a recorded clip, maybe cut mid-word by its trims
            audio = declick(audio, rate)
        start = ms_to_frames(item.start, rate)
        end = min(start + len(audio), total)
        buffer[start:end] += audio[: end - start]
    return buffer
