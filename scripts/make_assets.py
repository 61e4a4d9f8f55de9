"""Regenerate the committed demo assets in ``assets/``.

Everything is synthesised from code with fixed seeds, so running this script again gives
the same files (for a given numpy and ffmpeg build); nothing is downloaded:

* ``cover.jpg``  - 1400x1400 show artwork: gradient, broadcast arcs, dot-matrix lettering.
* ``theme.mp3``  - ~14 s intro/outro theme: pads, plucked arpeggio, e-piano melody.
* ``bed.mp3``    - 24 s seamlessly loopable music bed to play under speech (~-20 LUFS).
* ``sting.mp3``  - 3 s transition: a bright rising arpeggio over a chord swell.

The only dependencies are numpy and imageio-ffmpeg (whose bundled ffmpeg encodes the
JPEG and the MP3s and measures loudness).

Usage::

    python scripts/make_assets.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

SR = 44100
TWO_PI = 2.0 * np.pi
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "assets"

# --------------------------------------------------------------------------- pitch helpers

_NOTE_OFFSETS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def midi(name: str) -> int:
    """MIDI number of a note name such as ``"D4"``, ``"F#5"`` or ``"Bb3"``."""
    m = re.fullmatch(r"([A-G])([#b]?)(-?\d)", name)
    if m is None:
        raise ValueError(f"bad note name {name!r}")
    letter, accidental, octave = m.groups()
    shift = {"#": 1, "b": -1, "": 0}[accidental]
    return 12 * (int(octave) + 1) + _NOTE_OFFSETS[letter] + shift


def hz(name: str) -> float:
    """Equal-tempered frequency (A4 = 440 Hz) of a note name."""
    return float(440.0 * 2.0 ** ((midi(name) - 69) / 12))


def quantise(freq: float, period: float | None) -> float:
    """Round ``freq`` to a whole number of cycles per ``period`` so a loop repeats exactly."""
    if period is None:
        return freq
    return max(1.0, round(freq * period)) / period


# --------------------------------------------------------------------------- envelopes


def rise(n: int) -> Array:
    """A raised-cosine ramp 0 -> 1 over ``n`` samples (sin^2, sums to 1 with ``fall``)."""
    x = (np.arange(n) + 0.5) / max(n, 1)
    return np.sin(0.5 * np.pi * x) ** 2


def fall(n: int) -> Array:
    """A raised-cosine ramp 1 -> 0 over ``n`` samples."""
    return rise(n)[::-1].copy()


def pan(mono: Array, position: float) -> Array:
    """Equal-power pan of a mono signal; ``position`` runs from -1 (left) to 1 (right)."""
    angle = (position + 1.0) * np.pi / 4.0
    return np.stack([mono * np.cos(angle), mono * np.sin(angle)], axis=1)


# --------------------------------------------------------------------------- instruments

_PAD_PHASES = np.random.default_rng(7).uniform(0.0, TWO_PI, size=(2, 24))


def pad_note(
    freq: float,
    start: float,
    hold: float,
    attack: float,
    release: float,
    *,
    period: float | None = None,
    lfo_period: float = 12.0,
    brightness: float = 1.0,
    exp_release: bool = False,
) -> Array:
    """A soft two-voice additive pad note, stereo, to be mixed in at ``start`` seconds.

    Oscillator phases follow absolute time, so the same pitch in consecutive chords adds
    up coherently and a sin^2/cos^2 crossfade between them sounds like one held note.
    """
    n_hold = round(hold * SR)
    n_att = round(attack * SR)
    n_rel = round(release * SR)
    n = n_hold + n_rel
    i0 = round(start * SR)
    t = (i0 + np.arange(n)) / SR
    env = np.ones(n)
    env[:n_att] = rise(n_att)[: min(n_att, n)]
    if exp_release:
        x = np.arange(n_rel) / max(n_rel, 1)
        env[n_hold:] *= np.exp(-4.0 * x) * np.cos(0.5 * np.pi * x) ** 2
    else:
        env[n_hold:] *= fall(n_rel)
    out = np.zeros((n, 2))
    for voice, (cents, position) in enumerate(((-4.0, -0.55), (4.0, 0.55))):
        f0 = freq * 2.0 ** (cents / 1200.0)
        lfo = 0.5 + 0.5 * np.sin(TWO_PI * t / lfo_period + np.pi * voice)
        mono = np.zeros(n)
        for h in range(1, 24):
            fh = quantise(f0 * h, period)
            if fh > 6000.0:
                break
            amp = h**-1.7 * np.exp(-fh / (2200.0 * brightness))
            if h > 1:
                amp = amp * (0.65 + 0.35 * lfo)
            mono += amp * np.sin(TWO_PI * fh * t + _PAD_PHASES[voice, h])
        out += pan(mono * env, position)
    return out * 0.5


def bass_note(freq: float, start: float, hold: float, fade: float, period: float | None) -> Array:
    """A round sustained bass (sine plus a little second and third harmonic), centred."""
    n_hold, n_fade = round(hold * SR), round(fade * SR)
    n = n_hold + n_fade
    t = (round(start * SR) + np.arange(n)) / SR
    env = np.ones(n)
    env[:n_fade] = rise(n_fade)
    env[n_hold:] *= fall(n_fade)
    mono = np.zeros(n)
    for h, amp in ((1, 1.0), (2, 0.3), (3, 0.08)):
        mono += amp * np.sin(TWO_PI * quantise(freq * h, period) * t)
    return pan(mono * env, 0.0)


def pluck(
    freq: float,
    length: float,
    *,
    decay: float = 1.8,
    position: float = 0.22,
    brightness: float = 1.0,
    damp_at: float | None = None,
) -> Array:
    """A plucked-string tone (mono): additive partials, higher ones dying away faster.

    ``position`` is the pluck point along the string (it shapes the spectrum), ``damp_at``
    mutes the note with a short fade, as a player stopping the string would.
    """
    if damp_at is not None:
        length = min(length, damp_at + 0.08)
    n = round(length * SR)
    t = np.arange(n) / SR
    mono = np.zeros(n)
    base = decay * (freq / 262.0) ** 0.35
    total = 0.0
    for h in range(1, 30):
        fh = freq * h * np.sqrt(1.0 + 0.00015 * h * h)  # a touch of string stiffness
        if fh > 9000.0:
            break
        amp = abs(np.sin(np.pi * h * position)) / h**1.4 * np.exp(-fh / (4000.0 * brightness))
        total += amp
        mono += amp * np.exp(-t * base * (1.0 + 0.45 * (h - 1))) * np.sin(TWO_PI * fh * t)
    n_att = round(0.004 * SR)
    mono[:n_att] *= rise(n_att)
    if damp_at is not None:
        i = round(damp_at * SR)
        m = n - i
        if m > 0:
            mono[i:] *= fall(m)
    return mono / max(total, 1e-9)


def epiano(freq: float, length: float, *, decay: float = 1.1) -> Array:
    """A soft FM electric-piano tone (mono): a 1:1 FM pair plus a faint bell 'tine'."""
    n = round(length * SR)
    t = np.arange(n) / SR
    index = 1.8 * np.exp(-t * 4.0) + 0.3
    body = np.sin(TWO_PI * freq * t + index * np.sin(TWO_PI * freq * t))
    tine = 0.12 * np.exp(-t * 12.0) * np.sin(TWO_PI * freq * 7.0 * t)
    env = np.exp(-t * decay * (freq / 523.0) ** 0.3)
    n_att = round(0.006 * SR)
    env[:n_att] *= rise(n_att)
    n_rel = min(n, round(0.15 * SR))
    env[n - n_rel :] *= fall(n_rel)
    out: Array = (body + tine) * env
    return out


# --------------------------------------------------------------------------- mixing


class Track:
    """A stereo mix bus ``seconds`` long; sounds may ring past the end.

    ``mixdown(loop=True)`` wraps whatever rang past the end back onto the start, which is
    exactly what a listener hears when the file is played on repeat.
    """

    def __init__(self, seconds: float) -> None:
        self.length = round(seconds * SR)
        self.buf = np.zeros((self.length + 6 * SR, 2))

    def add(self, at: float, sound: Array, gain: float = 1.0) -> None:
        if sound.ndim == 1:
            sound = pan(sound, 0.0)
        i = max(0, round(at * SR))
        end = i + len(sound)
        if end > len(self.buf):
            grown = np.zeros((end, 2))
            grown[: len(self.buf)] = self.buf
            self.buf = grown
        self.buf[i:end] += gain * sound

    def mixdown(self, loop: bool = False) -> Array:
        out = self.buf[: self.length].copy()
        if loop:
            tail = self.buf[self.length :]
            for k in range(0, len(tail), self.length):
                seg = tail[k : k + self.length]
                out[: len(seg)] += seg
        return out


def impulse_response(seconds: float = 2.6, rt60: float = 1.9, seed: int = 11) -> Array:
    """A smooth stereo room: decorrelated noise, exponential decay, highs dying faster."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SR)
    t = np.arange(n) / SR
    noise = rng.standard_normal((n, 2))
    spec = np.fft.rfft(noise, axis=0)
    f = np.fft.rfftfreq(n, 1.0 / SR)[:, None]
    low_mask = 1.0 / (1.0 + (f / 2500.0) ** 2)
    low = np.fft.irfft(spec * low_mask, n, axis=0)
    high = np.fft.irfft(spec * (1.0 - low_mask) * 0.6, n, axis=0)
    decay_low = 10.0 ** (-3.0 * t / rt60)[:, None]
    decay_high = 10.0 ** (-3.0 * t / (0.45 * rt60))[:, None]
    ir = low * decay_low + high * decay_high
    onset = round(0.012 * SR)
    ir[:onset] *= rise(onset)[:, None]
    predelay = np.zeros((round(0.018 * SR), 2))
    ir = np.concatenate([predelay, ir])
    out: Array = ir / np.sqrt(np.sum(ir**2, axis=0, keepdims=True))
    return out


