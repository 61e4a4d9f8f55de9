"""Read `show.yaml` and `episode.yaml` into validated models, with file:line errors.

The YAML is composed into nodes first so that every key and value keeps its line number;
pydantic's error locations are then mapped back to those lines. After validation the loader
resolves what the schema alone cannot check: the show file to use, paths relative to the file
that names them, voices referenced by segments, engines that exist, files that exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from broadcast_kit import cover, limits, model, script, text, yamltree
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
    Pronunciation,
    Show,
    Voice,
    VoiceWanted,
)
from broadcast_kit.tts import casting, registry
from broadcast_kit.tts.base import alphabet
from broadcast_kit.tts.lexicon import EMPTY, Lexicon

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
    lexicon: Lexicon = EMPTY  # the show's pronunciations with the episode's over them
    #: voices given by description -> the engine voice cast ("kokoro jm_kumo (male jp)")
    cast: dict[str, str] = field(default_factory=dict)


# paths shown as another machine shows them: a cluster worker's copies of the producer's files
_shown: ContextVar[Mapping[Path, str] | None] = ContextVar("shown", default=None)


@contextmanager
def shown_as(names: Mapping[Path, str]) -> Iterator[None]:
    """While the block runs (in this thread), `display` shows each path of `names` as given:
    a cluster worker's local copies of inputs named as the producer's machine names them,
    so its messages and reports read as a local render's would."""
    token = _shown.set(names)
    try:
        yield
    finally:
        _shown.reset(token)


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    names = _shown.get()
    if names is not None and path in names:
        return names[path]
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
    """Read and compose one YAML file, refusing oversized, deeply nested or alias-bombed
    files while parsing (see `limits`), then construct it with the line of every value."""
    shown = display(path)
    try:
        raw = limits.read_bounded(
            path,
            limits.MAX_FILE_BYTES,
            shown,
            "episode and show files",
            "split the episode into several, or check that this is the right file",
        )
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read it ({exc})") from None
    try:
        node = yamltree.compose(text, shown)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(
            f"{shown}:{line}: character #x{exc.character:04x} is not allowed in YAML;"
            " remove it, or write it as an escape (\\x..) in a double-quoted string"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            context = f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        raise ConfigError(
            f"{shown}:{line}: malformed YAML: {problem}{context}; check indentation and quoting"
        ) from None
    lines: dict[Loc, int] = {}
    data = _construct(node, (), lines, path) if node is not None else None
    return Source(path, data, lines)


_MERGE = "tag:yaml.org,2002:merge"


def _construct(node: yaml.Node, loc: Loc, lines: dict[Loc, int], path: Path) -> Any:
    """Plain data from a composed node; its size and depth were bounded by `yamltree`."""
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = _key(key_node, loc, path)
            if key in result:
                raise ConfigError(
                    f"{display(path)}:{key_node.start_mark.line + 1}: {format_loc((*loc, key))}:"
                    " appears twice; keep one"
                )
            result[key] = _construct(value_node, (*loc, key), lines, path)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        for value_node in merges:
            _merge(result, value_node, loc, lines, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), lines, path) for i, item in enumerate(node.value)]
    return _scalar(node, loc, path)


def _scalar(node: yaml.Node, loc: Loc, path: Path) -> Any:
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    # PyYAML's constructors raise ValueError, KeyError, AttributeError... on odd tagged values
    except Exception as exc:
        kind = str(node.tag).removeprefix("tag:yaml.org,2002:")
        why = f"({exc})" if isinstance(exc, ValueError) else f"as {kind}"
        raise ConfigError(
            f"{display(path)}:{node.start_mark.line + 1}: {_field(loc)}cannot read"
            f" '{str(node.value)[:40]}' {why}; quote it if it is meant as text"
        ) from None


def _key(node: yaml.Node, loc: Loc, path: Path) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(
            f"{display(path)}:{node.start_mark.line + 1}: {_field(loc)}a key must be a name,"
            " not a list or mapping"
        )
    return _scalar(node, loc, path)


def _field(loc: Loc) -> str:
    return f"{format_loc(loc)}: " if loc else ""


def _merge(
    result: dict[Any, Any], node: yaml.Node, loc: Loc, lines: dict[Loc, int], path: Path
) -> None:
    """`<<: *base` (or a list of aliases): add the keys the mapping does not set itself;
    earlier mappings in a list win, as YAML's merge key specifies."""
    for source in node.value if isinstance(node, yaml.SequenceNode) else [node]:
        if not isinstance(source, yaml.MappingNode):
            raise ConfigError(
                f"{display(path)}:{source.start_mark.line + 1}: {format_loc((*loc, '<<'))}:"
                " merges a mapping, e.g. '<<: *base' where '&base' names one"
            )
        merged_lines: dict[Loc, int] = {}
        taken = set(result)
        for key, value in _construct(source, loc, merged_lines, path).items():
            if key not in taken:
                result[key] = value
        lines.update(
            (at, line)
            for at, line in merged_lines.items()
            if len(at) > len(loc) and at[len(loc)] not in taken
        )


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
    if head == "voices" and loc[2:] == ("voice", "description"):
        return VoiceWanted
    if head == "pronunciations" and len(loc) == 3:
        return Pronunciation
    if head == "segments" and len(loc) == 3:
        return _PART_MODELS.get(str(loc[2]))
    return None


