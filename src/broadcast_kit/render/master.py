"""Master a mix: one linear gain to the loudness target, a true-peak limiter, MP3 encode.

Loudness is measured per ITU-R BS.1770-4 (pyloudnorm); the gain is one number, reported, so
the dynamics are the producer's. The limiter looks at 4x-oversampled peaks and only touches
the few samples that would pass the ceiling; when that costs loudness, the gain is raised
(by at most 3 dB) and the limiter run again. The encoded MP3 is measured again with ffmpeg's
EBU R128 meter; if encoding pushed a peak over the ceiling, the limit is lowered and the
file encoded again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyloudnorm
import yaml
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly, sosfilt

from broadcast_kit import ffmpeg

OVERSAMPLE = 4
HOLD_MS = 10.0
ENCODE_MARGIN_DB = 0.5  # MP3 encoding adds a little to true peaks
TOLERANCE_LU = 0.5
MAX_PASSES = 2
INTERSAMPLE_HEADROOM = 10 ** (-4 / 20)  # true peaks exceed sample peaks by well under 4 dB
MAKEUP_DB = 3.0  # at most this much gain on top of the measured one to offset limiting


@dataclass(frozen=True)
class Target:
    loudness: float  # LUFS
    true_peak: float  # dBTP


@dataclass
class MasterReport:
    target_lufs: float
    target_true_peak: float
    mix_lufs: float | None
    gain_db: float
    limiter_max_db: float
    output_lufs: float | None = None
    output_true_peak: float | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def target(preset: str, channels: int) -> Target:
    presets = yaml.safe_load(
        files("broadcast_kit.data.presets").joinpath("loudness.yaml").read_text()
    )
    chosen = presets[preset]
    return Target(chosen["mono" if channels == 1 else "stereo"], chosen["true_peak"])


@cache
def _k_weighting(rate: int) -> np.ndarray:
    """pyloudnorm's two K-weighting biquads for `rate`, as float32 second-order sections
    (float32 filtering differs from float64 by under 0.001 dB here and is 3x faster)."""
    stages = pyloudnorm.Meter(rate)._filters.values()
    return np.array([np.concatenate([s.b, s.a]) for s in stages], dtype=np.float32)


def loudness(samples: np.ndarray, rate: int) -> float | None:
    """Integrated loudness (ITU-R BS.1770-4) in LUFS, or None for silence or < 400 ms.

    pyloudnorm's K-weighting with the 400 ms gating blocks (75 % overlap) computed from
    cumulative sums instead of pyloudnorm's per-block loop: the same result (a test holds
    them together), several times faster on a long episode, which matters because mastering
    measures more than once.
    """
    step = round(0.1 * rate)  # blocks are 4 steps (400 ms) long, one step apart
    chunks = len(samples) // step
    if chunks < 4:
        return None
    sos = _k_weighting(rate)
    energy = np.zeros(chunks)
    for channel in range(samples.shape[1]):  # channel weight 1 for L, R and mono
        weighted = sosfilt(sos, samples[:, channel].astype(np.float32))[: chunks * step]
        frames = weighted.reshape(chunks, step)
        energy += np.einsum("ij,ij->i", frames, frames, dtype=np.float64)  # no float64 copy
    power = (energy[:-3] + energy[1:-2] + energy[2:-1] + energy[3:]) / (4 * step)
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10 * np.log10(power)
    gated = power[blocks > -70.0]
    if len(gated) == 0:
        return None
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    return float(-0.691 + 10 * np.log10(power[(blocks > -70.0) & (blocks > relative)].mean()))


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
    floor (a louder gain) oversamples just the blocks that became relevant."""

    BLOCK = 2048
    RUN = 64  # blocks oversampled in one call
    PAD = 64

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
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
        end = min(end, len(self.samples))
        lo, hi = max(0, start - self.PAD), min(len(self.samples), end + self.PAD)
        up = _abs_peak(resample_poly(self.samples[lo:hi], OVERSAMPLE, 1, axis=0))
        peak = up.reshape(-1, OVERSAMPLE).max(axis=1)[start - lo : end - lo]
        np.maximum(self.peaks[start:end], peak, out=self.peaks[start:end])