def reverb(x: Array, ir: Array, wet: float, *, circular: bool = False) -> Array:
    """Dry signal plus ``wet`` times its convolution with ``ir`` (per channel, via FFT).

    With ``circular=True`` the tail wraps around, keeping a loop seamless.
    """
    if circular:
        n = len(x)
        h = np.zeros_like(x)
        m = min(len(ir), n)
        h[:m] = ir[:m]
        y = np.fft.irfft(np.fft.rfft(x, axis=0) * np.fft.rfft(h, axis=0), n, axis=0)
        return x + wet * y
    n_fft = 1 << int(np.ceil(np.log2(len(x) + len(ir))))
    y = np.fft.irfft(np.fft.rfft(x, n_fft, axis=0) * np.fft.rfft(ir, n_fft, axis=0), n_fft, axis=0)
    return x + wet * y[: len(x)]


def fade(x: Array, fade_in: float, fade_out: float) -> Array:
    """Raised-cosine fade in/out at the ends of a stereo signal."""
    y = x.copy()
    n_in, n_out = round(fade_in * SR), round(fade_out * SR)
    if n_in:
        y[:n_in] *= rise(n_in)[:, None]
    if n_out:
        y[len(y) - n_out :] *= fall(n_out)[:, None]
    return y


# --------------------------------------------------------------------------- harmony

