"""Read `show.yaml` and `episode.yaml` into validated models, with file:line errors.

The YAML is composed into nodes first so that every key and value keeps its line number;
pydantic's error locations are then mapped back to those lines. After validation the loader
resolves what the schema alone cannot check: the show file to use, paths relative to the file
that names them, voices referenced by segments, engines that exist, files that exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from broadcast_kit import cover, model, script
from broadcast_kit.errors import ConfigError, InputError
from broadcast_kit.model import (
    AudioSettings,
    CheckSettings,
    Episode,
    InterviewPart,
    LoudnessCheck,
    MusicPart,
    Owner,
    Pacing,
    Show,
    Voice,
)
from broadcast_kit.tts import registry

SHOW_FILE = "show.yaml"
DEFAULT_VOICES = {
    "host": Voice(engine="piper", name="Host"),
    "voxpop": Voice(engine="piper", pitch=3.0, speed=1.08),
}
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """A parsed YAML document and the line of every key and value in it."""

    path: Path
    data: Any
    lines: dict[Loc, int]

    def line(self, loc: Loc) -> int:
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.lines:
                return self.lines[loc[:n]]
        return 1

    def where(self, loc: Loc) -> str:
        return f"{display(self.path)}:{self.line(loc)}"


@dataclass(frozen=True)
class Production:
    """An episode ready to render: its show, merged voices and parts with resolved paths."""

    show: Show
    episode: Episode
    show_path: Path
    episode_path: Path
    slug: str
    voices: dict[str, Voice]
    parts: list[model.Part]
    part_lines: list[str] = field(default_factory=list)  # "file:line" of each part
    voice_lines: dict[str, str] = field(default_factory=dict)  # "file:line" of each voice
    warnings: list[str] = field(default_factory=list)


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def format_loc(loc: Loc) -> str:
    text = ""
    for item in loc:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else str(item))
    return text


# --- YAML with line numbers -------------------------------------------------------------


def parse_yaml(path: Path) -> Source:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{display(path)}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{display(path)}: cannot read it ({exc})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            context = f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        raise ConfigError(
            f"{display(path)}:{line}: malformed YAML: {problem}{context};"
            " check indentation and quoting"
        ) from None
    lines: dict[Loc, int] = {}
    data = _construct(node, (), lines, path) if node is not None else None
    return Source(path, data, lines)


def _construct(node: yaml.Node, loc: Loc, lines: dict[Loc, int], path: Path) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(key_node.value).construct_object(key_node)
            if key in result:
                raise ConfigError(
                    f"{display(path)}:{key_node.start_mark.line + 1}: {format_loc((*loc, key))}:"
                    " appears twice; keep one"
                )
            result[key] = _construct(value_node, (*loc, key), lines, path)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), lines, path) for i, item in enumerate(node.value)]
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError) as exc:  # e.g. date: 2024-13-45
        raise ConfigError(
            f"{display(path)}:{node.start_mark.line + 1}: {format_loc(loc)}: cannot read"
            f" '{node.value}' ({exc}); quote it if it is meant as text"
        ) from None


# --- validation errors --------------------------------------------------------------------

_PART_MODELS: dict[str, type[BaseModel]] = {part.kind: part for part in model.PART_TYPES}


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model whose fields live at `loc` (a pydantic location, union tags included)."""
    if not loc:
        return root
    head = loc[0]
    nested: dict[str, type[BaseModel]] = {
        "owner": Owner,
        "audio": AudioSettings,
        "pacing": Pacing,
        "check": CheckSettings,
    }
    if head in nested and len(loc) == 1:
        return nested[str(head)]
    if loc == ("check", "loudness"):
        return LoudnessCheck
    if head == "voices" and len(loc) == 2:
        return Voice
    if head == "segments" and len(loc) == 3:
        return _PART_MODELS.get(str(loc[2]))
    return None