def true_peaks(samples: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per frame, the true peak over all channels (exact wherever the sample peak >= floor)."""
    return PeakMeter(samples).true_peaks(floor)


def limiter_gain(
    peaks: np.ndarray, rate: int, ceiling_db: float
) -> tuple[np.ndarray | None, float]:
    """Per-frame gain that brings `peaks` under `ceiling_db` (None when nothing passes it),
    and the deepest reduction in dB."""
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
    samples: np.ndarray, rate: int, meter: PeakMeter, gain_db: float, ceiling: float
) -> tuple[np.ndarray, float]:
    """`samples` with `gain_db` applied and the limiter holding `ceiling` (dBTP)."""
    scale = np.float32(10 ** (gain_db / 20))
    peaks = meter.true_peaks(floor=float(10 ** ((ceiling - gain_db) / 20) * INTERSAMPLE_HEADROOM))
    # the gained signal's peaks pass `ceiling` where the unscaled ones pass ceiling - gain
    gain, reduction = limiter_gain(peaks, rate, ceiling - gain_db)
    if gain is None:
        return samples * scale, reduction
    gain *= scale
    return samples * gain[:, None], reduction


def master(
    samples: np.ndarray,
    rate: int,
    goal: Target,
    extra_margin: float = 0.0,
    encoder_loss: float = 0.0,
) -> tuple[np.ndarray, MasterReport]:
    """One gain to the target (plus what the encoder will take off), then the limiter."""
    measured = loudness(samples, rate)
    aim = goal.loudness + encoder_loss
    ceiling = goal.true_peak - ENCODE_MARGIN_DB - extra_margin
    gain_db = 0.0 if measured is None else aim - measured
    first_gain = gain_db
    meter = PeakMeter(samples)  # true peaks scale with the gain: measured once, as needed
    out, reduction = _gain_and_limit(samples, rate, meter, gain_db, ceiling)
    for _ in range(MAX_PASSES - 1):
        after = loudness(out, rate) if measured is not None and reduction > 0 else None
        # the limiter took some loudness off the peaks: raise the one gain to make up for it
        if after is None or abs(after - aim) <= 0.1 or gain_db - first_gain >= MAKEUP_DB:
            break
        gain_db = min(gain_db + aim - after, first_gain + MAKEUP_DB)
        del out  # one episode-sized result at a time
        out, reduction = _gain_and_limit(samples, rate, meter, gain_db, ceiling)
    report = MasterReport(
        goal.loudness, goal.true_peak, measured, round(gain_db, 2), round(reduction, 2)
    )
    return out, report


def encoder_loss(samples: np.ndarray, rate: int, kbps: int, scratch: Path) -> float:
    """How many LU quieter LAME makes this audio at `kbps` (about 0.4 at 128k), from a 30 s
    excerpt encoded to `scratch` and decoded again."""
    middle, half = len(samples) // 2, 15 * rate
    excerpt = samples[max(0, middle - half) : middle + half]
    before = loudness(excerpt, rate)
    if before is None:
        return 0.0
    try:
        ffmpeg.encode_mp3(excerpt, rate, kbps, scratch)
        after = loudness(ffmpeg.decode(scratch, rate, samples.shape[1]), rate)
    finally:
        scratch.unlink(missing_ok=True)
    return 0.0 if after is None else float(np.clip(before - after, 0.0, 1.0))


def encode(
    samples: np.ndarray,
    rate: int,
    kbps: int,
    out: Path,
    goal: Target,
) -> MasterReport:
    """Master and encode to `out`, check the file, and re-encode once if a peak got through."""
    loss = encoder_loss(samples, rate, kbps, out.with_suffix(".probe.mp3"))
    mastered, report = master(samples, rate, goal, encoder_loss=loss)
    ffmpeg.encode_mp3(mastered, rate, kbps, out)
    del mastered
    lufs, peak = ffmpeg.measure(out)
    if peak > goal.true_peak:
        extra = peak - goal.true_peak + 0.3
        mastered, report = master(samples, rate, goal, extra_margin=extra, encoder_loss=loss)
        ffmpeg.encode_mp3(mastered, rate, kbps, out)
        lufs, peak = ffmpeg.measure(out)
    report.output_lufs, report.output_true_peak = lufs, peak
    if report.mix_lufs is None:
        report.warnings.append(
            "the episode is silent or shorter than 0.4 s, too short to measure its loudness;"
            " it was not normalised"
        )
    elif abs(lufs - goal.loudness) > TOLERANCE_LU:
        report.warnings.append(
            f"loudness {lufs:.1f} LUFS is {lufs - goal.loudness:+.1f} LU off the"
            f" {goal.loudness:.0f} LUFS target (heavy limiting of a very peaky mix)"
        )
    if peak > goal.true_peak:
        report.warnings.append(f"true peak {peak:.1f} dBTP is above {goal.true_peak:.1f} dBTP")
    return report