# name: (bass note, pad voicing, arpeggio notes low -> high)
CHORDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "D": ("D2", ("A3", "D4", "F#4"), ("D3", "A3", "D4", "F#4", "A4")),
    "Bm": ("B1", ("B3", "D4", "F#4"), ("B2", "F#3", "B3", "D4", "F#4")),
    "G": ("G2", ("B3", "D4", "G4"), ("G2", "D3", "G3", "B3", "D4")),
    "A": ("A2", ("A3", "C#4", "E4"), ("A2", "E3", "A3", "C#4", "E4")),
    "Dadd9": ("D2", ("A3", "D4", "E4", "F#4"), ("D3", "A3", "D4", "E4", "F#4")),
    "Bm7": ("B1", ("A3", "B3", "D4", "F#4"), ("B2", "F#3", "A3", "B3", "D4")),
    "Gadd9": ("G2", ("A3", "B3", "D4", "G4"), ("G2", "D3", "A3", "B3", "D4")),
    "Em7": ("E2", ("G3", "B3", "D4", "E4"), ("E3", "B3", "D4", "E4", "G4")),
}

ARP_ORDER = (0, 1, 2, 3, 4, 3, 2, 1)
ARP_ACCENT = (1.0, 0.72, 0.85, 0.72, 0.92, 0.72, 0.85, 0.72)