def _data_loc(loc: Loc) -> Loc:
    """Drop the union tag pydantic puts after a segment's index or a pronunciation's word."""
    if len(loc) >= 3 and loc[0] == "segments" and loc[2] in _PART_MODELS:
        return (loc[0], loc[1], *loc[3:])
    if len(loc) >= 3 and loc[0] == "pronunciations" and loc[2] in ("respelling", "entry"):
        return (loc[0], loc[1], *loc[3:])
    if len(loc) >= 4 and loc[0] == "voices" and loc[2] == "voice":
        return loc[:3] + loc[4:]
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
SPOKEN: Loc = ("ai_disclosure", "spoken", "text")  # where the show file sets the spoken line


def load_show(path: Path) -> tuple[Show, Source, list[str]]:
    """The show with its cover resolved and checked, its source, and warnings."""
    source = parse_yaml(path)
    show: Show = validate(source, Show)
    art = _resolve(path.parent, show.cover)
    where = source.where(("cover",))
    _require_file(art, where, "cover")
    too_large = cover.size_problem(art.stat().st_size)
    if too_large is not None:
        raise InputError(f"{where}: cover {display(art)} {too_large}")
    with art.open("rb") as handle:
        image = cover.inspect(handle.read(1 << 16))
    if image is None:
        raise InputError(f"{where}: cover {display(art)} is not a JPEG or PNG image")
    warnings = [f"{where}: cover {display(art)} {problem}" for problem in image.problems()]
    if not show.description.strip():
        warnings.append(
            f"{display(path)}: no description:, so the feed and the show page describe the"
            " show with its title; add a sentence or two about it"
        )
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
    _check_phonemes(show_source, show.pronunciations)
    _check_phonemes(source, episode.pronunciations)
    lexicon = Lexicon({**show.pronunciations, **episode.pronunciations})

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
    disclosure = show.ai_disclosure.spoken
    if disclosure is not None and any(model.voice_key(p) is not None for p in parts):
        # the line in the host's voice; at the start, inside the first chapter
        line = model.HostPart(host=disclosure.text)
        at = len(parts)
        if disclosure.at == "start":
            at = next((n for n, p in enumerate(parts) if not isinstance(p, model.ChapterPart)), 0)
        parts.insert(at, _resolve_part(line, base, show_source.where(SPOKEN), voices))
        part_lines.insert(at, show_source.where(SPOKEN))
    if not episode.description.strip():
        warnings = [
            *warnings,
            f"{source.where(('title',))}: no description:, so podcast apps show the episode"
            " without one and kit check --strict fails it (id3-comment); add one",
        ]
    slug = episode.slug or _folder_slug(episode_path, source)
    used = {spoken for part in parts if (spoken := model.voice_key(part)) is not None}
    voices, cast = casting.cast(voices, voice_lines, used)
    warnings = [*warnings, *casting.alike(voices, used, voice_lines)]
    if (style := text.title_style(episode.title, show.title)) is not None:
        warnings.append(f"{source.where(('title',))}: {style}")  # kit check warns the same
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
        lexicon,
        cast,
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
        if isinstance(voice.voice, VoiceWanted) and "engine" not in voice.model_fields_set:
            continue  # any engine may provide it: casting says when none does
        if voice.engine not in names:
            where = voice_lines[key]
            raise InputError(f"{where}: voices.{key}.engine: {registry.unknown(voice.engine)}")


def _check_phonemes(source: Source, entries: dict[str, str | Pronunciation]) -> None:
    """Phonemes are given for engines that read them (or engines of a missing extra)."""
    for word, entry in entries.items():
        if isinstance(entry, str):
            continue
        for name in entry.phonemes:
            where = source.where(("pronunciations", word, "phonemes", name))
            loc = f"pronunciations.{word}.phonemes.{name}"
            if name not in registry.names():
                if name in registry.EXTRAS:
                    continue  # kept for machines that have it
                raise InputError(f"{where}: {loc}: {registry.unknown(name)}")
            if alphabet(registry.get(name)) is None:
                takes = [n for n in registry.names() if alphabet(registry.get(n)) is not None]
                raise InputError(
                    f"{where}: {loc}: engine '{name}' does not read phonemes (engines that do:"
                    f" {', '.join(takes)}); give a respelling with say: instead"
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
