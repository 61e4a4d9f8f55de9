"""Master a mix: one linear gain to the loudness target, a true-peak limiter, MP3 encode.

Loudness is measured per ITU-R BS.1770-4 (pyloudnorm); the gain is one number, reported, so
the dynamics are the producer's. The limiter looks at 4x-oversampled peaks and only touches
the few samples that would pass the ceiling. The encoded MP3 is measured again with ffmpeg's
EBU R128 meter; if encoding pushed a peak over the ceiling, the limit is lowered and the
file encoded again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyloudnorm
import yaml
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from broadcast_kit import ffmpeg

OVERSAMPLE = 4
HOLD_MS = 10.0
ENCODE_MARGIN_DB = 0.5  # MP3 encoding adds a little to true peaks
TOLERANCE_LU = 0.5


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


def loudness(samples: np.ndarray, rate: int) -> float | None:
    """Integrated loudness in LUFS, or None for silence or audio shorter than one block."""
    if len(samples) < rate * 0.4:
        return None
    value = float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))
    return value if np.isfinite(value) else None


def true_peaks(samples: np.ndarray, block: int = 1 << 18) -> np.ndarray:
    """Per frame, the largest absolute value of the 4x-oversampled signal over all channels."""
    pad = 64
    out = np.empty(len(samples), dtype=np.float32)
    for start in range(0, len(samples), block):
        lo, hi = max(0, start - pad), min(len(samples), start + block + pad)
        up = resample_poly(samples[lo:hi], OVERSAMPLE, 1, axis=0)
        peak = np.abs(up).max(axis=1).reshape(-1, OVERSAMPLE).max(axis=1)
        end = min(start + block, len(samples))
        out[start:end] = peak[start - lo : end - lo]
    result: np.ndarray = np.maximum(out, np.abs(samples).max(axis=1))
    return result


def limit(samples: np.ndarray, rate: int, ceiling_db: float) -> tuple[np.ndarray, float]:
    """Bring true peaks under `ceiling_db`; returns the audio and the deepest reduction (dB)."""
    ceiling = 10 ** (ceiling_db / 20)
    peaks = true_peaks(samples)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9)).astype(np.float32)
    if needed.min() >= 1.0:
        return samples, 0.0
    hold = max(1, round(rate * HOLD_MS / 1000))
    # min over +-hold, then a box average of width hold+1: never above what any frame needs
    gain = uniform_filter1d(minimum_filter1d(needed, 2 * hold + 1), hold + 1)
    gain = np.minimum(gain, needed)
    return samples * gain[:, None], float(-20 * np.log10(gain.min()))


def master(
    samples: np.ndarray,
    rate: int,
    goal: Target,
    extra_margin: float = 0.0,
) -> tuple[np.ndarray, MasterReport]:
    measured = loudness(samples, rate)
    gain_db = 0.0 if measured is None else goal.loudness - measured
    out = samples * np.float32(10 ** (gain_db / 20))
    out, reduction = limit(out, rate, goal.true_peak - ENCODE_MARGIN_DB - extra_margin)
    report = MasterReport(
        goal.loudness, goal.true_peak, measured, round(gain_db, 2), round(reduction, 2)
    )
    return out, report


def encode(
    samples: np.ndarray,
    rate: int,
    kbps: int,
    out: Path,
    goal: Target,
) -> tuple[np.ndarray, MasterReport]:
    """Master and encode to `out`, check the file, and re-encode once if a peak got through."""
    mastered, report = master(samples, rate, goal)
    ffmpeg.encode_mp3(mastered, rate, kbps, out)
    lufs, peak, _ = ffmpeg.measure(out)
    if peak > goal.true_peak:
        mastered, report = master(samples, rate, goal, extra_margin=peak - goal.true_peak + 0.3)
        ffmpeg.encode_mp3(mastered, rate, kbps, out)
        lufs, peak, _ = ffmpeg.measure(out)
    report.output_lufs, report.output_true_peak = lufs, peak
    if report.mix_lufs is not None and abs(lufs - goal.loudness) > TOLERANCE_LU:
        report.warnings.append(
            f"loudness {lufs:.1f} LUFS is {lufs - goal.loudness:+.1f} LU off the"
            f" {goal.loudness:.0f} LUFS target (heavy limiting of a very peaky mix)"
        )
    if peak > goal.true_peak:
        report.warnings.append(f"true peak {peak:.1f} dBTP is above {goal.true_peak:.1f} dBTP")
    return mastered, report