def arpeggio(
    track: Track,
    rng: np.random.Generator,
    chord: str,
    start: float,
    beat: float,
    gain: float,
    *,
    brightness: float = 1.0,
    decay: float = 1.8,
) -> None:
    """Eight plucked eighth notes rolling up and down the chord, slightly humanised."""
    notes = CHORDS[chord][2]
    for k, (idx, accent) in enumerate(zip(ARP_ORDER, ARP_ACCENT, strict=True)):
        name = notes[idx]
        at = start + k * beat / 2 + rng.normal(0.0, 0.004)
        vel = accent * (1.0 + rng.normal(0.0, 0.05))
        tone = pluck(hz(name), 2.5, decay=decay, brightness=brightness, damp_at=2.0)
        track.add(at, pan(tone, 0.5 * (idx - 2) / 2), gain * vel)


def chord_bed(
    track: Track,
    progression: Sequence[str],
    bar: float,
    xfade: float,
    *,
    period: float | None,
    pad_gain: float,
    bass_gain: float,
    brightness: float = 1.0,
    lfo_period: float = 12.0,
) -> None:
    """Pads and bass for one chord per bar, each crossfading into the next."""
    for i, chord in enumerate(progression):
        start = i * bar
        bass, voicing, _ = CHORDS[chord]
        for name in voicing:
            f = quantise(hz(name), period)
            note = pad_note(
                f,
                start,
                bar,
                xfade,
                xfade,
                period=period,
                lfo_period=lfo_period,
                brightness=brightness,
            )
            track.add(start, note, pad_gain)
        track.add(start, bass_note(hz(bass), start, bar, xfade, period), bass_gain)


# --------------------------------------------------------------------------- the pieces


def make_theme() -> Array:
    """About 14 s: D Bm G A | D, with a melody, ending on a ringing tonic chord."""
    rng = np.random.default_rng(2024)
    beat = 60.0 / 96.0
    bar = 4 * beat
    length = 14.0
    track = Track(length)
    progression = ("D", "Bm", "G", "A")
    chord_bed(track, progression, bar, 0.35, period=None, pad_gain=0.16, bass_gain=0.12)
    # final tonic: pads and bass held briefly, then a long natural decay
    end = len(progression) * bar
    bass, voicing, _ = CHORDS["D"]
    for name in (*voicing, "D5"):
        note = pad_note(hz(name), end, 0.6, 0.35, length - end - 0.6 + 0.5, exp_release=True)
        track.add(end, note, 0.16)
    track.add(end, bass_note(hz(bass), end, 0.4, 0.35, None), 0.12)
    # quiet tail for the bass: a decaying low D under the final chord
    low = pluck(hz("D2"), length - end, decay=0.7, brightness=0.4)
    track.add(end, low, 0.15)

    for i, chord in enumerate(progression):
        arpeggio(track, rng, chord, i * bar, beat, 0.16, brightness=1.5)
    # strum the final chord
    for k, name in enumerate(("D3", "A3", "D4", "F#4", "A4", "D5")):
        tone = pluck(hz(name), length - end, decay=0.9)
        track.add(end + 0.028 * k, pan(tone, -0.4 + 0.16 * k), 0.15)

    melody = (
        # (beat, length in beats, note)
        (0, 1, "A4"), (1, 1, "D5"), (2, 1, "F#5"), (3, 0.5, "E5"), (3.5, 0.5, "D5"),
        (4, 1.5, "F#5"), (5.5, 0.5, "E5"), (6, 1, "D5"), (7, 1, "B4"),
        (8, 1, "D5"), (9, 1, "G5"), (10, 1, "F#5"), (11, 0.5, "E5"), (11.5, 0.5, "D5"),
        (12, 1, "C#5"), (13, 1, "E5"), (14, 1, "A5"), (15, 0.5, "G5"), (15.5, 0.5, "E5"),
        (16, 6, "D5"),
    )  # fmt: skip
    for at_beat, beats, name in melody:
        at = at_beat * beat + rng.normal(0.0, 0.003)
        dur = min(beats * beat + 0.25, length - at)
        tone = epiano(hz(name), dur, decay=0.9 if beats > 2 else 1.3)
        vel = 1.0 if at_beat % 1 == 0 else 0.82
        track.add(at, pan(tone, 0.05), 0.26 * vel)

    mix = reverb(track.mixdown(), impulse_response(), 0.32)
    return fade(mix, 0.3, 0.4)


