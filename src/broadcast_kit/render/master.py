"""Master a mix: one linear gain to the loudness target, a true-peak limiter, MP3 encode.

Two passes over the mix, block by block, so memory does not grow with the episode. The
first measures the integrated loudness (ITU-R BS.1770-4, K-weighting with 400 ms gating
blocks) and notes each 100 ms step's sample peak and where the K-weighting filter stood
every second. The gain is one number, reported, so the dynamics are the producer's. The
limiter looks at 4x-oversampled peaks and only touches the few samples that would pass the
ceiling; how much loudness it will take off is worked out before the second pass by
limiting again only the 100 ms steps that come near the ceiling (the filter is linear, so
only the difference needs filtering), and the one gain is raised to make up for it (by at most
3 dB). The second pass mixes again, applies gain and limiter with a look-ahead of one block
and feeds LAME as blocks are produced; a second ffmpeg decodes the encoded frames as they
are written and measures their loudness (ffmpeg's EBU R128 meter) while TruePeakStream finds
their true peak. The limiter's peaks include room for the noise LAME adds where the band
above 8 kHz carries much of a peak (a sibilant), which would otherwise lift it over the
target once encoded; if encoding still pushed a peak over, the limit is lowered and the file
encoded again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from broadcast_kit import ffmpeg
from broadcast_kit.audio import load_scipy
from broadcast_kit.limits import duration_text
from broadcast_kit.loudness import RENDER_TOLERANCE_LU, Target, limiter_ceiling
from broadcast_kit.loudness import Report as Loudness
from broadcast_kit.progress import Advance

OVERSAMPLE = 4
HOLD_MS = 10.0
INTERSAMPLE_HEADROOM = 10 ** (-4 / 20)  # true peaks exceed sample peaks by well under 4 dB
MAKEUP_DB = 3.0  # at most this much gain on top of the measured one to offset limiting
LOOKAHEAD = 4096  # frames of context either side of a limited block (> oversampling + hold)
PROBE_SECONDS = 15  # either side of the middle: the excerpt that finds the encoder's loss
PREDICT_MARGIN_DB = 1.0  # steps this close to the ceiling are limited to predict its cost
PREDICT_STEPS = 50  # 100 ms steps limited at once when predicting (memory stays small)
PREDICT_THREADS = 2  # numpy and scipy let go of the GIL: the prediction uses two cores
NOISE_HZ = 8000.0  # MP3 encoding's noise that can lift a peak lives above this
ENCODER_NOISE = 1.0  # and reaches up to this times the RMS of the signal there
NOISE_WINDOW = 1024  # frames over which that RMS is taken (about two MP3 granules)
MEASURE_THREADS = 2  # and so does the first pass
BLOCK_STEPS = 50  # 100 ms steps mixed at once in the first pass (5 s)
WRITE_AHEAD = 3  # mastered blocks that may wait for LAME


def preload() -> threading.Thread:
    """Import what mastering needs (scipy's signal and ndimage: most of a second, a tenth of
    the encode of a 30-minute episode) in a thread, so that it happens while a render loads
    the episode, decodes music and reads the speech cache, rather than before. The
    functions here get scipy from load_scipy where they use it, so they work without this too."""
    thread = threading.Thread(target=load_scipy, name="preload-scipy")
    thread.start()
    return thread


def _biquad(shelf: bool, gain_db: float, q: float, fc: float, rate: int) -> np.ndarray:
    """RBJ cookbook high shelf or high pass, as (b0, b1, b2, 1, a1, a2)."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * fc / rate
    alpha, c = np.sin(w0) / (2 * q), np.cos(w0)
    if shelf:
        root = 2 * np.sqrt(a) * alpha
        coefficients = [
            a * ((a + 1) + (a - 1) * c + root),
            -2 * a * ((a - 1) + (a + 1) * c),
            a * ((a + 1) + (a - 1) * c - root),
            (a + 1) - (a - 1) * c + root,
            2 * ((a - 1) - (a + 1) * c),
            (a + 1) - (a - 1) * c - root,
        ]
    else:
        coefficients = [(1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha]
    section: np.ndarray = np.array(coefficients) / coefficients[3]
    return section


@cache
def _k_weighting(rate: int) -> np.ndarray:
    """BS.1770's K-weighting at `rate` (a +4 dB shelf at 1.5 kHz, a 38 Hz high pass, as
    pyloudnorm designs them) as second-order sections."""
    stages = [_biquad(True, 4.0, 1 / np.sqrt(2), 1500.0, rate), _biquad(False, 0, 0.5, 38.0, rate)]
    return np.array(stages, dtype=np.float64)


def _integrated(energy: np.ndarray, step: int) -> float | None:
    """Gated loudness from the K-weighted energy of consecutive 100 ms steps."""
    if len(energy) < 4:
        return None
    power = (energy[:-3] + energy[1:-2] + energy[2:-1] + energy[3:]) / (4 * step)
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10 * np.log10(power)
    gated = power[blocks > -70.0]
    if len(gated) == 0:
        return None
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    return float(-0.691 + 10 * np.log10(power[(blocks > -70.0) & (blocks > relative)].mean()))


class LoudnessMeter:
    """Integrated loudness (ITU-R BS.1770-4) of a signal fed in blocks of any size.

    The K-weighting filter keeps its state from block to block and 400 ms gating blocks
    (75 % overlap) are built from 100 ms steps of energy, so feeding a signal in pieces
    gives the same figure as feeding it whole.
    """

    def __init__(self, rate: int, channels: int) -> None:
        self.rate, self.channels = rate, channels
        self.step = round(0.1 * rate)  # gating blocks are 4 steps (400 ms) long
        self.sos = _k_weighting(rate)
        self.state = np.zeros((channels, len(self.sos), 2))
        self.pending = [np.zeros(0) for _ in range(channels)]
        self.energy: list[np.ndarray] = []
        self.frames = 0

    def add(self, samples: np.ndarray) -> None:
        sosfilt = load_scipy().signal.sosfilt  # see preload()
        self.frames += len(samples)
        energy = None
        for channel in range(self.channels):  # channel weight 1 for L, R and mono
            # float64: scipy filters it as fast as float32 (measured), and exactly
            weighted, self.state[channel] = sosfilt(
                self.sos, samples[:, channel].astype(np.float64), zi=self.state[channel]
            )
            whole = np.concatenate([self.pending[channel], weighted])
            steps = len(whole) // self.step
            frames = whole[: steps * self.step].reshape(steps, self.step)
            part = np.einsum("ij,ij->i", frames, frames)
            energy = part if energy is None else energy + part
            self.pending[channel] = whole[steps * self.step :]
        if energy is not None and len(energy):
            self.energy.append(energy)

    def steps(self) -> np.ndarray:
        """K-weighted energy of every complete 100 ms step so far, channels summed."""
        return np.concatenate(self.energy) if self.energy else np.zeros(0)

    def integrated(self) -> float | None:
        """LUFS, or None for silence or less than 400 ms."""
        return _integrated(self.steps(), self.step)


def loudness(samples: np.ndarray, rate: int) -> float | None:
    """Integrated loudness (ITU-R BS.1770-4) in LUFS, or None for silence or < 400 ms
    (the same result as pyloudnorm, a test holds them together, several times faster)."""
    meter = LoudnessMeter(rate, samples.shape[1])
    meter.add(samples)
    return meter.integrated()


def _abs_peak(samples: np.ndarray) -> np.ndarray:
    """Per frame, the largest absolute sample over the channels."""
    peak: np.ndarray = np.abs(samples[:, 0])
    for channel in range(1, samples.shape[1]):
        peak = np.maximum(peak, np.abs(samples[:, channel]))
    return peak


class PeakMeter:
    """True peaks (4x oversampled, BS.1770 annex 2) of one signal, per frame, computed only
    where they can matter: blocks whose sample peak is under the asked-for `floor` cannot
    reach a ceiling 4 dB above it, so they keep their sample peaks. Asking again with a lower
    floor (a louder gain) oversamples just the blocks that became relevant. With `noise_rate`
    (the signal's sample rate), each oversampled frame's peak is raised by the noise MP3
    encoding may add there (`_encoder_noise`): what a limiter must hold under its ceiling."""

    BLOCK = 2048
    RUN = 64  # blocks oversampled in one call
    PAD = 64

    def __init__(self, samples: np.ndarray, noise_rate: int | None = None) -> None:
        self.samples = samples
        self.noise_rate = noise_rate
        self.peaks = _abs_peak(samples)
        n = -(-len(samples) // self.BLOCK)
        padded = np.zeros(n * self.BLOCK, dtype=self.peaks.dtype)
        padded[: len(self.peaks)] = self.peaks
        self.block_max = padded.reshape(n, self.BLOCK).max(axis=1)
        self.done = np.zeros(n, dtype=bool)

    def true_peaks(self, floor: float = 0.0) -> np.ndarray:
        todo = np.flatnonzero(~self.done & (self.block_max >= floor))
        if len(todo) == 0:
            return self.peaks
        # consecutive blocks go through the oversampler together
        runs = np.split(todo, np.flatnonzero(np.diff(todo) > 1) + 1)
        for run in runs:
            for first in range(0, len(run), self.RUN):
                chunk = run[first : first + self.RUN]
                self._oversample(int(chunk[0]) * self.BLOCK, (int(chunk[-1]) + 1) * self.BLOCK)
            self.done[run] = True
        return self.peaks

    def _oversample(self, start: int, end: int) -> None:
        resample_poly = load_scipy().signal.resample_poly  # see preload()
        end = min(end, len(self.samples))
        lo, hi = max(0, start - self.PAD), min(len(self.samples), end + self.PAD)
        up = _abs_peak(resample_poly(self.samples[lo:hi], OVERSAMPLE, 1, axis=0, window=_taps()))
        # each frame's OVERSAMPLE values, as strided views: numpy's max over a short axis
        # (reshape(-1, OVERSAMPLE).max(axis=1)) took a fifth of the oversampling's time
        frames = slice((start - lo) * OVERSAMPLE, (end - lo) * OVERSAMPLE)
        peak = up[frames][0::OVERSAMPLE].copy()
        for phase in range(1, OVERSAMPLE):
            np.maximum(peak, up[frames][phase::OVERSAMPLE], out=peak)
        if self.noise_rate is not None:
            peak += _encoder_noise(self.samples, start, end, self.noise_rate)
        np.maximum(self.peaks[start:end], peak, out=self.peaks[start:end])


@cache
def _high_band(rate: int) -> np.ndarray | None:
    """A high pass at NOISE_HZ (None when `rate` has no such band)."""
    if rate / 2 <= NOISE_HZ:
        return None
    butter = load_scipy().signal.butter  # see preload()
    sos: np.ndarray = butter(4, NOISE_HZ, "highpass", fs=rate, output="sos")
    return sos


def _encoder_noise(samples: np.ndarray, start: int, end: int, rate: int) -> np.ndarray:
    """Per frame start..end, how far MP3 encoding may lift a peak: ENCODER_NOISE times the
    RMS of the band above NOISE_HZ around it, the loudest channel's. LAME codes a sibilant's
    noise-like top band with noise nearly as loud as the band itself (measured: peaks lifted
    by up to 1.4 dB where that band carries a fifth of the peak, by under 0.3 dB elsewhere)."""
    sos = _high_band(rate)
    if sos is None:
        return np.zeros(end - start, dtype=np.float32)
    scipy = load_scipy()  # see preload()
    sosfilt, uniform_filter1d = scipy.signal.sosfilt, scipy.ndimage.uniform_filter1d

    lo, hi = max(0, start - NOISE_WINDOW), min(len(samples), end + NOISE_WINDOW)
    band = sosfilt(sos, samples[lo:hi], axis=0).astype(np.float32)
    power = uniform_filter1d(band * band, NOISE_WINDOW, axis=0, mode="constant")
    loudest = power[start - lo : end - lo, 0].copy()  # max over a short axis is slow in numpy
    for channel in range(1, power.shape[1]):
        np.maximum(loudest, power[start - lo : end - lo, channel], out=loudest)
    noise: np.ndarray = np.sqrt(np.maximum(loudest, 0.0)) * np.float32(ENCODER_NOISE)
    return noise


class TruePeakStream:
    """The true peak (as PeakMeter measures it) of a signal fed in blocks of any size, in
    dBTP. Only the stretches whose sample peak comes within 4 dB of the loudest sample so
    far are oversampled: no other stretch can hold the true peak."""

    def __init__(self) -> None:
        self.held: np.ndarray | None = None  # frames not measured yet, with their context
        self.lead = 0  # how many of the held frames are context (measured already)
        self.loudest = 0.0  # the largest sample so far
        self.peak = 0.0  # the largest true peak so far

    def add(self, samples: np.ndarray) -> None:
        self._measure(samples, last=False)

    def dbtp(self) -> float:
        """The true peak of everything fed (-inf for silence)."""
        if self.held is not None:
            self._measure(self.held[:0], last=True)
        with np.errstate(divide="ignore"):
            return float(20 * np.log10(self.peak))

    def _measure(self, samples: np.ndarray, last: bool) -> None:
        whole = samples if self.held is None else np.concatenate([self.held, samples])
        # the oversampler needs PeakMeter.PAD frames after a frame (zeros past the end)
        stop = len(whole) if last else len(whole) - PeakMeter.PAD
        if stop > self.lead:
            meter = PeakMeter(whole)
            self.loudest = max(self.loudest, float(meter.block_max.max()))
            peaks = meter.true_peaks(floor=self.loudest * INTERSAMPLE_HEADROOM)
            self.peak = max(self.peak, float(peaks[self.lead : stop].max()))
        else:
            stop = self.lead
        keep = max(0, stop - PeakMeter.PAD)
        self.held, self.lead = whole[keep:].copy(), stop - keep  # `samples` may be reused


@cache
def _taps() -> np.ndarray:
    """resample_poly's own anti-imaging filter for OVERSAMPLE, designed once."""
    firwin = load_scipy().signal.firwin  # see preload()
    taps: np.ndarray = firwin(20 * OVERSAMPLE + 1, 1 / OVERSAMPLE, window=("kaiser", 5.0))
    return taps


def true_peaks(samples: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per frame, the true peak over all channels (exact wherever the sample peak >= floor)."""
    return PeakMeter(samples).true_peaks(floor)


def limiter_gain(
    peaks: np.ndarray, rate: int, ceiling_db: float
) -> tuple[np.ndarray | None, float]:
    """Per-frame gain that brings `peaks` under `ceiling_db` (None when nothing passes it),
    and the deepest reduction in dB."""
    ndimage = load_scipy().ndimage  # see preload()
    minimum_filter1d, uniform_filter1d = ndimage.minimum_filter1d, ndimage.uniform_filter1d
    ceiling = np.float32(10 ** (ceiling_db / 20))
    # in place: on a long episode every frame-sized array is a few hundred MB
    needed = np.maximum(peaks, np.float32(1e-9), dtype=np.float32)
    np.divide(ceiling, needed, out=needed)
    np.minimum(needed, np.float32(1.0), out=needed)
    if needed.min() >= 1.0:
        return None, 0.0
    hold = max(1, round(rate * HOLD_MS / 1000))
    # min over +-hold, then a box average of width hold+1: never above what any frame needs
    gain = minimum_filter1d(needed, 2 * hold + 1)
    uniform_filter1d(gain, hold + 1, output=gain)
    np.minimum(gain, needed, out=gain)
    return gain, float(-20 * np.log10(gain.min()))


def limit(samples: np.ndarray, rate: int, ceiling_db: float) -> tuple[np.ndarray, float]:
    """Bring true peaks under `ceiling_db`; returns the audio and the deepest reduction (dB)."""
    peaks = true_peaks(samples, floor=10 ** (ceiling_db / 20) * INTERSAMPLE_HEADROOM)
    gain, reduction = limiter_gain(peaks, rate, ceiling_db)
    return (samples if gain is None else samples * gain[:, None]), reduction


def _gain_and_limit(
    samples: np.ndarray, rate: int, gain_db: float, ceiling: float
) -> tuple[np.ndarray, float]:
    """`samples` with `gain_db` applied and the limiter holding `ceiling` (dBTP)."""
    scale = np.float32(10 ** (gain_db / 20))
    meter = PeakMeter(samples, noise_rate=rate)  # room for LAME's noise too
    peaks = meter.true_peaks(floor=float(10 ** ((ceiling - gain_db) / 20) * INTERSAMPLE_HEADROOM))
    # the gained signal's peaks pass `ceiling` where the unscaled ones pass ceiling - gain
    gain, reduction = limiter_gain(peaks, rate, ceiling - gain_db)
    if gain is None:
        return samples * scale, reduction
    gain *= scale
    return samples * gain[:, None], reduction


class Mix(Protocol):
    """What mastering reads: the mix, any range of it on demand (render.mix.Mixer)."""

    rate: int
    channels: int
    frames: int

    def range(self, start: int, stop: int) -> np.ndarray: ...

    def blocks(self) -> Iterator[np.ndarray]: ...


class _Counted:
    """Seconds of the mix done so far, told to `advance` (safe from several threads)."""

    def __init__(self, mix: Mix, advance: Advance | None, what: str) -> None:
        self.rate, self.total, self.advance, self.what = mix.rate, mix.frames, advance, what
        self.frames = 0
        self.lock = threading.Lock()

    def add(self, frames: int) -> None:
        if self.advance is None:
            return
        with self.lock:
            self.frames += frames
            self.advance(self.frames // self.rate, self.total // self.rate, self.what)


class Limiter:
    """Gain and true-peak limiter over a stream of blocks, with LOOKAHEAD frames of the
    blocks on either side, so a block's edges are limited as if the signal were whole."""

    def __init__(self, rate: int, gain_db: float, ceiling: float) -> None:
        self.rate, self.gain_db, self.ceiling = rate, gain_db, ceiling
        self.reduction = 0.0

    def window(self, before: np.ndarray, block: np.ndarray, after: np.ndarray) -> np.ndarray:
        """`block` gained and limited, `before` and `after` being its surroundings."""
        whole = np.concatenate([before, block, after]) if len(before) or len(after) else block
        out, reduction = _gain_and_limit(whole, self.rate, self.gain_db, self.ceiling)
        self.reduction = max(self.reduction, reduction)
        return out[len(before) : len(before) + len(block)]

    def stream(self, blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """Every block gained and limited, one block behind its input (the look-ahead)."""
        previous: np.ndarray | None = None
        tail: np.ndarray | None = None
        for block in blocks:
            if previous is not None:
                yield self.window(
                    previous[:0] if tail is None else tail, previous, block[:LOOKAHEAD]
                )
                tail = previous[-LOOKAHEAD:]
            previous = block
        if previous is not None:
            yield self.window(previous[:0] if tail is None else tail, previous, previous[:0])


@dataclass
class Measured:
    """What the first pass learned about the mix."""

    lufs: float | None
    energy: np.ndarray  # K-weighted energy of every complete 100 ms step, channels summed
    step_peaks: np.ndarray  # sample peak of every 100 ms step
    step: int  # frames in a step
    sos: np.ndarray  # the K-weighting filter


def measure_mix(mix: Mix, advance: Advance | None = None) -> Measured:
    """The first pass: loudness, every step's energy and sample peak. The episode is measured
    in MEASURE_THREADS stretches at once, each starting its filter a step early (it forgets
    within milliseconds, so the stretches join as if measured in one go). `advance` hears
    the seconds of the mix measured so far (from the measuring threads)."""
    step = round(0.1 * mix.rate)
    block = BLOCK_STEPS * step
    blocks = -(-mix.frames // block)
    share = -(-blocks // MEASURE_THREADS) * block
    spans = [(a, min(a + share, mix.frames)) for a in range(0, mix.frames, share)]
    counted = _Counted(mix, advance, "s of audio mixed")

    def measure(span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        start, stop = span
        meter = LoudnessMeter(mix.rate, mix.channels)
        if start:
            meter.add(mix.range(start - step, start))  # the lead-in step, left out below
        peaks = [np.zeros(0, dtype=np.float32)]
        for first in range(start, stop, block):
            samples = mix.range(first, min(first + block, stop))
            meter.add(samples)
            peaks.append(_step_peaks(_abs_peak(samples), step))
            counted.add(len(samples))
        return meter.steps()[1 if start else 0 :], np.concatenate(peaks)

    with ThreadPoolExecutor(max(1, len(spans))) as pool:
        measured = list(pool.map(measure, spans))
    energy = np.concatenate([e for e, _ in measured]) if measured else np.zeros(0)
    peaks = np.concatenate([p for _, p in measured]) if measured else np.zeros(0, np.float32)
    return Measured(_integrated(energy, step), energy, peaks, step, _k_weighting(mix.rate))


def _step_peaks(peak: np.ndarray, step: int) -> np.ndarray:
    steps = -(-len(peak) // step)
    padded = np.zeros(steps * step, dtype=np.float32)
    padded[: len(peak)] = peak
    peaks: np.ndarray = padded.reshape(steps, step).max(axis=1)
    return peaks


def limited_loudness(mix: Mix, measured: Measured, gain_db: float, ceiling: float) -> float:
    """The loudness the mix will have with `gain_db` and the limiter at `ceiling` (dBTP).

    Only the 100 ms steps whose sample peaks come within PREDICT_MARGIN_DB of the ceiling
    (and their neighbours) are mixed and limited again; since K-weighting is linear, their
    filtered output is the gained filtered mix plus the filtered difference the limiter made.
    The filter forgets within milliseconds (its lowest pole is at 38 Hz), so a step of mix
    before each stretch starts it where the first pass had it. Every other step's energy
    just scales."""
    sosfilt = load_scipy().signal.sosfilt  # see preload()
    step, sos = measured.step, measured.sos
    assert measured.lufs is not None
    scale = 10 ** (gain_db / 20)
    energy = measured.energy * scale**2
    floor = 10 ** ((ceiling - PREDICT_MARGIN_DB) / 20) / scale
    hot = measured.step_peaks[: len(energy)] >= floor
    hot[1:] |= hot[:-1].copy()  # the step after: the limiter's release and the filter's ring
    hot[:-1] |= hot[1:].copy()  # the step before: the limiter's look-ahead
    chosen = np.flatnonzero(hot)
    runs = np.split(chosen, np.flatnonzero(np.diff(chosen) > 1) + 1) if len(chosen) else []

    def limited_steps(run: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
        """The K-weighted energy of a run of steps once limited, PREDICT_STEPS at a time."""
        limiter = Limiter(mix.rate, gain_db, ceiling)
        found = []
        ring = None  # the filtered difference carries on from one piece of a run to the next
        for first in range(int(run[0]), int(run[-1]) + 1, PREDICT_STEPS):
            last = min(first + PREDICT_STEPS, int(run[-1]) + 1)
            start, stop = first * step, last * step
            lead = min(start, max(step, LOOKAHEAD))
            around = mix.range(start - lead, min(stop + LOOKAHEAD, mix.frames))
            block = around[lead : lead + stop - start]
            limited = limiter.window(around[:lead], block, around[lead + stop - start :])
            difference = limited - block * np.float32(scale)
            new = np.zeros(last - first)
            rings = []
            for channel in range(mix.channels):
                mixed = sosfilt(sos, around[: lead + stop - start, channel].astype(float))
                change, state = sosfilt(
                    sos,
                    difference[:, channel].astype(float),
                    zi=np.zeros((len(sos), 2)) if ring is None else ring[channel],
                )
                rings.append(state)
                out = (mixed[lead:] * scale + change).reshape(-1, step)
                new += np.einsum("ij,ij->i", out, out)
            ring = rings
            found.append((first, last, new))
        return found

    with ThreadPoolExecutor(PREDICT_THREADS) as pool:  # runs are independent: use the cores
        for pieces in pool.map(limited_steps, runs):
            for first, last, new in pieces:
                energy[first:last] = new
    result = _integrated(energy, step)
    return measured.lufs + gain_db if result is None else result


def master_gain(mix: Mix, measured: Measured, aim: float, ceiling: float) -> tuple[float, float]:
    """The one gain (dB) that brings the limited mix to `aim` LUFS, and the gain without the
    make-up for limiting."""
    if measured.lufs is None:
        return 0.0, 0.0
    first = aim - measured.lufs
    after = limited_loudness(mix, measured, first, ceiling)
    if abs(after - aim) <= 0.1:
        return first, first
    # the limiter takes some loudness off the peaks: raise the one gain to make up for it
    return min(first + aim - after, first + MAKEUP_DB), first


def encoder_loss(excerpt: np.ndarray, rate: int, kbps: int, scratch: Path) -> float:
    """How many LU quieter LAME makes this audio at `kbps` (about 0.4 at 128k), from an
    excerpt encoded to `scratch` and decoded as it is encoded (as the render's encoder does:
    the same samples a decoder of the file gets)."""
    before = loudness(excerpt, rate)
    if before is None:
        return 0.0
    meter = LoudnessMeter(rate, excerpt.shape[1])  # keeps nothing of what it is fed
    try:
        with ffmpeg.Mp3Encoder(
            scratch, rate, excerpt.shape[1], kbps, len(excerpt), meter.add
        ) as encoder:
            encoder.write(excerpt)
            encoder.finish()
    finally:
        scratch.unlink(missing_ok=True)
    after = meter.integrated()
    return 0.0 if after is None else float(np.clip(before - after, 0.0, 1.0))


def _encode(
    mix: Mix, kbps: int, out: Path, gain_db: float, ceiling: float, advance: Advance | None
) -> tuple[float, float, float]:
    """The second pass: mix again, gain and limit, encode; (LUFS, dBTP, deepest reduction).
    `advance` hears the seconds encoded so far."""
    counted = _Counted(mix, advance, "s of audio encoded")
    peak = TruePeakStream()
    encoder = ffmpeg.Mp3Encoder(out, mix.rate, mix.channels, kbps, mix.frames, peak.add)
    limiter = Limiter(mix.rate, gain_db, ceiling)
    # a writer thread feeds LAME while the next blocks are made, up to WRITE_AHEAD of them
    # waiting: a moment's delay in making them (the meter's thread, the GIL) never starves it
    ready: queue.Queue[np.ndarray | None] = queue.Queue(WRITE_AHEAD)
    failed: list[BaseException] = []

    def feed() -> None:
        while (block := ready.get()) is not None:
            if not failed:
                try:
                    encoder.write(block)
                except BaseException as exc:  # raised by the producer below
                    failed.append(exc)

    writer = threading.Thread(target=feed, name="lame-feed")
    writer.start()
    with encoder:
        try:
            for block in limiter.stream(mix.blocks()):
                if failed:
                    break
                ready.put(block)
                counted.add(len(block))
        finally:
            ready.put(None)
            writer.join()
        if failed:
            raise failed[0]
        lufs = encoder.finish()
    return lufs, peak.dbtp(), limiter.reduction


def loudness_warning(report: Loudness, lufs: float) -> str | None:
    """The warning for an encoded loudness of `lufs` off the target, None within tolerance;
    it blames the limiter only when the limiter took something off."""
    target = report.target_lufs
    if abs(lufs - target) <= RENDER_TOLERANCE_LU:
        return None
    missed = f"loudness {lufs:.1f} LUFS is {lufs - target:+.1f} LU off the {target:.0f} LUFS target"
    if report.limiter_max_db >= 1.0:
        return (
            f"{missed}; the limiter took up to {report.limiter_max_db:.1f} dB off the mix's"
            " peaks (a very peaky mix): lower its loudest moments"
        )
    return (
        f"{missed}; the limiter took nothing off, so this is not the mix's peaks: please report it"
    )


def encode(
    mix: Mix,
    kbps: int,
    out: Path,
    goal: Target,
    log: Callable[[str], None] | None = None,
    advance: Advance | None = None,
) -> Loudness:
    """Master and encode `mix` to `out`, checked as it is encoded; encode again once with a
    lower ceiling if a peak got through. `log` hears when each pass begins, `advance` how
    far it has got (seconds of audio)."""
    say = log or (lambda _message: None)
    length = duration_text(mix.frames / mix.rate)
    layout = {1: "mono", 2: "stereo"}.get(mix.channels, f"{mix.channels}-channel")
    say(f"mixing {length} of {layout} audio and measuring its loudness")
    middle, half = mix.frames // 2, PROBE_SECONDS * mix.rate
    excerpt = mix.range(max(0, middle - half), min(mix.frames, middle + half))
    with ThreadPoolExecutor(1) as pool:  # LAME's loss is found beside the first pass
        probe = pool.submit(encoder_loss, excerpt, mix.rate, kbps, out.with_suffix(".probe.mp3"))
        measured = measure_mix(mix, advance)
        loss = probe.result()
    aim = goal.loudness + loss
    ceiling = limiter_ceiling(goal)
    gain_db, _ = master_gain(mix, measured, aim, ceiling)
    say(
        f"mastering and encoding: gain {gain_db:+.1f} dB to {goal.loudness:g} LUFS,"
        f" {kbps} kbit/s {layout} MP3"
    )
    lufs, peak, reduction = _encode(mix, kbps, out, gain_db, ceiling, advance)
    if peak > goal.true_peak:
        say(f"a true peak of {peak:.1f} dBTP got through: encoding again with a lower ceiling")
        ceiling -= peak - goal.true_peak + 0.3
        gain_db, _ = master_gain(mix, measured, aim, ceiling)
        lufs, peak, reduction = _encode(mix, kbps, out, gain_db, ceiling, advance)
    report = Loudness(
        target_lufs=goal.loudness,
        target_true_peak=goal.true_peak,
        mix_lufs=measured.lufs,
        gain_db=round(gain_db, 2),
        limiter_max_db=round(reduction, 2),
    )
    report.output_lufs, report.output_true_peak = lufs, round(peak, 1)  # as ffmpeg prints
    if report.mix_lufs is None:
        report.warnings.append(
            "the episode is silent or shorter than 0.4 s, too short to measure its loudness;"
            " it was not normalised"
        )
    elif (missed := loudness_warning(report, lufs)) is not None:
        report.warnings.append(missed)
    if peak > goal.true_peak:
        report.warnings.append(f"true peak {peak:.1f} dBTP is above {goal.true_peak:.1f} dBTP")
    return report
