"""The data model of a show and its episodes (pydantic, no I/O).

Everything a producer writes in `show.yaml` and `episode.yaml` is validated here, strictly
(`extra="forbid"`), so a misspelled field is an error instead of a silent default. Paths are
kept as written; the loader resolves them against the file they came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import uuid
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from broadcast_kit.check.rules import RULES

MusicRole = Literal["intro", "outro", "bed", "sting"]
MUSIC_ROLES: tuple[str, ...] = get_args(MusicRole)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pronunciation(Strict):
    """How to say a word or phrase: a respelling every engine reads, phonemes for the engines
    that take them (engine name -> phonemes in that engine's alphabet), or both (the
    respelling then serves the engines without phonemes)."""

    say: str | None = Field(None, min_length=1)
    phonemes: dict[str, str] = Field(default_factory=dict)

    @field_validator("phonemes")
    @classmethod
    def _phonemes(cls, value: dict[str, str]) -> dict[str, str]:
        for engine, phonemes in value.items():
            if not phonemes.strip():
                raise ValueError(f"{engine}: empty phonemes; write them or remove the engine")
            if re.search(r"[\[\]()/]", phonemes):
                raise ValueError(
                    f"{engine}: phonemes '{phonemes}' contain [ ] ( ) or /; write the bare"
                    " phonemes (broadcast-kit adds each engine's markup)"
                )
        return value

    @model_validator(mode="after")
    def _something(self) -> Pronunciation:
        if self.say is None and not self.phonemes:
            raise ValueError("give a respelling (say: ...) or phonemes: {engine: ...}, or both")
        return self


def _pronunciation_kind(value: Any) -> str:
    return "respelling" if isinstance(value, str) else "entry"


Said = Annotated[
    Annotated[Annotated[str, Field(min_length=1)], Tag("respelling")]
    | Annotated[Pronunciation, Tag("entry")],
    Discriminator(_pronunciation_kind),
]


def _pronunciations(value: dict[str, Said]) -> dict[str, Said]:
    for word in value:
        if not re.search(r"\w", word) or re.search(r"[\[\]()/]", word):
            raise ValueError(
                f"'{word}': a pronunciation is for a word or phrase as written in the script"
                " (letters, no [ ] ( ) /)"
            )
    return value


Pronunciations = Annotated[dict[str, Said], AfterValidator(_pronunciations)]


class VoiceWanted(Strict):
    """A voice by description: the loader casts an installed voice that fits."""

    gender: Literal["female", "male"] | None = None
    #: the accent of its English, two letters: us, gb, jp (Japanese-accented), ...
    accent: str | None = Field(None, pattern=r"^[a-z]{2}$")

    @model_validator(mode="after")
    def _something(self) -> VoiceWanted:
        if self.gender is None and self.accent is None:
            raise ValueError("describe the voice: gender: female|male and/or accent: us|gb|jp")
        return self

    def describe(self) -> str:
        return " ".join(part for part in (self.gender, self.accent) if part)


def _voice_kind(value: Any) -> str:
    return "description" if isinstance(value, dict | VoiceWanted) else "name"


EngineVoice = Annotated[
    Annotated[str, Tag("name")] | Annotated[VoiceWanted, Tag("description")],
    Discriminator(_voice_kind),
]


class Voice(Strict):
    """How one speaker sounds: an engine, one of its voices and adjustments. The voice may be
    a description ({gender: female, accent: us}); the engine then only narrows the choice
    when given."""

    engine: str = "piper"
    voice: EngineVoice | None = None  # engine default when omitted
    speed: float = Field(1.0, ge=0.5, le=2.0)
    pitch: float = Field(0.0, ge=-12.0, le=12.0)  # semitones
    name: str | None = None  # the speaker's name as printed in transcripts
    tld: str | None = None  # gTTS accent (Google domain: com, co.uk, com.au, ...)


class Owner(Strict):
    name: str
    email: str

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"'{value}' is not an e-mail address")
        return value


class Pacing(Strict):
    """Silences, in seconds, placed between parts."""

    sentence: float = Field(0.3, ge=0, le=10)
    speaker: float = Field(0.7, ge=0, le=10)
    chapter: float = Field(1.5, ge=0, le=20)


class AudioSettings(Strict):
    channels: Literal["mono", "stereo"] = "stereo"
    bitrate: int | None = Field(None, ge=32, le=320)  # kbit/s; default 96 mono, 128 stereo
    sample_rate: Literal[44100, 48000] = 44100
    loudness: Literal["podcast", "broadcast"] = "podcast"

    @property
    def channel_count(self) -> int:
        return 1 if self.channels == "mono" else 2

    @property
    def kbps(self) -> int:
        if self.bitrate is not None:
            return self.bitrate
        return 96 if self.channels == "mono" else 128

    @model_validator(mode="after")
    def _floor(self) -> AudioSettings:
        floor = 32 if self.channels == "mono" else 64
        if self.kbps < floor:
            raise ValueError(
                f"bitrate {self.kbps} is below the {floor} kbit/s floor for {self.channels}"
            )
        return self


def absolute_url(value: str) -> str:
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError(f"'{value}' is not an absolute http(s) URL")
    return value


MAX_SHOW_DESCRIPTION_BYTES = 4000  # Apple's limit for the channel description


@cache
def categories() -> dict[str, list[str]]:
    """Apple Podcasts' categories and their subcategories (package data)."""
    text = files("broadcast_kit.data").joinpath("categories.yaml").read_text(encoding="utf-8")
    loaded: dict[str, list[str]] = yaml.safe_load(text)
    return loaded


PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # Podcasting 2.0


def podcast_guid(feed_url: str) -> str:
    """A show's podcast:guid: uuid5 of its feed URL without scheme and trailing slashes."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def split_category(value: str) -> tuple[str, str | None]:
    """'News > Politics' -> ('News', 'Politics'); 'News' -> ('News', None)."""
    parent, _, sub = (part.strip() for part in value.partition(">"))
    return parent, (sub or None)


def _rule_id(value: str) -> str:
    if value not in RULES:
        guess = difflib.get_close_matches(value, list(RULES), n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise ValueError(f"unknown rule '{value}'; {hint}rules: {', '.join(RULES)}")
    return value


class LoudnessCheck(Strict):
    """What `kit check --loudness` holds the episodes to."""

    target: float | None = Field(None, ge=-40, le=-5)  # LUFS; None: the audio.loudness preset
    tolerance: float = Field(1.0, gt=0, le=10)  # LU either side of the target
    true_peak: float = Field(-1.0, ge=-20, le=0)  # dBTP, the highest allowed


class CheckSettings(Strict):
    """The show's `check:` section: rules turned off by id, loudness thresholds."""

    disable: list[Annotated[str, AfterValidator(_rule_id)]] = Field(default_factory=list)
    loudness: LoudnessCheck = LoudnessCheck()