def make_bed() -> Array:
    """24 s loop at 80 bpm: pads, bass and a soft arpeggio; the last bar leads into the first."""
    rng = np.random.default_rng(77)
    beat = 60.0 / 80.0
    bar = 4 * beat
    progression = ("Dadd9", "Bm7", "Gadd9", "A", "Em7", "Gadd9", "A", "Dadd9")
    length = len(progression) * bar  # 24 s; every frequency repeats a whole number of times
    track = Track(length)
    chord_bed(
        track,
        progression,
        bar,
        0.9,
        period=length,
        pad_gain=0.2,
        bass_gain=0.12,
        brightness=0.8,
        lfo_period=length / 3,
    )
    for i, chord in enumerate(progression):
        arpeggio(track, rng, chord, i * bar, beat, 0.1, brightness=0.9, decay=2.2)
    mix = track.mixdown(loop=True)
    return reverb(mix, impulse_response(seed=12), 0.35, circular=True)


def make_sting() -> Array:
    """3 s: a D-major chord swelling up under a fast rising arpeggio, then decaying."""
    length = 3.0
    track = Track(length)
    n = round(length * SR)
    t = np.arange(n) / SR
    swell = np.minimum(t / 0.35, 1.0) ** 2 * np.exp(-np.maximum(t - 0.35, 0.0) * 1.4)
    for name, position in (("D3", 0.0), ("A3", -0.5), ("D4", 0.5), ("F#4", -0.3), ("A4", 0.3)):
        mono = np.zeros(n)
        for h in range(1, 12):
            mono += h**-1.5 * np.sin(TWO_PI * hz(name) * h * t + h)
        track.add(0.0, pan(mono * swell, position), 0.09)
    arp = ("D5", "F#5", "A5", "D6", "F#6", "A6")
    for k, name in enumerate(arp):
        at = 0.02 + 0.075 * k
        tone = pluck(hz(name), length - at, decay=1.4, position=0.13, brightness=1.6)
        track.add(at, pan(tone, -0.6 + 0.24 * k), 0.22)
        bell = epiano(hz(name) * 2, length - at, decay=2.5)
        track.add(at, pan(bell, 0.6 - 0.24 * k), 0.05)
    track.add(0.0, pluck(hz("D2"), length, decay=0.9, brightness=0.5), 0.3)
    mix = reverb(track.mixdown(), impulse_response(rt60=2.2, seed=13), 0.4)
    return fade(mix, 0.005, 0.35)


# --------------------------------------------------------------------------- cover art

GLYPHS: dict[str, tuple[str, ...]] = {
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    " ": (".....",) * 7,
}


def rgb(hex_colour: str) -> Array:
    """``"#rrggbb"`` as floats in 0..1."""
    value = int(hex_colour.lstrip("#"), 16)
    return np.array([(value >> 16) & 255, (value >> 8) & 255, value & 255], float) / 255.0


def smoothstep(x: Array) -> Array:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def composite(img: Array, alpha: Array, colour: Array) -> None:
    """Paint ``colour`` over ``img`` in place with per-pixel coverage ``alpha``."""
    a = alpha[..., None]
    img *= 1.0 - a
    img += a * colour


