"""Timecodes and caption files: SRT, WebVTT and timecoded text become plain paragraphs.

A caption file (`.srt`, `.vtt`, or text whose lines start with time ranges such as
`00:00:11,000 --> 00:00:16,000` or `:00:11. > :00:16.`) is read as cues; the cues' words are
joined into paragraphs, a new one where the captions mark a new speaker (`- `, `>>`, a
`<v Name>` tag, a `NAME:` label) or pause. Timecodes in a transcript's text (`[00:01:23]`,
`Speaker 1 (00:12):`, a line that is only a time range) are taken out; the words stay.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace

_CLOCK = r"\d{0,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\.?"
# a cue's timing: "00:00:11,000 --> 00:00:16,000", ":00:11. > :00:16.", "0:00:10 > 0:00:14",
# and YouTube's SBV "0:00:11.000,0:00:16.000"
_TIMING = re.compile(
    rf"^\s*(?P<start>{_CLOCK})\s*(?:-->|->|>|–|-|,(?=\d{{1,2}}:\d{{2}}:\d{{2}}\.\d))\s*"
    rf"(?P<end>{_CLOCK})(?:\s+[a-z]+:\S+)*\s*"
)
_FULL_CLOCK = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"
_BRACKET_CLOCK = r"[\[(]\s*(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\s*[\])]"
# a line that is only times: "00:00:31-00:00:50 (20 sec)", "[00:12]", "00:01:02"
# a short clock with tenths, as podcast players print it: "0:17.0", "12:05.5"
_SHORT_CLOCK = r"\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIME_LINE = re.compile(
    rf"^\s*(?:{_BRACKET_CLOCK}|{_FULL_CLOCK}|{_SHORT_CLOCK})"
    rf"(?:\s*(?:-->|-|–|>)\s*(?:{_BRACKET_CLOCK}|{_FULL_CLOCK}|{_SHORT_CLOCK}))?"
    r"(?:\s*\(\s*\d*\s*sec\s*\))?\s*:?\s*$"
)
# a timecode opening a line ("[00:01:23] HOST: ...", "00:01:23 Words") or closing a label
# ("Speaker 1 (00:12):", "Jane Doe [01:02:03]:")
# and its list number and dash in a numbered list of questions: "2. [01:58] - Q: ...", or
# the bar of a speech recogniser's output: "00:00:02.580 | Guys, we did it."
_LEADING = re.compile(
    rf"^\s*(?:\d{{1,3}}[.)]\s*)?(?:{_BRACKET_CLOCK}|{_FULL_CLOCK}|\d{{1,2}}:\d{{2}}[.,]\d{{1,3}})"
    r"(?:\s+[-–—|])?\s+(?=\S)"
)
_IN_LABEL = re.compile(rf"^(?P<label>[^:\n]{{1,60}}?)\s*(?:{_BRACKET_CLOCK}|{_FULL_CLOCK})\s*:")
# "[inaudible 00:00:16]", "[crosstalk 00:01:22]": the cue stays, its time goes
_IN_CUE = re.compile(rf"(?P<cue>\[[A-Za-z][^\[\]\d]{{0,40}}?)\s+{_FULL_CLOCK}\s*\]")
_TAG = re.compile(r"</?(?:[a-z]+)(?:[.\w-]*)(?:\s[^>]*)?>|\{\\[^}]*\}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>")
_NEW_SPEAKER = re.compile(r"^(?:-\s+|>>\s*|[A-Z][A-Z.'’ -]{1,40}:\s)")
# a speaker named in mixed case at the start of a cue: "Mr Spicer: Wow,", "Jane Doe: Hi."
_NAMED = re.compile(r"^(?P<name>[A-Z][a-z'’.]+(?:\s+[A-Z][a-z'’-]+){1,2}):\s")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
PAUSE = 2.0  # seconds between cues that end a paragraph
LONG = 120  # words: a paragraph this long ends at the next sentence end


@dataclass(frozen=True)
class Caption:
    start: float | None
    end: float | None
    text: str
    voice: str | None = None


def _seconds(clock: str) -> float | None:
    parts = clock.strip(".").replace(",", ".").split(":")
    try:
        values = [float(p) if p else 0.0 for p in parts]
    except ValueError:
        return None
    total = 0.0
    for value in values:
        total = total * 60 + value
    return total


def is_captions(text: str, name: str = "") -> bool:
    """A caption file: named .srt/.vtt/.sbv, starting with WEBVTT, or mostly timed lines."""
    if name.lower().endswith((".srt", ".vtt", ".sbv")) or text.lstrip("\ufeff \n").startswith(
        "WEBVTT"
    ):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    timed = sum(1 for line in lines if _TIMING.match(line))
    # SRT saved as text: a cue number, then its timing, again and again
    numbered = sum(
        1
        for number, timing in itertools.pairwise(lines)
        if number.strip().isdigit() and "-->" in timing and _TIMING.match(timing)
    )
    return (timed >= 5 and timed >= 0.3 * len(lines)) or (numbered >= 5 and numbered >= 0.8 * timed)


def captions(text: str, header: list[str] | None = None) -> list[Caption]:
    """The cues of an SRT or VTT file, or of text whose lines start with their timing; the
    page's lines above the first cue (its title, its date) go to `header`."""
    found: list[Caption] = []
    blocks = re.split(r"\n[^\S\n]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        lines = [line.strip() for line in block.strip("\ufeff\n").split("\n") if line.strip()]
        if lines and lines[0].startswith("WEBVTT") and header is not None and not found:
            title = lines[0][6:].strip(" \t-–—:|")  # "WEBVTT - Title": the file's own header
            header += [title] if title and title.upper() != "FILE" else []
        if not lines or lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:  # a heading or page text around the captions
            if header is not None and not found and not re.fullmatch(r"\d+", lines[0]):
                header += lines
            continue
        match = _TIMING.match(lines[timing])
        assert match is not None
        first = lines[timing][match.end() :].strip()  # ":00:11. > :00:16.Words" on one line
        words = [first] if first else []
        words += lines[timing + 1 :]
        voice = None
        cleaned = []
        for line in words:
            if (found_voice := _VOICE.search(line)) is not None:
                voice = found_voice.group("name").strip()
            cleaned.append(" ".join(_TAG.sub("", line).split()))
        start, end = _seconds(match.group("start")), _seconds(match.group("end"))
        for turn in _turns([c for c in cleaned if c]):
            found += [Caption(start, end, piece, voice) for piece in _without_sounds(turn)]
    return _without_rollups(found)


def _turns(lines: list[str]) -> list[str]:
    """A cue's lines as the turns it holds: a line after the first that opens with "- " or
    ">>" or a label in capitals is a new speaker's ("- Did you see it?" / "- Not yet.",
    "Thank you." / "JOE ROE: My pleasure."); other lines join."""
    turns: list[list[str]] = []
    for line in lines:
        if not turns or re.match(r"-\s|>>", line) or _CAPS_TURN.match(line):
            turns.append([line])
        else:
            turns[-1].append(line)
    return [" ".join(t) for t in turns]


# a sound or a song inside a caption's words: "It was cold, (coughs) very cold.",
# "♪ Row along the quay ♪ And that was the choir."
_INLINE_SOUND = re.compile(r"[♪♫][^♪♫]*[♪♫]|\[[^\[\]]{1,40}\]|\([^()]{1,40}\)")


def _without_sounds(turn: str) -> list[str]:
    """A caption's turn with the sounds and songs inside its words cut out as pieces of their
    own (a cue each, never spoken); brackets naming a voice ("(MARA) words") stay."""
    pieces, at = [], 0
    for match in _INLINE_SOUND.finditer(turn):
        inner = match.group(0)[1:-1].strip()
        song = match.group(0)[0] in "♪♫"
        if match.start() == 0 and match.end() == len(turn):
            break
        if not song and (not inner or _name_like(inner)):
            continue
        # a sound opening the turn, after a voice's tag or not, stays: "(BRENNA) (SIGHS) I ..."
        before = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", turn[at : match.start()])
        if not song and not re.search(r"\w", before):
            continue
        pieces += [turn[at : match.start()].strip(), "♪♪" if song else match.group(0)]
        at = match.end()
    pieces.append(turn[at:].strip())
    return [p for p in pieces if p] or [turn]


def _without_rollups(cues: list[Caption]) -> list[Caption]:
    """Rolling captions repeat the line before: keep each line once."""
    result: list[Caption] = []
    for cue in cues:
        text = cue.text
        if result and text.startswith(result[-1].text) and len(text) > len(result[-1].text):
            text = text[len(result[-1].text) :].strip()
        elif result and text == result[-1].text:
            continue
        result.append(Caption(cue.start, cue.end, text, cue.voice))
    return result


def _music(text: str) -> bool:
    return bool(re.fullmatch(r"[♪♫#\s]+|[♪♫].*[♪♫]", text))


# "(MARA) words", "(Mara Lind) words": a voice named in brackets, when the captions name it twice
_PAREN_TAG = re.compile(
    r"^\((?P<name>[A-Z][A-Za-z.'’-]*(?:\s[A-Z][A-Za-z.'’-]*){0,2})\)\s+(?P<rest>\S.*)$"
)
# a caption that is a name in brackets alone: "[Ann Lee]", "[MARA]"
_BRACKET_NAME = re.compile(r"\[\s*(?P<name>[A-Z][A-Za-z.'’-]*(?:\s[A-Z][A-Za-z.'’-]*){0,2})\s*\]")
# a label in capitals opening a cue's later line: "JOE ROE: My pleasure."
_CAPS_TURN = re.compile(r"[A-Z][A-Z.'’ -]{1,40}:\s")
# a caption that is a speaker's name alone, the words in the next: "MARA:", "Mara Lind:"
_NAME_ALONE = re.compile(
    r"(?P<name>[A-Z][A-Z.'’ -]{1,40}|[A-Z][a-z'’.]+(?:\s+[A-Z][a-z'’-]+){0,2}):"
)
# what a bracket at a caption's start names when it is a sound, not a voice: "(LAUGHS)"
_SOUND_WORDS = frozenset(
    [
        "applause",
        "laughter",
        "laughs",
        "laugh",
        "sighs",
        "sigh",
        "gasps",
        "gasp",
        "chuckles",
        "screams",
        "groans",
        "cheers",
        "coughs",
        "cries",
        "whispers",
        "shouts",
        "sniffs",
        "sobs",
        "grunts",
        "music",
        "sound",
        "noise",
        "inaudible",
        "crosstalk",
        "continues",
        "silence",
        "static",
        "thunder",
        "bell",
        "bells",
        "phone",
        "door",
        "knock",
        "playback",
        "video",
        "audio",
        "clip",
        "end",
        "indistinct",
        "unintelligible",
        "foreign",
        "language",
        "chatter",
        "footsteps",
        "gunfire",
        "explosion",
        "wind",
        "rain",
        "siren",
        "sirens",
        "horn",
        "beep",
        "bleep",
        "whistle",
        "pause",
        "beat",
        "blank",
        "untranslated",
        "song",
        "theme",
        "jingle",
        "intro",
        "outro",
        "break",
        "commercial",
        "cheer",
        "groan",
        "sniff",
        "cough",
        "scream",
        "boo",
        "boos",
        "silent",
        "off",
        "mic",
        "camera",
    ]
)


def _name_like(tag: str) -> bool:
    """ "MARA", "Tobias Wren": a bracket naming a voice, not a sound ("LAUGHS", "CROWD
    CHEERING", "SPEAKING FRENCH", "IN FRENCH")."""
    words = tag.lower().split()
    return not any(
        w in _SOUND_WORDS or w.endswith(("ing", "ed")) or w in ("in", "on", "off", "over")
        for w in words
    )


# "[Name] words", and a diarizing recogniser's "[SPEAKER_00]: words" (WhisperX)
_TAGGED = re.compile(r"^\[(?P<name>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,2})\]:?\s+(?P<rest>\S.*)$")


def _tag_name(name: str) -> str:
    """A recogniser's SPEAKER_00 is "Speaker 1", as people count; other names as written."""
    numbered = re.fullmatch(r"(?i)speaker_?(\d+)", name)
    return f"Speaker {int(numbered.group(1)) + 1}" if numbered else name


def captions_text(text: str) -> Captioned:
    """Paragraphs from caption cues (a new one at a new speaker or a pause), the names
    the captions tag as speakers (`<v Name>`, `[Name] words`), and whether any cue marks a
    new speaker at all (`- `, `>>`, a tag). Captions that mark none have their turns told
    from their words where these show a change of voice (see `told_turns`)."""
    header: list[str] = []
    cues = captions(text, header)
    words, speakers, marked = _paragraphs(cues, header)
    told = None
    if not marked:
        told = told_turns(cues)
    elif not speakers:
        told = chevron_turns(cues)
    above = sum(2 for _ in header)  # each header line and the blank line after it
    if told is None:
        return Captioned(words, speakers, marked, header_lines=above)
    voiced = [replace(cue, voice=voice) for cue, voice in zip(cues, told.voices, strict=True)]
    words, speakers, _ = _paragraphs(voiced, header)
    return Captioned(words, speakers, True, told.evidence, above)


def _paragraphs(cues: list[Caption], header: list[str]) -> tuple[str, tuple[str, ...], bool]:
    speakers: list[str] = []
    marked = False
    paragraphs: list[list[str]] = []
    voice: str | None = None
    last_end: float | None = None
    tags = Counter(m["name"] for cue in cues if (m := _PAREN_TAG.match(cue.text)))
    bracketed = Counter(m["name"] for cue in cues if (m := _BRACKET_NAME.fullmatch(cue.text)))
    named_tags = {name for name, n in tags.items() if n >= 2 and _name_like(name)}
    for cue in cues:
        body = cue.text
        tagged = _TAGGED.match(body)
        if tagged is not None and not re.search(r"(?i)music|sound|applause|laugh", body):
            cue = Caption(cue.start, cue.end, tagged.group("rest"), _tag_name(tagged.group("name")))
            body = cue.text
        paren = _PAREN_TAG.match(body)
        if paren is not None and paren["name"] in named_tags:  # "(MARA) The tide is late."
            name = paren["name"].title() if paren["name"].isupper() else paren["name"]
            cue = Caption(cue.start, cue.end, paren["rest"], name)
            body = cue.text
        if cue.voice is not None and cue.voice not in speakers:
            speakers.append(cue.voice)
        alone_tag = _BRACKET_NAME.fullmatch(body)  # "[Ann Lee]": the next caption is theirs
        if alone_tag is not None and _name_like(alone_tag["name"]):
            name = alone_tag["name"]
            if (len(name.split()) >= 2 and not name.isupper()) or bracketed[name] >= 2:
                body = f"{name}:"
                cue = Caption(cue.start, cue.end, body, cue.voice)
        if re.fullmatch(r"\[[^\[\]]+\]|\([^()]+\)", body):  # "[ Door slams ]": a cue of its own
            paragraphs += [[body], []]
            last_end = cue.end
            continue
        if _music(body):
            paragraphs.append(["(MUSIC)"])
            paragraphs.append([])
            last_end = cue.end
            continue
        named = _NAMED.match(body)
        if named is not None and named["name"] not in speakers:
            speakers.append(named["name"])  # a label, for the page's label reader
        alone = _NAME_ALONE.fullmatch(body)  # "MARA:": the next caption is theirs
        if alone is not None and not alone["name"].isupper() and alone["name"] not in speakers:
            speakers.append(alone["name"])  # a mixed-case label, for the page's label reader
        current = paragraphs[-1] if paragraphs else None
        words = sum(len(t.split()) for t in current) if current else 0
        ends = bool(current) and _SENTENCE_END.search(current[-1]) is not None if current else False
        pause = cue.start is not None and last_end is not None and cue.start - last_end >= PAUSE
        new = (
            current is None
            or (cue.voice is not None and cue.voice != voice)
            or _NEW_SPEAKER.match(body) is not None
            or named is not None
            or alone is not None
            or (pause and ends)
            or (words >= LONG and ends)
        )
        marked = marked or cue.voice is not None or bool(_NEW_SPEAKER.match(body) or named or alone)
        if body.startswith(("- ", ">>")):
            body = body.lstrip("->").strip()
        if cue.voice is not None and cue.voice != voice:
            body = f"{cue.voice}: {body}"
        if new and current != []:
            paragraphs.append([])
        paragraphs[-1].append(body)
        voice = cue.voice if cue.voice is not None else voice
        last_end = cue.end
    text = "\n\n".join([*header, *(" ".join(p) for p in paragraphs if p)]) + "\n"
    return text, tuple(speakers), marked


@dataclass(frozen=True)
class Captioned:
    """A caption file as text: its paragraphs, the speakers its cues name, whether it marks
    where a new speaker starts, and (when the words told the turns) what showed each turn:
    the paragraph's first words and the evidence."""

    text: str
    speakers: tuple[str, ...] = ()
    marked: bool = False
    told: tuple[tuple[str, str], ...] = ()
    header_lines: int = 0  # lines of the text above its first cue's (the file's header)


@dataclass(frozen=True)
class Turns:
    voices: list[str | None]  # per cue: the voice told for it
    evidence: tuple[tuple[str, str], ...]  # per turn: its first words, what showed it


ANSWER_PAUSE = 0.5  # seconds of silence after a question that the next voice answers
# "..., isn't it?", "..., right?": a speaker's tag question, answered by no one
_TAG_QUESTION = re.compile(
    r"(?i),\s*(?:(?:is|are|was|were|do|does|did|have|has|had|can|could|will|would|should)"
    r"n['’]?t\s+\w+|right|okay|ok|yes|no|eh|huh|yeah)\?[\"'”’)]*$"
)
# a cue that is thanks alone ("Thank you.", "Thanks, Leo.", "Thank you very much.") or that
# answers a welcome ("Thank you Leo, it's great to be here.", "Great to be here.")
_THANKS = re.compile(
    r"(?i)^(?:thank\s+you|thanks)(?:\s+(?:so|very)\s+much)?(?:,?\s+(?P<name>[A-Z][a-z]+))?"
    r"\s*[.!]?$"
)
# "Thank you Eve. This has been very insightful.": thanks to the voice that spoke before
_THANKS_NAMED = re.compile(
    r"^(?:Thank\s+you|Thanks)(?:\s+(?:so|very)\s+much)?,?\s+(?P<name>[A-Z][a-z]+)\s*[.,!]"
)
_WELCOME_ANSWER = re.compile(
    r"^(?:(?:Thank\s+you|Thanks)(?:\s+(?:so|very)\s+much)?(?:\s+for\s+having\s+me)?"
    r"(?:,?\s+(?P<name>[A-Z][a-z]+))?[,.!]|(?:It['’]s\s+)?(?:great|good|glad|happy|a\s+pleasure)"
    r"\s+to\s+be\s+(?:here|with\s+you)|(?:My|The)\s+pleasure)"
)
_WELCOMES = re.compile(
    r"(?i)\b(?:thank(?:s|\s+you)\s+(?:so\s+much\s+)?for\s+(?:joining|coming|being)|welcome"
    r"(?:\s+to\s+the\s+(?:show|programme|program|podcast))?\b|good\s+to\s+have\s+you)"
)
# who the words name: "I'm joined by Eve", "Eve, thank you for joining us.", "Thank you Leo"
_NAME = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
_JOINED = re.compile(
    rf"\b(?:joined\s+(?:today\s+)?by|welcome(?:\s+back)?,?|here(?:['’]s|\s+is)|over\s+to)"
    rf"\s+(?P<name>{_NAME})"
)
_ADDRESSED = re.compile(
    r"(?:^|[.!?]\s+)(?P<name>[A-Z][a-z]+)(?:,\s+(?=[a-z]|[A-Z][a-z]*\s)|\?$)"
)  # "Eve, thank you ...", "... at the lock. Mara?"
_SELF = re.compile(rf"\b(?:I['’]m|my\s+name\s+is|this\s+is)\s+(?P<name>{_NAME})[,.!]")
_NOT_NAMES = frozenset([
    "So", "Well", "Yes", "No", "Okay", "Ok", "Now", "Today", "Then", "And", "But", "Oh",
    "Look", "Listen", "Right", "Sure", "Everyone", "Everybody", "Folks", "Guys", "Sir",
    "Madam", "Friends", "Thanks", "Thank", "Please", "Hello", "Hi", "Hey", "Good", "Great",
    "The", "This", "That", "It", "Here", "There", "What", "Who", "How", "Why", "When",
    "First", "Also", "Actually", "Really", "Again", "Wow", "Yeah", "Yep", "Man", "Um", "Uh",
    "Mm", "Ah"
])  # fmt: skip


def _sound(text: str) -> bool:
    return _music(text) or re.fullmatch(r"\[[^\[\]]+\]|\([^()]+\)", text) is not None


def _question(text: str) -> bool:
    return text.rstrip(" \"'”’)").endswith("?") and _TAG_QUESTION.search(text) is None


def told_turns(cues: list[Caption]) -> Turns | None:
    """Captions that never mark a speaker: where their words show that another voice takes
    over, the turns of two voices taking turns, or None when nothing shows a change.

    A change is shown by a question that a pause follows (answered by the other voice), by
    a question asked after a pause once the other voice has answered, and by thanks or a
    welcome handed back ("Eve, thank you for joining us." / "Thank you Leo, it's great to
    be here."; "Thank you." alone after another's words). The voices are named from the
    words where they say it ("I'm joined by Eve", "Thank you Leo"), else Speaker 1 and 2."""
    spoken = [i for i, cue in enumerate(cues) if not _sound(cue.text)]
    if len(spoken) < 3:
        return None
    voice_of: dict[int, int] = {}
    evidence: dict[int, str] = {}
    current, asker = 0, None
    turn_start = spoken[0]
    for n, i in enumerate(spoken):
        if n == 0:
            voice_of[i] = 0
            continue
        cue, prev = cues[i], cues[spoken[n - 1]]
        gap = None if cue.start is None or prev.end is None else cue.start - prev.end
        paused = gap is not None and gap >= ANSWER_PAUSE
        turn_text = " ".join(cues[k].text for k in spoken if turn_start <= k < i)
        why = None
        if _question(prev.text) and paused and (asker is None or current == asker):
            why = "a question, a pause, then the answer"
            asker = current
        elif _WELCOME_ANSWER.match(cue.text) and _WELCOMES.search(turn_text):
            why = "a welcome answered with thanks"
        elif _THANKS.match(cue.text) and n + 1 < len(spoken) and not _question(prev.text):
            why = "thanks for the words before"
        elif _THANKS_NAMED.match(cue.text) and _SENTENCE_END.search(prev.text):
            why = "thanks to the one who spoke before, by name"
        elif (
            paused
            # the one who answered, or who thanked or answered a welcome, asked now
            and (current != asker if asker is not None else turn_start in evidence)
            and not _question(prev.text)
            and _asks(cues, spoken, n)
        ):
            why = "a new question after the answer"
        if why is not None:
            current = 1 - current
            evidence[i] = f"the captions mark no speaker; a turn told by {why}"
            turn_start = i
        voice_of[i] = current
    if not evidence:
        return None
    return _named_turns(cues, spoken, voice_of, evidence)


def chevron_turns(cues: list[Caption]) -> Turns | None:
    """Captions that mark each new speaker with `>>` (as broadcast captions do) but never
    name one: the turns of two voices taking turns at each mark, named as the words name
    them ("Owen, what are you seeing?" / ">> Nadia, the water ..."), else Speaker 1 and 2;
    None when fewer than two marks stand or a cue names its speaker."""
    spoken = [i for i, cue in enumerate(cues) if not _sound(cue.text)]
    marks = [i for i in spoken if cues[i].text.startswith(">>")]
    if len(marks) < 2 or any(
        cue.voice or _NAMED.match(cue.text.lstrip("> ")) or _CAPS_TURN.match(cue.text.lstrip("> "))
        for cue in cues
    ):
        return None
    voice_of: dict[int, int] = {}
    evidence: dict[int, str] = {}
    current = 0
    for i in spoken:
        if i in marks and i != spoken[0]:
            current = 1 - current
            evidence[i] = "a turn marked >> that names no one: the other of two voices"
        voice_of[i] = current
    return _named_turns(cues, spoken, voice_of, evidence)


def _named_turns(
    cues: list[Caption], spoken: list[int], voice_of: dict[int, int], evidence: dict[int, str]
) -> Turns:
    """Each cue's voice by name, and each turn's first words with its evidence."""
    first = "the captions name no speaker; the first turn of the two voices told apart"
    evidence = {spoken[0]: first, **evidence}
    names = _voice_names(cues, spoken, voice_of)
    voices: list[str | None] = []
    last = names[0]
    for i in range(len(cues)):
        if i in voice_of:
            last = names[voice_of[i]]
        voices.append(last)
    told = tuple(
        (" ".join(re.sub(r"^(?:>>|-\s)\s*", "", cues[i].text).split()[:6]), why)
        for i, why in evidence.items()
    )
    return Turns(voices, told)


def _asks(cues: list[Caption], spoken: list[int], n: int) -> bool:
    """The cues from the n-th spoken one up to the next pause end with a question that a
    pause follows: a turn that asks."""
    for m in range(n, min(n + 4, len(spoken))):
        cue = cues[spoken[m]]
        after = cues[spoken[m + 1]] if m + 1 < len(spoken) else None
        gap = None
        if after is not None and after.start is not None and cue.end is not None:
            gap = after.start - cue.end
        if gap is not None and gap >= ANSWER_PAUSE:
            return _question(cue.text)
    return False


def _voice_names(cues: list[Caption], spoken: list[int], voice_of: dict[int, int]) -> list[str]:
    """Each voice's name as the words give it: what the other voice calls it as it hands
    over or thanks ("Eve, thank you for joining us.", "Thank you Leo"), who it says it is,
    or who the other says joins them; Speaker 1 and Speaker 2 when the words do not say."""
    votes: list[Counter[str]] = [Counter(), Counter()]
    for i in spoken:
        text, voice = re.sub(r"^(?:>>|-\s)\s*", "", cues[i].text), voice_of[i]
        for match in _SELF.finditer(text):
            votes[voice][match["name"]] += 1
        for pattern in (_JOINED, _ADDRESSED):
            for match in pattern.finditer(text):
                votes[1 - voice][match["name"]] += 1
        thanks = _WELCOME_ANSWER.match(text) or _THANKS.match(text) or _THANKS_NAMED.match(text)
        if thanks is not None and thanks["name"]:
            votes[1 - voice][thanks["name"]] += 1
    # a name is capitalized inside a sentence somewhere ("joined by Eve", "Thank you Leo"),
    # not only where any word is ("Yeah, this is ...")
    inside = {
        m.group(1) for i in spoken for m in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]+)", cues[i].text)
    }
    names: list[str] = []
    for n, counter in enumerate(votes):
        found = [
            name
            for name, _ in counter.most_common()
            if name.split()[0] not in _NOT_NAMES and name.split()[0] in inside and name not in names
        ]
        names.append(found[0] if found else f"Speaker {n + 1}")
    return names


