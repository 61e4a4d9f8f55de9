"""Casting: voices asked for by description become installed engine voices, and speakers who
would sound like one person are found.

A description (`voice: {gender: female, accent: us}`) is matched against what the installed
engines say about their voices (`voice_info`), engines in a fixed order (piper, hibari,
kokoro, then the others by name; only `engine:` when the voice names one). Voices that need a
download, test voices and voices of network engines are never picked unless the engine is
named. Each described speaker gets a matching voice no other speaker of the episode has yet,
when there is one, so three speakers described alike get three voices; two voices that sound
alike (hibari's heart is distilled from kokoro's af_heart) count as one. A description
without a gender takes an engine's voices female and male in turn. Deterministic: the same
installed engines give the same cast.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest

from broadcast_kit.errors import BroadcastKitError, InputError
from broadcast_kit.model import Voice, VoiceWanted
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import VoiceInfo

PREFERRED = ("piper", "hibari", "kokoro")


@dataclass(frozen=True)
class Candidate:
    engine: str
    info: VoiceInfo


def _engines(voice: Voice) -> list[str]:
    if "engine" in voice.model_fields_set:
        return [voice.engine]
    rest = sorted(n for n in registry.names() if n not in PREFERRED)
    return [n for n in PREFERRED if n in registry.names()] + rest


def _alternating(infos: list[VoiceInfo]) -> list[VoiceInfo]:
    """`infos` with the genders taken in turn (each gender's voices in their own order)."""
    groups: dict[str | None, list[VoiceInfo]] = {}
    for info in infos:
        groups.setdefault(info.gender, []).append(info)
    turns = [info for row in zip_longest(*groups.values()) for info in row if info is not None]
    return turns


def candidates(voice: Voice, wanted: VoiceWanted) -> list[Candidate]:
    """Installed, usable voices that fit `wanted`, best first."""
    named = "engine" in voice.model_fields_set
    found = []
    for name in _engines(voice):
        engine = registry.get(name)
        if engine.available() is not None:
            continue
        fitting = [
            info
            for info in engine.voice_info()
            if not info.missing
            and (info.castable or named)
            and wanted.gender in (None, info.gender)
            and wanted.accent in (None, info.accent)
        ]
        if wanted.gender is None:
            fitting = _alternating(fitting)
        found += [Candidate(name, info) for info in fitting]
    return found


def identity(engine: str, voice: str) -> str:
    """What a voice sounds as: "engine voice", or the voice it is a copy of (`same_as`)."""
    try:
        found = registry.get(engine)
        infos = found.voice_info() if found.available() is None else []
    except BroadcastKitError:
        infos = []
    info = next((i for i in infos if i.name == voice), None)
    return info.same_as if info is not None and info.same_as else f"{engine} {voice}"


def sound(voice: Voice) -> tuple[str, str]:
    """(engine, engine voice) of a concrete voice, the engine's default filled in (an engine
    that cannot load sounds like no other: resolving the voice reports it, with its line)."""
    assert not isinstance(voice.voice, VoiceWanted), "cast the voice first"
    if voice.voice:
        return voice.engine, voice.voice
    try:
        return voice.engine, registry.get(voice.engine).default_voice()
    except BroadcastKitError:
        return voice.engine, ""


def _sounds(candidate: Candidate) -> str:
    return candidate.info.same_as or f"{candidate.engine} {candidate.info.name}"


def _no_match(key: str, voice: Voice, wanted: VoiceWanted, where: str) -> InputError:
    offered = []
    named = "engine" in voice.model_fields_set
    for name in _engines(voice):
        engine = registry.get(name)
        if engine.available() is not None:
            if name in registry.EXTRAS:
                offered.append(f"{name} (not installed: pip install 'broadcast-kit[{name}]')")
            continue
        infos = [
            i
            for i in engine.voice_info()
            if (i.gender or i.accent) and not i.missing and (i.castable or named)
        ]
        offered += [f"{name} {i.name} ({i.describe()})" for i in infos]
    listed = "; ".join(offered) or "none described"
    return InputError(
        f"{where}: voices.{key}.voice: no installed voice is {wanted.describe()}; voices with a"
        f" gender or accent: {listed}. Describe another voice or name one (kit voices)"
    )


def cast(
    voices: dict[str, Voice], lines: dict[str, str], used: set[str]
) -> tuple[dict[str, Voice], dict[str, str]]:
    """`voices` with every description replaced by an engine voice, and a note per cast voice
    ("kokoro jf_alpha (female jp)"). `used`: the voices the episode speaks with, which should
    not share a voice."""
    taken = {
        identity(*sound(v))
        for key, v in voices.items()
        if key in used and not isinstance(v.voice, VoiceWanted)
    }
    result, notes = dict(voices), {}
    for key, voice in voices.items():
        wanted = voice.voice
        if not isinstance(wanted, VoiceWanted):
            continue
        found = candidates(voice, wanted)
        if not found:
            raise _no_match(key, voice, wanted, lines.get(key, "voices"))
        pick = next((c for c in found if _sounds(c) not in taken), found[0])
        if key in used:
            taken.add(_sounds(pick))
        result[key] = voice.model_copy(update={"engine": pick.engine, "voice": pick.info.name})
        notes[key] = f"{pick.engine} {pick.info.name} ({pick.info.describe()})"
    return result, notes


def alike(voices: dict[str, Voice], used: set[str], lines: dict[str, str]) -> list[str]:
    """Warnings for speakers of the episode who share an engine voice and pitch."""
    groups: dict[tuple[str, float], list[str]] = {}
    for key in sorted(used, key=list(voices).index):
        voice = voices[key]
        groups.setdefault((identity(*sound(voice)), voice.pitch), []).append(key)
    warnings = []
    for (sounds_as, pitch), keys in groups.items():
        if len(keys) < 2:
            continue
        speakers = " and ".join(f"voices.{k}" for k in keys)
        warnings.append(
            f"{lines.get(keys[-1], 'voices')}: {speakers} are"
            f" {'both' if len(keys) == 2 else 'all'} {sounds_as} at pitch"
            f" {pitch:+g}: listeners will hear one person; give each its own voice (kit voices)"
            " or a pitch shift"
        )
    return warnings