def text_coverage(shape: tuple[int, int], text: str, x0: float, y0: float, cell: float) -> Array:
    """Anti-aliased coverage of ``text`` in the 5x7 font, drawn as rounded LED dots."""
    bitmap = np.concatenate(
        [
            np.array([[c == "#" for c in row] + [False] for row in GLYPHS[ch]], dtype=bool)
            for ch in text
        ],
        axis=1,
    )[:, :-1]
    rows, cols = bitmap.shape
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(float) + 0.5
    u, v = (x - x0) / cell, (y - y0) / cell
    inside = (u >= 0) & (u < cols) & (v >= 0) & (v < rows)
    iu = np.clip(u.astype(int), 0, cols - 1)
    iv = np.clip(v.astype(int), 0, rows - 1)
    lit = inside & bitmap[iv, iu]
    # signed distance (in pixels) to a rounded square centred in the cell
    half = 0.43 * cell
    radius = 0.18 * cell
    px = np.abs((u - iu - 0.5) * cell) - (half - radius)
    py = np.abs((v - iv - 0.5) * cell) - (half - radius)
    dist = np.hypot(np.maximum(px, 0.0), np.maximum(py, 0.0))
    dist += np.minimum(np.maximum(px, py), 0.0) - radius
    return np.where(lit, np.clip(0.5 - dist, 0.0, 1.0), 0.0)


