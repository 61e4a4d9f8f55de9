"""Read `show.yaml` and `episode.yaml` into validated models, with file:line errors.

The YAML is composed into nodes first so that every key and value keeps its line number;
pydantic's error locations are then mapped back to those lines. After validation the loader
resolves what the schema alone cannot check: the show file to use, paths relative to the file
that names them, voices referenced by segments, engines that exist, files that exist.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from broadcast_kit import cover, limits, model, text, yamlerrors, yamltree
from broadcast_kit.errors import BroadcastKitError, ConfigError, InputError
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
from broadcast_kit.problems import Problems, field_hint, segment_kind_hint

# the script reader and the engines (tts.*) are imported by the functions that load an
# episode: a show alone (kit check, kit feed) needs neither
if TYPE_CHECKING:
    from broadcast_kit.tts.lexicon import Lexicon
    from broadcast_kit.tts.voices import ResolvedVoice

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


def _no_lexicon() -> Lexicon:
    from broadcast_kit.tts.lexicon import EMPTY

    return EMPTY


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
    #: the show's pronunciations with the episode's over them (default: tts.lexicon.EMPTY)
    lexicon: Lexicon = field(default_factory=_no_lexicon)
    #: voices given by description -> the engine voice cast ("kokoro jm_kumo (male jp)")
    cast: dict[str, str] = field(default_factory=dict)
    #: every voice the episode speaks with, resolved once by its engine (tts.voices)
    resolved: dict[str, ResolvedVoice] = field(default_factory=dict)
    #: voices it speaks with that could not be resolved on this machine -> why not
    unresolved: dict[str, str] = field(default_factory=dict)

    def voice(self, key: str) -> ResolvedVoice:
        """The resolved voice `key`; InputError, naming its line, when it is not usable here
        (`load(..., engines=True)` reports that with everything else)."""
        found = self.resolved.get(key)
        if found is None:
            why = self.unresolved.get(key, "it is not a voice the episode speaks with")
            raise InputError(f"{self.voice_lines.get(key, 'voices')}: voices.{key}: {why}")
        return found


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
    except (ValueError, OSError, RuntimeError):  # outside; unreadable; a symlink loop (3.11)
        return os.path.normpath(path)


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
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read it ({exc})") from None
    text = limits.utf8_text(raw, shown)
    try:
        node = yamltree.compose(text, shown)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(
            f"{shown}:{line}: character #x{exc.character:04x} is not allowed in YAML;"
            " remove it, or write it as an escape (\\x..) in a double-quoted string"
        ) from None
    except yaml.MarkedYAMLError as exc:
        line, explained = yamlerrors.explain(exc, text)
        raise ConfigError(f"{shown}:{line}: malformed YAML: {explained}") from None
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


def _guess(root: type[BaseModel], loc: Loc) -> str | None:
    """For an unknown field at `loc`: the known field it most likely misspells."""
    owner = _model_at(root, loc[:-1])
    guess = difflib.get_close_matches(
        str(loc[-1]), sorted(owner.model_fields) if owner else [], n=1
    )
    return guess[0] if guess else None


def _segment(source: Source, index: object) -> dict[str, Any]:
    segments = source.data.get("segments") if isinstance(source.data, dict) else None
    if isinstance(segments, list) and isinstance(index, int) and 0 <= index < len(segments):
        raw = segments[index]
        return raw if isinstance(raw, dict) else {}
    return {}


def _segment_voice(raw: dict[str, Any]) -> str | None:
    """The voice key a segment as written speaks with, if it says or implies one."""
    if "interview" in raw:
        return str(raw["speaker"]) if isinstance(raw.get("speaker"), str) else None
    kind = next((kind for kind in ("host", "voxpop") if kind in raw), None)
    return str(raw["voice"]) if isinstance(raw.get("voice"), str) else kind


_SOURCES = {"segments", "script", "script_file"}


def _problems(exc: ValidationError, root: type[BaseModel], source: Source) -> Iterator[str]:
    errors = exc.errors()
    guesses = {
        (*tuple(e["loc"])[:-1], guess)
        for e in errors
        if e["type"] == "extra_forbidden"
        for guess in [_guess(root, tuple(e["loc"]))]
        if guess
    }
    for err in errors:
        loc: Loc = tuple(err["loc"])
        # a misspelled field also makes the real one "missing", and a misspelled segments:
        # leaves the episode without any: report only the misspelling
        if err["type"] == "missing" and loc in guesses:
            continue
        if not loc and root is model.Episode and any(g[-1] in _SOURCES for g in guesses):
            continue
        where = source.where(_data_loc(loc))
        name = format_loc(_data_loc(loc))
        kind = err["type"]
        if kind == "extra_forbidden":
            owner = _model_at(root, loc[:-1])
            voice = None
            if loc[0] == "segments" and len(loc) > 1:
                voice = _segment_voice(_segment(source, loc[1]))
            hint = field_hint(root, owner, str(loc[-1]), voice)
            yield f"{where}: {name}: unknown field; {hint}"
        elif kind in ("union_tag_not_found", "union_tag_invalid", "model_attributes_type") and (
            loc and loc[0] == "segments"
        ):
            keys = [str(k) for k in _segment(source, loc[1] if len(loc) > 1 else None)]
            yield f"{where}: {name}: {segment_kind_hint(keys)}"
        elif kind == "missing":
            yield f"{where}: {name}: required field is missing"
        elif isinstance(err.get("input"), float) and not math.isfinite(err["input"]):
            # .nan fails every bound ("should be less than or equal to 600"): say what it is
            bounds = err["msg"].removeprefix("Input should be ")
            yield f"{where}: {name}: {err['input']} is not a number kit can use; write one {bounds}"
        else:
            message = err["msg"].removeprefix("Value error, ")
            yield f"{where}: {name or 'file'}: {message}"


def _top_level(source: Source) -> None:
    if not isinstance(source.data, dict):
        raise ConfigError(
            f"{display(source.path)}:1: expected a mapping of fields (title:, ...) at the top"
        )


def validate(source: Source, cls: type[BaseModel]) -> Any:
    _top_level(source)
    try:
        return cls.model_validate(source.data)
    except ValidationError as exc:
        problems = list(_problems(exc, cls, source))
        raise ConfigError(problems[0], problems) from None


@cache
def _field_adapter(cls: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = cls.model_fields[name]
    # a field's type with its constraints; the model's own validators do not run here
    return TypeAdapter(Annotated[info.annotation, info])  # type: ignore[arg-type]


_ITEMWISE = ("voices", "pronunciations")  # salvaged entry by entry


def _salvaged_item(adapter: TypeAdapter[Any], key: str, value: Any) -> Any:
    """One entry of voices: or pronunciations: as far as it validates: whole, or (a voice)
    without the settings that are wrong; None when nothing of it does."""
    try:
        return adapter.validate_python({key: value})[key]
    except ValidationError as exc:
        if not isinstance(value, dict):
            return None
        wrong = {e["loc"][1] for e in exc.errors() if len(e["loc"]) > 1}
        rest = {k: v for k, v in value.items() if k not in wrong}
        try:
            return adapter.validate_python({key: rest})[key]
        except ValidationError:
            return None


def salvage(source: Source, cls: type[BaseModel]) -> tuple[Any, set[str]]:
    """What can be used of a file that did not validate, so that loading can go on finding
    the problems of the rest: the fields that validate on their own (voices and
    pronunciations entry by entry), the others at their defaults or absent, segments left
    out (the loader takes them one by one). Also every voice key written, usable or not."""
    data = source.data if isinstance(source.data, dict) else {}
    values: dict[str, Any] = {}
    for name in cls.model_fields:
        if name not in data or name == "segments":
            continue
        adapter = _field_adapter(cls, name)
        try:
            values[name] = adapter.validate_python(data[name])
            continue
        except ValidationError:
            pass
        if name in _ITEMWISE and isinstance(data[name], dict):
            kept = {k: _salvaged_item(adapter, k, v) for k, v in data[name].items()}
            values[name] = {k: v for k, v in kept.items() if v is not None}
    voices = data.get("voices")
    written = {str(k) for k in voices} if isinstance(voices, dict) else set()
    return cls.model_construct(**values), written


def _blank(cls: type[BaseModel]) -> Any:
    """A model with nothing set but defaults, for a file that could not be read at all."""
    return cls.model_construct()


def _checked(source: Source, cls: type[BaseModel], problems: Problems) -> tuple[Any, set[str]]:
    """The file's model, validated; or, with its problems recorded, what `salvage` keeps."""
    try:
        _top_level(source)
    except ConfigError as exc:
        problems.record(exc)
        return _blank(cls), set()
    try:
        checked = cls.model_validate(source.data)
        return checked, set(getattr(checked, "voices", {}))
    except ValidationError as exc:
        for line in _problems(exc, cls, source):
            problems.add(line)
        return salvage(source, cls)


