"""The loudness presets (package data, `data/presets/loudness.yaml`): the target a preset
sets for a channel layout. Read by mastering and by `kit check --loudness`, which needs
nothing else of mastering's (numpy, scipy)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Target:
    loudness: float  # LUFS
    true_peak: float  # dBTP


def target(preset: str, channels: int) -> Target:
    presets = yaml.safe_load(
        files("broadcast_kit.data.presets").joinpath("loudness.yaml").read_text()
    )
    chosen = presets[preset]
    return Target(chosen["mono" if channels == 1 else "stereo"], chosen["true_peak"])
