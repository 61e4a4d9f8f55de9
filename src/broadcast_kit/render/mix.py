"""Mix placed audio block by block, straight from the timeline (no file I/O).

Any range of frames of the episode can be mixed on its own: every item of the timeline that
sounds in that range adds its share into a float32 (frames, channels) block, in timeline
order: speech as it is, recorded clips with their matching gain, music with its level,
fades, looping and a ducking envelope built from the speech spans the timeline gave it.
Every sample is computed from its position alone, so mixing block by block gives the same
bits as mixing the whole episode at once, and memory does not grow with the episode. Ramps
are raised-cosine in dB, so there are no clicks. Summing floats keeps headroom: mastering
brings the level down, nothing clips here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np

from broadcast_kit.render.timeline import Placed, Timeline

DECLICK_MS = 10  # every piece of music and every recording fades in and out at least this
LOOP_SEAM_MS = 200
BLOCK_SECONDS = 5  # how much is mixed at once: memory is a few blocks, whatever the length


class Audio(Protocol):
    """What the mixer reads an item's samples from: an array, or a view of one on disk."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: slice) -> np.ndarray: ...


Fetch = Callable[[Placed], Audio]  # the (frames, channels or 1) audio of a placed item


def ms_to_frames(ms: float, rate: int) -> int:
    return round(ms * rate / 1000)


def ramp_at(n: int, index: np.ndarray) -> np.ndarray:
    """Frames `index` of a 0 -> 1 raised-cosine ramp of n frames."""
    return (0.5 - 0.5 * np.cos(np.pi * (index + 0.5) / n)).astype(np.float32)


def duck_depth(
    length: int,
    rate: int,
    offset: int,
    spans: tuple[tuple[int, int], ...],
    attack: float,
    release: float,
    first: int = 0,
) -> np.ndarray:
    """How far (0..1) music starting at ms `offset` is ducked at its frames first..first+length:
    full during each speech span, ramping down over `attack` ms before and up over `release`
    ms after it."""
    depth = np.zeros(length, dtype=np.float32)
    a = ms_to_frames(attack, rate)
    r = ms_to_frames(release, rate)
    for start_ms, end_ms in spans:
        s = ms_to_frames(start_ms - offset, rate)
        e = ms_to_frames(end_ms - offset, rate)
        hold = max(0, e - s)
        lo = s - a  # where this span's shape begins, in the music's frames
        clip_lo, clip_hi = max(lo, first), min(lo + a + hold + r, first + length)
        if clip_hi <= clip_lo:
            continue
        i = np.arange(clip_lo - lo, clip_hi - lo)  # positions within the shape
        shape = np.ones(len(i), dtype=np.float32)
        down, up = i < a, i >= a + hold
        if a:
            shape[down] = ramp_at(a, i[down])
        if r:
            shape[up] = ramp_at(r, r - 1 - (i[up] - a - hold))
        view = depth[clip_lo - first : clip_hi - first]
        np.maximum(view, shape, out=view)
    return depth


def music_length(item: Placed, audio: Audio, rate: int) -> int:
    """Frames the music sounds for: its placed length, looped or cut to it."""
    length = ms_to_frames(item.end - item.start, rate)
    return length if item.loop and len(audio) < length else min(len(audio), length)