# --- resolution ---------------------------------------------------------------------------


def show_above(folder: Path) -> Path | None:
    """show.yaml in `folder` or the nearest folder above it, if there is one."""
    for candidate in (folder, *folder.parents):
        if (candidate / SHOW_FILE).is_file():
            return candidate / SHOW_FILE
    return None


def find_show(episode_path: Path) -> Path:
    found = show_above(episode_path.resolve().parent)
    if found is not None:
        return found
    raise InputError(
        f"{display(episode_path)}: no {SHOW_FILE} in its folder or any parent folder;"
        " create one (kit init makes a starter) or pass --show PATH"
    )


def _resolve(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base / path)


def _closest(folder: Path, name: str, folders: bool) -> str | None:
    try:
        names = [p.name for p in folder.iterdir() if p.is_dir() == folders]
    except OSError:
        return None
    by_case = [n for n in names if n.lower() == name.lower()]
    found = by_case or difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None


def _nearby(path: Path, written: Path, base: Path) -> str:
    """A hint towards the file a missing path most likely means: the closest name in its
    folder (and in each folder on the way that does not exist), as the file would write it."""
    parts = Path(os.path.normpath(path.absolute())).parts
    exists = next(n for n in range(len(parts), 0, -1) if Path(*parts[:n]).exists())
    fixed = Path(*parts[:exists])
    for n in range(exists, len(parts)):
        last = n == len(parts) - 1
        name = _closest(fixed, parts[n], folders=not last)
        if name is None:
            if last:
                return ""
            return f" (there is no folder {display(Path(*parts[: n + 1]))})"
        fixed = fixed / name
    shown = fixed if written.is_absolute() else Path(os.path.relpath(fixed, base.absolute()))
    beside = " (in the same folder)" if exists == len(parts) - 1 else ""
    return f"; did you mean {shown.as_posix()}{beside}?"


