"""Writing the episode.yaml text: metadata, voices, chapters and parts with their notes."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

import yaml

from broadcast_kit.importer import lexicon
from broadcast_kit.importer.document import Paragraph, Transcript
from broadcast_kit.importer.gender import Gender, infer
from broadcast_kit.importer.page import ELLIPSIS, short
from broadcast_kit.importer.people import Person
from broadcast_kit.render.sentences import sentences

# --- YAML ---------------------------------------------------------------------------------

WRAP = 92  # width of the text lines written in block scalars
_PALETTE = ((-3.0, 0.95), (3.0, 1.05), (-1.5, 0.9), (4.5, 1.0), (-5.0, 1.0), (1.5, 1.1))
_VOX_PALETTE = ((6.0, 1.1), (-5.5, 1.0), (2.5, 1.12), (-2.5, 0.92))
# a title that opens with the episode's number: "Episode 14: ...", "Ep. 3 - ...", "#331: ...";
# not "No. 10 - Downing Street", a place
_NUMBERED_TITLE = re.compile(
    r"(?i)\s*(?:#\s*|(?:ep|episode)\.?\s*#?\s*)(?P<number>\d{1,5})\s*[:.|–—-]\s+(?P<rest>\S.*)$"
)
# voice keys not to use: the built-in voices, and words YAML reads as booleans or null
RESERVED = {"host", "voxpop", "y", "yes", "n", "no", "on", "off", "true", "false", "null"}


SUMMARY_CHARS = 600  # a page summary longer than this gives its first sentences


def _first_sentences(text: str, limit: int) -> str:
    """`text` when it is at most `limit` characters, else as many of its first sentences as
    fit (at least one)."""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for sentence in sentences(text):
        if kept and len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def quote(text: str) -> str:
    """A YAML double-quoted scalar for `text`, on one line."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def block(key: str, text: str, indent: int) -> str:
    """`key: >-` and the text folded on the following lines (exactly `text` when read back)."""
    pad = " " * indent
    if not text.isprintable() or text != " ".join(text.split()):
        return f"{key}: {quote(text)}"
    lines = textwrap.wrap(
        text, width=max(40, WRAP - indent), break_long_words=False, break_on_hyphens=False
    )
    return f"{key}: >-\n" + "\n".join(pad + line for line in lines)


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "speaker"


def assign_keys(people: list[Person]) -> None:
    taken = set(RESERVED)
    for person in people:
        key = _slug(person.surname)
        # "Speaker 2": a number is no name (and YAML would read the key as an integer)
        if key in taken or not key[0].isalpha():
            key = _slug(person.name)
        while key in taken:
            key += "-2"
        person.key = key
        taken.add(key)


#: how an imported speaker is described when no engine is named: cast when the episode loads
CAST = "{accent: us}  # check: add gender: female or male (kit render says whom it cast)"


def _sound(engine: str | None, pitch: float, gender: Gender | None = None) -> list[str]:
    """A speaker's voice lines: a description cast from the installed native voices (no pitch
    shift), of the gender the transcript gives them, or, with an engine named, that engine's
    default voice at its own pitch."""
    if engine is None and gender is not None:
        return [
            f"    voice: {{gender: {gender.gender}, accent: us}}"
            f"  # check: {gender.gender} from {gender.evidence}"
        ]
    if engine is None:
        return [f"    voice: {CAST}"]
    return [f"    engine: {engine}", f"    pitch: {pitch}"]


PAUSE_FOR_MUSIC = 2.0  # seconds, where a music cue has no music to play yet


