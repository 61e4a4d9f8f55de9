"""Casting: voices asked for by description become installed engine voices, and speakers who
would sound like one person are found.

A description (`voice: {gender: female, accent: us}`) is matched against what the installed
engines say about their voices (`voice_info`), engines in a fixed order (piper, hibari,
kokoro, then the others by name; only `engine:` when the voice names one). Voices that need a
download, test voices and voices of network engines are never picked unless the engine is
named. Each described speaker gets a matching voice no other speaker of the episode has yet,
when there is one, so three speakers described alike get three voices. Deterministic: the
same installed engines give the same cast.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadcast_kit.errors import InputError
from broadcast_kit.model import Voice, VoiceWanted
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import VoiceInfo, voice_infos

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


def candidates(voice: Voice, wanted: VoiceWanted) -> list[Candidate]:
    """Installed, usable voices that fit `wanted`, best first."""
    named = "engine" in voice.model_fields_set
    found = []
    for name in _engines(voice):
        engine = registry.get(name)
        if engine.available() is not None:
            continue
        for info in voice_infos(engine):
            if info.missing or not (info.castable or named):
                continue
            if wanted.gender not in (None, info.gender) or wanted.accent not in (None, info.accent):
                continue
            found.append(Candidate(name, info))
    return found


def sound(voice: Voice) -> tuple[str, str]:
    """(engine, engine voice) of a concrete voice, the engine's default filled in."""
    assert not isinstance(voice.voice, VoiceWanted), "cast the voice first"
    return voice.engine, voice.voice or registry.get(voice.engine).default_voice()


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
            for i in voice_infos(engine)
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
        sound(v)
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
        pick = next((c for c in found if (c.engine, c.info.name) not in taken), found[0])
        if key in used:
            taken.add((pick.engine, pick.info.name))
        result[key] = voice.model_copy(update={"engine": pick.engine, "voice": pick.info.name})
        notes[key] = f"{pick.engine} {pick.info.name} ({pick.info.describe()})"
    return result, notes


def alike(voices: dict[str, Voice], used: set[str], lines: dict[str, str]) -> list[str]:
    """Warnings for speakers of the episode who share an engine voice and pitch."""
    groups: dict[tuple[str, str, float], list[str]] = {}
    for key in sorted(used, key=list(voices).index):
        voice = voices[key]
        groups.setdefault((*sound(voice), voice.pitch), []).append(key)
    warnings = []
    for (engine, name, pitch), keys in groups.items():
        if len(keys) < 2:
            continue
        speakers = " and ".join(f"voices.{k}" for k in keys)
        warnings.append(
            f"{lines.get(keys[-1], 'voices')}: {speakers} are"
            f" {'both' if len(keys) == 2 else 'all'} {engine} {name} at pitch"
            f" {pitch:+g}: listeners will hear one person; give each its own voice (kit voices)"
            " or a pitch shift"
        )
    return warnings