def _data_loc(loc: Loc) -> Loc:
    """Drop the union tag pydantic puts after a segment's index."""
    if len(loc) >= 3 and loc[0] == "segments" and loc[2] in _PART_MODELS:
        return (loc[0], loc[1], *loc[3:])
    return loc


def _guess(root: type[BaseModel], loc: Loc) -> tuple[str | None, list[str]]:
    """For an unknown field at `loc`: the known field it most likely misspells, and all."""
    owner = _model_at(root, loc[:-1])
    fields = sorted(owner.model_fields) if owner else []
    guess = difflib.get_close_matches(str(loc[-1]), fields, n=1)
    return (guess[0] if guess else None), fields


def _problems(exc: ValidationError, root: type[BaseModel], source: Source) -> Iterator[str]:
    errors = exc.errors()
    # a misspelled field also makes the real one "missing": report only the misspelling
    misspelled = {
        (*tuple(e["loc"])[:-1], guess)
        for e in errors
        if e["type"] == "extra_forbidden"
        for guess in [_guess(root, tuple(e["loc"]))[0]]
        if guess
    }
    for err in errors:
        loc: Loc = tuple(err["loc"])
        if err["type"] == "missing" and loc in misspelled:
            continue
        where = source.where(_data_loc(loc))
        name = format_loc(_data_loc(loc))
        kind = err["type"]
        if kind == "extra_forbidden":
            guess, fields = _guess(root, loc)
            hint = f"did you mean '{guess}'?" if guess else f"known fields: {', '.join(fields)}"
            yield f"{where}: {name}: unknown field; {hint}"
        elif kind in ("union_tag_not_found", "union_tag_invalid", "model_attributes_type") and (
            loc and loc[0] == "segments"
        ):
            yield (
                f"{where}: {name}: a segment is a mapping with one of "
                f"{', '.join(model.SEGMENT_KINDS)} (e.g. '- host: Good evening.')"
            )
        elif kind == "missing":
            yield f"{where}: {name}: required field is missing"
        else:
            message = err["msg"].removeprefix("Value error, ")
            yield f"{where}: {name or 'file'}: {message}"


def validate(source: Source, cls: type[BaseModel]) -> Any:
    if not isinstance(source.data, dict):
        raise ConfigError(
            f"{display(source.path)}:1: expected a mapping of fields (title:, ...) at the top"
        )
    try:
        return cls.model_validate(source.data)
    except ValidationError as exc:
        problems = list(_problems(exc, cls, source))
        raise ConfigError(problems[0], problems) from None


# --- resolution ---------------------------------------------------------------------------


def find_show(episode_path: Path) -> Path:
    folder = episode_path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / SHOW_FILE).is_file():
            return candidate / SHOW_FILE
    raise InputError(
        f"{display(episode_path)}: no {SHOW_FILE} in its folder or any parent folder;"
        " create one or pass --show PATH"
    )


def _resolve(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base / path)


def _require_file(path: Path, where: str, what: str) -> None:
    if path.is_dir():
        raise InputError(f"{where}: {what} file {display(path)} is a folder; name a file in it")
    if not path.is_file():
        raise InputError(f"{where}: {what} file {display(path)} does not exist")


MAX_CHAPTERS = 255  # one CTOC frame lists at most 255 chapters


def load_show(path: Path) -> tuple[Show, Source, list[str]]:
    """The show with its cover resolved and checked, its source, and warnings."""
    source = parse_yaml(path)
    show: Show = validate(source, Show)
    art = _resolve(path.parent, show.cover)
    where = source.where(("cover",))
    _require_file(art, where, "cover")
    image = cover.inspect(art.read_bytes()[: 1 << 16])
    if image is None:
        raise InputError(f"{where}: cover {display(art)} is not a JPEG or PNG image")
    warnings = [f"{where}: cover {display(art)} {problem}" for problem in image.problems()]
    return show.model_copy(update={"cover": art}), source, warnings