def episode_yaml(
    transcript: Transcript,
    speakers: list[Person],
    source_name: str,
    engine: str | None,
    today: dt.date,
    html: bool = False,
    music: Mapping[str, str] | None = None,
) -> str:
    """The episode.yaml text. `music` maps a role (intro, sting, outro) to the show's music
    file for it, as written from the episode's folder."""

    def where(line: int) -> str:
        # HTML has no useful line numbers: count the paragraphs of its text instead
        return f"paragraph {(line + 1) // 2}" if html else f"line {line}"

    out: list[str] = [
        f"# Imported by `kit import` from {source_name}.",
        "# Review it before rendering: lines marked 'check:' are guesses. Every content word of",
        "# the transcript is kept, in order (the '…' that opens an audience quote is a",
        "# transcript marker and is left out).",
    ]
    if transcript.captions:
        out += [
            "# check: read from captions: their words joined into paragraphs, a new one at a",
            "# new speaker mark (- , >>, <v Name>) or a pause; captions rarely name speakers,",
            "# so check who speaks each part",
        ]
    if transcript.told_turns:
        out += [
            f"# check: the captions name no speaker; {transcript.told_turns} turns of two voices",
            "# were told from their words or >> marks (a question answered after a pause,",
            "# thanks handed back); the names are those the words give, else Speaker 1 and 2",
        ]
    elif transcript.unmarked:
        out += [
            "# check: the captions never mark a speaker and their words show no change of",
            "# voice (no question answered after a pause, no thanks handed back): all of it is",
            "# kept as one voice",
        ]
    if transcript.programme:
        out.append(f"# programme: {transcript.programme}")
    if transcript.broadcaster:
        out.append(f"# broadcaster: {transcript.broadcaster}")
    host = transcript.people.host
    if host is not None:
        out.append(f"# host: {host.name} (spoken with the show's host voice)")
    if transcript.above_labels:
        out += [
            f"# check: {transcript.above_labels} paragraph(s) of sentences above the first speaker"
            " label were left out",
            "# as the page's (summary, links); move any the programme says into segments:",
        ]
    if transcript.above_heading:
        out += [
            f"# check: {transcript.above_heading} paragraph(s) of sentences above the"
            " “Transcript” heading were left out",
            "# as the page's (summary, show notes); move any the programme says into segments:",
        ]
    if transcript.dropped:
        out.append("# left out, not spoken (page furniture, notices, headers, stage directions):")
        out += [f"#   {where(b.line)}: {short(b.text)}" for b in transcript.dropped]
    title = transcript.title or Path(source_name).stem
    note = ""
    if not transcript.title:
        note = "  # check: no title found; this is the file name"
    elif transcript.title_guessed:
        note = "  # check: guessed from the page header"
    numbered = _NUMBERED_TITLE.match(title) if transcript.title else None
    if numbered:  # "Episode 14: The Last Ferry": apps show the number from number:
        title = numbered.group("rest")
    out.append(f"title: {quote(title)}{note}")
    date, check = transcript.episode_date(today)
    out.append(f"date: {date.isoformat()}" + (f"  # check: {check}" if check else ""))
    if numbered:
        out.append(f"number: {int(numbered.group('number'))}  # from the page's title")
    paragraphs = transcript.paragraphs
    first = next((p.text for p in paragraphs if p.spoken), "")
    lead = sentences(ELLIPSIS.sub("", first))
    if transcript.summary:  # the page's own summary of the episode, above the transcript
        out.append(
            f"description: {quote(_first_sentences(transcript.summary, SUMMARY_CHARS))}"
            "  # check: the page's summary above the transcript"
        )
    elif lead:
        out.append(f"description: {quote(lead[0])}  # check: the first sentence; write your own")
    else:
        out.append('description: ""  # TODO: describe the episode')
    out += ["", "# the host speaks with the show's host voice (show.yaml)"]
    vox = list({p.voice: p for p in paragraphs if p.voice}.values())
    if speakers or vox:
        out.append("voices:")
    for n, person in enumerate(speakers):
        pitch, speed = _PALETTE[n % len(_PALETTE)]
        pitch += 0.5 * (n // len(_PALETTE))
        role = f"  # {_comment(person.role)[2:]}" if person.role else ""
        out += [
            f"  {person.key}:{role}",
            *_sound(engine, pitch, infer(person, transcript, transcript.people.words)),
            f"    name: {quote(person.name)}",
            f"    speed: {speed}",
        ]
        if person.programme:  # a programme voice: host-side, its role in the feed's credits
            out.append(f"    role: {person.programme}")
    for n, para in enumerate(vox):
        pitch, speed = _VOX_PALETTE[n % len(_VOX_PALETTE)]
        pitch -= 0.5 * (n // len(_VOX_PALETTE))
        out += [
            f"  {para.voice}:  {_comment(para.description or 'voxpop')}",
            *_sound(engine, pitch),
            f"    speed: {speed}",
        ]
    names = lexicon.block(p.name for p in transcript.people.known)
    if names:  # a commented starter lexicon: the names the voices may say wrong
        out += ["", *names.rstrip("\n").split("\n")]
    out += ["", "segments:"]
    last_spoken = next((p for p in reversed(paragraphs) if p.spoken), None)
    for number, story in enumerate(transcript.stories, start=1):
        out.append(f"  # --- story {number} (transcript {where(story.line)}) ---")
        tag = ""
        if story.tag:
            shown = story.tag if story.tag.endswith(".") else f"[{story.tag}]"
            tag = f"  # {shown} in the transcript"
        out.append(f"  - chapter: {quote(story.title or title)}{tag}")
        for para in story.paragraphs:
            notes = list(para.notes)
            if para.told is not None:
                notes.insert(0, f"check: {para.told}")
            if para is last_spoken and transcript.cut_off:
                notes.append("check: the transcript ends mid-sentence here; was it cut off?")
            out += [f"  {_comment(n)}" for n in notes]
            if not para.spoken:
                out += _music(para, where(para.line), music or {})
            elif para.kind == "interview" and para.person is not None:
                out.append("  - " + block("interview", para.text, 6))
                out.append(f"    speaker: {para.person.key}")
            elif para.kind == "voxpop":
                out.append("  - " + block("voxpop", ELLIPSIS.sub("", para.text), 6))
                out.append(f"    speaker: {quote(para.description or 'Listener')}")
                out.append(f"    voice: {para.voice}")
            else:
                out.append("  - " + block("host", para.text, 6))
                if para.person is not None and not para.person.host:
                    out.append(f"    voice: {para.person.key}")
    return "\n".join(out) + "\n"


def _music(para: Paragraph, where: str, music: Mapping[str, str]) -> list[str]:
    """A music cue as the show's music for its role, or a pause to fill in."""
    role = para.role or "sting"
    cue = f"label “{para.cue}” ({where})"
    file = music.get(role) or (music.get("intro") if role == "outro" else None)
    if file is not None:
        return [
            f"  # {cue}: the show's {role} music",
            f"  - music: {quote(file)}",
            f"    role: {role}",
        ]
    return [
        f"  # check: {cue}: the show has no {role} music yet; replace this pause with",
        f"  # `- music: FILE` and `role: {role}`",
        f"  - pause: {PAUSE_FOR_MUSIC}",
    ]