def make_cover(size: int = 1400) -> npt.NDArray[np.uint8]:
    """Navy-to-teal gradient, warm broadcast arcs from a glowing dot, and 'KTT' lettering."""
    s = float(size)
    y, x = np.mgrid[0:size, 0:size].astype(float) + 0.5
    u, v = x / s, y / s

    t = smoothstep(0.15 * u + 0.85 * v)[..., None]
    img = rgb("#161b3d") * (1.0 - t) + rgb("#0c4f5c") * t

    cx, cy = 0.25 * s, 0.40 * s
    r = np.hypot(x - cx, y - cy)
    theta = np.arctan2(y - cy, x - cx)
    img += rgb("#f2a65a") * 0.22 * np.exp(-((r / (0.23 * s)) ** 2))[..., None]

    # concentric arcs, fading and thinning outwards, warm amber to coral
    r0, step, count = 0.10 * s, 0.058 * s, 15
    k = np.clip(np.round((r - r0) / step), 0, count - 1)
    frac = k / (count - 1)
    width = 0.0115 * s * (1.0 - 0.55 * frac)
    ring = np.clip(width / 2 - np.abs(r - (r0 + k * step)) + 0.5, 0.0, 1.0)
    span = np.radians(46.0)
    cap = np.clip((span - np.abs(theta)) * r / (0.01 * s), 0.0, 1.0)
    alpha = ring * cap * 0.92 * (1.0 - frac) ** 1.3
    colour = rgb("#f4b26b") * (1.0 - frac[..., None]) + rgb("#e9606a") * frac[..., None]
    a = alpha[..., None]
    img = img * (1.0 - a) + colour * a

    # the source dot with a thin halo ring
    composite(img, np.clip(0.045 * s - r + 0.5, 0.0, 1.0), rgb("#ffd08a"))
    composite(img, 0.6 * np.clip(0.004 * s - np.abs(r - 0.066 * s) + 0.5, 0.0, 1.0), rgb("#ffd08a"))

    # lettering: big dot-matrix call sign, smaller name underneath
    ink = rgb("#f5efe4")
    composite(img, text_coverage((size, size), "KTT", 0.09 * s, 0.665 * s, 0.0286 * s), ink)
    subtitle = text_coverage((size, size), "BROADCAST KIT", 0.09 * s, 0.905 * s, 0.0072 * s)
    composite(img, 0.78 * subtitle, ink)

    # gentle vignette
    d = np.hypot(u - 0.5, v - 0.5) / np.sqrt(0.5)
    img *= (1.0 - 0.28 * d**2)[..., None]

    # ordered dither to keep the dark gradient free of banding
    bayer = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]]) / 16.0
    threshold = np.tile(bayer, (size // 4 + 1, size // 4 + 1))[:size, :size, None]
    pixels: npt.NDArray[np.uint8] = np.clip(np.floor(img * 255.0 + threshold), 0, 255).astype(
        np.uint8
    )
    return pixels


# --------------------------------------------------------------------------- output


def ffmpeg() -> str:
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def write_atomically(path: Path, encode: Callable[[Path], None]) -> int:
    """Have ``encode`` write a temp file next to ``path``, then move it into place."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        encode(tmp)
        tmp.chmod(0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.stat().st_size


def run_ffmpeg(args: Sequence[str], data: bytes) -> str:
    """Run ffmpeg with ``data`` on stdin; return its stderr (the log)."""
    proc = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *args], input=data, capture_output=True
    )
    if proc.returncode != 0:
        log = proc.stderr.decode(errors="replace")
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}):\n{log[-3000:]}")
    return proc.stderr.decode(errors="replace")


def pcm(audio: Array) -> bytes:
    return np.ascontiguousarray(audio, dtype="<f4").tobytes()


RAW_AUDIO = ("-f", "f32le", "-ar", str(SR), "-ac", "2", "-i", "-")


def loudness(source: Array | Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a stereo signal or an audio file."""
    if isinstance(source, Path):
        args, data = ["-i", str(source)], b""
    else:
        args, data = list(RAW_AUDIO), pcm(source)
    log = run_ffmpeg(
        ["-nostats", *args, "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"], data
    )
    summary = log[log.rfind("Summary:") :]
    i_match = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    p_match = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if i_match is None or p_match is None:
        raise RuntimeError(f"could not read the ebur128 summary:\n{summary}")
    return float(i_match.group(1)), float(p_match.group(1))


def gain_to_target(measured: tuple[float, float], *, peak_db: float, lufs: float | None) -> float:
    """dB to reach ``lufs`` if given (else ``peak_db`` true peak), never passing ``peak_db``."""
    integrated, true_peak = measured
    to_peak = peak_db - true_peak
    return to_peak if lufs is None else min(lufs - integrated, to_peak)


LOOP_CONTEXT = 1152  # samples of wrap-around context fed to the encoder on each side of a loop


def crc16(data: bytes | bytearray) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected), as used by the LAME info tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def extend_gapless_trim(path: Path, extra_start: int, extra_end: int) -> None:
    """Add to the encoder delay and padding recorded in an MP3's LAME/Info tag.

    Gapless decoders (ffmpeg, hence pydub; most players) drop that many more samples at
    each end. Used for loops: the encoder sees wrap-around context there instead of
    silence, so the decoded start and end carry no edge artefacts and join cleanly.
    """
    data = bytearray(path.read_bytes())
    offset = 0
    if data[:3] == b"ID3":
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        offset = 10 + size
    frame = offset
    # MPEG-1 layer III stereo: 4-byte header + 32 bytes of side info, then the Info tag
    if data[frame] != 0xFF or (data[frame + 1] & 0xE0) != 0xE0:
        raise RuntimeError(f"{path.name}: no MPEG frame after the ID3 tag")
    if bytes(data[frame + 36 : frame + 40]) not in (b"Info", b"Xing"):
        raise RuntimeError(f"{path.name}: no Info/Xing tag in the first frame")
    if crc16(data[frame : frame + 190]) != int.from_bytes(data[frame + 190 : frame + 192]):
        raise RuntimeError(f"{path.name}: unexpected LAME tag layout (CRC mismatch)")
    field = int.from_bytes(data[frame + 177 : frame + 180])
    delay, padding = (field >> 12) + extra_start, (field & 0xFFF) + extra_end
    if max(delay, padding) > 0xFFF:
        raise RuntimeError(f"{path.name}: delay/padding too large for the LAME tag")
    data[frame + 177 : frame + 180] = ((delay << 12) | padding).to_bytes(3)
    data[frame + 190 : frame + 192] = crc16(data[frame : frame + 190]).to_bytes(2)
    path.write_bytes(bytes(data))


def decoded_samples(path: Path) -> int:
    """How many stereo samples ffmpeg decodes from an audio file."""
    proc = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "2", "-"],
        capture_output=True,
        check=True,
    )
    return len(proc.stdout) // 8


