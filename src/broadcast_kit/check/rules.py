"""Every rule `kit check` applies, with its stable id, default severity, the kind of file it
applies to, what it checks and why; and the per-file collector of findings.

Rule ids are part of the interface: a show's `check: disable:` list and CI dashboards name
them, so an id never changes meaning. The rule table in docs/ci.md lists the same rules (a test
holds them together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
Kind = Literal["mp3", "report", "vtt", "srt", "chapters", "transcript", "feed"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    kind: Kind
    checks: str
    why: str


def _rules(*rows: tuple[str, Severity, Kind, str, str]) -> dict[str, Rule]:
    return {row[0]: Rule(*row) for row in rows}


RULES = _rules(
    # --- the MP3 stream (STANDARDS 1-2) ---
    ("mp3-not-mpeg", "error", "mp3", "the file holds MPEG audio frames",
     "a WAV, AAC or empty file named .mp3 fails in players that trust the audio/mpeg type"),
    ("mp3-layer", "error", "mp3", "MPEG-1 Layer III",
     "what Apple's audio requirements and every podcast app expect (STANDARDS 1)"),
    ("mp3-sample-rate", "error", "mp3", "44.1 or 48 kHz",
     "lower rates are MPEG-2 files some players and directories refuse (STANDARDS 1)"),
    ("mp3-bitrate", "error", "mp3", "at least 32 kbit/s mono, 64 kbit/s stereo",
     "Apple's floor for podcast audio (STANDARDS 1)"),
    ("mp3-xing-header", "error", "mp3",
     "constant bitrate, or VBR with a Xing/Info/VBRI header that counts the frames",
     "without it players get duration, seeking and chapter positions wrong (STANDARDS 2)"),
    ("mp3-truncated", "error", "mp3", "the last frame is complete and every counted frame is there",
     "a cut-off upload plays short and its chapters point past the end"),
    ("mp3-corrupt", "error", "mp3", "no non-audio bytes between frames",
     "players skip or stop at lost sync; usually a damaged copy or two files joined"),
    # --- ID3 (STANDARDS 5-7) ---
    ("id3-missing", "error", "mp3", "an ID3v2 tag is present",
     "without it apps show no title, artwork or chapters"),
    ("id3-unreadable", "error", "mp3", "the ID3v2 tag can be parsed and is of a sane size",
     "a broken tag can make players skip the whole file"),
    ("id3-version", "error", "mp3", "the tag is ID3v2.3",
     "FFmpeg and Apple drop v2.4 chapter frames with long titles (STANDARDS 5)"),
    ("id3-text-encoding", "error", "mp3", "v2.3 text uses Latin-1 or UTF-16 (encoding 0 or 1)",
     "UTF-8 (3) and UTF-16BE (2) do not exist in v2.3; readers show garbage (STANDARDS 6)"),
    ("id3-frames", "error", "mp3", "TIT2, TPE1, TALB, TCON and the date (TYER) are set",
     "the title, artist, show and date podcast apps and players display (STANDARDS 7)"),
    ("id3-genre", "warning", "mp3", "TCON is `Podcast`", "the convention STANDARDS 7 asks for"),
    ("id3-comment", "warning", "mp3", "a COMM description is set",
     "players show it as the episode's description (STANDARDS 7)"),
    ("cover-missing", "error", "mp3", "exactly one APIC front cover (picture type 3)",
     "apps show the type-3 picture as the episode artwork (STANDARDS 7)"),
    ("cover-mime", "error", "mp3", "the APIC MIME type matches the image bytes (JPEG or PNG)",
     "a mislabelled cover is not shown by Apple and some car players (STANDARDS 7)"),
    ("cover-size", "error", "mp3", "the cover is square, 1400-3000 px, at most 5 MiB",
     "Apple's artwork requirement (STANDARDS 18); every MP3 embeds the cover"),
    ("cover-color", "error", "mp3",
     "the cover is RGB without transparency (not greyscale, CMYK, a palette or with alpha)",
     "Apple rejects other colour spaces and transparent artwork (STANDARDS 18)"),
    ("cover-description", "warning", "mp3", "the APIC description is at most 64 characters",
     "longer descriptions are cut or rejected by some readers (STANDARDS 7)"),
    # --- chapters in the tag (STANDARDS 8-10) ---
    ("chapters-ids", "error", "mp3", "CHAP element IDs are unique",
     "the CTOC refers to chapters by ID; a duplicate hides one (STANDARDS 8)"),
    ("chapters-times", "error", "mp3", "every chapter has start < end; the first starts at 0",
     "players show empty or unreachable chapters otherwise (STANDARDS 8)"),
    ("chapters-end", "error", "mp3", "no chapter ends after the audio",
     "players list a chapter they cannot seek to (STANDARDS 8)"),
    ("chapters-offsets", "warning", "mp3", "CHAP byte offsets are 0xFFFFFFFF",
     "byte offsets go stale when the tag size changes; times are what players use"),
    ("chapters-title", "error", "mp3", "every CHAP and the CTOC have a TIT2 title",
     "an untitled chapter shows as a blank line (STANDARDS 8-9)"),
    ("chapters-ctoc-missing", "error", "mp3", "CHAP frames come with one top-level CTOC",
     "Overcast and others show no chapters without a CTOC (STANDARDS 9)"),
    ("chapters-ctoc-flags", "error", "mp3", "the CTOC flags are TOP_LEVEL and ORDERED",
     "mutagen's default is 0, which readers ignore (STANDARDS 9)"),
    ("chapters-ctoc-children", "error", "mp3",
     "the CTOC lists every CHAP in time order, no unknown IDs, at most 255",
     "readers follow the CTOC's list, not the frames (STANDARDS 9)"),
    ("chapters-frame-order", "error", "mp3", "the CHAP frames are stored in time order",
     "ffmpeg-based players list chapters in the order of the frames, not the CTOC's"
     " (STANDARDS 29)"),
    # --- the render report ---
    ("report-files", "error", "report", "every file the render report lists exists beside it",
     "a missing sidecar means a partial copy or upload"),
    # --- sidecars (STANDARDS 11-14) ---
    ("vtt-format", "error", "vtt", "WebVTT: the WEBVTT header and valid cue timings",
     "players drop a transcript they cannot parse (STANDARDS 11)"),
    ("vtt-order", "error", "vtt", "cues in time order, each ending after it starts",
     "out-of-order cues show at the wrong time or not at all (STANDARDS 11)"),
    ("vtt-lines", "warning", "vtt",
     "cue lines showing at most 65 characters (tags such as <v Name> not counted)",
     "longer lines overflow captions (STANDARDS 11)"),
    ("vtt-voice", "warning", "vtt", "every cue names its speaker with a <v Name> tag",
     "Apple shows speaker names from voice tags (STANDARDS 11)"),
    ("vtt-after-end", "error", "vtt", "the last cue ends inside the audio",
     "a transcript longer than the audio belongs to another version of the episode"),
    ("srt-format", "error", "srt", "SRT: numbered cues with valid timings and text",
     "players drop a transcript they cannot parse (STANDARDS 12)"),
    ("srt-order", "error", "srt", "cues in time order, each ending after it starts",
     "out-of-order cues show at the wrong time (STANDARDS 12)"),
    ("srt-lines", "warning", "srt", "at most 2 lines of 32 characters per cue",
     "the subtitle layout STANDARDS 12 asks for"),
    ("srt-after-end", "error", "srt", "the last cue ends inside the audio",
     "a transcript longer than the audio belongs to another version of the episode"),
    ("chapters-json-format", "error", "chapters",
     "Podcasting 2.0 chapters 1.2.0: version, chapters with startTime and title, ascending",
     "apps ignore a chapters file they cannot read (STANDARDS 13)"),
    ("chapters-json-after-end", "error", "chapters", "every chapter starts inside the audio",
     "a chapter after the end cannot be played (STANDARDS 13)"),
    ("chapters-json-mismatch", "error", "chapters",
     "the same chapters as the ID3 CHAP frames, times within 1 s",
     "apps show one or the other; they must agree (STANDARDS 13)"),
    ("transcript-json-format", "error", "transcript",
     "JSON transcript 1.0.0: segments with startTime, endTime and body, in order",
     "apps ignore a transcript they cannot read (STANDARDS 14)"),
    ("transcript-json-after-end", "error", "transcript", "the last segment ends inside the audio",
     "a transcript longer than the audio belongs to another version of the episode"),
    # --- loudness, with --loudness (STANDARDS 3) ---
    ("loudness-integrated", "error", "mp3",
     "integrated loudness within the tolerance of the target (-16 LUFS stereo, -19 mono)",
     "apps do not normalise podcasts: a quiet episode is hard to hear (STANDARDS 3)"),
    ("loudness-true-peak", "error", "mp3", "true peak at most -1 dBTP",
     "higher peaks clip when apps transcode or players resample (STANDARDS 3)"),
    # --- the feed (STANDARDS 15-22) ---
    ("feed-xml", "error", "feed",
     "well-formed UTF-8 XML with a declaration; no DOCTYPE, raw & or HTML entities",
     "one XML error makes Podcast Index and podcastparser drop the whole feed (STANDARDS 16)"),
    ("feed-rss", "error", "feed", "root <rss version=\"2.0\"> with one <channel>",
     "the shape every podcast app reads (STANDARDS 15)"),
    ("feed-namespaces", "error", "feed", "the itunes, content and podcast prefixes bound to "
     "their official namespace URIs", "elements in another namespace are ignored (STANDARDS 15)"),
    ("feed-channel", "error", "feed", "channel title, absolute link, description (<= 4000 bytes),"
     " language, itunes:author, itunes:owner/itunes:email, itunes:explicit true/false,"
     " itunes:type", "Apple's required channel tags (STANDARDS 17)"),
    ("feed-category", "error", "feed", "at least one itunes:category from Apple's list",
     "Apple rejects unknown categories; the text is case-sensitive (STANDARDS 17)"),
    ("feed-image", "error", "feed", "itunes:image href is absolute; the cover it names is JPEG or"
     " PNG, square, 1400-3000 px, RGB without transparency, with a matching extension",
     "Apple's artwork requirements (STANDARDS 17-18)"),
    ("feed-podcast-guid", "warning", "feed",
     "podcast:guid is the uuid5 of the feed URL", "how Podcast Index follows a moved feed "
     "(STANDARDS 19)"),
    ("feed-locked", "warning", "feed", "podcast:locked is yes or no, with an owner",
     "tells other platforms whether they may import the feed (STANDARDS 19)"),
    ("feed-item-title", "error", "feed", "every item has a plain-text title",
     "apps show the title as text; markup shows as code (STANDARDS 20)"),
    ("feed-item-title-style", "warning", "feed",
     "item titles carry neither the show's name nor the episode number",
     "Apple shows both already and asks for titles without them (STANDARDS 20)"),
    ("feed-enclosure", "error", "feed",
     "exactly one enclosure per item, type audio/mpeg, with a length",
     "an item without a playable enclosure is dropped (STANDARDS 20, 22)"),
    ("feed-enclosure-url", "error", "feed", "the enclosure URL is absolute, ASCII, http(s), .mp3",
     "relative URLs resolve differently in each app (STANDARDS 20, 22)"),
    ("feed-enclosure-length", "error", "feed", "enclosure length is the file's exact byte size",
     "Apple checks it; a wrong length breaks downloads and resumes (STANDARDS 20)"),
    ("feed-file-missing", "error", "feed",
     "every URL under the base URL names a file in the feed's folder",
     "a missing file is a broken episode, transcript or cover once published (STANDARDS 21)"),
    ("feed-guid", "error", "feed",
     "every item has a guid, isPermaLink=\"false\" unless it is a URL",
     "apps track episodes by guid; podcastparser treats a bare guid as a URL (STANDARDS 20, 22)"),
    ("feed-guid-unique", "error", "feed", "no two items share a guid",
     "apps merge or hide episodes with the same guid (STANDARDS 20)"),
    ("feed-pubdate", "error", "feed", "every item has an RFC 2822 pubDate with a time zone",
     "apps sort and date episodes by it (STANDARDS 20)"),
    ("feed-item-description", "error", "feed",
     "every item has a description; each of description, content:encoded and itunes:summary"
     " at most 4000 bytes (a missing one is a warning)",
     "Apple refuses longer descriptions; apps show it under the title (STANDARDS 32)"),
    ("feed-episode-missing", "error", "feed",
     "every episode rendered into the feed's folder (by its render report) is in the feed,"
     " except drafts and episodes dated later",
     "a rendered episode missing from the feed is not published: kit feed was not run after it"),
    ("feed-duration", "error", "feed",
     "itunes:duration in seconds, within 1 s of the audio", "apps show it before download "
     "(STANDARDS 20)"),
    ("feed-episode-numbers", "error", "feed", "itunes:episode and itunes:season positive integers,"
     " itunes:episodeType full/trailer/bonus; serial shows number every item",
     "Apple's episode metadata (STANDARDS 17, 20)"),
    ("feed-podcast-links", "error", "feed",
     "podcast:transcript and podcast:chapters have absolute URLs and known types",
     "apps fetch them by URL and choose a reader by type (STANDARDS 21)"),
    # --- publishing (STANDARDS 28-30) ---
    ("feed-url-base", "error", "feed",
     "enclosure, transcript, chapters and cover URLs are under the base URL (the show's"
     " base_url or --base-url), https where it is https",
     "a feed pointing elsewhere publishes files the show's site does not serve (STANDARDS 30)"),
    ("feed-url-private", "error", "feed",
     "no URL names localhost or a loopback, private or link-local address",
     "listeners' apps cannot reach them: a preview feed published by mistake (STANDARDS 30)"),
    ("feed-url-encoding", "error", "feed",
     "every URL is percent-encoded: no spaces, non-ASCII or other raw characters",
     "apps and directories reject or mangle such URLs (STANDARDS 30)"),
    ("feed-ai-disclosure", "error", "feed",
     "episodes with synthetic voices are disclosed: <podcast:txt purpose=\"ai-content\"> in the"
     " channel or in each such item", "Apple and the Podcasting 2.0 apps ask that AI-generated"
     " content be disclosed in the metadata (STANDARDS 28)"),
)  # fmt: skip

MAX_PER_RULE = 5  # findings kept per rule and file; the rest are counted in one more line


@dataclass(frozen=True)
class Cause:
    """The field a finding's fix belongs in: of the show file, or of the episode file that
    `mp3` (default: the MP3 the checked file belongs to) was rendered from. `kit check`
    looks up its line once the files are checked (`sources.Sources`)."""

    scope: Literal["show", "episode"]
    loc: tuple[str | int, ...] = ()
    mp3: Path | None = None


@dataclass(frozen=True)
class Place:
    """A line of an episode or show file: where a finding's cause lies, when it is known."""

    file: str  # as displayed
    line: int


