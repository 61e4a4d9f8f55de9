"""Golden cases for the timeline: each file in data/timeline/ holds the parts, what was
measured about them, and the placements and chapters expected (times in ms)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from broadcast_kit import model
from broadcast_kit.model import Pacing, Voice
from broadcast_kit.render import timeline

CASES = sorted((Path(__file__).parent / "data" / "timeline").glob("*.yaml"))
PARTS = TypeAdapter(list[model.Part])


def build(case: dict[str, Any]) -> timeline.Timeline:
    parts = PARTS.validate_python(case["parts"])
    measured = []
    for part, facts in zip(parts, case["measured"], strict=True):
        facts = facts or {}
        text = model.spoken_text(part) or ""
        sentences = [(f"{text} #{n}", ms) for n, ms in enumerate(facts.get("sentences", []))]
        measured.append(timeline.Measured(tuple(sentences), facts.get("duration", 0)))
    voices = {"host": Voice(name="Host"), "guest": Voice(name="The Guest"), "voxpop": Voice()}
    return timeline.build(parts, measured, voices, Pacing(**case.get("pacing", {})), "Episode")


def row(item: timeline.Placed) -> list[Any]:
    who = item.role if item.kind == "music" else item.speaker
    out: list[Any] = [item.start, item.end, item.kind, who, item.chapter]
    if item.kind == "music":
        out.append({"fade": [item.fade_in, item.fade_out], "ducks": [list(d) for d in item.ducks]})
    return out


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_timeline_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text())
    placed = build(case)
    assert [row(item) for item in placed.items] == case["expected"]
    assert [[c.title, c.start_ms, c.end_ms] for c in placed.chapters] == case["chapters"]
    assert placed.duration == case["duration"]
    assert list(placed.warnings) == case.get("warnings", [])


def test_cases_exist() -> None:
    assert len(CASES) >= 3
