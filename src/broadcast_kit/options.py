"""How to render, apart from the episode and show files: one frozen settings object passed
to the render (black's `Mode`). `key()` is what of it changes the outputs, which the
inputs' fingerprint includes, so that a batch render redoes episodes whose options did."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from broadcast_kit.limits import MAX_DURATION_SECONDS


@dataclass(frozen=True)
class RenderOptions:
    #: the show file; None: show.yaml in the episode's folder or the nearest one above
    show: Path | None = None
    #: refuse an episode planned longer than this (seconds), before synthesizing anything
    max_duration: float | None = MAX_DURATION_SECONDS
    #: replace files in the output folder that no render of the episode made
    take_over: bool = False
    #: store the inputs' fingerprint in the render report (batch renders compare it)
    fingerprint: bool = False

    def key(self) -> dict[str, object]:
        """The options that change what a render writes, for the fingerprint: none of these
        does (the limit refuses, take_over permits, fingerprint records), so it is empty and
        a fingerprint is what it was before options existed."""
        return {}


DEFAULT = RenderOptions()
