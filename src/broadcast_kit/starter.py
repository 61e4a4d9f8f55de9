"""`kit init`: a new show that renders at once, with comments that teach the format.

Writes `show.yaml`, a placeholder `cover.png` and `episode-1/episode.yaml` into a folder,
never over an existing file. The two speakers of the first episode (a host and a guest) get
voices that work on this machine: the best installed offline voices first (hibari `heart`
and Piper `joe` when the extras are there), then espeak-ng when its program is, and gTTS
(Google's online service, the only voice a plain `pip install` brings) last, with a note
that it needs the network. The text is validated with the show and episode models before
anything is written, so a bad `--language` is an error and not a broken show.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from broadcast_kit import cover, loader, model
from broadcast_kit.errors import BroadcastKitError, InputError, OutputError
from broadcast_kit.files import atomic_open
from broadcast_kit.importer.writer import quote
from broadcast_kit.loudness import target
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import VoiceInfo

EPISODE_FOLDER = "episode-1"
COVER_FILE = "cover.png"
# (engine, voice) in order of preference: neural offline voices, then espeak-ng, then gTTS
HOST_VOICES = (("hibari", "heart"), ("piper", "joe"), ("kokoro", "jf_alpha"), ("espeak", "en-us"))
GUEST_VOICES = (
    ("piper", "joe"),
    ("kokoro", "jm_kumo"),
    ("hibari", "heart"),
    ("espeak", "en-us+m3"),
)
ONLINE = ("gtts", "en")


@dataclass(frozen=True)
class Casting:
    """The voice one speaker of the starter gets."""

    engine: str
    voice: str
    info: VoiceInfo | None = None
    settings: dict[str, object] = field(default_factory=dict)  # speed, pitch, tld

    def describe(self) -> str:
        what = self.info.describe() if self.info and self.info.describe() != "-" else ""
        extra = ", ".join(f"{k} {v}" for k, v in self.settings.items())
        return f"{self.engine} {self.voice}" + "".join(f" ({p})" for p in (what, extra) if p)


@dataclass(frozen=True)
class Started:
    """What `init` wrote and how it cast the voices."""

    folder: Path
    files: list[Path]
    episode: Path
    host: Casting
    guest: Casting
    notes: list[str]


def _usable(engine: str, voice: str) -> VoiceInfo | None:
    """The voice's description when the engine is installed, works here and has the voice
    without a download; else None."""
    if engine not in registry.names():
        return None
    try:
        found = registry.get(engine)
        if found.available() is not None:
            return None
        infos = {info.name: info for info in found.voice_info()}
    except BroadcastKitError:
        return None
    info = infos.get(voice) or infos.get(voice.split("+", 1)[0])  # espeak's variants: +m3
    return info if info is not None and not info.missing else None


def cast() -> tuple[Casting, Casting, list[str]]:
    """Voices for the host and the guest on this machine, and notes for the producer."""
    offline = {pair: info for pair in {*HOST_VOICES, *GUEST_VOICES} if (info := _usable(*pair))}
    host_pair = next((pair for pair in HOST_VOICES if pair in offline), None)
    notes = []
    if host_pair is None:
        host = Casting(*ONLINE, _usable(*ONLINE))
        guest = Casting(*ONLINE, host.info, {"tld": "co.uk"})  # a British accent
        notes.append(
            "no offline voice is installed here, so the show uses gtts, Google's online"
            " voice: rendering needs the network. For offline voices: pip install"
            " 'broadcast-kit[piper,hibari]', then set the engines under voices: in show.yaml"
            " (kit voices lists what is installed)"
        )
        return host, guest, notes
    host = Casting(*host_pair, offline[host_pair])
    guest_pair = next((p for p in GUEST_VOICES if p in offline and p != host_pair), None)
    if guest_pair is None:  # one voice only: the guest is the host's, a little lower
        guest = Casting(*host_pair, offline[host_pair], {"pitch": -2})
        notes.append(
            f"only one voice is installed here ({host.engine} {host.voice}): the guest is"
            " that voice two semitones lower; kit voices lists what is installed"
        )
    else:
        guest = Casting(*guest_pair, offline[guest_pair])
    return host, guest, notes


def _voice_yaml(key: str, name: str | None, voice: Casting) -> list[str]:
    about = voice.info.describe() if voice.info and voice.info.describe() != "-" else ""
    lines = [
        f"  {key}:",
        f"    engine: {voice.engine}",
        f"    voice: {voice.voice}" + (f"  # {about}" if about else ""),
    ]
    lines += [f"    {setting}: {value}" for setting, value in voice.settings.items()]
    lines += [f"    name: {quote(name)}"] if name else []
    return lines


def show_yaml(
    title: str, author: str, email: str, language: str, host: Casting, guest: Casting
) -> str:
    """The text of the starter show.yaml."""
    # members of the public (voxpop: parts): the host's voice, higher
    voxpop = Casting(host.engine, host.voice, host.info, {**host.settings, "pitch": 3})
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "show"
    lines = [
        f"# {title}: the show. Every episode in this folder and below it uses this file",
        "# (kit render looks for show.yaml beside the episode, then in each folder above).",
        "# Paths are relative to this file. Lines marked 'check:' are placeholders.",
        f"title: {quote(title)}",
        f"author: {quote(author)}  # check: you, or the organisation that makes the show",
        "description: >-  # check: a few sentences for podcast apps (at most 4000 bytes)",
        f"  {title} is a new show made with broadcast-kit.",
        "owner:  # who podcast directories write to about the feed",
        f"  name: {quote(author)}",
        f"  email: {email}  # check: a real address before you publish",
        f"language: {language}  # ISO 639: en, en-US, ko, ...",
        "category: News  # check: one of Apple Podcasts' categories, e.g. Society & Culture",
        "explicit: false",
        f"cover: {COVER_FILE}  # check: a generated placeholder; a square 1400-3000 px JPEG or PNG",
        f"# base_url: https://example.org/{slug}/  # where you publish dist/; kit feed needs it",
        "",
        "# Who speaks, and how: an engine and one of its voices (kit voices lists the installed",
        "# ones). speed: 0.5-2; pitch: semitones, -12 to 12 (more than 2 sounds artificial).",
        "# Or describe the voice and let kit pick one: voice: {gender: female, accent: us}.",
        "# The voice called host reads host: parts, voxpop reads voxpop: parts; an interview",
        "# is read by the voice its speaker: names. An episode can add voices of its own.",
        "# name: is how transcripts name the speaker.",
        "voices:",
        *_voice_yaml("host", "Host", host),
        *_voice_yaml("guest", "Guest", guest),
        *_voice_yaml("voxpop", None, voxpop),  # a voxpop: part names its speaker itself
        "",
        "# Optional (the defaults are shown):",
        "# audio: {channels: stereo, loudness: podcast}  # mono:"
        f" {target('podcast', 1).loudness:g} LUFS;"
        f" broadcast: {target('broadcast', 2).loudness:g} LUFS",
        "# pacing: {sentence: 0.3, speaker: 0.7, chapter: 1.5}  # seconds of silence between",
        "# pronunciations:  # how to say words the voices get wrong (every episode)",
        "#   Nguyen: Win",
        "",
    ]
    return "\n".join(lines)


def episode_yaml(title: str, date: dt.date, folder: str) -> str:
    """The text of the starter episode.yaml."""
    return textwrap.dedent(f"""\
        # The first episode of {title}. Render it (MP3, transcripts, chapters into dist/):
        #   kit render {folder}/{EPISODE_FOLDER}/episode.yaml
        # kit render --dry-run prints the timeline without synthesizing anything, and
        # kit segment lists the parts. The file name of the MP3 comes from this folder's
        # name (episode-1), or from slug: when you give one.
        title: "Our first episode"  # the show's name is not repeated: apps show it already
        date: {date.isoformat()}
        number: 1  # also: season:, episode_type: full|trailer|bonus, draft: true
        description: >-
          The first episode: what the show is about, and a first guest.

        # The parts, played in order. Each spoken part is split into sentences; a sentence
        # is synthesized once and kept in the speech cache, so a render after an edit only
        # synthesizes the sentences that changed.
        segments:
          - chapter: Welcome  # a new chapter starts here (in the MP3 and chapters.json)
          - host: |
              Hello, and welcome to {title}. This is the first episode, written in a
              plain text file and read by a synthesized voice.
          - pause: 0.5  # seconds of silence
          - host: Our first guest is here to say hello.
          - interview: |
              Thank you for having me. It is good to be on the very first episode.
            speaker: guest  # the voice, from voices: in show.yaml
          - chapter: Goodbye
          - host: That is all for today. Thank you for listening.

          # More kinds of parts, to copy above and uncomment (paths are relative to this file):
          # - voxpop: A quote from a member of the public.
          #   speaker: A listener in Seoul  # a description, not a voice
          # - music: ../theme.mp3  # any audio file
          #   role: intro  # intro | outro | bed (under speech) | sting (between parts)
          #   overlap: 3  # intro: the first words start 3 s before the music ends
          # - interview:  # a recording instead of synthesized words
          #   speaker: guest
          #   audio: clips/guest.wav
          #   transcript: What the guest says, for the transcripts.
        """)


def _validate(show_text: str, episode_text: str) -> None:
    """Refuse flags that would make a show or episode that does not load."""
    for text, cls in ((show_text, model.Show), (episode_text, model.Episode)):
        try:
            cls.model_validate(yaml.safe_load(text))
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                name = ".".join(str(part) for part in err["loc"])
                flag = {"title": "--title", "author": "--author", "language": "--language"}
                where = flag.get(name, name)
                problems.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
            raise InputError("; ".join(problems)) from None


def _flag(flag: str, value: str, kind: Any) -> str:
    """A --title or --author as the show file will hold it (one line), or an InputError: it
    goes into YAML and comments, so a control character or a line break must not reach them."""
    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"{flag}: {problem}") from None


def init(
    folder: Path,
    title: str | None = None,
    author: str | None = None,
    language: str = "en",
    email: str = "you@example.org",
    today: dt.date | None = None,
) -> Started:
    """Write a starter show into `folder`: show.yaml, cover.png, episode-1/episode.yaml."""
    named = folder.resolve().name
    title = title or (named.replace("-", " ").replace("_", " ").title() if named else "My Show")
    author = author or "Your Name"
    title = _flag("--title", title, model.PlainTitle)
    author = _flag("--author", author, model.OneLine)
    host, guest, notes = cast()
    shown = loader.display(folder)
    show_text = show_yaml(title, author, email, language, host, guest)
    episode_text = episode_yaml(title, today or dt.date.today(), shown)
    _validate(show_text, episode_text)
    episode = folder / EPISODE_FOLDER / "episode.yaml"
    wanted = [
        (folder / COVER_FILE, cover.placeholder(title)),
        (folder / loader.SHOW_FILE, show_text.encode("utf-8")),
        (episode, episode_text.encode("utf-8")),
    ]
    there = [path for path, _ in wanted if path.exists()]
    if there:
        listed = ", ".join(loader.display(path) for path in there)
        raise InputError(
            f"{listed} already there; kit init never overwrites a file: choose a new folder"
            f" (kit init NEW-FOLDER)"
        )
    written: list[Path] = []
    try:
        for path, content in wanted:
            with atomic_open(path, "wb") as handle:
                handle.write(content)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write the starter show into {shown} ({exc.strerror}); choose another folder"
        ) from None
    return Started(folder, written, episode, host, guest, notes)
