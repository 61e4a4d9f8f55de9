"""The data model of a show and its episodes (pydantic, no I/O).

Everything a producer writes in `show.yaml` and `episode.yaml` is validated here, strictly
(`extra="forbid"`), so a misspelled field is an error instead of a silent default. Paths are
kept as written; the loader resolves them against the file they came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_args
from urllib.parse import quote, urlsplit, urlunsplit

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

from broadcast_kit import data, text
from broadcast_kit.loudness import CHECK_TOLERANCE_LU, DEFAULT_PRESET, Preset, default_true_peak
from broadcast_kit.rule_table import RULES

MusicRole = Literal["intro", "outro", "bed", "sting"]
MUSIC_ROLES: tuple[str, ...] = get_args(MusicRole)


class Strict(BaseModel):
    # built at import, not on first use (defer_build): a deferred build is not thread-safe in
    # the pydantic versions kit allows, and a Dask worker loads episodes on several threads
    model_config = ConfigDict(extra="forbid", frozen=True)


def _title(value: str) -> str:
    """A title as `text` defines it: one line, no control characters, no markup (what
    `kit check` fails in the published feed)."""
    value = text.one_line(value)
    if not value:
        raise ValueError("is only whitespace; write it")
    if (problem := text.plain_problem(value)) is not None:
        raise ValueError(problem)
    return value


def _name(value: str) -> str:
    """A name or chapter title: one line, no control characters (writers escape the rest)."""
    value = text.one_line(value)
    if (problem := text.plain_problem(value, tags=True)) is not None:
        raise ValueError(problem)
    return value


def _spoken(value: str) -> str:
    """Words to speak (and to show in the transcripts): any text but control characters,
    which engines read out or choke on and which end up raw in the VTT, SRT and JSON;
    line breaks and tabs are only spacing."""
    if (char := text.control(value.translate(_SPACING))) is not None:
        raise ValueError(f"has a control character ({char}); remove it")
    return value


_SPACING = str.maketrans("\n\r\t", "   ")
PlainTitle = Annotated[str, AfterValidator(_title)]
OneLine = Annotated[str, AfterValidator(_name)]
Spoken = Annotated[str, AfterValidator(_spoken)]


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
    name: OneLine | None = None  # the speaker's name as printed in transcripts
    tld: str | None = None  # gTTS accent (Google domain: com, co.uk, com.au, ...)
    #: the speaker's role in the feed's podcast:person (a Podcast Taxonomy role: co-host,
    #: narrator, reporter, voice actor, ...); default: host for the host, guest for interviewees
    role: str | None = None

    @field_validator("role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        return value if value is None else person_role(value)


class Owner(Strict):
    name: OneLine
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
    loudness: Preset = DEFAULT_PRESET

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
    """An absolute http(s) URL as a feed must carry it (STANDARDS 30): the host in ASCII
    (IDNA), spaces, non-ASCII and other raw characters percent-encoded, escapes kept."""
    if not re.match(r"https?://[^/\s?#]+", value, re.IGNORECASE):
        raise ValueError(f"'{value}' is not an absolute http(s) URL")
    parts = urlsplit(value)
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, address = netloc.rpartition("@")
        host, colon, port = (
            address.rpartition(":") if re.search(r":\d*$", address) else (address, "", "")
        )
        try:
            netloc = f"{userinfo}{at}{host.encode('idna').decode('ascii')}{colon}{port}"
        except UnicodeError:
            raise ValueError(f"'{value}': '{host}' is not a valid host name") from None
        if not netloc.isascii():
            raise ValueError(f"'{value}': '{parts.netloc}' is not a valid host name")
    path, query, fragment = (_percent(p) for p in (parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


def private_host(host: str) -> bool:
    """localhost, a private-use name or an address not routed on the internet: what
    listeners' apps cannot reach (STANDARDS 30)."""
    host = host.lower().strip("[]").rstrip(".")
    if host == "localhost" or host.endswith(PRIVATE_SUFFIXES):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def _percent(text: str) -> str:
    """Percent-encode what a URL cannot carry raw; reserved characters and %XX escapes stay."""
    return quote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text), safe="/?#[]@!$&'()*+,;=:%~")


def base_url(value: str) -> str:
    """A base URL: an absolute URL naming a folder (no query or fragment), percent-encoded."""
    url = absolute_url(value)
    if urlsplit(url).query or urlsplit(url).fragment or url.endswith(("?", "#")):
        raise ValueError(f"'{value}' has a query or fragment; a base URL names a folder")
    return url if url.endswith("/") else url + "/"


MAX_SHOW_DESCRIPTION_BYTES = 4000  # Apple's limit for the channel description


@cache
def categories() -> dict[str, list[str]]:
    """Apple Podcasts' categories and their subcategories (package data)."""
    loaded: dict[str, list[str]] = data.load("categories.yaml")
    return loaded


@cache
def taxonomy() -> dict[str, list[str]]:
    """The Podcast Taxonomy's groups and their roles, for podcast:person (package data)."""
    loaded: dict[str, list[str]] = data.load("taxonomy.yaml")
    return loaded


def person_role(value: str) -> str:
    """A Podcast Taxonomy role, lower-cased as podcast:person carries it."""
    roles = {role.lower() for group in taxonomy().values() for role in group}
    role = " ".join(value.split()).lower()
    if role not in roles:
        guess = difflib.get_close_matches(role, sorted(roles), n=1)
        cast = ", ".join(r.lower() for r in taxonomy()["Cast"])
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise ValueError(
            f"'{value}' is not a role of the Podcast Taxonomy; {hint}the cast's: {cast}"
        )
    return role


