"""The render report (`<slug>.json`): one typed model, written by the render and read back
by every reader (batch renders, the render's own install, `kit feed`, `kit check`) through
`RenderReport.read`.

A report is input like any other when it is read, held to the rules of the episode file it
came from (a hand-edited report must not put markup in the page, nor name a file outside
its folder); fields that older reports lack have defaults. `Chapter` and `Person` are the
one model of a chapter and of a credited person for render, publish and check.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from broadcast_kit import limits, loader, model
from broadcast_kit.errors import InputError
from broadcast_kit.loudness import Report as Loudness

Text = Annotated[str, Field(max_length=limits.MAX_FILE_BYTES)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
FileName = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$")]
Role = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z][A-Za-z -]*$")]
#: a time in milliseconds: at most 2**53 - 1, the largest integer every JSON reader keeps
#: exact (a larger one overflowed the float arithmetic of kit feed)
Ms = Annotated[int, Field(ge=0, le=2**53 - 1)]
Offset = Annotated[int, Field(ge=-(2**53 - 1), le=2**53 - 1)]  # a placed sound's ms


class UnreadableReport(InputError):
    """A render report that cannot be read, or is not valid: the message names the file
    (and the field); the reader adds what to do."""


class InvalidReport(UnreadableReport):
    """A render report with a field that is not valid (named in the message)."""


class NotARenderReport(UnreadableReport):
    """JSON that is not a render report of broadcast-kit's (no `tool` saying so)."""


class _Part(BaseModel):
    # reports written by newer versions may carry more: read what is known
    model_config = ConfigDict(extra="ignore")


class Chapter(_Part):
    """A chapter of an episode, in milliseconds from its start."""

    model_config = ConfigDict(frozen=True)

    title: Text
    start_ms: Ms
    end_ms: Ms


class Person(_Part):
    """Someone heard in an episode, as the feed's podcast:person credits them."""

    model_config = ConfigDict(frozen=True)

    name: Name
    role: Role = "host"  # a Podcast Taxonomy role, lower-case: host, guest, narrator, ...
    group: Role = "cast"  # its taxonomy group


class AudioFacts(_Part):
    file: FileName
    bytes: int = 0
    sha256: str = ""
    bitrate_kbps: int = 0
    channels: str = ""
    sample_rate: int = 0


class Synthesis(_Part):
    sentences: int = Field(0, ge=0)
    cached: int = 0
    synthesized: int = 0
    repaired: int = 0
    engines: dict[str, str] = Field(default_factory=dict)


class Segment(_Part):
    """One placed sound; fields that do not apply to it are left out of the file."""

    part: int
    kind: str
    start_ms: Offset
    end_ms: Offset
    duration_ms: Offset
    chapter: str | None
    speaker: str | None = None
    voice: str | None = None
    engine: str | None = None
    engine_voice: str | None = None
    text: str | None = None
    file: str | None = None
    role: str | None = None
    gain_db: float | None = None


class RenderReport(_Part):
    tool: str
    slug: model.Slug
    title: Annotated[Text, Field(min_length=1)]
    show: str = ""
    date: dt.date
    number: model.Number | None = None
    season: model.Number | None = None
    episode_type: model.EpisodeType = "full"
    explicit: bool = False
    draft: bool = False
    guid: model.Guid | None = None
    description: Text = ""
    people: list[Person] = Field(default_factory=list)
    episode_file: str = ""
    duration_ms: Ms
    audio: AudioFacts
    loudness: Loudness | None = None
    files: dict[str, FileName]
    chapters: list[Chapter]
    synthesis: Synthesis = Synthesis()
    render_seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)
    segments: list[Segment] = Field(default_factory=list)
    show_file: str | None = None
    fingerprint: str | None = None  # of every input, for batch renders (kit render DIR)
    #: what the render warned about (defaults filled in silently, a voice cast twice, ...)
    warnings: list[str] = Field(default_factory=list)
    #: the episode file, relative to the report's folder (as show_file): which episode owns
    #: the slug's files there
    episode_path: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The report as written: segments keep only the fields set for them."""
        data = self.model_dump(mode="json", exclude={"segments"})
        data["segments"] = [s.model_dump(mode="json", exclude_unset=True) for s in self.segments]
        order = list(type(self).model_fields)  # segments in their place, before show_file
        return {key: data[key] for key in order}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def read(cls, path: Path, limit: int = limits.MAX_FILE_BYTES) -> RenderReport:
        """The render report in `path`. OSError when it cannot be opened (FileNotFoundError:
        there is none); NotARenderReport for JSON that is not one of ours; UnreadableReport
        for damaged JSON, InvalidReport for a field that is not valid."""
        where = loader.display(path)
        try:
            raw = limits.read_bounded(path, limit, where, "render reports", "remove it")
            data = limits.load_json(raw.decode("utf-8"))
        except (InputError, UnicodeDecodeError, ValueError) as exc:
            raise UnreadableReport(f"{where}: cannot read it as a render report ({exc})") from None
        tool = data.get("tool") if isinstance(data, dict) else None
        if not isinstance(tool, str) or not tool.startswith("broadcast-kit"):
            raise NotARenderReport(f"{where}: not a render report of broadcast-kit's")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = loader.format_loc(tuple(problem["loc"])) or "the report"
            raise InvalidReport(f"{where}: {field}: {problem['msg']}") from None
