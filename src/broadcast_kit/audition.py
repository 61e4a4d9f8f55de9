"""Hearing voices before a render: `kit say` speaks a line with one voice (as a show casts it,
its pronunciation lexicon applied), `kit voices --sample` writes a clip of every described
voice and a page to compare them side by side.

Both go through the render's own synthesis (`tts/synth.py`: the lexicon, the speed and
pitch adjustments, the speech cache), so a clip sounds exactly as the episode will.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcast_kit import ffmpeg
from broadcast_kit.errors import EngineError, InputError, OutputError
from broadcast_kit.files import stream
from broadcast_kit.model import Voice, VoiceWanted
from broadcast_kit.publish import samples_page
from broadcast_kit.publish.samples_page import Sample
from broadcast_kit.render.sentences import sentences
from broadcast_kit.tts import casting, registry
from broadcast_kit.tts import voices as voices_mod
from broadcast_kit.tts.base import VoiceInfo
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.lexicon import EMPTY, Lexicon
from broadcast_kit.tts.voices import ResolvedVoice

RATE = 24000  # every clip is written at one rate (Kokoro's and hibari's own)
GAP = 0.3  # seconds of silence between sentences
SAMPLE_TEXT = (
    "Good evening. North Korea and Japan have held their first talks in four years,"
    " and both sides say they were useful."
)


@dataclass(frozen=True)
class Cast:
    """A voice as it will speak: the speaker's key, its concrete voice, the lexicon."""

    key: str
    voice: ResolvedVoice
    lexicon: Lexicon
    described: str  # "kokoro bf_isabella (female gb)"


def _describe(engine: str, name: str) -> str:
    info = next((i for i in registry.get(engine).voice_info() if i.name == name), None)
    return f"{engine} {name}" + (f" ({info.describe()})" if info and info.describe() != "-" else "")


def _engine_voice(name: str) -> Voice:
    """`engine:voice`, an engine's name (its default voice) or a voice name of one engine."""
    engine, _, voice = name.partition(":")
    if engine in registry.names() and (voice or ":" not in name):
        return Voice(engine=engine, voice=voice or None)
    found = [
        (e, info.name)
        for e in registry.names()
        if registry.get(e).available() is None
        for info in registry.get(e).voice_info()
        if info.name == name
    ]
    if not found:
        raise InputError(
            f"--voice {name}: no engine has a voice called '{name}'; name one as ENGINE:VOICE"
            " or ENGINE (its default voice), a voice listed by `kit voices`, or a voice of"
            " the show given with --show"
        )
    return Voice(engine=found[0][0], voice=found[0][1])


def resolve(name: str, show_path: Path | None = None) -> Cast:
    """The voice `name` as the show casts it (a key of its `voices:`), else an engine voice;
    the show's pronunciations apply either way."""
    from broadcast_kit import loader

    lexicon, voices = EMPTY, {}
    if show_path is not None and show_path.name != loader.SHOW_FILE:
        # an episode: its voices as cast for it, its pronunciations over the show's
        production = loader.load(show_path)
        voices, lexicon = dict(production.voices), production.lexicon
    elif show_path is not None:
        show, _, _ = loader.load_show(show_path)
        voices = dict(show.voices)
        lexicon = Lexicon(show.pronunciations)
    if name in voices:
        chosen = voices[name]
        if isinstance(chosen.voice, VoiceWanted):
            cast, _ = casting.cast({name: chosen}, {}, {name})
            chosen = cast[name]
        key = name
    else:
        if show_path is not None and ":" not in name and name not in _voice_names():
            listed = ", ".join(voices) or "none"
            raise InputError(
                f"--voice {name}: {loader.display(show_path)} has no voice '{name}' (its voices:"
                f" {listed}) and no engine has a voice of that name (kit voices)"
            )
        chosen, key = _engine_voice(name), name
    try:
        resolved = voices_mod.resolve(chosen)
    except EngineError as exc:  # its engine is not usable here
        raise InputError(f"--voice {name}: {exc}") from None
    voices_mod.check(resolved)
    return Cast(key, resolved, lexicon, _describe(resolved.engine, resolved.name))


