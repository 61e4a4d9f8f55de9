"""Every problem of an episode, its show and their voices, found in one pass.

`Problems` collects the `file:line: message` lines of everything the loader finds wrong and
raises them together, ordered by file (the episode's first, then the files it names, then
the show's) and line, so a producer fixes a broken show in one round instead of three.
`field_hint` says what to do about an unknown field: the place it belongs when it is a
field of another part of the format (`speed` on a segment goes under `voices:`), else the
field it most likely misspells, else the fields allowed there.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from broadcast_kit import model
from broadcast_kit.errors import ConfigError, InputError

T = TypeVar("T")


class Problems:
    """The problems found so far, each a `file:line: message` line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.lines)

    def add(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)

    def record(self, exc: InputError) -> None:
        for line in exc.problems if isinstance(exc, ConfigError) and exc.problems else [str(exc)]:
            self.add(line)

    def attempt(self, step: Callable[..., T], *args: Any) -> T | None:
        """`step(*args)`, or None with its problems recorded when it raises InputError."""
        try:
            return step(*args)
        except InputError as exc:
            self.record(exc)
            return None

    def passes(self, step: Callable[..., object], *args: Any) -> bool:
        """Whether `step(*args)` raised no InputError (whose problems are recorded)."""
        try:
            step(*args)
        except InputError as exc:
            self.record(exc)
            return False
        return True

    def ordered(self, files: list[str]) -> list[str]:
        """The lines by file (in the order of `files`, others after) and line number."""

        def key(line: str) -> tuple[int, int]:
            for rank, name in enumerate(files):
                if line.startswith(f"{name}:"):
                    found = re.match(r"(\d+):", line[len(name) + 1 :])
                    return rank, int(found.group(1)) if found else 0
            return len(files), 0

        return sorted(self.lines, key=key)

    def raise_all(self, files: list[str]) -> None:
        """Raise every problem at once (a ConfigError), if there is any."""
        if self.lines:
            lines = self.ordered(files)
            raise ConfigError(lines[0], lines)


# --- where a field belongs -------------------------------------------------------------------

_VOICE = set(model.Voice.model_fields)
_DESCRIPTION = set(model.VoiceWanted.model_fields)
_SHOW = set(model.Show.model_fields) - set(model.Episode.model_fields)
_EPISODE = set(model.Episode.model_fields) - set(model.Show.model_fields)
_PARTS = {part.kind: set(part.model_fields) for part in model.PART_TYPES}


def _segment_home(name: str) -> str | None:
    kinds = [kind for kind, fields in _PARTS.items() if name in fields]
    if not kinds:
        return None
    listed = " and ".join(f"{kind}" for kind in kinds)
    return f"'{name}' belongs to {listed} segments (- {kinds[0]}: ...), in the episode's segments:"


def _voice_home(name: str, voice: str | None) -> str | None:
    if name not in _VOICE:
        return None
    key = voice or "NAME"
    return (
        f"'{name}' is a voice setting: it goes under voices: in the episode or show.yaml"
        f" ({key}: {{{name}: ...}})"
    )


def field_hint(
    root: type[BaseModel], owner: type[BaseModel] | None, name: str, voice: str | None
) -> str:
    """What to do about the unknown field `name` in `owner` (a model inside the file whose
    model is `root`). `voice`: the voice key of the segment it is in, when it is in one."""
    fields = sorted(owner.model_fields) if owner else []
    segment = owner is not None and owner in model.PART_TYPES
    if segment:
        homes = [
            _voice_home(name, voice),
            _segment_home(name),
            f"'{name}' goes at the top of the episode file, not inside a segment (check its"
            " indentation)"
            if name in _EPISODE
            else None,
        ]
    elif owner is model.Voice:
        homes = [
            f"'{name}' describes the voice wanted: write voice: {{{name}: ...}}"
            + (" (gTTS takes its accent as tld:)" if name == "accent" else "")
            if name in _DESCRIPTION
            else None,
            _segment_home(name),
        ]
    elif owner is root and root is model.Episode:
        homes = [
            f"'{name}' is a show setting: it goes in show.yaml" if name in _SHOW else None,
            _voice_home(name, None),
            _segment_home(name),
        ]
    elif owner is root and root is model.Show:
        homes = [
            f"'{name}' belongs in each episode's episode.yaml, not in show.yaml"
            if name in _EPISODE
            else None,
            _voice_home(name, None),
            _segment_home(name),
        ]
    else:
        homes = []
    found = [h for h in homes if h]
    if found:  # a name that is a field in two other places (role: music's and a voice's)
        return "; or ".join(found[:2])
    guess = difflib.get_close_matches(name, fields, n=1)
    if guess:
        return f"did you mean '{guess[0]}'?"
    return f"known fields: {', '.join(fields)}"


def segment_kind_hint(keys: list[str]) -> str:
    """For a segment with none of the kinds' keys: the kind a key most likely misspells."""
    for key in keys:
        guess = difflib.get_close_matches(key, model.SEGMENT_KINDS, n=1)
        if guess:
            return f"'{key}' is not a kind of segment; did you mean '{guess[0]}'?"
    return (
        f"a segment is a mapping with one of {', '.join(model.SEGMENT_KINDS)}"
        " (e.g. '- host: Good evening.')"
    )