def role_group(role: str) -> str:
    """The taxonomy group of a role, lower-cased (the first that has it)."""
    return next(
        (g.lower() for g, roles in taxonomy().items() if role in {r.lower() for r in roles}),
        "cast",
    )


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
    tolerance: float = Field(CHECK_TOLERANCE_LU, gt=0, le=10)  # LU either side of the target
    true_peak: float = Field(default_factory=default_true_peak, ge=-20, le=0)  # dBTP, at most


class CheckSettings(Strict):
    """The show's `check:` section: rules turned off by id, loudness thresholds."""

    disable: list[Annotated[str, AfterValidator(_rule_id)]] = Field(default_factory=list)
    loudness: LoudnessCheck = LoudnessCheck()


Url = Annotated[str, AfterValidator(absolute_url)]
Label = Annotated[str, Field(min_length=1, max_length=128)]  # the namespace's display limit
AI_SENTENCE = (
    "The voices in this episode are AI-generated: synthetic speech, made with text-to-speech"
    " software."
)


class SpokenDisclosure(Strict):
    """A line the host says in every episode with synthetic voices."""

    text: str = Field(min_length=1, max_length=1000)
    at: Literal["start", "end"] = "start"


class AiDisclosure(Strict):
    """The AI disclosure of episodes with synthetic voices (STANDARDS 28): in the feed's
    metadata and the show notes by default, spoken when the show gives the line."""

    feed: bool = True  # <podcast:txt purpose="ai-content">true</podcast:txt>
    notes: bool = True  # `sentence` at the end of the show notes and on the show page
    sentence: str = Field(AI_SENTENCE, min_length=1, max_length=1000)
    spoken: SpokenDisclosure | None = None


class Funding(Strict):
    url: Url
    text: Label = "Support the show"


class License(Strict):
    """The licence of the show's audio: an identifier such as cc-by-4.0 (SPDX), or a custom
    licence's short name with the URL of its text."""

    name: Label
    url: Url | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _custom(self) -> License:
        if self.url is None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+-]*", self.name):
            raise ValueError(
                f"'{self.name}' is not a licence identifier such as cc-by-4.0; a custom"
                " licence needs url: (where its text is)"
            )
        return self


class Location(Strict):
    """A place the show is about (rel: subject) or made in (rel: creator)."""

    name: Label
    geo: str | None = None  # geo:LATITUDE,LONGITUDE (RFC 5870)
    osm: str | None = Field(None, pattern=r"^[NWR][0-9]+(#[0-9]+)?$")  # OpenStreetMap: R2297418
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")  # ISO 3166-1: kr
    rel: Literal["subject", "creator"] = "subject"

    @field_validator("geo")
    @classmethod
    def _geo(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = re.fullmatch(
            r"geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?(?:;u=\d+(?:\.\d+)?)?",
            value,
        )
        if match is None or abs(float(match[1])) > 90 or abs(float(match[2])) > 180:
            raise ValueError(f"'{value}' is not geo:LATITUDE,LONGITUDE, e.g. geo:37.5665,126.978")
        return value


class Credit(Strict):
    """Someone credited in the feed (podcast:person), with a Podcast Taxonomy role."""

    name: Label
    role: str = "host"
    href: Url | None = None  # a page about them
    img: Url | None = None  # their picture

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        return person_role(value)


# what the feed is (podcast:medium); the namespace's list kinds (podcastL, ...) hold no items
Medium = Literal["podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "course"]


class Show(Strict):
    title: PlainTitle = Field(min_length=1)
    description: str = ""
    author: OneLine = Field(min_length=1)
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
    ai_disclosure: AiDisclosure = AiDisclosure()
    # Podcasting 2.0 tags the feed carries when given (podcast:medium always)
    medium: Medium = "podcast"
    people: list[Credit] = Field(default_factory=list)  # credits beyond the voices heard
    funding: list[Funding] = Field(default_factory=list)
    license: License | None = None
    location: list[Location] = Field(default_factory=list)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        return value if value is None else base_url(value)

    @field_validator("link")
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

    host: Spoken
    voice: str = "host"


class InterviewPart(Strict):
    """An interviewee: synthesized from `interview:` text, or a recorded `audio:` clip."""

    kind: ClassVar[str] = "interview"

    interview: Spoken | None = None
    speaker: str
    audio: Path | None = None
    transcript: Spoken | None = None
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

    voxpop: Spoken
    speaker: OneLine = "Listener"
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

    chapter: OneLine = Field(min_length=1)


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


# What an episode's identity and numbers may be: shared by the episode file, the render
# report and guids.yaml, which are read back as input and held to the same rules
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=200)]
Guid = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]
EpisodeType = Literal["full", "trailer", "bonus"]
#: the largest episode or season number: apps and directories keep it as a 32-bit integer
MAX_NUMBER = 2**31 - 1
Number = Annotated[int, Field(ge=1, le=MAX_NUMBER)]


class Episode(Strict):
    title: PlainTitle = Field(min_length=1)
    date: dt.date
    number: Number | None = None
    season: Number | None = None
    episode_type: EpisodeType = "full"
    description: str = ""
    slug: Slug | None = None
    explicit: bool | None = None
    draft: bool = False  # left out of the feed until false (kit feed --include-drafts shows it)
    # the episode's permanent id in the feed; kit feed assigns one in guids.yaml when omitted
    guid: Guid | None = None
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