def write_mp3(
    path: Path,
    audio: Array,
    title: str,
    *,
    peak_db: float,
    lufs: float | None,
    loop: bool = False,
) -> tuple[int, float, float]:
    """Encode to 128 kbit/s CBR stereo MP3 at the target level; return size, LUFS, dBTP.

    The level is measured on the decoded MP3 and corrected with a second encode: LAME
    scales its 128k CBR output by 0.95 (-0.45 dB), and the codec moves true peaks a little.
    With ``loop`` the signal is taken as periodic and encoded for a seamless repeat.
    """
    audio = audio * 10.0 ** (gain_to_target(loudness(audio), peak_db=peak_db, lufs=lufs) / 20)
    measured = (0.0, 0.0)

    def encode_once(tmp: Path, signal: Array) -> None:
        if not np.all(np.isfinite(signal)) or np.max(np.abs(signal)) >= 1.0:
            raise ValueError(f"{path.name}: signal is not finite or would clip")
        if loop:
            signal = np.concatenate([signal[-LOOP_CONTEXT:], signal, signal[:LOOP_CONTEXT]])
        run_ffmpeg(
            [
                *RAW_AUDIO,
                "-c:a", "libmp3lame", "-b:a", "128k",
                "-fflags", "+bitexact", "-flags:a", "+bitexact",
                "-id3v2_version", "3",
                "-metadata", f"title={title}",
                "-metadata", "artist=broadcast-kit",
                "-metadata", "comment=Generated by scripts/make_assets.py; CC0",
                "-metadata", "copyright=CC0 1.0 (generated by broadcast-kit)",
                "-f", "mp3", "-y", str(tmp),
            ],
            pcm(signal),
        )  # fmt: skip
        if loop:
            extend_gapless_trim(tmp, LOOP_CONTEXT, LOOP_CONTEXT)
            if decoded_samples(tmp) != len(audio):
                raise RuntimeError(f"{path.name}: decoded length differs from the loop")

    def encode(tmp: Path) -> None:
        nonlocal audio, measured
        for _ in range(3):
            encode_once(tmp, audio)
            measured = loudness(tmp)
            correction = gain_to_target(measured, peak_db=peak_db, lufs=lufs)
            if abs(correction) < 0.05:
                return
            audio = audio * 10.0 ** (correction / 20)

    size = write_atomically(path, encode)
    return size, *measured


def write_jpeg(path: Path, image: npt.NDArray[np.uint8]) -> int:
    """Encode an RGB image as a baseline 4:2:0 JPEG (with a JFIF header, square pixels)."""
    height, width, _ = image.shape

    def encode(tmp: Path) -> None:
        run_ffmpeg(
            [
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-i", "-",
                "-frames:v", "1", "-vf", "setsar=1", "-pix_fmt", "yuvj420p", "-q:v", "4",
                "-fflags", "+bitexact", "-flags:v", "+bitexact",
                "-f", "image2", "-update", "1", "-y", str(tmp),
            ],
            np.ascontiguousarray(image).tobytes(),
        )  # fmt: skip

    return write_atomically(path, encode)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    size = write_jpeg(out / "cover.jpg", make_cover())
    print(f"{out / 'cover.jpg'}: {size:,} bytes (1400x1400 JPEG)")

    pieces: list[tuple[str, str, Callable[[], Array], float | None, bool]] = [
        # file, title, generator, loudness target (None: peak-normalised), loop
        ("theme.mp3", "broadcast-kit theme", make_theme, None, False),
        ("bed.mp3", "broadcast-kit bed (loop)", make_bed, -20.0, True),
        ("sting.mp3", "broadcast-kit sting", make_sting, None, False),
    ]
    for name, title, make, target, loop in pieces:
        audio = make()
        size, integrated, true_peak = write_mp3(
            out / name, audio, title, peak_db=-3.0, lufs=target, loop=loop
        )
        print(
            f"{out / name}: {size:,} bytes ({len(audio) / SR:.2f} s, "
            f"{integrated:.1f} LUFS, {true_peak:.1f} dBTP)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