def _voice_names() -> set[str]:
    return {
        info.name
        for e in registry.names()
        if registry.get(e).available() is None
        for info in registry.get(e).voice_info()
    }


def speak(text: str, cast: Cast, cache: SpeechCache | None = None) -> np.ndarray:
    """`text` spoken by `cast`: mono float32 at RATE, sentences GAP apart."""
    from broadcast_kit.audio import resample, to_array
    from broadcast_kit.tts.synth import Utterance, synthesize_all

    said = sentences(" ".join(text.split()))
    if not said or not re.search(r"\w", text):  # as a script part: a word, not only marks
        raise InputError('nothing to say: give a sentence, e.g. kit say "Hello." --voice host')
    utterances = [Utterance(s, cast.key, cast.voice, cast.lexicon) for s in said]
    audio, _ = synthesize_all(utterances, cache or SpeechCache())
    gap = np.zeros(round(GAP * RATE), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for segment in audio:
        mono = to_array(segment).mean(axis=1)
        pieces += [resample(mono[:, None], segment.frame_rate, RATE)[:, 0], gap]
    return np.concatenate(pieces[:-1]).astype(np.float32)


def write_clip(samples: np.ndarray, out: Path) -> None:
    """A WAV (16-bit) or, by its extension, an MP3 at `out`, written whole or not at all."""
    codec = (
        ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]
        if out.suffix.lower() == ".mp3"
        else ["-c:a", "pcm_s16le", "-f", "wav"]
    )
    if out.suffix.lower() not in (".wav", ".mp3"):
        raise InputError(f"--out {out}: a clip is a .wav or .mp3 file; name one (e.g. {out}.wav)")
    try:
        if stream(out):  # a device such as /dev/null is written into, never replaced
            raise OutputError(
                f"--out {out}: is a device or a named pipe, not a file; name a .wav or .mp3 file"
            )
        out.parent.mkdir(parents=True, exist_ok=True)
    except IsADirectoryError:
        raise OutputError(f"--out {out}: is a folder; name a .wav or .mp3 file in it") from None
    except OSError as exc:
        raise OutputError(f"{out.parent} could not be created ({exc.strerror})") from exc
    temp = out.with_name(f".{out.name}.tmp")
    try:
        ffmpeg.encode(samples[:, None], RATE, temp, codec)
        os.replace(temp, out)
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write the clip ({exc.strerror})") from exc
    finally:
        temp.unlink(missing_ok=True)


def say(text: str, voice: str, out: Path, show_path: Path | None = None) -> Cast:
    cast = resolve(voice, show_path)
    write_clip(speak(text, cast), out)
    return cast


def sample_voices(engine: str | None = None) -> list[tuple[str, VoiceInfo]]:
    """The voices casting can pick (described, usable here), engine by engine."""
    names = [engine] if engine else registry.names()
    return [
        (name, info)
        for name in names
        if registry.get(name).available() is None
        for info in registry.get(name).voice_info()
        if (info.gender or info.accent) and info.castable and not info.missing
    ]


def samples(
    folder: Path,
    engine: str | None = None,
    text: str = SAMPLE_TEXT,
    progress: Callable[[str], None] = lambda line: None,
) -> list[Sample]:
    """One MP3 clip per voice in `folder` and `index.html` to listen to them side by side."""

    found = sample_voices(engine)
    if not found:
        raise InputError(
            "no described voice is installed to sample"
            + (f" for engine '{engine}'" if engine else "")
            + "; kit voices lists what is installed"
        )
    made = []
    for n, (name, info) in enumerate(found, start=1):
        progress(f"{n}/{len(found)} {name} {info.name}")
        voice = voices_mod.resolve(Voice(engine=name, voice=info.name))
        cast = Cast(info.name, voice, EMPTY, "")
        file = f"{name}-{info.name}.mp3"
        write_clip(speak(text, cast), folder / file)
        made.append(Sample(name, info, file))
    page = samples_page.render(made, text)
    try:
        from broadcast_kit.files import atomic_open

        with atomic_open(folder / "index.html", "w") as handle:
            handle.write(page)
    except OSError as exc:
        raise OutputError(f"{folder / 'index.html'} could not be written ({exc})") from exc
    return made