# a chapter list's entry: "0:11 First Guest!", "12:40 Podcast structure"
_CHAPTER_ENTRY = re.compile(r"^\s*\d{1,2}:\d{1,2}(?::\d{2})?\s+\S(?:[^.]{0,60}[^.,;:])?\s*$")


# --- timestamps in a transcript's text, in every common shape ------------------------------
# A stamp in brackets, with hours or with tenths ("[12:40]", "(00:12)", "00:01:02.500",
# "0:17.0") is never speech; a bare "12:40" is a stamp only where a timestamp stands (a
# line's start, after a label) on a page with several of them, and never when a time of day
# follows ("9:30 this morning", "7:15 a.m.").
_BRACKETED = r"[\[(]\s*(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\s*[\])]"
_HOURS = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"
_TENTHS = r"\d{1,2}:\d{2}[.,]\d{1,3}"
_BARE = r"\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_DAYTIME = (
    r"\s*(?:[ap]\.?m\b|o['’]clock|h\b|hours\b|sharp\b|this\b|tonight\b|tomorrow\b|today\b"
    r"|in\s+the\b|on\s+\w+day\b|local\b|eastern\b|pacific\b|central\b|gmt\b|utc\b"
    r"|[ecmp][sd]?t\b)"
)
_ARROW = r"\s*(?:-->|->|–|—|-|to)\s*"


