"""How long a sentence will last before it is synthesized, for `--dry-run` and the length
limit.

Each engine voice speaks at its own pace: the package's `speech_rates.yaml` holds, per engine
and voice, the seconds of (trimmed) speech per letter and per sentence at speed 1, measured
by `scripts/calibrate.py`; a digit counts as three letters (numbers are read as words). A
voice's `speed` divides it. When some of an episode's sentences are already in the speech
cache, each voice's measured sentences correct its others (their ratio of measured to
estimated length, pulled towards 1 while there are few). Engines without an entry (plugins,
the fake test engine) keep the former estimate of 2.6 words per second; espeak-ng, when not
measured, its 175 words a minute.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from broadcast_kit import model
from broadcast_kit.errors import BroadcastKitError
from broadcast_kit.loader import Production
from broadcast_kit.model import Voice
from broadcast_kit.render.sentences import WORDS_PER_SECOND, sentences, word_count
from broadcast_kit.tts import registry
from broadcast_kit.tts.voices import ResolvedVoice

TABLE = Path(str(files("broadcast_kit.data").joinpath("speech_rates.yaml")))
# how many seconds of estimated speech the pace counts for against measured sentences: the
# table's measured paces a good deal, a guessed one (an engine not in it) next to nothing
PRIOR_SECONDS, GUESSED_PRIOR_SECONDS = 20.0, 1.0
# engines not in the table whose pace is known otherwise, in words per second at speed 1:
# espeak-ng speaks at the 175 words a minute tts/espeak.py asks for
WORDS_PER_SECOND_OF = {"espeak": 175 / 60}


def letters(text: str) -> int:
    """What the pace is counted in: letters, and three for each digit."""
    return len(re.findall(r"[^\W\d_]", text)) + 3 * len(re.findall(r"\d", text))


@dataclass(frozen=True)
class Pace:
    """Seconds of speech per letter and per sentence, at speed 1."""

    letter: float
    sentence: float = 0.0

    def seconds(self, text: str) -> float:
        return self.letter * letters(text) + self.sentence


@cache
def table() -> dict[str, dict[str, Pace]]:
    """engine -> voice ('*' for any other voice of it) -> pace."""
    loaded = yaml.safe_load(TABLE.read_text(encoding="utf-8")) or {}
    return {
        engine: {voice: Pace(**pace) for voice, pace in voices.items()}
        for engine, voices in loaded.get("engines", {}).items()
    }


def pace(voice: Voice | ResolvedVoice) -> Pace | None:
    """The voice's pace at speed 1, if the table knows its engine: a render's voices are
    resolved; `kit segment` estimates with voices as written, when they are not usable here."""
    known = table().get(voice.engine)
    if not known:
        return None
    if isinstance(voice, ResolvedVoice):
        return known.get(voice.name, known.get("*"))
    name = voice.voice if isinstance(voice.voice, str) else None
    if name is None:  # the engine's default voice
        try:
            name = registry.get(voice.engine).default_voice()
        except BroadcastKitError:
            name = "*"
    return known.get(name, known.get("*"))


def seconds(text: str, voice: Voice | ResolvedVoice) -> float:
    """The table's estimate of `text` spoken by `voice`."""
    found = pace(voice)
    speed = voice.written.speed if isinstance(voice, ResolvedVoice) else voice.speed
    if found is None:
        rate = WORDS_PER_SECOND_OF.get(voice.engine, WORDS_PER_SECOND)
        return word_count(text) / rate / speed
    return found.seconds(text) / speed


class Estimator:
    """Estimates corrected by the episode's sentences already measured, voice by voice."""

    def __init__(self) -> None:
        self._measured: dict[Voice | ResolvedVoice, list[float]] = {}  # [measured s, estimated s]

    def learn(self, text: str, voice: Voice | ResolvedVoice, measured: float) -> None:
        totals = self._measured.setdefault(voice, [0.0, 0.0])
        totals[0] += measured
        totals[1] += seconds(text, voice)

    def seconds(self, text: str, voice: Voice | ResolvedVoice) -> float:
        measured, estimated = self._measured.get(voice, (0.0, 0.0))
        prior = PRIOR_SECONDS if pace(voice) is not None else GUESSED_PRIOR_SECONDS
        return seconds(text, voice) * (measured + prior) / (estimated + prior)


def write_table(found: dict[str, dict[str, dict[str, float]]], sentences: int) -> None:
    """Store calibrate.py's measurements over the table's entries for the same voices (the
    others are kept); an engine's '*', for its other voices, is the average of its voices."""
    loaded = yaml.safe_load(TABLE.read_text(encoding="utf-8")) or {}
    engines = dict(loaded.get("engines", {}))
    for engine, voices in found.items():
        known = dict(sorted({**engines.get(engine, {}), **voices}.items()))
        known.pop("*", None)
        average = {
            unit: round(sum(pace[unit] for pace in known.values()) / len(known), 5)
            for unit in ("letter", "sentence")
        }
        engines[engine] = {**known, "*": average}
    head = (
        "# Seconds of speech per letter (a digit counts as three) and per sentence, at speed 1,"
        "\n# measured by scripts/calibrate.py on"
        f" {sentences} sentences per voice (last run {dt.date.today().isoformat()}).\n"
        "# render/estimate.py reads it; engines not listed are estimated at 2.6 words/s.\n"
    )
    body = yaml.safe_dump(
        {"engines": dict(sorted(engines.items()))}, sort_keys=False, default_flow_style=None
    )
    TABLE.write_text(head + body, encoding="utf-8")


# --- describing parts (kit segment) -------------------------------------------------------


def describe_parts(production: Production) -> list[dict[str, Any]]:
    """The parts as `kit segment` shows them: chapters fold into the parts that follow."""
    folder = production.episode_path.parent
    chapter: str | None = None
    rows: list[dict[str, Any]] = []
    for part in production.parts:
        if isinstance(part, model.ChapterPart):
            chapter = part.chapter
            continue
        kind = model.kind_of(part)
        text = model.spoken_text(part)
        if isinstance(part, model.InterviewPart) and part.audio is not None:
            text = part.transcript
        text = " ".join(text.split()) if text is not None else None
        words = word_count(text) if text else 0
        speech = isinstance(part, model.HostPart | model.InterviewPart | model.VoxpopPart)
        row: dict[str, Any] = {
            "index": len(rows) + 1,
            "kind": kind,
            "speaker": model.speaker_name(part, production.voices) if speech else None,
            "voice": model.voice_key(part),
            "chapter": chapter,
            "text": text,
            "words": words,
            "estimated_seconds": _estimate(part, production),
        }
        if isinstance(part, model.MusicPart):
            row["file"] = _relative(part.music, folder)
            row["role"] = part.role
        elif isinstance(part, model.InterviewPart) and part.audio is not None:
            row["file"] = _relative(part.audio, folder)
        elif isinstance(part, model.PausePart):
            row["seconds"] = part.pause
        rows.append(row)
    return rows


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _estimate(part: model.Part, production: Production) -> float | None:
    if isinstance(part, model.PausePart):
        return part.pause
    if isinstance(part, model.MusicPart):
        return None
    if isinstance(part, model.InterviewPart) and part.audio is not None:
        if part.start is not None and part.end is not None:
            return round(part.end - part.start, 1)
        return None
    text, key = model.spoken_text(part), model.voice_key(part)
    if text is None or key is None:
        return None
    voice = production.resolved.get(key) or production.voices[key]
    return round(sum(seconds(s, voice) for s in sentences(text)), 1)