def load(episode_path: Path, show_path: Path | None = None) -> Production:
    """Load, validate and resolve one episode and its show."""
    source = parse_yaml(episode_path)
    episode: Episode = validate(source, Episode)
    show_path = show_path or find_show(episode_path)
    show, show_source, warnings = load_show(show_path)
    base = episode_path.parent

    voices = {**DEFAULT_VOICES, **show.voices, **episode.voices}
    voice_lines = _voice_lines(voices, show_source, source)
    _check_engines(voices, voice_lines)

    parts: list[model.Part] = []
    part_lines: list[str] = []
    if episode.script is not None or episode.script_file is not None:
        key = "script" if episode.script is not None else "script_file"
        listed = script.episode_parts(episode, episode_path, source.line((key,)), display)
    else:
        listed = [(p, source.where(("segments", i))) for i, p in enumerate(episode.segments)]
    chapters = 0
    for part, where in listed:
        part = _resolve_part(part, base, where, voices)
        chapters += isinstance(part, model.ChapterPart)
        if chapters > MAX_CHAPTERS:
            raise InputError(f"{where}: chapter: more than {MAX_CHAPTERS} chapters; merge some")
        parts.append(part)
        part_lines.append(where)
    if not any(model.kind_of(p) in (*model.SPEECH_KINDS, MusicPart.kind) for p in parts):
        raise InputError(
            f"{source.where(('segments',))}: segments: nothing to play; add a host: part"
        )
    slug = episode.slug or _folder_slug(episode_path, source)
    return Production(
        show,
        episode,
        show_path,
        episode_path,
        slug,
        voices,
        parts,
        part_lines,
        voice_lines,
        warnings,
    )


def _folder_slug(episode_path: Path, source: Source) -> str:
    """The episode's file name stem from its folder, which must be a safe URL path."""
    name = episode_path.resolve().parent.name
    if re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name.lower()):
        return name.lower()
    suggestion = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._") or "episode"
    raise InputError(
        f"{display(source.path)}:1: the folder name '{name}' is not a usable file name"
        f" (a-z, 0-9, '.', '_', '-'); add slug: {suggestion}"
    )


def _voice_lines(voices: dict[str, Voice], *sources: Source) -> dict[str, str]:
    """Where each voice is defined (the episode's definition wins over the show's)."""
    lines = {}
    for key in voices:
        lines[key] = next(
            (s.where(("voices", key)) for s in reversed(sources) if ("voices", key) in s.lines),
            "built-in voices",
        )
    return lines


def _check_engines(voices: dict[str, Voice], voice_lines: dict[str, str]) -> None:
    names = registry.names()
    for key, voice in voices.items():
        if voice.engine not in names:
            where = voice_lines[key]
            raise InputError(
                f"{where}: voices.{key}.engine: unknown engine '{voice.engine}';"
                f" installed engines: {', '.join(names)}"
            )


def _resolve_part(part: model.Part, base: Path, where: str, voices: dict[str, Voice]) -> model.Part:
    key = model.voice_key(part)
    if key is not None and key not in voices:
        raise InputError(
            f"{where}: unknown voice '{key}'; defined voices: {', '.join(voices)}"
            " (add it under voices: in the episode or show)"
        )
    kind = model.kind_of(part)
    text = getattr(part, kind, None)
    if isinstance(text, str) and not re.search(r"\w", text):
        what = "empty title" if kind == "chapter" else "nothing to say"
        raise InputError(f"{where}: {kind}: {what}; write the words or remove it")
    if isinstance(part, MusicPart):
        path = _resolve(base, part.music)
        _require_file(path, where, "music")
        return part.model_copy(update={"music": path})
    if isinstance(part, InterviewPart) and part.audio is not None:
        path = _resolve(base, part.audio)
        _require_file(path, where, "audio")
        return part.model_copy(update={"audio": path})
    return part