def _stamp(bare: bool) -> str:
    """A timestamp, or a range of two ("00:01:02.500 --> 00:01:04.000", "[00:12 - 00:40]")."""
    strict = rf"{_BRACKETED}|{_HOURS}|{_TENTHS}"
    one = rf"(?:{strict}|{_BARE}(?!{_DAYTIME}))" if bare else rf"(?:{strict})"
    return rf"{one}(?:{_ARROW}{one})?"


def _shapes(bare: bool) -> tuple[re.Pattern[str], ...]:
    stamp = _stamp(bare)
    label = r"[^:\n\[\]()]{1,60}?"
    return (
        # a stamp opening a line: "[00:09] Hey", "00:01:23 - Words", "2. [01:58] - Q:",
        # "0:00:14Good" (glued to the word), "00:00:02.580 | Friends"
        re.compile(rf"^\s*(?:\d{{1,3}}[.)]\s*)?{stamp}(?:\s*[-–—|:>]+)?\s*(?=\S)"),
        # a stamp right after a label's colon: "Wes Bos: [00:27] Yeah", "Jane: 00:12 Hi"
        re.compile(rf"^(?P<label>\s*{label}:)\s*{stamp}(?:\s*[-–—|]+)?(?=\s|$)"),
        # a stamp between a label and its colon: "Speaker 1 (00:12):", "Jane Doe 0:03:"
        re.compile(rf"^(?P<label>\s*{label})\s*{stamp}\s*(?=:)"),
    )


