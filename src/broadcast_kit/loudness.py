"""Loudness, owned here: the presets (package data, `data/presets/loudness.yaml`, read once),
the target a preset sets for a channel layout, the tolerances the render and `kit check`
hold an episode to, what mastering reports, and the numbers the rule texts quote.

Mastering (`render/master.py`) and `kit check --loudness` both read their targets from
here; this module needs nothing of mastering's (numpy, scipy), so a light check install can
use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from broadcast_kit import data

#: the presets' names, as show.yaml's `audio: loudness:` takes them (the keys of the YAML)
Preset = Literal["podcast", "broadcast"]
DEFAULT_PRESET: Preset = "podcast"
#: a render warns when its encoded loudness misses the target by more than this
RENDER_TOLERANCE_LU = 0.5
#: how far `kit check --loudness` lets an episode be off its target (show.yaml can change it)
CHECK_TOLERANCE_LU = 1.0
#: mastering's limiter ceiling sits this far below the target true peak: MP3 encoding adds a
#: little to true peaks
ENCODE_MARGIN_DB = 0.5


@dataclass(frozen=True)
class Target:
    loudness: float  # LUFS
    true_peak: float  # dBTP


@cache
def presets() -> dict[str, dict[str, float]]:
    """The preset file, read once per process."""
    loaded: dict[str, dict[str, float]] = data.load("loudness.yaml", f"{data.__name__}.presets")
    assert set(loaded) == set(get_args(Preset)), "loudness.yaml's presets are Preset's names"
    return loaded


def target(preset: str, channels: int) -> Target:
    """The target `preset` sets for `channels` (1: mono, otherwise stereo)."""
    chosen = presets()[preset]
    return Target(chosen["mono" if channels == 1 else "stereo"], chosen["true_peak"])


def default_true_peak() -> float:
    """The highest true peak the default preset allows (dBTP)."""
    return target(DEFAULT_PRESET, 2).true_peak


def limiter_ceiling(goal: Target) -> float:
    """Where mastering's true-peak limiter holds the mix for `goal`."""
    return goal.true_peak - ENCODE_MARGIN_DB


def targets_text(preset: str = DEFAULT_PRESET) -> str:
    """The targets of `preset` as the rule texts quote them: '-16 LUFS stereo, -19 mono'."""
    stereo, mono = target(preset, 2).loudness, target(preset, 1).loudness
    return f"{stereo:g} LUFS stereo, {mono:g} mono"


class Report(BaseModel):
    """What mastering did and measured: the render report's `loudness`, written as it is."""

    # reports written by newer versions may carry more: read what is known
    model_config = ConfigDict(extra="ignore")

    target_lufs: float
    target_true_peak: float
    mix_lufs: float | None
    gain_db: float
    limiter_max_db: float
    output_lufs: float | None = None
    output_true_peak: float | None = None
    warnings: list[str] = []


@dataclass(frozen=True)
class Goal:
    """What `kit check --loudness` holds an MP3 to: the target in LUFS (None: the preset's
    for the file's channels), the tolerance in LU, the highest true peak in dBTP."""

    preset: str = DEFAULT_PRESET
    target: float | None = None
    tolerance: float = CHECK_TOLERANCE_LU
    true_peak: float | None = None  # None: the preset's

    def for_channels(self, channels: int) -> Target:
        """The target and true-peak ceiling for a file with `channels`."""
        preset = target(self.preset, channels)
        return Target(
            preset.loudness if self.target is None else self.target,
            preset.true_peak if self.true_peak is None else self.true_peak,
        )