def _require_file(
    path: Path, where: str, what: str, written: Path | None = None, base: Path = Path()
) -> None:
    """`path` (`written` in the file, relative to `base`) is a file, or an InputError says
    which name it likely means."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        hint = _nearby(path, written, base) if written is not None else ""
        raise InputError(f"{where}: {what} file {display(path)} does not exist{hint}") from None
    except OSError as exc:  # a name too long, a symlink loop, a folder it may not enter
        raise InputError(
            f"{where}: {what} file {display(path)} cannot be opened ({exc.strerror}); name the"
            " file by a path that can"
        ) from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{where}: {what} file {display(path)} is a folder; name a file in it")
    if not stat.S_ISREG(mode):  # a pipe would never end, a device (/dev/zero) never either
        raise InputError(
            f"{where}: {what} file {display(path)} is a device or a named pipe, not a file;"
            " name the file itself"
        )


MAX_CHAPTERS = 255  # one CTOC frame lists at most 255 chapters
SPOKEN: Loc = ("ai_disclosure", "spoken", "text")  # where the show file sets the spoken line


def load_show(path: Path) -> tuple[Show, Source, list[str]]:
    """The show with its cover resolved and checked, its source, and warnings; every
    problem of the file at once."""
    problems = Problems()
    show, source, _, warnings = _load_show(path, problems)
    problems.raise_all([display(path)])
    assert source is not None
    return show, source, warnings


def _load_show(path: Path, problems: Problems) -> tuple[Show, Source | None, set[str], list[str]]:
    """The show (or what can be used of it, its problems recorded), its source, every voice
    key it writes, and warnings."""
    source = problems.attempt(parse_yaml, path)
    if source is None:
        return _blank(Show), None, set(), []
    show, written = _checked(source, Show, problems)
    written_cover = getattr(show, "cover", None)
    if written_cover is None:
        return show, source, written, []
    art = _resolve(path.parent, written_cover)
    where = source.where(("cover",))
    if not problems.passes(_require_file, art, where, "cover", written_cover, path.parent):
        return show, source, written, []
    too_large = cover.size_problem(art.stat().st_size)
    if too_large is not None:
        problems.add(f"{where}: cover {display(art)} {too_large}")
        return show, source, written, []
    with art.open("rb") as handle:
        image = cover.inspect(handle.read(1 << 16))
    if image is None:
        problems.add(f"{where}: cover {display(art)} is not a JPEG or PNG image")
    warnings = (
        [f"{where}: cover {display(art)} {problem}" for problem in image.problems()]
        if image
        else []
    )
    if not show.description.strip():
        warnings.append(
            f"{display(path)}: no description:, so the feed and the show page describe the"
            " show with its title; add a sentence or two about it"
        )
    return show.model_copy(update={"cover": art}), source, written, warnings


def load(episode_path: Path, show_path: Path | None = None, *, engines: bool = False) -> Production:
    """Load, validate and resolve one episode and its show. Every problem found in the
    episode, the show and their voices is reported at once: a ConfigError whose `problems`
    are ordered by file and line. With `engines`, also check that every voice the episode
    speaks with is usable on this machine (what a render needs, not `kit segment`)."""
    from broadcast_kit.tts import casting, registry
    from broadcast_kit.tts.lexicon import Lexicon

    problems = Problems()
    files = [display(episode_path)]
    try:
        source: Source | None = parse_yaml(episode_path)
    except ConfigError as exc:  # malformed: its show can still be checked
        problems.record(exc)
        source = None
    episode: Episode
    written: set[str] = set()
    if source is not None:
        episode, written = _checked(source, Episode, problems)
    else:
        episode = _blank(Episode)
    schema_ok = not problems
    show_path = show_path or problems.attempt(find_show, episode_path)
    show: Show = _blank(Show)
    show_source: Source | None = None
    show_written: set[str] = set()
    warnings: list[str] = []
    if episode.script_file is not None:
        files.append(display(episode_path.parent / episode.script_file))
    if show_path is not None:
        files.append(display(show_path))
        show, show_source, show_written, warnings = _load_show(show_path, problems)
    base = episode_path.parent

    voices = {**DEFAULT_VOICES, **show.voices, **episode.voices}
    known = {*voices, *written, *show_written}  # keys of broken voices are not "unknown"
    voice_lines = _voice_lines(voices, *(s for s in (show_source, source) if s is not None))
    _check_engines(voices, voice_lines, problems)
    if show_source is not None:
        _check_phonemes(show_source, show.pronunciations, problems)
    if source is not None:
        _check_phonemes(source, episode.pronunciations, problems)
    lexicon = Lexicon({**show.pronunciations, **episode.pronunciations})

    listed = _listed(episode, episode_path, source, problems) if source is not None else []
    parts, part_lines = _resolved(listed, base, voices, known, problems)
    playable = any(model.kind_of(p) in (*model.SPEECH_KINDS, MusicPart.kind) for p, _ in listed)
    if source is not None and schema_ok and listed and not playable:
        problems.add(f"{source.where(('segments',))}: segments: nothing to play; add a host: part")
    disclosure = show.ai_disclosure.spoken
    if (
        disclosure is not None
        and show_source is not None
        and any(model.voice_key(p) is not None for p in parts)
    ):
        # the line in the host's voice; at the start, inside the first chapter
        line = model.HostPart(host=disclosure.text)
        at = len(parts)
        if disclosure.at == "start":
            at = next((n for n, p in enumerate(parts) if not isinstance(p, model.ChapterPart)), 0)
        where = show_source.where(SPOKEN)
        spoken_line = problems.attempt(_resolve_part, line, base, where, voices, known)
        if spoken_line is not None:
            parts.insert(at, spoken_line)
            part_lines.insert(at, where)
    if source is not None and not episode.description.strip():
        warnings = [
            *warnings,
            f"{source.where(('title',))}: no description:, so podcast apps show the episode"
            " without one and kit check --strict fails it (id3-comment); add one",
        ]
    slug = None
    if source is not None:
        slug = episode.slug or problems.attempt(_folder_slug, episode_path, source)
    # voices of engines that do not exist are reported: cast and check the others
    usable = {k: v for k, v in voices.items() if v.engine in registry.names()}
    used = {
        spoken
        for part in parts
        if (spoken := model.voice_key(part)) is not None and spoken in usable
    }
    cast_result = problems.attempt(casting.cast, usable, voice_lines, used)
    cast: dict[str, str] = {}
    resolved: dict[str, ResolvedVoice] = {}
    unresolved: dict[str, str] = {}
    if cast_result is not None:
        voices, cast = {**voices, **cast_result[0]}, cast_result[1]
        warnings = [*warnings, *casting.alike(voices, used, voice_lines)]
        resolved, unresolved = resolve_voices(voices, used)
        if engines:
            check_voices(resolved, unresolved, voice_lines, problems)
    problems.raise_all(files)
    assert slug is not None and show_path is not None and source is not None
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
        resolved,
        unresolved,
    )


def _listed(
    episode: Episode, episode_path: Path, source: Source, problems: Problems
) -> list[tuple[model.Part, str]]:
    """The episode's parts, each with its "file:line": from its script, or its segments one
    by one (those that do not validate were reported with the episode's fields)."""
    from broadcast_kit import script

    if episode.script is not None or episode.script_file is not None:
        if "segments" in (source.data or {}):
            return []  # the schema reported "exactly one of"
        key = "script" if episode.script is not None else "script_file"
        line = source.line((key,))
        found = problems.attempt(script.episode_parts, episode, episode_path, line, display)
        return found or []
    if episode.segments:
        return [(p, source.where(("segments", i))) for i, p in enumerate(episode.segments)]
    listed = []
    raw = source.data.get("segments") if isinstance(source.data, dict) else None
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            listed.append((_part().validate_python(item), source.where(("segments", i))))
        except ValidationError:
            continue
    return listed


@cache
def _part() -> TypeAdapter[model.Part]:
    """The validator of one segment, built when an episode is first read (not for a show)."""
    return TypeAdapter(model.Part)


def _resolved(
    listed: list[tuple[model.Part, str]],
    base: Path,
    voices: dict[str, Voice],
    known: set[str],
    problems: Problems,
) -> tuple[list[model.Part], list[str]]:
    """The parts with their files resolved and checked, and the "file:line" of each."""
    parts: list[model.Part] = []
    part_lines: list[str] = []
    chapters = 0
    for part, where in listed:
        resolved = problems.attempt(_resolve_part, part, base, where, voices, known)
        if resolved is None:
            continue
        chapters += isinstance(resolved, model.ChapterPart)
        if chapters > MAX_CHAPTERS:
            problems.add(f"{where}: chapter: more than {MAX_CHAPTERS} chapters; merge some")
            break
        parts.append(resolved)
        part_lines.append(where)
    return parts, part_lines


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


def _check_engines(
    voices: dict[str, Voice], voice_lines: dict[str, str], problems: Problems
) -> None:
    from broadcast_kit.tts import registry

    names = registry.names()
    for key, voice in voices.items():
        if isinstance(voice.voice, VoiceWanted) and "engine" not in voice.model_fields_set:
            continue  # any engine may provide it: casting says when none does
        if voice.engine not in names:
            where = voice_lines[key]
            guess = difflib.get_close_matches(voice.engine, names, n=1)
            hint = (
                f"; did you mean '{guess[0]}'?"
                if guess and voice.engine not in registry.EXTRAS
                else ""
            )
            problems.add(f"{where}: voices.{key}.engine: {registry.unknown(voice.engine)}{hint}")


def resolve_voices(
    voices: dict[str, Voice], used: set[str]
) -> tuple[dict[str, ResolvedVoice], dict[str, str]]:
    """The voices `used` (of installed engines, cast), each resolved by its engine once; and
    why each of the others cannot be resolved on this machine."""
    from broadcast_kit.tts.voices import resolve

    resolved: dict[str, ResolvedVoice] = {}
    unresolved: dict[str, str] = {}
    for key in sorted(used):
        try:
            resolved[key] = resolve(voices[key])
        except BroadcastKitError as exc:  # reported by check_voices, with the voice's line
            unresolved[key] = str(exc)
    return resolved, unresolved


def check_voices(
    resolved: dict[str, ResolvedVoice],
    unresolved: dict[str, str],
    voice_lines: dict[str, str],
    problems: Problems,
) -> None:
    """Every voice the episode speaks with is usable here: its engine is installed and
    works on this machine, and knows the voice."""
    from broadcast_kit.tts.voices import check

    for key in sorted({*resolved, *unresolved}):
        where = f"{voice_lines.get(key, 'voices')}: voices.{key}"
        if key in unresolved:
            problems.add(f"{where}: {unresolved[key]}")
            continue
        try:
            check(resolved[key])
        except InputError as exc:
            problems.add(f"{where}: {exc}")


def _check_phonemes(
    source: Source, entries: dict[str, str | Pronunciation], problems: Problems
) -> None:
    """Phonemes are given for engines that read them (or engines of a missing extra)."""
    from broadcast_kit.tts import registry

    for word, entry in entries.items():
        if isinstance(entry, str):
            continue
        for name in entry.phonemes:
            where = source.where(("pronunciations", word, "phonemes", name))
            loc = f"pronunciations.{word}.phonemes.{name}"
            if name not in registry.names():
                if name not in registry.EXTRAS:  # kept for machines that have it
                    problems.add(f"{where}: {loc}: {registry.unknown(name)}")
                continue
            if registry.get(name).alphabet is None:
                takes = [n for n in registry.names() if registry.get(n).alphabet is not None]
                problems.add(
                    f"{where}: {loc}: engine '{name}' does not read phonemes (engines that do:"
                    f" {', '.join(takes)}); give a respelling with say: instead"
                )


def _resolve_part(
    part: model.Part, base: Path, where: str, voices: dict[str, Voice], known: set[str]
) -> model.Part:
    key = model.voice_key(part)
    if key is not None and key not in known:
        guess = difflib.get_close_matches(key, list(known), n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise InputError(
            f"{where}: unknown voice '{key}'; {hint}defined voices: {', '.join(voices)}"
            " (add it under voices: in the episode or show)"
        )
    kind = model.kind_of(part)
    text = getattr(part, kind, None)
    if isinstance(text, str) and not re.search(r"\w", text):
        what = "empty title" if kind == "chapter" else "nothing to say"
        raise InputError(f"{where}: {kind}: {what}; write the words or remove it")
    if isinstance(part, MusicPart):
        path = _resolve(base, part.music)
        _require_file(path, where, "music", part.music, base)
        return part.model_copy(update={"music": path})
    if isinstance(part, InterviewPart) and part.audio is not None:
        path = _resolve(base, part.audio)
        _require_file(path, where, "audio", part.audio, base)
        return part.model_copy(update={"audio": path})
    return part