_STRICT = _shapes(bare=False)
_LOOSE = _shapes(bare=True)
# a speaker's name alone with a time, the words on the next line: "Speaker 1  0:03",
# "Jane Doe [01:02:03]", "HOST (00:12)"
_NAME = r"(?P<name>[A-Z][\w.'’-]*(?:[ ,]+(?:[A-Z][\w.'’-]*|\d{1,2})){0,4})"
_NAME_AND_TIME = re.compile(rf"^\s*{_NAME}\s*[-–—|·•]?\s*(?:{_BRACKETED}|{_HOURS}|{_BARE})\s*$")
_NAME_AND_STAMP = re.compile(rf"^\s*{_NAME}\s*[-–—|·•]?\s*(?:{_BRACKETED}|{_HOURS})\s*$")
# a stamp inside a line's text: "the Undammed Distilling [00:01:00] Company"
_INNER = re.compile(
    rf"\s*(?:\[\s*(?:\d{{1,2}}:)?\d{{1,2}}:\d{{2}}(?:[.,]\d{{1,3}})?\s*\]|\({_HOURS}\))"
)
# a speaker's tag in brackets next to a line's stamp: "[Speaker 1] [00:00] Words",
# "[00:12] [Jane Doe] Words" (the tag is the label: a tag alone, with no stamp, is a cue)
_TAG_NAME = r"\[\s*(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|\d{1,2})){0,3})\s*\]"
STAMPED = 3  # lines with a stamp where one stands: this many make a timestamped page