@dataclass(frozen=True)
class Finding:
    file: str
    rule: str
    severity: Severity
    message: str
    cause: Cause | None = None
    at: Place | None = None  # the cause's line, once looked up


@dataclass
class FileResult:
    """The findings for one file, and which of its rules ran, were skipped or turned off."""

    file: str
    kind: Kind
    enabled: frozenset[str]
    off: frozenset[str] = frozenset()  # turned off by the show's check: disable list
    #: the slug of the episode whose render made the file (from its render report), if any:
    #: reports group files by it, as it stays the same when the episode is rendered again
    episode: str | None = None
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # rule -> why it did not run
    _counts: dict[str, int] = field(default_factory=dict)

    def ran(self, rule: str) -> bool:
        """Mark `rule` as checked; False when the show turned it off (then do not check)."""
        assert rule in RULES, rule
        if rule not in self.enabled:
            return False
        if rule not in self.checked:
            self.checked.append(rule)
        return True

    def add(
        self,
        rule: str,
        message: str,
        severity: Severity | None = None,
        *,
        cause: Cause | None = None,
    ) -> None:
        if not self.ran(rule):
            return
        n = self._counts[rule] = self._counts.get(rule, 0) + 1
        if n > MAX_PER_RULE:
            return
        self.findings.append(
            Finding(self.file, rule, severity or RULES[rule].severity, clean(message), cause)
        )

    def skip(self, rules: list[str], why: str) -> None:
        """Rules that cannot run (e.g. tag rules when there is no tag)."""
        for rule in rules:
            if rule in self.enabled and rule not in self.checked:
                self.skipped.setdefault(rule, why)

    def finish(self) -> None:
        """Count what was left out, and list the rules that never ran as skipped."""
        for rule, n in self._counts.items():
            if n > MAX_PER_RULE:
                self.findings.append(
                    Finding(
                        self.file,
                        rule,
                        RULES[rule].severity,
                        f"... and {n - MAX_PER_RULE} more like these",
                    )
                )
        for known in rules_for(self.kind):
            if known.id in self.off:
                self.skipped[known.id] = "turned off by check: disable in show.yaml"
            elif known.id in self.enabled and known.id not in self.checked:
                self.skipped.setdefault(known.id, "not applicable to this file")


def rules_for(kind: Kind) -> list[Rule]:
    return [r for r in RULES.values() if r.kind == kind]


def clean(text: str, limit: int = 600) -> str:
    """One line, no control characters (they are invalid in XML reports), bounded length."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str, limit: int = 60) -> str:
    """User text inside a message: quoted, shortened."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
