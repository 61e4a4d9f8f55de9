"""The script text format: a radio script written as text becomes the same parts as YAML.

An episode may give `script:` (inline) or `script_file:` instead of `segments:`. Speaker lines
(`HOST: ...`, `SHIN: ...`, `VOXPOP(Concert visitor): ...`) start a paragraph; blank-line
separated paragraphs without a label continue the last speaker, one part per paragraph.
`## Title` starts a chapter and bracketed lines are production cues (`[MUSIC bed: bed.mp3
under 3]`, `[STING: sting.mp3]`, `[PAUSE 2s]`, `[CLIP shin-01.mp3: transcript]`,
`[NOTE ...]`). Every error names the script line. This module also describes a production's
parts the way `kit segment` prints them, whichever format they came from.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from broadcast_kit import limits, model
from broadcast_kit.errors import InputError

CUES = (
    "[MUSIC intro|outro|bed|sting: file options]",
    "[STING: file]",
    "[PAUSE 2s]",
    "[CLIP file: transcript]",
    "[NOTE text]",
)
# possessive (*+): the two \s* around the optional (name) made long blank runs quadratic
_LABEL = re.compile(
    r"(?P<label>[A-Z][A-Z0-9_-]*+)\s*+(?:\((?P<name>[^()]*+)\))?\s*+:(?:\s*(?P<text>.*))?"
)
_NUMBER = r"-?\d+(?:\.\d+)?"
# option name as written -> (MusicPart field, unit suffix that may follow the number)
_MUSIC_OPTIONS: dict[str, tuple[str, str]] = {
    "level": ("level", "db"),
    "duck": ("duck", "db"),
    "attack": ("attack", "ms"),
    "release": ("release", "ms"),
    "fade-in": ("fade_in", "s"),
    "fade_in": ("fade_in", "s"),
    "fade-out": ("fade_out", "s"),
    "fade_out": ("fade_out", "s"),
    "overlap": ("overlap", "s"),
    "under": ("under", ""),
    "gap": ("gap", "s"),
}
_CLIP_OPTIONS = {"from": "start", "to": "end"}

Listed = list[tuple[model.Part, int]]
_Model = TypeVar("_Model", bound=model.Strict)


@dataclass
class _Speaker:
    label: str
    name: str | None  # the VOXPOP(description) form


def _hint() -> str:
    return "cues are " + ", ".join(CUES)


def _number(text: str, unit: str, where: str, what: str) -> float:
    """A number as written in a cue: `2`, `1.5s`, `-4dB`, `300ms` (no unit: a whole number)."""
    pattern = rf"({_NUMBER})\s*(?:{unit})?" if unit else r"(\d+)"
    match = re.fullmatch(pattern, text, re.IGNORECASE)
    if match is None:
        suffix = f" (optionally followed by {unit})" if unit else " (a whole number)"
        raise InputError(f"{where}: {what}: '{text}' is not a number{suffix}")
    return float(match.group(1))


def _tokens(text: str, where: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise InputError(f'{where}: {exc}; quote names with spaces: "my file.mp3"') from None


def _validated(cls: type[_Model], fields: dict[str, Any], where: str, cue: str) -> _Model:
    try:
        return cls(**fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(p) for p in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        raise InputError(f"{where}: {cue}: {field + ': ' if field else ''}{message}") from None


def _part(cls: type[_Model], fields: dict[str, Any], where: str) -> _Model:
    """A part from a paragraph or heading; a field it refuses (a control character in the
    words, say) is an InputError naming the line and the field."""
    try:
        return cls(**fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(p) for p in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        raise InputError(f"{where}: {field + ': ' if field else ''}{message}") from None


class _Parser:
    def __init__(self, text: str, name: str, first_line: int, folder: Path) -> None:
        self.lines = text.splitlines()
        self.name = name
        self.first_line = first_line
        self.folder = folder  # where file names in the script are relative to, from the episode
        self.parts: Listed = []
        self.speaker: _Speaker | None = None
        self.paragraph: list[str] = []
        self.paragraph_line = 0

    def where(self, line: int) -> str:
        return f"{self.name}:{line}"

    def path(self, written: str) -> Path:
        path = Path(written)
        return path if path.is_absolute() else self.folder / path

    def parse(self) -> Listed:
        cue: list[str] = []
        cue_line = 0
        for offset, raw in enumerate(self.lines):
            number = self.first_line + offset
            line = raw.strip()
            if cue:
                cue.append(line)
                if line.endswith("]"):
                    self.cue(" ".join(cue), cue_line)
                    cue = []
                continue
            if not line:
                self.flush()
            elif line.startswith("["):
                self.flush()
                if line.endswith("]"):
                    self.cue(line, number)
                else:
                    self.check_open_cue(line, number)
                    cue, cue_line = [line], number
            elif line.startswith("#"):
                self.flush()
                self.heading(line, number)
            elif (match := _LABEL.fullmatch(line)) is not None:
                self.flush()
                text = self.label(match, number)
                if text.startswith("[") and not text.endswith("]"):
                    self.check_open_cue(text, number)
                    cue, cue_line = [text], number
                elif text.startswith("["):
                    self.cue(text, number)
                elif text:
                    self.paragraph, self.paragraph_line = [text], number
            else:
                if not self.paragraph:
                    self.paragraph_line = number
                self.paragraph.append(line)
        if cue:
            raise InputError(
                f"{self.where(cue_line)}: cue is not closed; end it with ']' ({_hint()})"
            )
        self.flush()
        return self.parts

    def heading(self, line: str, number: int) -> None:
        match = re.fullmatch(r"##\s+(.+)", line)
        if match is None:
            raise InputError(
                f"{self.where(number)}: '{line[:40]}': a chapter heading is '## Title'"
                " (two #, a space, the title); notes go in [NOTE ...]"
            )
        chapter = _part(model.ChapterPart, {"chapter": match.group(1).strip()}, self.where(number))
        self.parts.append((chapter, number))

    def label(self, match: re.Match[str], number: int) -> str:
        """Make the label the current speaker; return the text that follows it."""
        label, name, text = match["label"], match["name"], (match["text"] or "").strip()
        if name is not None and not label.startswith("VOXPOP"):
            raise InputError(
                f"{self.where(number)}: {label}({name}): a description in brackets is only for"
                f" VOXPOP speakers; set the printed name with voices.{label.lower()}.name"
            )
        self.speaker = _Speaker(label, name.strip() if name is not None else None)
        return text

    def flush(self) -> None:
        if not self.paragraph:
            return
        text = " ".join(self.paragraph)
        number = self.paragraph_line
        self.paragraph = []
        speaker = self.speaker
        if speaker is None:
            raise InputError(
                f"{self.where(number)}: text before any speaker; start the paragraph with a"
                " speaker label such as 'HOST:' or 'SHIN:'"
            )
        key = speaker.label.lower()
        part: model.Part
        where = self.where(number)
        if speaker.label == "HOST":
            part = _part(model.HostPart, {"host": text}, where)
        elif speaker.label.startswith("VOXPOP"):
            fields = {"voxpop": text, "speaker": speaker.name or "Listener", "voice": key}
            part = _part(model.VoxpopPart, fields, where)
        else:
            part = _part(model.InterviewPart, {"interview": text, "speaker": key}, where)
        self.parts.append((part, number))

    def check_open_cue(self, text: str, number: int) -> None:
        """A cue that closes on its own line and has words after it would swallow lines."""
        if "]" in text:
            raise InputError(
                f"{self.name}:{number}: put the cue {text[: text.index(']') + 1]} on a line of"
                " its own; the words after it go on the next line"
            )

    def cue(self, text: str, number: int) -> None:
        where = self.where(number)
        body = text[1:-1].strip()
        if body.startswith("["):
            raise InputError(
                f"{where}: a cue inside a cue ('[['); cues do not nest: write one per line,"
                " e.g. [PAUSE 2s]"
            )
        match = re.match(r"([A-Za-z]+)\b\s*(.*)", body, re.DOTALL)
        word = match.group(1).upper() if match else ""
        rest = match.group(2).strip() if match else ""
        if word == "NOTE":
            return
        if word == "PAUSE":
            self.parts.append((self.pause(rest, where), number))
        elif word in ("MUSIC", "STING"):
            self.parts.append((self.music(word, rest, where), number))
        elif word == "CLIP":
            self.parts.append((self.clip(rest, where), number))
        else:
            raise InputError(f"{where}: unknown cue '[{body[:40]}]'; {_hint()}")

    def pause(self, rest: str, where: str) -> model.PausePart:
        seconds = _number(rest.lstrip(":").strip(), "s", where, "PAUSE")
        return _validated(model.PausePart, {"pause": seconds}, where, "PAUSE")

    def music(self, word: str, rest: str, where: str) -> model.MusicPart:
        if word == "STING":
            if not rest.startswith(":"):
                raise InputError(f"{where}: write the sting as [STING: file.mp3]")
            role, args = "sting", rest[1:]
        else:
            match = re.fullmatch(r"(\w+)\s*:\s*(.*)", rest, re.DOTALL)
            if match is None or match.group(1).lower() not in model.MUSIC_ROLES:
                raise InputError(
                    f"{where}: MUSIC needs a role and a file, e.g. [MUSIC bed: bed.mp3 under 2];"
                    f" roles: {', '.join(model.MUSIC_ROLES)}"
                )
            role, args = match.group(1).lower(), match.group(2)
        tokens = _tokens(args, where)
        if not tokens:
            raise InputError(f"{where}: {word}: name the music file")
        fields: dict[str, Any] = {"music": self.path(tokens[0]), "role": role}
        options = tokens[1:]
        if len(options) % 2:
            raise InputError(
                f"{where}: {word}: options come in pairs like 'under 3' or 'level -4';"
                f" got '{' '.join(options)}'"
            )
        for key, value in zip(options[::2], options[1::2], strict=True):
            if key.lower() not in _MUSIC_OPTIONS:
                known = sorted({k for k in _MUSIC_OPTIONS if "_" not in k})
                raise InputError(
                    f"{where}: {word}: unknown option '{key}'; options: {', '.join(known)}"
                )
            field, unit = _MUSIC_OPTIONS[key.lower()]
            number = _number(value, unit, where, f"{word} {key}")
            fields[field] = int(number) if field == "under" else number
        return _validated(model.MusicPart, fields, where, word)

    def clip(self, rest: str, where: str) -> model.InterviewPart:
        if self.speaker is None:
            raise InputError(
                f"{where}: CLIP before any speaker; write it on the speaker's line,"
                " e.g. SHIN: [CLIP shin-01.mp3: transcript]"
            )
        head, _, transcript = rest.partition(":")
        tokens = _tokens(head, where)
        if not tokens:
            raise InputError(f"{where}: CLIP: name the recording, e.g. [CLIP shin-01.mp3: words]")
        fields: dict[str, Any] = {
            "speaker": self.speaker.label.lower(),
            "audio": self.path(tokens[0]),
            "transcript": " ".join(transcript.split()) or None,
        }
        options = tokens[1:]
        if len(options) % 2 or any(k.lower() not in _CLIP_OPTIONS for k in options[::2]):
            raise InputError(
                f"{where}: CLIP: after the file only 'from SECONDS' and 'to SECONDS' are allowed;"
                f" got '{' '.join(options)}'"
            )
        for key, value in zip(options[::2], options[1::2], strict=True):
            fields[_CLIP_OPTIONS[key.lower()]] = _number(value, "s", where, f"CLIP {key}")
        return _validated(model.InterviewPart, fields, where, "CLIP")


def parse(text: str, name: str, first_line: int = 1, folder: Path = Path()) -> Listed:
    """The parts of a script and the line each starts on.

    `name` is the file as shown in errors, `first_line` the file line of the text's first
    line, `folder` the script's folder relative to the episode's (file names are rebased).
    """
    return _Parser(text, name, first_line, folder).parse()


def episode_parts(
    episode: model.Episode, episode_path: Path, key_line: int, display: Callable[[Path], str]
) -> list[tuple[model.Part, str]]:
    """The parts of an episode's `script:` or `script_file:`, each with its "file:line"."""
    if episode.script_file is not None:
        path = episode_path.parent / episode.script_file
        try:
            raw = limits.read_bounded(
                path, limits.MAX_FILE_BYTES, display(path), "script files", "split the episode"
            )
        except FileNotFoundError:
            raise InputError(
                f"{display(episode_path)}:{key_line}: script_file: {display(path)} does not exist"
            ) from None
        except OSError as exc:
            raise InputError(f"{display(path)}: cannot read the script ({exc})") from None
        text = limits.utf8_text(raw, display(path))
        name, first, folder = display(path), 1, episode.script_file.parent
    else:
        text = episode.script or ""
        name, folder = display(episode_path), Path()
        style = _block_style(episode_path, key_line)
        if style == ">":
            raise InputError(
                f"{display(episode_path)}:{key_line}: script: use 'script: |' so its lines are"
                " kept; '>' joins them into one"
            )
        first = key_line + (1 if style else 0)
    listed = parse(text, name, first, folder)
    if not any(model.kind_of(p) not in ("chapter", "pause") for p, _ in listed):
        raise InputError(
            f"{name}:{first}: the script has nothing to play; add a speaker line such as"
            " 'HOST: Good evening.'"
        )
    return [(part, f"{name}:{line}") for part, line in listed]


def _block_style(episode_path: Path, key_line: int) -> str | None:
    """'|' or '>' when `script:` on `key_line` starts a block scalar (its text begins a line
    below), else None."""
    try:
        line = episode_path.read_text(encoding="utf-8").splitlines()[key_line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return "|"
    match = re.search(r":\s*([|>])[0-9+-]*\s*(#.*)?$", line)
    return match.group(1) if match else None