def _stamped(lines: list[str]) -> bool:
    """Whether the page puts a time at the start of its turns (so a bare "12:40" there is one)."""
    count = 0
    for line in lines:
        if any(shape.match(line) for shape in _LOOSE) or _NAME_AND_TIME.match(line):
            count += 1
            if count >= STAMPED:
                return True
    return False


# a line's first token, and what separates it from the words: "@0m01s ", "T+01:30 - ", "#12.4|"
_FIRST_TOKEN = re.compile(
    r"^(?P<indent>\s*)(?P<token>\S+?)(?P<sep>\s*[-–—|:>]?\s+|\s*[|>]\s*)(?=\S)"
)


def _without_stamp_column(source: list[str]) -> list[str]:
    """Stamps of a shape no list names, told by the page itself: lines that open with a token
    of two numbers or more ("@0m01s", "T+01:30", "<12.4>"), the same shape each time with
    the numbers going up, three lines or more and a fifth of the lines with text (the shapes
    known above are gone by then). Words are
    never a stamp: a year or a list's number ("2019", "3.") is one number."""
    tokens = [(i, m) for i, line in enumerate(source) if (m := _FIRST_TOKEN.match(line))]
    shapes = Counter(
        re.sub(r"\d+", "0", m["token"])
        for _, m in tokens
        if len(re.findall(r"\d+", m["token"])) >= 2 and not m["token"].isdigit()
    )
    filled = sum(1 for line in source if line.strip())
    if not shapes:
        return source
    shape, count = shapes.most_common(1)[0]
    # (a score or a date, "2-1", "12/03", is no stamp; nor is a word: "Route0")
    dated = re.fullmatch(r"0(?:[-–/]0)+[.,:]?", shape) is not None
    if count < STAMPED or count < 0.2 * filled or dated or re.search(r"[A-Za-z]{3}", shape):
        return source
    stamped = [(i, m) for i, m in tokens if re.sub(r"\d+", "0", m["token"]) == shape]
    values = [tuple(int(n) for n in re.findall(r"\d+", m["token"])) for _, m in stamped]
    rising = sum(1 for a, b in itertools.pairwise(values) if b >= a)
    if rising < 0.8 * (len(values) - 1):
        return source
    lines = list(source)
    for i, m in stamped:
        lines[i] = m["indent"] + lines[i][m.end() :]
    return lines


