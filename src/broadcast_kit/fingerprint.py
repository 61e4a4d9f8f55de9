"""The fingerprint of everything an episode's render reads, recorded in its render report so
that a batch render can tell which episodes changed since they were last rendered.

It covers the episode file, its `script_file:`, the show file, the voices the episode uses as
resolved (engine, the engine's voice and voice data, speed, pitch, name), the bytes of every
media file (cover, music, recorded clips), the engines' names and versions and broadcast-kit's
version. It hashes contents, never paths or modification times: a fresh checkout (new mtimes)
or a show folder moved elsewhere keeps its fingerprints, so CI does not re-render a catalogue
it rendered before. Not covered: the ffmpeg binary (render with `--force` after changing it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from broadcast_kit import __version__, files, loader, model
from broadcast_kit.errors import InputError
from broadcast_kit.options import RenderOptions

RECIPE = 1  # what the fingerprint covers: bump it when that changes, so every episode renders


class FileHashes:
    """sha256 of files, each read once per (path, size, mtime) in this process: the episodes
    of a catalogue share their cover and theme music."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}

    def __call__(self, path: Path) -> str:
        try:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
            if key not in self._known:
                self._known[key] = files.sha256(path)
        except OSError as exc:
            raise InputError(f"{loader.display(path)}: cannot read it ({exc.strerror})") from None
        return self._known[key]


def inputs(
    production: loader.Production,
    hashes: FileHashes | None = None,
    options: RenderOptions | None = None,
) -> dict[str, object]:
    """What the fingerprint is a hash of, as plain data (for tests and for curious users):
    the files, the voices as resolved, and the render options that change outputs."""
    hashes = hashes or FileHashes()
    episode = production.episode
    script = None
    if episode.script_file is not None:
        script = hashes(production.episode_path.parent / episode.script_file)
    used = sorted({key for p in production.parts if (key := model.voice_key(p)) is not None})
    voices: dict[str, object] = {}
    for key in used:
        voice = production.voices[key]
        spoken = production.resolved.get(key)
        resolved: dict[str, str] = (
            {"engine_version": spoken.version, "engine_voice": spoken.voice_id}
            if spoken is not None  # else the render reports the problem, with the voice's line
            else {"problem": production.unresolved.get(key, "not resolved")}
        )
        # a field added later counts once set: upgrading does not re-render a catalogue
        unset_later = {"role"} if voice.role is None else set()
        voices[key] = {**voice.model_dump(mode="json", exclude=unset_later), **resolved}
    media: list[object] = []
    for index, part in enumerate(production.parts):
        if isinstance(part, model.MusicPart):
            media.append([index, "music", hashes(part.music)])
        elif isinstance(part, model.InterviewPart) and part.audio is not None:
            media.append([index, "audio", hashes(part.audio)])
    found: dict[str, object] = {
        "recipe": RECIPE,
        "broadcast-kit": __version__,
        "episode": hashes(production.episode_path),
        "script_file": script,
        "show": hashes(production.show_path),
        "cover": hashes(production.show.cover),
        "voices": voices,
        "media": media,
    }
    changing = (options or RenderOptions()).key()
    if changing:  # only when some option changes outputs: older fingerprints stay valid
        found["options"] = changing
    return found


def of(
    production: loader.Production,
    hashes: FileHashes | None = None,
    options: RenderOptions | None = None,
) -> str:
    """The fingerprint: sha256 of `inputs` as canonical JSON."""
    found = inputs(production, hashes, options)
    text = json.dumps(found, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
