"""Podcasting 2.0 chapters JSON (`<slug>.chapters.json`, version 1.2.0), written by the
render and read by `kit check` here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from broadcast_kit.formats.report import Chapter

VERSION = "1.2.0"


def write(chapters: Iterable[Chapter]) -> str:
    return json.dumps(
        {
            "version": VERSION,
            "chapters": [
                {"startTime": c.start_ms / 1000, "title": c.title, "endTime": c.end_ms / 1000}
                for c in chapters
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def seconds(value: object) -> bool:
    """Whether `value` is a time the format allows: a number of seconds, not negative."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def entries(data: Any) -> list[Any] | None:
    """The chapter entries of a loaded file, None when it is not chapters 1.2.0."""
    chapters = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    return chapters if isinstance(chapters, list) else None


def entry(item: object) -> tuple[float, str] | None:
    """(start in seconds, title) of a chapter entry; None when it is not a valid one."""
    if (
        not isinstance(item, dict)
        or not seconds(item.get("startTime"))
        or not isinstance(item.get("title"), str)
        or ("endTime" in item and not seconds(item["endTime"]))
    ):
        return None
    return float(item["startTime"]), item["title"]