def without_timecodes(text: str) -> str:
    """The text with its timecodes taken out: lines of times only become blank (so line
    numbers stay), a time opening a line, after a label or inside a label goes, a name with
    only a time becomes a label (`Speaker 1:`), the words stay."""
    source = text.split("\n")
    shapes = _LOOSE if _stamped(source) else _STRICT
    opening, after_label, in_label = shapes
    stamp = _stamp(shapes is _LOOSE)
    tag_then_stamp = re.compile(rf"^\s*{_TAG_NAME}\s*(?:{stamp})\s*[-–—|:]*\s*(?=\S)")
    tag_after_stamp = re.compile(rf"{_TAG_NAME}\s*[-–—|:]*\s*(?=\S)")
    # for each line, the next and the previous line with text ("" past either end)
    texts = [i for i, line in enumerate(source) if line.strip()]
    after = {a: b for a, b in itertools.pairwise(texts)}
    before = {b: a for a, b in itertools.pairwise(texts)}
    lines = []
    for index, line in enumerate(source):
        if _TIME_LINE.match(line) or (
            _CHAPTER_ENTRY.match(line) and len(line.split()) <= 9 and "." not in line
        ):
            lines.append("")
            continue
        named = (_NAME_AND_TIME if shapes is _LOOSE else _NAME_AND_STAMP).match(line)
        if named is not None:
            following = source[after[index]] if index in after else ""
            preceding = source[before[index]] if index in before else ""
            # a list of such lines is a chapter list ("Part 2 (12:30)"), not speakers
            entry = _NAME_AND_TIME if shapes is _LOOSE else _NAME_AND_STAMP
            listed = entry.match(following) or entry.match(preceding)
            lines.append("" if listed else named["name"] + ":")
            continue
        tagged = tag_then_stamp.match(line)
        if tagged is None:
            stamped = opening.match(line)
            if stamped is not None:
                tagged = tag_after_stamp.match(line[stamped.end() :])
                line = line[stamped.end() :] if tagged is not None else line
        if tagged is not None and _name_like(tagged["name"]):
            line = tagged["name"] + ": " + line[tagged.end() :]
        line = opening.sub("", line, count=1)
        line = _LEADING.sub("", line)
        line = after_label.sub(lambda m: m.group("label"), line, count=1)
        line = in_label.sub(lambda m: m.group("label").rstrip(), line, count=1)
        line = _IN_LABEL.sub(lambda m: m.group("label") + ":", line)
        line = _IN_CUE.sub(lambda m: m.group("cue") + "]", line)
        line = _INNER.sub("", line)
        lines.append(line)
    return "\n".join(_without_stamp_column(lines))  # what no stamp above matched