class Show(Strict):
    title: str = Field(min_length=1)
    description: str = ""
    author: str = Field(min_length=1)
    owner: Owner
    language: str = "en"
    category: str = "News"
    explicit: bool = False
    cover: Path
    #: where the rendered folder is published; only `kit feed` needs it
    base_url: str | None = Field(None, min_length=1)
    link: str | None = None
    type: Literal["episodic", "serial"] = "episodic"
    locked: bool = False  # podcast:locked: ask directories to refuse moving the feed elsewhere
    voices: dict[str, Voice] = Field(default_factory=dict)
    #: word or phrase as written -> how to say it (every episode; an episode's own win)
    pronunciations: Pronunciations = Field(default_factory=dict)
    audio: AudioSettings = AudioSettings()
    pacing: Pacing = Pacing()
    check: CheckSettings = CheckSettings()

    @field_validator("base_url", "link")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        return value if value is None else absolute_url(value)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        known = categories()
        parent, sub = split_category(value)
        if parent not in known:
            guess = difflib.get_close_matches(parent, list(known), n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"Apple's: {', '.join(known)}"
            raise ValueError(f"'{parent}' is not an Apple Podcasts category; {hint}")
        if sub is not None and sub not in known[parent]:
            subs = ", ".join(known[parent]) or "none"
            raise ValueError(f"'{sub}' is not a subcategory of {parent}; its subcategories: {subs}")
        return f"{parent} > {sub}" if sub else parent

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        size = len(value.encode("utf-8"))
        if size > MAX_SHOW_DESCRIPTION_BYTES:
            raise ValueError(
                f"is {size} bytes; podcast apps take at most"
                f" {MAX_SHOW_DESCRIPTION_BYTES}: shorten it"
            )
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", value):
            raise ValueError(f"'{value}' is not an ISO 639 language code such as 'en' or 'en-US'")
        return value


class HostPart(Strict):
    """Narration by the show's host (voice `host`)."""

    kind: ClassVar[str] = "host"

    host: str
    voice: str = "host"


class InterviewPart(Strict):
    """An interviewee: synthesized from `interview:` text, or a recorded `audio:` clip."""

    kind: ClassVar[str] = "interview"

    interview: str | None = None
    speaker: str
    audio: Path | None = None
    transcript: str | None = None
    start: float | None = Field(None, ge=0)  # trim points in the clip, seconds
    end: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _text_or_audio(self) -> InterviewPart:
        if (self.interview is None) == (self.audio is None):
            raise ValueError("give either the words (interview: text) or a recording (audio: file)")
        if self.audio is None and (
            self.transcript or self.start is not None or self.end is not None
        ):
            raise ValueError("transcript, start and end only apply to a recorded audio: clip")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class VoxpopPart(Strict):
    """A short quote from a member of the public, described rather than named."""

    kind: ClassVar[str] = "voxpop"

    voxpop: str
    speaker: str = "Listener"
    voice: str = "voxpop"


class MusicPart(Strict):
    kind: ClassVar[str] = "music"

    music: Path
    role: MusicRole = "sting"
    level: float = Field(0.0, ge=-60, le=12)  # dB applied to the file
    duck: float = Field(-15.0, ge=-60, le=0)  # dB under speech
    attack: float = Field(300, ge=0, le=5000)  # ms
    release: float = Field(600, ge=0, le=10000)  # ms
    fade_in: float = Field(0.0, ge=0, le=60)  # seconds
    fade_out: float = Field(0.0, ge=0, le=60)
    overlap: float = Field(0.0, ge=0, le=60)  # seconds of talk-over (intro/outro)
    under: int = Field(1, ge=1)  # bed: how many following speech parts it plays under
    gap: float = Field(1.5, ge=0, le=30)  # bed: seconds of music between those parts


class PausePart(Strict):
    kind: ClassVar[str] = "pause"

    pause: float = Field(gt=0, le=600)


class ChapterPart(Strict):
    kind: ClassVar[str] = "chapter"

    chapter: str = Field(min_length=1)


PART_TYPES = (HostPart, InterviewPart, VoxpopPart, MusicPart, PausePart, ChapterPart)
SEGMENT_KINDS: tuple[str, ...] = tuple(part.kind for part in PART_TYPES)
SPEECH_KINDS: tuple[str, ...] = (HostPart.kind, InterviewPart.kind, VoxpopPart.kind)
_KINDS: dict[type[BaseModel], str] = {part: part.kind for part in PART_TYPES}


def _segment_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in SEGMENT_KINDS:
            if kind in value:
                return kind
        return None
    return getattr(value, "kind", None)


Part = Annotated[
    Annotated[HostPart, Tag(HostPart.kind)]
    | Annotated[InterviewPart, Tag(InterviewPart.kind)]
    | Annotated[VoxpopPart, Tag(VoxpopPart.kind)]
    | Annotated[MusicPart, Tag(MusicPart.kind)]
    | Annotated[PausePart, Tag(PausePart.kind)]
    | Annotated[ChapterPart, Tag(ChapterPart.kind)],
    Discriminator(_segment_kind),
]


def kind_of(part: BaseModel) -> str:
    return _KINDS[type(part)]


def voice_key(part: BaseModel) -> str | None:
    """The key into `voices` a part is spoken with; None for parts that are not synthesized."""
    if isinstance(part, HostPart | VoxpopPart):
        return part.voice
    if isinstance(part, InterviewPart) and part.audio is None:
        return part.speaker
    return None


def spoken_text(part: BaseModel) -> str | None:
    """The words a part synthesizes, or None."""
    if isinstance(part, HostPart):
        return part.host
    if isinstance(part, VoxpopPart):
        return part.voxpop
    if isinstance(part, InterviewPart):
        return part.interview
    return None


def speaker_name(part: BaseModel, voices: dict[str, Voice]) -> str:
    """The speaker as printed in transcripts: a voxpop's description, else the voice's name
    (or its key, title-cased)."""
    if isinstance(part, VoxpopPart):
        return part.speaker
    key = part.voice if isinstance(part, HostPart) else getattr(part, "speaker", "")
    voice = voices.get(key)
    return (voice.name if voice and voice.name else key.replace("-", " ").title()) or "Speaker"


class Episode(Strict):
    title: str = Field(min_length=1)
    date: dt.date
    number: int | None = Field(None, ge=1)
    season: int | None = Field(None, ge=1)
    episode_type: Literal["full", "trailer", "bonus"] = "full"
    description: str = ""
    slug: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    explicit: bool | None = None
    draft: bool = False  # left out of the feed until false (kit feed --include-drafts shows it)
    # the episode's permanent id in the feed; kit feed assigns one in guids.yaml when omitted
    guid: str | None = Field(None, min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
    voices: dict[str, Voice] = Field(default_factory=dict)
    pronunciations: Pronunciations = Field(default_factory=dict)
    segments: list[Part] = Field(default_factory=list)
    script: str | None = None
    script_file: Path | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Episode:
        given = [
            n
            for n, v in (
                ("segments", self.segments),
                ("script", self.script),
                ("script_file", self.script_file),
            )
            if v
        ]
        if len(given) != 1:
            raise ValueError(
                "an episode needs exactly one of segments:, script: or script_file:"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self
