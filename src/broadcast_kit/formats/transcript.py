"""Podcasting 2.0 JSON transcripts (`<slug>.transcript.json`, version 1.0.0), written by
the render and read by `kit check` here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from broadcast_kit.formats.chapters import seconds
from broadcast_kit.formats.vtt import Cue

VERSION = "1.0.0"


def write(cues: Iterable[Cue]) -> str:
    return json.dumps(
        {
            "version": VERSION,
            "segments": [
                {
                    "speaker": c.speaker,
                    "startTime": c.start_ms / 1000,
                    "endTime": c.end_ms / 1000,
                    "body": c.text,
                }
                for c in cues
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def segments(data: Any) -> list[Any] | None:
    """The segments of a loaded file, None when it is not a JSON transcript 1.0.0."""
    found = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    return found if isinstance(found, list) else None


def segment(item: object) -> tuple[float, float, str] | None:
    """(start, end in ms, body) of a segment; None when it is not a valid one."""
    if (
        not isinstance(item, dict)
        or not seconds(item.get("startTime"))
        or not seconds(item.get("endTime"))
        or not isinstance(item.get("body"), str)
        or not isinstance(item.get("speaker", ""), str)
    ):
        return None
    return item["startTime"] * 1000, item["endTime"] * 1000, item["body"]