def looped(audio: Audio, length: int, rate: int, first: int, stop: int) -> np.ndarray:
    """Frames first..stop of `audio` repeated to `length` frames, each seam crossfaded over
    LOOP_SEAM_MS so the loop does not click (the same samples `loop` builds whole). Each
    repetition's stretch is copied as a slice; only the seams are computed."""
    size = len(audio)
    seam = min(ms_to_frames(LOOP_SEAM_MS, rate), size // 4)
    period = size - seam
    periods = 0 if length <= size else -(-(length - size) // period)
    pieces = []
    position = first
    while position < stop:
        k = min(position // period, periods)  # which repetition
        end = stop if k == periods else min(stop, (k + 1) * period)
        lo, hi = position - k * period, end - k * period
        piece: np.ndarray = np.array(audio[lo:hi])
        if k >= 1 and lo < seam:  # the crossfade from the previous repetition's tail
            joined = min(hi, seam)
            fade = ramp_at(seam, np.arange(lo, joined))[:, None]
            tail = np.asarray(audio[period + lo : period + joined])
            piece[: joined - lo] = tail * (1 - fade) + np.asarray(audio[lo:joined]) * fade
        pieces.append(piece)
        position = end
    if not pieces:
        return np.zeros((0, np.asarray(audio[0:1]).shape[1]), dtype=np.float32)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def loop(audio: np.ndarray, length: int, rate: int) -> np.ndarray:
    """Repeat `audio` to `length` frames, crossfading each seam so the loop does not click."""
    return looped(audio, length, rate, 0, length)


def shape_span(audio: Audio, item: Placed, rate: int, first: int, stop: int) -> np.ndarray:
    """Frames first..stop of a piece of music as it sounds: looped or cut, with its level,
    ducking and fades."""
    n = music_length(item, audio, rate)
    if item.loop and len(audio) < n:
        samples = looped(audio, n, rate, first, stop)
    else:
        samples = np.asarray(audio[first:stop])
    depth = duck_depth(
        stop - first, rate, item.start, item.ducks, item.attack, item.release, first=first
    )
    gain_db = item.level + item.duck * depth
    gain = np.power(10.0, gain_db / 20.0, dtype=np.float32)
    fade_in = min(ms_to_frames(max(item.fade_in, DECLICK_MS), rate), n)
    fade_out = min(ms_to_frames(max(item.fade_out, DECLICK_MS), rate), n)
    p = np.arange(first, stop)
    if fade_in and first < fade_in:
        head = p < fade_in
        gain[head] *= ramp_at(fade_in, p[head])
    if fade_out and stop > n - fade_out:
        tail = p >= n - fade_out
        gain[tail] *= ramp_at(fade_out, n - 1 - p[tail])
    shaped: np.ndarray = samples * gain[:, None]
    return shaped


def clip_span(audio: Audio, item: Placed, rate: int, first: int, stop: int) -> np.ndarray:
    """Frames first..stop of a recorded clip with its matching gain and DECLICK_MS ramps at
    both ends, so a cut never steps."""
    size = len(audio)
    samples = np.asarray(audio[first:stop]) * np.float32(10 ** (item.level / 20))
    n = min(ms_to_frames(DECLICK_MS, rate), size // 2)
    if n and (first < n or stop > size - n):
        gain = np.ones(stop - first, dtype=np.float32)
        p = np.arange(first, stop)
        head, tail = p < n, p >= size - n
        gain[head] = ramp_at(n, p[head])
        gain[tail] = ramp_at(n, size - 1 - p[tail])
        samples = samples * gain[:, None]
    return samples


class Mixer:
    """The episode's mix, any range of it on demand: `frames` long, `channels` wide."""

    def __init__(self, timeline: Timeline, fetch: Fetch, rate: int, channels: int) -> None:
        self.rate, self.channels = rate, channels
        self.frames = ms_to_frames(timeline.duration, rate)
        self.items = list(timeline.items)
        self.audio = [fetch(item) for item in self.items]
        # music is read at any position (loops, seams): each file once into memory
        music: dict[int, np.ndarray] = {}
        for n, item in enumerate(self.items):
            if not item.is_speech:
                audio = self.audio[n]
                if id(audio) not in music:
                    music[id(audio)] = np.asarray(audio[0 : len(audio)])
                self.audio[n] = music[id(audio)]
        self.starts = np.array([ms_to_frames(i.start, rate) for i in self.items], dtype=np.int64)
        lengths = [
            len(a) if i.is_speech else music_length(i, a, rate)
            for i, a in zip(self.items, self.audio, strict=True)
        ]
        self.ends = self.starts + np.array(lengths, dtype=np.int64)
        self.block = BLOCK_SECONDS * rate

    def range(self, start: int, stop: int) -> np.ndarray:
        """Frames start..stop of the mix (zeros outside the episode)."""
        out = np.zeros((max(0, stop - start), self.channels), dtype=np.float32)
        hi = min(stop, self.frames)
        for n in np.flatnonzero((self.starts < hi) & (self.ends > start)):
            item, audio = self.items[n], self.audio[n]
            s = int(self.starts[n])
            first, last = max(start, s) - s, min(hi, int(self.ends[n])) - s
            if not item.is_speech:
                part = shape_span(audio, item, self.rate, first, last)
            elif item.file is not None:
                part = clip_span(audio, item, self.rate, first, last)
            else:
                part = np.asarray(audio[first:last])
            out[s + first - start : s + last - start] += part  # mono speech fills every channel
        return out

    def blocks(self) -> Iterator[np.ndarray]:
        """The whole mix, in consecutive blocks of BLOCK_SECONDS."""
        for start in range(0, self.frames, self.block):
            yield self.range(start, min(start + self.block, self.frames))


def mix(timeline: Timeline, fetch: Fetch, rate: int, channels: int) -> np.ndarray:
    """The whole mix in one buffer (for short audio and tests; a render streams blocks)."""
    mixer = Mixer(timeline, fetch, rate, channels)
    return mixer.range(0, mixer.frames)
