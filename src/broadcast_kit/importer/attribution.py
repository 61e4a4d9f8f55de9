"""Attribution: who speaks each paragraph, from the evidence in a fixed order.

1. A label on the page (`JANE DOE:`, `[Reporter]`, `[Soundbite] NAME (ROLE) :`, `Name/ Role`):
   the words after it are that speaker's; a turn label holds until the next label.
2. A hand-over: a cue ending the narration before ("Here's X.", "X explains why.", "One
   visitor said."), or a quote attributed after it ("“...,” she said.": the quote is hers,
   "she said." the narrator's).
3. A first-person voice after narration that named (introduced) someone: theirs. A host who
   introduced themselves ("I'm Jane Doe.") is the host, never an interviewee; programmes,
   places and organisations are never speakers (see `people`).
4. Otherwise the host.
Every non-host part not given by a label gets a `check:` note naming its evidence.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from broadcast_kit.importer import roles
from broadcast_kit.importer.cues import (
    BROADCASTER,
    OPINION,
    Cue,
    attributed_quote,
    ends_with_question,
    find_cue,
    first_person,
    is_voxpop,
    patterns,
    unquoted,
    whole_quote,
)
from broadcast_kit.importer.document import Paragraph, Story, Transcript, to_host_side
from broadcast_kit.importer.labels import NUMBER_WORDS, Label, title_case
from broadcast_kit.importer.page import SENTENCE_END, short
from broadcast_kit.importer.people import People, Person, may_name, mentions
from broadcast_kit.importer.words import APOS, Words, alternatives, normal
from broadcast_kit.render.sentences import sentences

# "Speaker 4", "Voice One": a voice the transcript numbers
_NUMBERED = re.compile(rf"(?i)(?:speaker|participant|voice)(?:\s*\d+|\s+(?:{NUMBER_WORDS}))")
# a headline saying who interviews whom: "Jane Doe Interviews John Roe"
_NAME = r"[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3}"
_INTERVIEWS = re.compile(
    rf"(?P<asker>{_NAME})\s+(?i:interviews|talks\s+(?:to|with)|in\s+conversation\s+with)"
    rf"\s+(?P<guest>{_NAME})(?:\s*[:|–—-].*)?"
)
GUESSED_BREAK = "check: paragraph break guessed (the transcript has no line breaks)"
# the voice about to speak, addressed by name as the turn before ends: "Lena Hart, thank you
# so much.", "Lena, welcome to the show.", "Thank you, Priya."
_WORD_NAME = r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2}"
_ADDRESSED = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?P<a>{_WORD_NAME}),\s+(?i:thank|thanks|welcome|good\s+to\s+have)\b"
    rf"|(?i:thank\s+you(?:\s+so\s+much|\s+very\s+much)?|thanks|welcome(?:\s+to\s+the\s+show)?)"
    rf",\s+(?P<b>{_WORD_NAME})[.!]\s*$"
)


@dataclass
class _Turn:
    """Who holds the floor after a turn label, until the next label."""

    kind: str  # host, interview, voxpop
    label: Label
    line: int
    person: Person | None = None
    description: str | None = None
    voice: str | None = None
    clip: bool = False  # its words open with a clip's source: "[From “The Show”]", "[Archival]"


# a recording played in the programme, marked on lines of their own around it: "[VIDEO
# PLAYBACK]" ... "[END PLAYBACK]", "(BEGIN VIDEO CLIP)" ... "(END VIDEO CLIP)"
_MEDIA = r"(?:video|audio|videotape|tape|clip|playback|sound\s*bite)"
_PLAYED = re.compile(
    rf"(?i)[\[(]\s*(?:begin\s+{_MEDIA}(?:\s+{_MEDIA})?|(?:video|audio)\s+(?:playback|clip)"
    r"|videotape|playback)\s*[\])]"
)
_PLAYED_END = re.compile(rf"(?i)[\[(]\s*end\s+(?:of\s+)?{_MEDIA}(?:\s+{_MEDIA})?\s*[\])]")
# an announcer handing over to the programme's host as it opens: "Please welcome your host,
# Jane Doe!", "Let's have a welcome from Jane Doe.", "Welcome to the stage founder Jane Doe!"
_HANDING = (
    r"(?i:please\s+welcome|would\s+you\s+(?:please\s+)?welcome|welcome\s+to\s+the\s+stage"
    r"|welcome\s+your\s+host|here(?:['’]s|\s+is)\s+your\s+host"
    r"|let['’]s\s+have\s+a\s+(?:\w+\s+)?welcome\s+(?:for|from|to)"
    r"|(?:please\s+)?give\s+(?:a\s+)?(?:\w+\s+)?(?:welcome|round\s+of\s+applause)\s+(?:to|for)"
    r"|put\s+your\s+hands\s+together\s+for|give\s+it\s+up\s+for)"
)
_WELCOMES = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=,\s))[^.!?]{{0,40}}?{_HANDING}"
    r"[,\s]+(?:[^.!?]{0,60}?[\s,]+)?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*[!.]+"
)
# the same in captions without punctuation, where the name ends at the next lower-case word:
# "... welcome to the stage founder and CEO Jane Doe welcome everyone ..."
_WELCOMES_BARE = re.compile(
    rf"{_HANDING}\s+(?:[\w'’-]+\s+){{0,8}}?"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})(?=\s+[a-z])"
)
# a clip's source written before its words: "[From “The Show”]", "(archival)", "[ARCHIVE TAPE]"
_CLIP_SOURCE = re.compile(r"(?i)\s*[\[(]\s*(?:from\s|archiv|archive\s+tape|clip\b)")


@dataclass
class _State:
    """What the paragraphs before tell about the next one, within a story."""

    audience: str
    turn: _Turn | None = None
    voice: _Turn | None = None  # the last programme voice's turn (host side)
    active: Person | None = None  # the interviewee who spoke the paragraph before
    pending: Cue | None = None  # the cue that ended the paragraph before
    named: list[Person] = field(default_factory=list)  # people the narration before named
    asked: bool = False  # the narration before ended with a question
    said: str = ""  # the narration before, as written
    interviewees: list[Person] = field(default_factory=list)
    last_person: Person | None = None
    clip_voice: str | None = None  # the voice of a played recording's unlabelled words

    def narration(self) -> None:
        self.active, self.pending, self.named, self.asked = None, None, [], False
        self.said = ""


class _Attribution:
    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.people: People = transcript.people
        self.words: Words = self.people.words
        self.voxpops = 0
        self.numbered_voxpops: dict[str, str] = {}  # "Caller 2" -> its voice, each time
        self.paragraph = 0
        # a page that labels the host, or opens with a label, labels every turn: a paragraph
        # without a label continues the last one (a dialogue lesson that labels only its
        # characters goes back to the unlabelled host); a host turn goes on only on a page
        # that labels others' turns too
        spoken = [p for p in transcript.paragraphs if p.spoken]
        turn_labels = [p.label for p in spoken if p.label is not None and not p.label.quote]
        self.turns = bool(spoken) and (
            spoken[0].label is not None or any(label.kind == "host" for label in turn_labels)
        )
        self.others = any(label.kind != "host" for label in turn_labels)
        self.introduced: _Turn | None = None  # the turn whose voice opened by saying its name
        # numbered voices that said their names: "VOICE ONE: ... I'm Jane Doe." -> Jane Doe
        self.named_voices: dict[str, Person] = {}
        self.addressed = self._addressed(transcript.paragraphs)
        intro = self.words.self_introductions
        self.self_intro = re.compile(
            rf"(?:^|(?<=[.!?,;]\s)|(?<=\b[Aa]nd\s)|(?<=^Hey\s)|(?<=^Hi\s))(?i:{intro})\s+(?P<name>[A-Z][^\s,.!?;]*"
            r"(?:\s+[A-Z][^\s,.!?;]*){1,2})(?=\s*(?:[.,!?;]|and\b|$))"
            # "it's Jane Doe, who's a voice-over artist": someone introduced, not oneself
            rf"(?!\s*,\s*who(?:{APOS}s)?\b)"
        )

    def _played(self) -> list[tuple[int, int, str]]:
        """The recordings the page marks as played, by the lines of their markers: (start,
        end, the markers as written); an end never marked runs to the next label."""
        marks = sorted(
            (b.line, b.text.strip())
            for b in self.transcript.dropped
            if _PLAYED.fullmatch(b.text.strip()) or _PLAYED_END.fullmatch(b.text.strip())
        )
        spans: list[tuple[int, int, str]] = []
        for (line, text), after in itertools.zip_longest(marks, marks[1:]):
            if not _PLAYED.fullmatch(text):
                continue
            if after is not None and _PLAYED_END.fullmatch(after[1]):
                spans.append((line, after[0], f"between the cues “{text}” and “{after[1]}”"))
            else:
                labelled = [p.line for p in self.transcript.paragraphs if p.label and p.line > line]
                spans.append((line, min(labelled, default=10**9), f"after the cue “{text}”"))
        return spans

    def _clip_voice(self, para: Paragraph, where: str, state: _State) -> None:
        """An unlabelled paragraph inside a played recording: the recording's voice, not the
        turn that was going on before it."""
        if state.clip_voice is None:
            self.voxpops += 1
            state.clip_voice = f"voxpop-{self.voxpops}"
        para.kind, para.voice, para.description = "voxpop", state.clip_voice, "Clip"
        para.notes.append(f"check: voxpop: a played recording's words ({where}); who speaks?")

    def run(self) -> None:
        played = self._played()
        for story in self.transcript.stories:
            story.paragraphs = list(self._split_one_line(story.paragraphs))
            state = _State(audience=self._audience(story))
            result: list[Paragraph] = []
            playing: tuple[int, int, str] | None = None
            for number, para in enumerate(story.paragraphs, start=1):
                self.paragraph += 1
                self.people.paragraph = self.paragraph
                now = next((s for s in played if s[0] < para.line < s[1]), None)
                if now is not playing:  # a recording starts or ends: no turn goes on across it
                    state.turn = state.voice if playing is not None and now is None else None
                    state.clip_voice, playing = None, now
                if not para.spoken:
                    result.append(para)
                elif para.label is not None:
                    result.append(self._by_label(para, para.label, state))
                elif playing is not None and state.turn is None:
                    self._clip_voice(para, playing[2], state)
                    result.append(para)
                elif state.turn is not None and (
                    (state.turn.clip and state.turn.kind != "host")
                    or self._narration_resumes(para, state.turn, result)
                ):
                    # back to the programme voice whose turn the clip interrupted (a clip
                    # that names its source, "[From “The Show”] ...", ends with its words)
                    state.turn = state.voice
                    if state.voice is not None:
                        result.append(self._continue_turn(para, state.voice))
                    else:
                        self._by_evidence(para, state, number == len(story.paragraphs))
                        result.append(para)
                elif state.turn is not None and self._someone_else(para, state.turn):
                    state.turn = None  # "And I'm John Roe.": a new voice, not the turn going on
                    self._by_evidence(para, state, number == len(story.paragraphs))
                    result.append(para)
                elif (
                    state.turn is not None
                    and self.turns
                    and (self.others or state.turn.kind != "host")
                ):
                    result.append(self._continue_turn(para, state.turn))
                elif (pieces := self._attributed_quote(para, state)) is not None:
                    result += pieces
                else:
                    self._by_evidence(para, state, number == len(story.paragraphs))
                    result.append(para)
            story.paragraphs = result
            self._reports(story)
        self._idents()
        self._announcer_opens()
        self._second_voice()
        _ProgrammeVoices(self.transcript, self.words, self.self_intro).run()
        self._music_roles()

    def _idents(self) -> None:
        """On a page with no labels, the paragraphs that open it before the programme does
        ("This is the BBC.", "This message comes from ...", "BBC Sounds. Music, radio,
        podcasts."), with no one speaking in the first person or welcoming yet, once one of
        them is a network's ident or sponsor message: an announcer's, not the host's."""
        spoken = [p for p in self.transcript.paragraphs if p.spoken]
        if any(p.label is not None for p in spoken):
            return
        ident = re.compile(rf"(?i)^(?:{self.words.network_idents})\b")
        block: list[Paragraph] = []
        seen = False
        for para in spoken:
            if para.kind != "host" or para.person is not None:
                break
            if any(ident.match(sentence) for sentence in sentences(para.text)):
                seen = True
            elif (
                self.words.programme_openers.search(para.text)
                or self.self_intro.search(para.text)
                or first_person(para.text)
            ):
                break
            block.append(para)
        if not seen or len(block) == len(spoken):
            return
        announcer = self.people.person("Announcer")
        announcer.programme = announcer.programme or "announcer"
        for para in block:
            para.person = announcer
            para.notes.append(
                "check: Announcer: a network's ident or sponsor message before the programme opens"
            )

    def _announcer_opens(self) -> None:
        """On a page with no labels, an opening that ends by handing over to someone by name
        ("Please welcome your host, Jane Doe!", "Let's have a welcome from Jane Doe.") who
        then speaks: the opening is an announcer's and the person handed to is the host (a
        paragraph that goes on after the hand-over lost its break there)."""
        spoken = [p for p in self.transcript.paragraphs if p.spoken]
        if any(p.label is not None for p in spoken):
            return
        for index, para in enumerate(spoken[:4]):
            match = _WELCOMES.search(para.text)
            if match is None and self.transcript.unmarked:
                match = _WELCOMES_BARE.search(para.text)
            if match is None:
                continue
            billed = list(self.words.billing.finditer(match.group(0)))
            if billed and not billed[-1]["host"]:
                return  # "Please welcome my guest, Jane Doe!": the host speaks already
            rest = para.text[match.end() :].strip()
            if not rest and index + 1 == len(spoken):
                return
            runs = list(self.people.runs(match["name"]))
            if len(runs) != 1 or len(runs[0][0]) < 2:
                return
            person = self.people.person(" ".join(runs[0][0]))
            host = self.people.host
            opening = spoken[: index + 1]
            heads = [p.text for p in opening[:-1]] + [para.text[: match.end()]]
            if (
                (host is not None and host is not person)
                or any(p.kind != "host" for p in opening)
                or any(any(self._self_intros(head)) for head in heads)
                # "I" before the hand-over: the host welcoming a guest, not an announcer
                or any(first_person(head) == "singular" for head in heads)
            ):
                return
            person.host, person.interviewee, person.programme = True, False, None
            announcer = self.people.person("Announcer")
            announcer.programme = announcer.programme or "announcer"
            if rest:  # "... your host, Jane Doe! Hello and welcome ...": a break lost there
                for story in self.transcript.stories:
                    if para in story.paragraphs:
                        at = story.paragraphs.index(para)
                        para.text = para.text[: match.end()].strip()
                        notes = [f"check: paragraph break guessed: handed over to {person.name}"]
                        story.paragraphs.insert(at + 1, Paragraph(rest, para.line, notes=notes))
            said = short(match.group(0).strip(), 60)
            why = f"hands over to {person.name} as the programme opens (“{said}”)"
            for item in opening:
                item.person = announcer
                item.notes = [f"check: Announcer: {why}"]
            for item in self.transcript.paragraphs:
                if item.person is person and item.kind == "interview":
                    item.kind, item.person = "host", None
                    item.notes = [
                        n for n in item.notes if not n.startswith(f"check: {person.name}:")
                    ]
            return

    def _second_voice(self) -> None:
        """On a page with no labels, after the host introduced themselves: another voice
        opening a programme of its own ("This is Talk Easy. / I'm John Roe. / Welcome to the
        show."), a self-introduction beside a programme opener. The paragraphs from there,
        to the next voice saying its name, are that voice's (a programme voice); paragraphs
        given to them before as a guest's, on first-person evidence alone, go back to the
        host."""
        spoken = [p for p in self.transcript.paragraphs if p.spoken]
        host = self.people.host
        if host is None or any(p.label is not None for p in spoken):
            return
        said_by = re.compile(r"(?i)(?:and\s+)?(?:i['’]m|i\s+am|my\s+name\s+is)\s")
        start: int | None = None
        voice: Person | None = None
        for index in range(len(spoken)):
            found = self._opens_programme(spoken, index, said_by)
            if found is None:
                continue
            if found is host or found.host_side:
                if start is not None:  # the first host, or another voice, takes the floor
                    break
                continue
            if start is None:
                voice, start = found, index
        if voice is None or start is None:
            return
        end = next(
            (
                i
                for i in range(start + 1, len(spoken))
                if (m := self.self_intro.search(spoken[i].text[:80])) is not None
                and m.start() <= 4
                and said_by.match(spoken[i].text)
            ),
            len(spoken),
        )
        first = start
        if start > 0 and re.match(r"This\s+is\s+[A-Z][^.!?]{0,60}[.!]?$", spoken[start - 1].text):
            first = start - 1  # "This is Talk Easy." just before: the programme's name, theirs
        for para in spoken[:first]:
            if para.person is voice and para.kind == "interview":
                para.kind, para.person = "host", None
                para.notes = [n for n in para.notes if not n.startswith(f"check: {voice.name}:")]
                para.notes.append(
                    f"check: the host's, not {voice.name}'s: {voice.name} opens a programme"
                    " of their own later"
                )
        voice.interviewee, voice.programme = False, "co-host"
        for para in spoken[first:end]:
            if para.kind == "host" and para.person is None:
                para.person = voice
                para.notes = [n for n in para.notes if host.name not in n]
        spoken[first].notes.append(
            f"check: {voice.name} (co-host) from here: introduces themselves as another"
            f" programme opens; the paragraphs after are theirs until a voice says its name"
        )

    def _opens_programme(
        self, spoken: list[Paragraph], index: int, said_by: re.Pattern[str]
    ) -> Person | None:
        """The person an unlabelled paragraph opening "I'm Jane Doe." names, when a
        programme opener ("Welcome to the show.", "This is The Show.") is in it or just
        beside it."""
        para = spoken[index]
        match = self.self_intro.search(para.text[:80])
        if match is None or match.start() > 4 or not said_by.match(para.text):
            return None
        runs = list(self.people.runs(match.group("name")))
        if len(runs) != 1 or len(runs[0][0]) < 2:
            return None
        near = spoken[max(0, index - 1) : index + 2]
        opener = re.compile(rf"{self.words.programme_openers.pattern}|(?:^|\.\s)This\s+is\s+[A-Z]")
        if not any(opener.search(p.text) for p in near):
            return None
        return self.people.person(" ".join(runs[0][0]))

    # --- 1. labels ------------------------------------------------------------------------

    def _by_label(self, para: Paragraph, label: Label, state: _State) -> Paragraph:
        where = f"label “{label.written}” (line {para.label_line or para.line})"
        if para.told is not None:  # no label on the page: the import told the turn
            where = f"the turn the captions' words told (line {para.label_line or para.line})"
        turn = _Turn("host", label, para.label_line or para.line)
        if label.kind == "voxpop":
            turn = _Turn("voxpop", label, turn.line, None, label.role or label.name or "Voxpop")
            # "CALLER:" twice may be two callers, "Caller 2" twice is one
            numbered = normal(label.written) if re.search(r"\d", label.written) else None
            if numbered is None or numbered not in self.numbered_voxpops:
                self.voxpops += 1
                if numbered is not None:
                    self.numbered_voxpops[numbered] = f"voxpop-{self.voxpops}"
            turn.voice = self.numbered_voxpops.get(numbered or "", f"voxpop-{self.voxpops}")
        elif label.kind == "host" and normal(label.written) in self.words.announcer_labels:
            # "ANNOUNCER:", "Operator:" are the programme's, but not its host: a voice of its own
            person = self.people.person(normal(label.written).title())
            person.programme = person.programme or "announcer"
            turn.person = person
        elif label.kind in ("speaker", "reporter") or label.name:
            person = (
                self._by_role(label)
                or self._by_initials(label)
                or self._numbered_voice(label, para)
                or self.people.person(label.name or "Reporter")
            )
            person.role = person.role or ("reporter" if label.kind == "reporter" else label.role)
            host = self.people.host
            if label.kind == "host" and (host is None or host is person):
                person.host = True
            elif label.kind in ("host", "reporter") and not person.host_side:
                person.programme = self._programme_role(label)
            if person.host_side:
                turn.person = person
            else:
                turn = _Turn("interview", label, turn.line, person)
        turn.clip = _CLIP_SOURCE.match(para.text) is not None
        self._apply(para, turn, where)
        opening = self.self_intro.search(para.text[:80])
        self.introduced = turn if opening is not None and opening.start() <= 4 else None
        if not label.quote:
            state.turn = turn
            if turn.kind == "host":
                state.voice = turn
        state.narration()
        if turn.person is not None and turn.kind == "interview":
            state.last_person = turn.person
            self._interviewee(state, turn.person)
        if turn.kind == "host":
            self._self_introduction(para)
        return para

    def _narration_resumes(self, para: Paragraph, turn: _Turn, before: list[Paragraph]) -> bool:
        """ "Zelenska pressed her country's appeal ...", "Defense Secretary Jane Doe hinted
        ...": an unlabelled paragraph after a guest's clip that opens with someone's name
        (the guest's, a full name, or a known surname) and a verb is the narration talking
        about them, not the guest's words. Only after a clip: a guest the narration named
        before their label."""
        person = turn.person
        if person is None or turn.kind != "interview" or person.host_side:
            return False
        opening = re.match(
            r"(?:(?:But|And|Now|So|Then)\s+)?(?P<names>(?:[A-Z][\w.'’-]*\s+(?:of\s+)?){1,8})(?=[a-z])",
            para.text,
        )
        if opening is None:
            return False
        surnames = {p.surname for p in self.people.known}
        if not any(
            person.surname in tokens or len(tokens) >= 2 or tokens[-1] in surnames
            for tokens, _ in self.people.runs(opening["names"])
        ):
            return False
        surname = re.compile(rf"(?<![\w-]){re.escape(person.surname)}(?![\w-])")
        return any(p.person is not person and surname.search(p.text) for p in before)

    def _someone_else(self, para: Paragraph, turn: _Turn) -> bool:
        """An unlabelled paragraph that opens with another voice saying its name, after a
        turn that opened with its own: "I'm Jane Doe." then "And I'm John Roe."."""
        # "That was the navigator Jane Doe, from ...": the programme back-announcing the turn
        back = re.match(
            r"(?i)(?:that\s+was|that['’]s|you\s+heard|you['’]re\s+hearing)\s", para.text
        )
        person = turn.person
        if back is not None and person is not None and len(person.tokens) >= 2:
            return re.search(rf"\b{re.escape(person.surname)}\b", para.text[:120]) is not None
        match = self.self_intro.search(para.text[:80])
        if turn is not self.introduced or match is None or match.start() > 4:
            return False
        if not re.match(r"(?i)(?:and\s+)?i['’]?m\s|(?:and\s+)?i\s+am\s", para.text):
            return False  # "This is Jane Doe" may be the turn's own words about a picture
        said = match.group("name").split()
        speaker = turn.person.name if turn.person is not None else turn.label.name or ""
        return bool(said) and said[-1] not in speaker.split() and " ".join(said) != speaker

    def _continue_turn(self, para: Paragraph, turn: _Turn) -> Paragraph:
        where = f"continues the turn labelled “{turn.label.written}” (line {turn.line})"
        if turn.kind == "voxpop":  # one voice per turn
            turn = _Turn("voxpop", turn.label, turn.line, None, turn.description, turn.voice)
        self._apply(para, turn, where)
        return para

    def _by_role(self, label: Label) -> Person | None:
        """The person a role-only label means: "PRIME MINISTER:" after "JANE DOE, PRIME
        MINISTER:"."""
        if not label.by_role or not label.role:
            return None
        role = normal(label.role)
        return next((p for p in self.people.known if p.role and normal(p.role) == role), None)

    def _numbered_voice(self, label: Label, para: Paragraph) -> Person | None:
        """The person a numbered label stands for once its voice says its name in its first
        turn ("VOICE ONE: Welcome to the show. I'm Jane Doe."): a programme's voices are
        often numbered on the page and named only in what they say."""
        if label.name is None or not _NUMBERED.fullmatch(label.name):
            return None
        if label.name in self.named_voices:
            return self.named_voices[label.name]
        if any(p.name == label.name for p in self.people.known):
            return None  # it spoke before without saying its name
        for match in self.self_intro.finditer(para.text[:300]):
            if match.group(0).lower().startswith("this"):
                continue  # "This is Jane Doe" may hand over to her
            runs = list(self.people.runs(match.group("name")))
            if len(runs) != 1 or len(runs[0][0]) < 2:
                continue
            person = self.people.person(" ".join(runs[0][0]))
            if person.host_side or person.interviewee or person in self.named_voices.values():
                continue
            self.named_voices[label.name] = person
            para.notes.append(f"{label.name} says their name: {person.name}")
            return person
        name = self.addressed.get(label.name)
        if name is not None:
            person = self.people.person(name)
            if not (person.host_side or person in self.named_voices.values()):
                self.named_voices[label.name] = person
                para.notes.append(f"{label.name} is addressed by name: {person.name}")
                return person
        return None

    def _addressed(self, paragraphs: list[Paragraph]) -> dict[str, str]:
        """Numbered label -> the full name the turns before its own address it by ("Lena,
        welcome to the show." ... "Lena Hart, thank you so much." before "Speaker 2:"), when
        every such address names the same person (a first name alone agrees with the full)."""
        said: dict[str, list[list[str]]] = {}
        for before, para in itertools.pairwise(paragraphs):
            mine, theirs = para.label, before.label
            if mine is None or mine.name is None or not _NUMBERED.fullmatch(mine.name):
                continue
            if theirs is None or theirs.name == mine.name:
                continue
            last = sentences(before.text)[-1:] or [""]
            for found in _ADDRESSED.finditer(last[0]):
                name = (found.group("a") or found.group("b")).split()
                if not set(name) & (self.words.not_names | self.words.programme_words):
                    said.setdefault(mine.name, []).append(name)
        result: dict[str, str] = {}
        for label, names in said.items():
            full = {" ".join(n) for n in names if len(n) >= 2}
            if len(full) != 1:
                continue
            whole = full.pop()
            if all(" ".join(n) == whole or n == whole.split()[:1] for n in names):
                result[label] = whole
        return result

    def _by_initials(self, label: Label) -> Person | None:
        """The person "CO:" means once "CAROL OFF:" has spoken: their initials."""
        written = label.written.rstrip(": ")
        if not re.fullmatch(r"[A-Z]{2,3}", written):
            return None
        found = [  # all the initials, or the first and last ("SH": Sandra Stewart Holyoak)
            p
            for p in self.people.known
            if (len(p.tokens) == len(written) and "".join(t[0] for t in p.tokens) == written)
            or (
                len(written) == 2
                and len(p.tokens) == 3
                and p.tokens[0][0] + p.tokens[-1][0] == written
            )
        ]
        if found:
            return found[0] if len(found) == 1 else None
        # "Interview with Debbie Spillane and Ian Rogerson" above "DS:" and "IR:": the page's
        # title or header names whom the initials stand for
        lines = [self.transcript.title or "", *self.transcript.header_lines]
        named = {
            " ".join(words)
            for line in lines
            for words, _ in self.people.runs(line)
            if len(words) == len(written) and "".join(w[0] for w in words) == written
        }
        return self.people.person(named.pop()) if len(named) == 1 else None

    def _programme_role(self, label: Label) -> str:
        """The role of a programme voice that is not the host: co-host, narrator, reporter."""
        if label.kind == "reporter":
            return "reporter"
        said = normal(f"{label.role or ''} {label.written}")
        return next((r for r in ("narrator", "announcer") if r in said), "co-host")

    def _apply(self, para: Paragraph, turn: _Turn, where: str) -> None:
        para.kind = turn.kind
        if turn.kind == "host" and turn.person is not None and not turn.person.host:
            para.person = turn.person
            para.notes.append(f"{turn.person.name} ({turn.person.programme}): {where}")
        elif turn.kind == "interview" and turn.person is not None:
            para.person = turn.person
            para.notes.append(f"{turn.person.name}: {where}")
        elif turn.kind == "voxpop":
            para.description, para.voice = turn.description, turn.voice
            para.notes.append(f"voxpop: {where}")

    # --- 2. hand-overs: cues and quotes attributed after them ------------------------------

    def _attributed_quote(self, para: Paragraph, state: _State) -> list[Paragraph] | None:
        found = attributed_quote(para.text, self.words)
        if found is None:
            return None
        vox = patterns(self.words).vox_subject.match(found.who)
        person: Person | None = None
        if vox is None:
            if re.fullmatch(r"(?i)he|she|they", found.who):
                person = state.last_person
            else:
                person = self.people.first_named(found.who)
            if person is None or person.host:
                return None
        evidence = f"quote attributed after it (“{short(found.attribution, 50)}”)"
        pieces: list[Paragraph] = []
        voice = None
        for text, quoted in found.pieces:
            piece = Paragraph(text, para.line, notes=[] if pieces else list(para.notes))
            if quoted and person is not None:
                self._speak(piece, person, evidence)
            elif quoted and vox is not None:
                if voice is None:
                    self.voxpops += 1
                    voice = f"voxpop-{self.voxpops}"
                piece.kind, piece.voice = "voxpop", voice
                piece.description = self.words.singular(vox.group("noun")).capitalize()
                piece.notes.append(f"check: voxpop: {evidence}")
            pieces.append(piece)
        state.narration()
        if person is not None:
            state.named, state.last_person = [person], person
            self._interviewee(state, person)
        return pieces

    def _by_evidence(self, para: Paragraph, state: _State, last: bool) -> None:
        text = para.text
        people = self.people
        voice = first_person(text)
        named_here = [p for p in people.named_in(text) if not p.host]
        cue_here = find_cue(text, people, named_here[-1] if named_here else state.last_person)
        pending = state.pending
        if is_voxpop(text, self.words) or (pending is not None and pending.voxpop):
            self.voxpops += 1
            para.kind, para.voice = "voxpop", f"voxpop-{self.voxpops}"
            para.description = pending.voxpop if pending and pending.voxpop else state.audience
            why = f"hand-over cue “{pending.sentence}”" if pending else "a quote opening with …"
            para.notes.append(f"check: voxpop: {why}; who is speaking?")
            state.narration()
            return
        resumes = None
        if state.active is not None:
            resumes = self._resumes(text, state.active, voice, cue_here is not None, last)
        candidates = [p for p in state.named if not p.host]
        handed = [pending.person] if pending is not None and pending.person is not None else []
        billed = self._billed_as_host(state.said, [*candidates, *handed])
        if billed is not None and (voice is not None or whole_quote(text)):
            self._programme_voice(para, *billed)
        elif pending is not None and pending.person is not None:
            self._speak(para, pending.person, f"hand-over cue “{pending.sentence}”")
        elif self._welcomes(text) and not handed:  # the programme's voice, not who was named
            self._narration(para, None, False, state, voice)
        elif state.active is not None and resumes == "continues":
            note = "continues in the first person"
            if voice != "singular":
                note = "still them? ('we', no cue)"
            self._speak(para, state.active, note)
        elif (
            (voice == "singular" or whole_quote(text))
            and candidates
            and not self.transcript.unmarked
        ):
            person = self._introduced(candidates)
            note = "first person after the narration named them"
            if voice != "singular":  # a soundbite printed in quotes: "..." after "X said"
                note = "a quote on its own after the narration named them"
            if len(candidates) > 1:
                others = ", ".join(p.name for p in candidates if p is not person)
                note = f"{note} (it also named {others})"
            self._speak(para, person, note)
        elif voice == "singular" and candidates:  # captions that never mark a new speaker
            person = self._introduced(candidates)
            para.notes.append(
                f"check: first person after the narration named {person.name}, but the"
                " captions never mark who speaks: kept as the host's; is it them?"
            )
        else:
            after = state.active if resumes == "unclear" else None
            self._narration(para, after, state.asked and cue_here is None, state, voice)
        if para.kind == "interview" and para.person is not None:
            state.active = state.last_person = para.person
            self._interviewee(state, para.person)
            state.pending, state.named, state.asked = None, [], False
            return
        state.active, state.named, state.pending = None, named_here, cue_here
        state.said = text
        state.last_person = named_here[-1] if named_here else state.last_person
        state.asked = ends_with_question(text)
        if cue_here is not None and cue_here.person is not None:
            cue_here.person.interviewee = True

    def _welcomes(self, text: str) -> bool:
        """Whether `text` opens by welcoming the listeners ("Welcome to The Show, ...",
        "You're listening to ..."): the programme's own voice speaks, whoever was named."""
        opener = self.words.programme_openers.search(text[:80])
        return opener is not None and opener.start() < 20

    def _billed_as_host(self, said: str, candidates: list[Person]) -> tuple[Person, str] | None:
        """The person the narration before hands over to as the programme's own voice:
        "Please welcome your host, Jane Doe!", "... with your presenter Jane Doe." (the
        nearest billing word before the name, a few words before it, is a host word)."""
        for person in candidates:
            if person.interviewee:
                continue
            names = alternatives({person.name, person.surname})
            for sentence in re.split(r"(?<=[.!?])\s+", said):
                at = re.search(rf"(?<![\w-]){names}(?![\w-])(?!\s*:)", sentence)
                if at is None:
                    continue
                found = list(self.words.billing.finditer(sentence[: at.start()]))
                if found and found[-1]["host"] and at.start() - found[-1].end() <= 12:
                    return person, sentence
        return None

    def _programme_voice(self, para: Paragraph, person: Person, billing: str) -> None:
        """The words after narration that billed `person` as the host: theirs, a programme
        voice (the host, unless the page has one already), never a guest."""
        why = f"check: {person.name}: billed as the programme's voice (“{short(billing, 50)}”)"
        if self.people.host is None or self.people.host is person:
            person.host = True
            para.kind, para.person = "host", None
            para.notes.append(f"{why}: the host")
            return
        person.programme = person.programme or "co-host"
        para.kind, para.person = "host", person
        para.notes.append(f"{why}: {person.programme}")

    def _introduced(self, candidates: list[Person]) -> Person:
        """Of the people the narration named, the one it hands over to: someone who spoke
        before, else someone it named for the first time, else the last named."""
        spoke = [p for p in candidates if p.interviewee]
        if spoke:
            return spoke[-1]
        new = [p for p in candidates if p.first_seen == self.paragraph - 1]
        return new[-1] if new else candidates[-1]

    def _speak(self, para: Paragraph, person: Person, evidence: str) -> None:
        """An interviewee's paragraph from evidence that is not a label: always checked."""
        person.interviewee = True
        para.kind, para.person = "interview", person
        para.notes.append(f"check: {person.name}: {evidence}")
        if len(person.tokens) == 1:
            para.notes.append(
                f"check: only '{person.name}' is named; write the full name in voices"
            )

    @staticmethod
    def _interviewee(state: _State, person: Person) -> None:
        person.interviewee = True
        if person not in state.interviewees:
            state.interviewees.append(person)

    def _resumes(self, text: str, active: Person, voice: str | None, cue: bool, last: bool) -> str:
        """After `active` spoke: "clear" (narration is back), "continues" or "unclear"."""
        if (
            cue
            or mentions(unquoted(text), active)
            or ends_with_question(text)
            or BROADCASTER.search(text) is not None
        ):
            return "clear"
        if voice is not None:
            return "continues"
        return "clear" if last else "unclear"

    # --- 3b. a reporter's package ----------------------------------------------------------

    def _reports(self, story: Story) -> None:
        """ "Jane Doe reports." ending the anchor's words: the narration after it, to the
        story's end or the next host label, is the reporter's (quotes inside it stay their
        speakers'). A paragraph that goes on after the hand-over lost its break there."""
        handed = re.compile(
            rf"(?:^|(?<=[.!?]\s))(?P<who>[^.!?]{{3,200}}?)\s+(?i:{self.words.report_cues})"
            r"(?:\s+(?:from|in)\s+[^.!?]{1,40})?\.(?=\s+[A-Z“\"‘]|\s*$)"
        )
        # "First, the news." ending the host's words: the bulletin's reader speaks next
        bulletin = re.compile(
            rf"(?:^|(?<=[.!?]\s))(?i:{self.words.news_handovers})"
            r"(?:,?\s+(?:with|read\s+by)\s+(?P<who>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}))?[.!:]?$"
        )
        reporter: Person | None = None
        reader: Person | None = None
        cue = ""
        paragraphs: list[Paragraph] = []
        for para in story.paragraphs:
            paragraphs.append(para)
            if para.label is not None and para.label.kind == "host":
                reporter = reader = None
            if not para.spoken or para.kind != "host" or para.person is not None:
                continue
            if para.label is None and reporter is not None:
                para.person = reporter
                para.notes.append(f"check: {reporter.name} (reporter): after “{cue}”")
                continue
            if para.label is None and reader is not None:
                para.person = reader
                para.notes.append(f"check: {reader.name} (newsreader): after “{cue}”")
            elif (news := bulletin.search(para.text.strip())) is not None:
                reader = self.people.person(news["who"] or "Newsreader")
                if reader.host or reader.interviewee:
                    reader = None
                else:
                    reader.programme = (
                        reader.programme or "announcer"
                    )  # the cast has no newsreader role
                    cue = news.group(0)
            match = handed.search(para.text)
            if match is None:
                continue
            runs = [words for words, _ in self.people.runs(match["who"]) if len(words) >= 2]
            if not runs:
                continue
            person = self.people.person(" ".join(runs[-1]))
            if person.host or person.interviewee:
                continue
            person.programme = person.programme or "reporter"
            reporter, cue = person, match.group(0).strip()
            rest = para.text[match.end() :].strip()
            if rest:  # "... Jane Doe reports. The battle has begun.": a break lost
                para.text = para.text[: match.end()].strip()
                notes = [GUESSED_BREAK, f"check: {reporter.name} (reporter): after “{cue}”"]
                paragraphs.append(Paragraph(rest, para.line, person=reporter, notes=notes))
        story.paragraphs = paragraphs

    # --- 4. the host ----------------------------------------------------------------------

    def _narration(
        self,
        para: Paragraph,
        active: Person | None,
        asked: bool,
        state: _State,
        voice: str | None,
    ) -> None:
        recent = state.interviewees[-1] if state.interviewees else None
        introduced = self._self_introduction(para)
        host = introduced or self.people.host
        if active is not None:
            para.notes.append(f"check: narration resumes here? (after {active.name}, no cue)")
        elif asked and recent is not None:
            para.notes.append(
                f"check: answers the question above; {recent.name}? (host unless a voice is heard)"
            )
        elif recent is not None and (opinions := OPINION.findall(unquoted(para.text))):
            shown = ", ".join(f"“{o}”" for o in opinions[:3])
            para.notes.append(f"check: sounds like an interviewee ({shown}); {recent.name}?")
        elif voice == "singular" and host is not None and introduced is None:
            para.notes.append(f"the host, {host.name}, in the first person")
        elif voice == "singular":
            para.notes.append("check: first person but no one named before it; who speaks?")

    def _self_intros(self, text: str) -> Iterable[re.Match[str]]:
        """The places `text` says a name of the speaker's own ("I'm Jane Doe."); not "...,
        it's Jane Doe!", an announcer presenting someone."""
        for match in self.self_intro.finditer(text):
            presented = text[match.end() :].lstrip().startswith("!")
            if not (presented and re.match(r"(?i)(?:it|this)\b", match.group(0))):
                yield match

    def _self_introduction(self, para: Paragraph) -> Person | None:
        """The host introducing themselves ("I'm Jane Doe."), the first time they do."""
        if self.people.host is not None:
            return None
        for match in self._self_intros(para.text):
            runs = list(self.people.runs(match.group("name")))
            if len(runs) == 1 and len(runs[0][0]) >= 2:
                person = self.people.person(" ".join(runs[0][0]))
                if person.interviewee:
                    continue
                person.host = True
                para.notes.append(f"the host introduces themselves: {person.name}")
                return person
        return None

    # --- whole transcripts on one line ------------------------------------------------------

    def _split_one_line(self, paragraphs: list[Paragraph]) -> Iterable[Paragraph]:
        """A transcript that lost its line breaks, cut into paragraphs where the speaker
        changes: after a hand-over cue, and where the narration takes the floor back."""
        for para in paragraphs:
            if not para.one_line or para.label is not None or not para.spoken:
                yield para
                continue
            groups: list[list[str]] = [[]]
            speaker: Person | None = None
            for sentence in sentences(para.text):
                if (
                    speaker is not None
                    and groups[-1]
                    and (
                        mentions(unquoted(sentence), speaker)
                        or BROADCASTER.search(sentence)
                        or ends_with_question(sentence)
                    )
                ):
                    groups.append([])
                    speaker = None
                groups[-1].append(sentence)
                cue = find_cue(sentence, self.people, None)
                if cue is not None and cue.person is not None and speaker is None:
                    groups.append([])
                    speaker = cue.person
            texts = [" ".join(g) for g in groups if g]
            for n, text in enumerate(texts):
                notes = list(para.notes) if n == 0 else [GUESSED_BREAK]
                yield Paragraph(text, para.line, one_line=True, notes=notes)

    # --- music and voxpops ------------------------------------------------------------------

    def _music_roles(self) -> None:
        """A music cue before all speech is the intro, after all speech the outro, else a
        sting between parts."""
        items = self.transcript.paragraphs
        spoken = [i for i, p in enumerate(items) if p.spoken]
        for index, para in enumerate(items):
            if para.spoken:
                continue
            if not spoken or index < spoken[0]:
                para.role = "intro"
            elif index > spoken[-1]:
                para.role = "outro"
            else:
                para.role = "sting"

    def _audience(self, story: Story) -> str:
        """Who the voxpops of a story are, from the narration's words ("audience members")."""
        text = " ".join(p.text for p in story.paragraphs)
        for noun, description in self.words.audiences.items():
            if re.search(rf"(?i)\b{re.escape(noun)}s?\b", text):
                return description
        return "Listener"


class _ProgrammeVoices:
    """Voices labelled by name alone ("AMY GOODMAN:", "Judy Woodruff:") that are the
    programme's own, not guests: the host (on a page with no host label or unlabelled host,
    the voice that opens the programme, introduces itself, welcomes, asks, speaks most) and
    reporters (handed over to with "Jane Doe reports.", "correspondent Jane Doe", or signing
    off with their name). Their parts become host parts, each with its own voice."""

    def __init__(self, transcript: Transcript, words: Words, self_intro: re.Pattern[str]) -> None:
        self.transcript = transcript
        self.words = words
        self.self_intro = self_intro
        self.spoken = [p for p in transcript.paragraphs if p.spoken]
        roles = self.words.lists.host_labels + self.words.lists.reporter_labels
        self.role_words = alternatives(r for r in roles if len(r) > 3 and r != "package")
        self._montage_voices: set[Person] | None = None
        self.journalists: set[Person] = set()  # "Reporter:" voices that ask the questions
        self.host_found: Person | None = None

    def run(self) -> None:
        self._journalists()
        self._named_voices()
        self._interview_headline()
        self._introductions()

    def _journalists(self) -> None:
        """ "Reporter:" turns that ask question after question: journalists at a press event,
        guests (a programme's reporter files a report; it does not ask)."""
        hosted = any(  # a page with a host's label is a programme: its reporter reports
            p.label is not None
            and p.label.kind == "host"
            and normal(p.label.written) not in self.words.announcer_labels
            for p in self.spoken
        )
        for person in self._listed_journalists():  # "Reporters (in order of appearance):"
            self.journalists.add(person)
            person.programme, person.interviewee = None, True
            own = self._own(person)
            own[0].notes.append(f"check: {person.name} taken as a journalist: the page lists them")
        for person in {p.person for p in self.spoken if p.person is not None and not hosted}:
            own = self._own(person)
            labels = {normal(p.label.written) for p in own if p.label is not None}
            if person.programme != "reporter" or not labels <= self.words.reporter_labels:
                continue
            # a question anywhere in the turn ("...? And secondly, about ..." cut off) asks
            asked = sum(1 for p in own if ends_with_question(p.text) or "? " in p.text)
            if asked < 2 or asked < 0.6 * len(own):
                continue
            person.programme, person.interviewee = None, True
            self.journalists.add(person)
            for para in own:
                para.kind = "interview"
                para.notes = [
                    n.replace(f"{person.name} (reporter): ", f"{person.name}: ") for n in para.notes
                ]
            own[0].notes.append(f"check: {person.name} taken as a journalist: asks the questions")

    def _listed_journalists(self) -> list[Person]:
        """Labelled voices the page lists under a heading naming them the press ("Reporters
        (in order of appearance):", "Journalists"): they ask; whom they ask holds the event."""
        heading = re.compile(
            r"(?i)(?:the\s+)?(?:reporters|journalists|questioners|press|media|news\s+media)"
            r"(?:\s+present)?(?:\s*\([^)]*\))?"
        )
        lines = [*self.transcript.header_lines, *(b.text for b in self.transcript.dropped)]
        listed: list[str] = []
        for i, line in enumerate(lines):
            if heading.fullmatch(line.strip(" :")):
                for name in lines[i + 1 :]:
                    if SENTENCE_END.search(name) or len(name.split()) > 10:
                        break
                    listed.append(title_case(name.split(",")[0].strip()))
        voices = {p.person for p in self.spoken if p.person is not None and p.label is not None}
        found = [v for v in voices if v.name in listed or any(v.name in n for n in listed)]
        return found if len(found) < len(voices) else []

    def _introductions(self) -> None:
        """ "And I'm John Roe." standing alone, unlabelled, where John Roe is a programme
        voice: his line, not the host's."""
        voices = [p for p in self.transcript.people.known if p.programme is not None]
        for para in self.spoken:
            if para.kind != "host" or para.person is not None or len(para.text.split()) > 8:
                continue
            for match in self.self_intro.finditer(para.text):
                said = match.group("name").split()
                who = [p for p in voices if p.name == " ".join(said) or p.surname == said[-1]]
                if len(who) == 1:
                    para.person = who[0]
                    para.notes.append(f"{who[0].name} ({who[0].programme}): introduces themselves")

    def _named_voices(self) -> None:
        named = [
            p
            for p in self.spoken
            if p.kind == "interview"
            and p.person is not None
            and p.label is not None
            and not p.label.quote
        ]
        people = list(dict.fromkeys(p.person for p in named if p.person is not None))
        if not people:
            return
        found: dict[Person, tuple[str, str]] = {}
        # "Intro:", "Cold open:": a part of the programme, its own voice, never its host
        for person in people:
            if normal(person.name) in self.words.segment_labels:
                found[person] = ("announcer", "a part of the programme, not a person")
        people = [p for p in people if p not in found]
        if not people:
            for person, (role, evidence) in found.items():
                self._flip(person, role, evidence)
            return
        host = self._host(people)
        if host is not None:
            found[host[0]] = ("host", host[1])
        self.host_found = host[0] if host is not None else None
        for person in people:
            if person not in found and (why := self._reporter(person)) is not None:
                found[person] = ("co-host" if why.startswith("co-host") else "reporter", why)
        host_found = host is not None or self.transcript.people.host is not None
        for person in people:  # "..., the voice of Night Vale, Cecil Baldwin!": an announcer
            if host is not None and person not in found and self._announces(person, host[0]):
                found[person] = ("announcer", "hands over to the host by name")
        for person in people:  # "Interview with Jane Doe and John Roe": billed with the host
            if host is not None and person not in found and self._billed_with(person, host[0]):
                found[person] = ("co-host", "named with the host in the page's title")
        for person in people:  # breakfast radio: presenters take turns asking one guest
            if host_found and person not in found and self._asks(person, people):
                found[person] = ("co-host", "asks the questions, as the host does")
        if self._drama():  # a drama's named voices are its cast
            for person in people:
                why = "a drama (cue lines, effects, characters)"
                found.setdefault(person, ("voice actor", why))
        # at a press conference the panel answers the journalists: each who answers is host
        # side, and so is whoever moderates it ("THE MODERATOR:")
        asking = {
            p.person
            for p in self.spoken
            if p.kind == "interview" and (self._questioner(p) or p.person in self.journalists)
        }
        if asking and (host is None or host[0] not in asking):
            answering = {  # an answer, not a "Thank you."
                b.person
                for a, b in itertools.pairwise(self.spoken)
                if a.person in asking
                and b.person is not None
                and b.person not in asking
                and len(b.text.split()) >= 12
            }
            for person in people:
                if person in found or person in asking:
                    continue
                if person in answering:
                    found[person] = ("co-host", "answers the journalists at a press conference")
                elif normal(person.name).removeprefix("the ") in self.words.moderator_labels:
                    found[person] = ("co-host", "moderates the press conference")
        for person in people:  # "ADMINISTRATOR DOE:" at the agency's briefing
            if host is not None and person not in found and self._office(person):
                lines = [self.transcript.title or "", *self.transcript.header_lines]
                if any(self.words.own_events.search(line) for line in lines):
                    found[person] = ("co-host", "an official, at their briefing")
        if host is not None and self._numbered_only() and not self._guest_heard():
            for person in people:  # "Speaker 1", "Speaker 2", and no one is a guest
                why = "the transcript only numbers its voices and welcomes no guest"
                found.setdefault(person, ("co-host", why))
        for person, (role, why) in found.items():
            self._flip(person, role, why)

    def _numbered_only(self) -> bool:
        """Whether every labelled voice is one the transcript only numbers ("Speaker 2")."""
        voices = {p.person for p in self.spoken if p.person is not None and p.label is not None}
        return bool(voices) and all(_NUMBERED.fullmatch(p.name) for p in voices)

    def _guest_heard(self) -> bool:
        """Whether the page shows a guest: welcomed or billed as one ("my guest", "joining
        us"), or answering as one ("thanks for having me")."""
        return any(self.words.guest_heard.search(p.text) for p in self.spoken)

    def _interview_headline(self) -> None:
        """ "Katie Couric Interviews Larry King": a headline naming who interviews whom
        decides it, even where both are labelled anchors (a host interviewed on their own
        show)."""
        lines = [self.transcript.title or "", *self.transcript.header_lines]
        for line in lines:
            match = _INTERVIEWS.fullmatch(" ".join(line.split()))
            if match is None:
                continue
            by_name = {p.name.lower(): p for p in self.transcript.people.known}
            asker, guest = by_name.get(match["asker"].lower()), by_name.get(match["guest"].lower())
            if asker is None or guest is None or not guest.host_side:
                return
            why = f"the headline “{line.strip()}”"
            theirs = self._own(guest)
            if guest.host:  # the host's turns: their labels and the paragraphs that go on
                turn = False
                for para in self.spoken:
                    if para.label is not None:
                        turn = para.label.name in (guest.name, guest.surname)
                    if turn and para.kind == "host" and para.person is None:
                        theirs.append(para)
            mine = self._own(asker)
            guest.host, guest.programme, guest.interviewee = False, None, True
            asker.host, asker.programme, asker.interviewee = True, None, False
            said = ""
            for para in sorted(theirs, key=self.spoken.index):
                para.kind, para.person = "interview", guest
                if para.label is not None:
                    said = f"label “{para.label.written}” (line {para.label_line or para.line})"
                    if para.told is not None:
                        said = (
                            f"turn the captions' words told (line {para.label_line or para.line})"
                        )
                    para.notes = [f"{guest.name}: {said}"]
                else:
                    para.notes = [f"{guest.name}: continues the turn of the {said}"]
            for para in mine:
                para.kind, para.person = "host", None
                para.notes = [n.replace(f"{asker.name} (co-host): ", "") for n in para.notes]
            own = theirs + mine
            if own:
                first = min(own, key=self.spoken.index)
                first.notes.append(f"check: {asker.name} interviews {guest.name}: {why}")
            return

    def _own(self, person: Person) -> list[Paragraph]:
        return [p for p in self.spoken if p.person is person]

    def _introduces(self, person: Person, opening: bool = False) -> bool:
        """Whether `person` says their own name: "I'm Jane Doe.", "This is Jane Doe." (with
        `opening`: in the first half of their first paragraph, not a sign-off at its end)."""
        if person in self._montage():
            return False
        for para in self._own(person)[:1] if opening else self._own(person):
            for match in self.self_intro.finditer(para.text):
                if opening and match.start() > len(para.text) / 2:
                    continue
                if _says_own_name(person, match.group("name")):
                    return True
        return False

    def _montage(self) -> set[Person]:
        """Three labelled voices or more who speak once, to say their own name ("I'm Jane
        Doe, and you're listening to ..."): a montage of guests or callers, where saying
        one's name is no sign of a programme voice."""
        if self._montage_voices is None:
            people = {p.person for p in self.spoken if p.person is not None and p.label}
            once = {p for p in people if len(self._own(p)) == 1 and self._says_name(p)}
            self._montage_voices = once if len(once) >= 3 else set()
        return self._montage_voices

    def _says_name(self, person: Person) -> bool:
        for para in self._own(person):
            for match in self.self_intro.finditer(para.text):
                if _says_own_name(person, match.group("name")):
                    return True
        return False

    def _host(self, people: list[Person]) -> tuple[Person, str] | None:
        """The host among the named voices, when the page labels no host and has no host
        speaking unlabelled (a standfirst above the first label aside)."""
        if self.transcript.people.host is not None or any(
            p.label is not None and p.label.kind == "host" and p.person is None for p in self.spoken
        ):
            return None
        unlabelled = [p for p in self.spoken if p.kind == "host" and p.person is None]
        if len(unlabelled) > 1 and self.spoken[0].label is None:
            return None
        labelled = [p for p in self.spoken if p.person is not None]
        asking = {p.person for p in labelled if self._questioner(p)} | self.journalists
        # a questioner who opens by welcoming the guest ("good morning and welcome") is the
        # host of a broadcast interview, not a journalist at a press event
        # (a dateline taken for a label may come before it: "KUALA LUMPUR: The following ...")
        first = next((p for p in labelled[:2] if p.person in asking), None)
        if (
            first is not None
            and first.person in asking
            and first.person not in self.journalists
            and first.person in people
            and self.words.programme_openers.search(first.text)
        ):
            return first.person, "asks first and welcomes the guest: a broadcast interview"
        people = [p for p in people if p not in asking]
        if not people:
            return None
        # at a press conference, who answers the journalists is the programme's voice
        answers = Counter(b.person for a, b in itertools.pairwise(labelled) if a.person in asking)
        counts = {person: len(self._own(person)) for person in people}
        unnamed = all(_NUMBERED.fullmatch(p.name) for p in people)
        most = max(counts.values())
        best: tuple[int, list[str], Person] | None = None
        for person in people:
            if self._answers_unlabelled(person):
                continue  # it answers an interviewer the page leaves unlabelled: a guest
            own = self._own(person)
            evidence: list[tuple[int, str]] = []
            billed = self._billed(person)
            if billed == "guest":
                continue
            if billed == "host":
                evidence.append((3, "billed as the programme's voice"))
            if self._introduces(person):
                evidence.append((3, "introduces themselves"))
            if any(self.words.programme_openers.search(p.text) for p in own):
                evidence.append((2, "welcomes or signs off"))
            if self._named_in_title(person):
                evidence.append((3, "the title names their briefing or remarks"))
            if self._office(person):
                evidence.append((2, "holds the office their label names"))
            if answers and answers.most_common(1)[0][0] is person:
                evidence.append((3, "answers the journalists"))
            if labelled and labelled[0].person is person:
                evidence.append((2, "opens the programme"))
            if self._announced(person):
                evidence.append((2, "announced by name as they come on"))
            if labelled and labelled[-1].person is person and len(people) > 1:
                evidence.append((1, "closes it"))
            asked = sum(1 for p in own if ends_with_question(p.text))
            if asked >= 2 and asked >= 0.3 * len(own):
                evidence.append((1, "asks the questions"))
            if counts[person] == most and list(counts.values()).count(most) == 1:
                # voices the transcript only numbers: who speaks most outweighs who opens
                evidence.append((3 if unnamed else 1, "speaks most"))
            score = sum(n for n, _ in evidence)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, [why for _, why in evidence], person)
        if best is None:
            return None
        return best[2], ", ".join(best[1])

    def _answers_unlabelled(self, person: Person) -> bool:
        """Whether every labelled turn of `person` (two at least) follows an unlabelled
        question: an interview that labels only the answers ("PRIME MINISTER: ...") under
        questions printed bare (the first may be the headline-like line above it). The
        questions are then the interviewer's: the host's, not the answerer's."""
        turns = [i for i, p in enumerate(self.spoken) if p.person is person and p.label]
        if len(turns) < 2:
            return False
        questions = []
        for i in turns:
            if i == 0:
                head = self.transcript.header_lines[-1:] or [""]
                if not ends_with_question(head[0]):
                    return False
                continue
            before = self.spoken[i - 1]
            if before.label is not None or not ends_with_question(before.text):
                return False
            questions.append(before)
        for para in questions:
            para.kind, para.person = "host", None
            para.notes = ["check: an unlabelled question before a labelled answer: the host's"]
        return True

    def _asks(self, person: Person, people: list[Person]) -> bool:
        """A voice that mostly asks, in short turns, beside one who answers at length."""
        own = self._own(person)
        if any(self._questioner(p) for p in own):  # journalists at a press event are guests
            return False
        if _NUMBERED.fullmatch(person.name):
            return False  # "Speaker 4": a voice the transcript could not name
        # presenters asking in turn face a guest or two; a panel of many voices trading
        # short jabs ("Is he right?") is a debate among guests
        if sum(1 for o in people if o not in (person, self.host_found) and not o.host) > 3:
            return False
        # a guess ("Toronto?") answers a quiz's question: a question asks in a few words more
        asked = sum(1 for p in own if ends_with_question(p.text) and len(p.text.split()) > 3)
        if asked < 1 or asked < len(own) / 3:
            return False
        # who answers: a guest putting questions to the host (a test, a quiz) is no co-host
        after = [
            self.spoken[i + 1]
            for i, p in enumerate(self.spoken[:-1])
            if p.person is person and ends_with_question(p.text)
        ]
        host = self.host_found or self.transcript.people.host
        by_host = [p for p in after if (p.kind == "host" and p.person is None) or p.person is host]
        if len(by_host) > len(after) / 2:
            return False
        mean = sum(len(p.text.split()) for p in own) / len(own)
        others = [
            sum(len(p.text.split()) for p in o) / len(o)
            for other in people
            if other is not person and (o := self._own(other)) and not other.host
        ]
        return bool(others) and mean * 2 <= max(others)

    def _announced(self, person: Person) -> bool:
        """ "ANNOUNCER: Ladies and gentlemen, Jane Doe!" just before Jane Doe first speaks."""
        own = self._own(person)
        index = self.spoken.index(own[0]) if own else 0
        before = self.spoken[index - 1] if index > 0 else None
        if before is None or before.kind != "host" or len(person.tokens) < 2:
            return False
        return re.search(rf"{re.escape(person.name)}\s*[!.]?$", before.text) is not None

    def _announces(self, person: Person, host: Person) -> bool:
        """Whether `person` speaks only to hand over to the host, naming them last."""
        if person in self.journalists:  # "Mayor Doe, thanks for joining us.": a question's lead
            return False
        own = self._own(person)
        first = re.escape(host.tokens[0]) if host.tokens else None
        if not own or len(own) > 2 or first is None:
            return False
        # the full name, as an announcer says it: "..., Cecil Baldwin!" (never "Thanks, Robert.")
        if any(re.search(rf"\b{first}\s+[A-Z][\w'’-]+\s*[!.]?$", p.text) for p in own):
            return True
        # a moderator opening a briefing: "Let's now have Spokesperson Jane Doe. Good
        # morning." just before the host's first words (a label may give the surname alone)
        theirs = self._own(host)
        if not theirs or self.spoken.index(theirs[0]) == 0:
            return False
        before = self.spoken[self.spoken.index(theirs[0]) - 1]
        surname = re.escape(host.surname)
        return before in own and re.search(rf"[A-Z][\w'’-]+\s+{surname}\b", before.text) is not None

    def _billed_with(self, person: Person, host: Person) -> bool:
        """Whether one line of the title or header names `person` and the host together,
        joined by "and" ("with Jane Doe and John Roe")."""
        lines = [self.transcript.title or "", *self.transcript.header_lines]
        pair = {person.name, host.name}
        for line in lines:
            if len(host.tokens) < 2 or len(person.tokens) < 2:
                return False
            names = alternatives(pair)
            if re.search(rf"{names}\s*(?:,|and|&)\s*{names}", line) and all(
                n in line for n in pair
            ):
                return True
        return False

    def _office(self, person: Person) -> bool:
        """Whether the label `person` speaks under names an office before their name
        ("Prime Minister Jane Doe:", "ADMINISTRATOR DOE:"): an official, who answers."""
        for para in self._own(person):
            written = title_case(para.label.written) if para.label is not None else ""
            first = person.tokens[0] if person.name in written else person.surname
            if first in written and self.words.office_titles.search(written.split(first)[0]):
                return True
        return False

    def _named_in_title(self, person: Person) -> bool:
        """ "Press Briefing by Press Secretary Jane Doe", "Jane Doe's Remarks at ...": the
        event is theirs (an interview *with* someone names the guest instead)."""
        title = self.transcript.title or ""
        if person.name not in title or len(person.tokens) < 2:
            return False
        return self.words.own_events.search(title) is not None

    def _drama(self) -> bool:
        """A drama with a cast: characters, sound cues written as lines, sound effects."""
        labels = [p.label.written for p in self.spoken if p.label is not None]
        # two characters or more ("THE LIBRARIAN:", "THE DIRECTOR:"), not one "THE PRESIDENT:";
        # a narrator alone is not enough: a documentary's narrator hands over to guests
        characters = {label for label in labels if label.startswith("THE ")}
        effects, scenes = self.transcript.sound_effects, self.transcript.scenes
        if len(characters) >= 2 or self.transcript.cue_lines >= 2 or effects >= 3 or scenes >= 2:
            return True
        # a cast list above the script, under its heading: "Characters", then "Alex – (Female)
        # mid 20s – Radio presenter" (a panel's guest list is no cast)
        lines = [*self.transcript.header_lines, *(b.text for b in self.transcript.dropped)]
        heading = re.compile(
            r"(?i)(?:the\s+)?(?:cast|characters?)(?:\s+(?:list|of\s+characters))?"
            r"|dramatis\s+personae|(?:in\s+)?order\s+of\s+appearance"
        )
        if not any(heading.fullmatch(line.strip(" :")) for line in lines):
            return False
        names = {p.person.name for p in self.spoken if p.person is not None and p.label}
        listed = {
            name
            for name in names
            for line in lines
            if re.match(rf"(?i){re.escape(name)}\s*(?:[–—:-]|\(|,)\s*\S", line.strip())
        }
        return len(listed) >= 2

    def _questioner(self, para: Paragraph) -> bool:
        label = para.label
        return (
            label is not None
            and label.by_role
            and normal(label.role or "") in self.words.questioner_labels
        )

    def _reporter(self, person: Person) -> str | None:
        """Evidence that `person` is a reporter or another programme voice."""
        if person in self.journalists:  # the press asks the programme's voices: no voice of it
            return None
        names = alternatives({person.name, person.surname})
        handed = (  # compiled (by re.search, cached) only for a paragraph that names them
            rf"(?<![\w-]){names}(?:{APOS}s)?[^.!?]{{0,40}}?\s(?i:{self.words.report_cues})\b"
            # "correspondent Jane Doe", "my co-host, as always, Charles W. Doe"
            rf"|(?i:{self.role_words}),?(?:\s+(?i:as\s+always|as\s+ever|once\s+again),?)?"
            rf"\s+(?:[A-Z][\w.'’-]*\s+){{0,3}}{names}(?![\w-])"
        )
        named = re.compile(names)  # both shapes name them: the long pattern only where one does
        for para in self.spoken:
            if para.person is person or not may_name(para.text, person):
                continue
            if named.search(para.text) and re.search(handed, para.text):
                return "handed over to as a reporter"
        if self._opening_names(person):
            return "co-host: named as the programme opens (“I'm ...”, “... with ... and ...”)"
        if self._billed(person) == "host":
            return "co-host: billed as one of the programme's voices (“your hosts today ...”)"
        own = self._own(person)
        # (a montage of guests each saying "..., and you're listening to The Show" opens none)
        welcomes = own and person not in self._montage() and not self._answers_host(person)
        if welcomes and self.spoken.index(own[0]) <= 3:
            opener = self.words.programme_openers.search(own[0].text[:80])
            if opener is not None and opener.start() < 20:  # "Welcome to the show." at the top
                return "co-host: welcomes the listeners as the programme opens"
        host = self.host_found
        if host and host.tokens and host is not person and not self._answers_host(person):
            paired = re.compile(rf"\b{re.escape(host.tokens[0])}\s+and\s+I\b")
            if any(paired.search(p.text) for p in own):  # "Jane and I will give the clues"
                return f"co-host: speaks of “{host.tokens[0]} and I”"
        if self._introduces(person):
            opens = own and self.spoken.index(own[0]) <= 3 and self._introduces(person, True)
            # "Good evening, I'm ..." at the top (a caller saying who they are answers)
            if opens and not self._answers_host(person):
                return "co-host: introduces themselves as the programme opens"
            if not self._answers_host(person):  # "Hi, this is Jane Doe." then answers: a guest
                return "signs off with their name"
        return None

    def _answers_host(self, person: Person) -> bool:
        """Whether most of `person`'s turns (two at least) answer a question the host just
        asked: an interviewee's turns, whatever they say of their name."""
        turns = answered = 0
        for before, para in itertools.pairwise(self.spoken):
            if para.person is not person or before.person is person:
                continue
            turns += 1
            host = before.kind == "host" and (before.person is None or before.person.host)
            # (the host found among the named voices is flipped only once all are weighed)
            host = host or (before.person is not None and before.person is self.host_found)
            answered += host and ends_with_question(before.text)
        return answered >= 2 and answered * 2 >= turns

    def _billed(self, person: Person) -> str | None:
        """How the programme bills `person`: "host" when its opening calls them one of its
        voices ("Your hosts today are Jane Doe and John Roe") or the title's "with" names
        them ("Real Time with Jane Doe"); "guest" when the opening calls them a guest ("our
        two guests today are ..."); None when it does not say."""
        if len(person.tokens) < 2:
            return None
        name = re.escape(person.name)
        # the title, the programme's name and headline-like lines (a summary's "we sat down
        # with NAME." is no billing)
        heads = [h for h in self.transcript.header_lines if not SENTENCE_END.search(h)]
        lines = [self.transcript.title or "", self.transcript.programme or "", *heads]
        for line in lines:
            match = re.search(rf"(?P<before>[\w&'’-]+)\s+(?i:with)\s+{name}(?![\w-])", line)
            if match and not re.fullmatch(rf"(?i){self.words.guest_events}", match["before"]):
                return "host"
        for para in (p for p in self.spoken[:4] if may_name(p.text, person)):
            for sentence in re.split(r"(?<=[.!?])\s+", para.text):
                # "NAME:" inside a line is a label run into the text, not a mention
                at = re.search(rf"(?<![\w-]){name}(?![\w-])(?!\s*:)", sentence)
                if at is None:
                    continue
                found = list(self.words.billing.finditer(sentence[: at.start()]))
                if found:
                    return "host" if found[-1]["host"] else "guest"
        return None

    def _opening_names(self, person: Person) -> bool:
        """Whether the programme's first paragraphs bill `person` as one of its voices: "I'm
        Jane Doe, and I'm John Roe." (a two-voice opening often labelled as one speaker), or
        "This is The Show with Jane Doe and John Roe."."""
        names = alternatives({person.name, person.surname} if len(person.tokens) > 1 else set())
        if not names:
            return False
        billed = (  # compiled (by re.search, cached) only for a paragraph that names them
            rf"(?<![\w-])(?i:{self.words.opener_words}|this is)\s[^.!?]{{1,60}}?"
            rf"\swith\s(?:[A-Z][\w’'-]*\s+){{0,3}}(?:and\s+)?{names}(?![\w-])"
            # an oral history's opening: "This begins an interview with GUEST on DATE, at
            # PLACE, with ASKER and ASKER."
            rf"|(?i:interview\s+with)\s[^.!?]{{1,100}}?\s(?:with|by)\s"
            rf"(?:[A-Z][\w’'-]*,?\s+){{0,3}}(?:and\s+)?{names}(?![\w-])"
        )
        for para in self.spoken[:4]:
            for match in self.self_intro.finditer(para.text):
                said = match.group("name").split()
                # "I'm Jane Doe, and I'm John Roe." names a second voice; "On my left, it's
                # John Roe!" presents a contestant or guest
                if not re.match(r"(?i)i\b|i['’]m\b|my\s+name", match.group(0)):
                    continue
                if para.person is not person and (
                    " ".join(said) == person.name
                    or (len(person.tokens) == 1 and said[-1] == person.name)  # "MENNEL:"
                ):
                    return True
            if (
                para.person is not person
                and may_name(para.text, person)
                and re.search(billed, para.text)
            ):
                return True
        return False

    def _flip(self, person: Person, role: str, why: str) -> None:
        person.interviewee = False
        if role == "host":
            person.host = True
        else:
            person.programme = role
        own = self._own(person)
        for para in own:
            para.person = None if person.host else person
        to_host_side(own, person, "the host" if person.host else role, why)


def _says_own_name(person: Person, said: str) -> bool:
    """Whether a self-introduction's name ("I'm Jane Doe") is `person`'s: the full name, the
    surname, or the one name a label gives ("JANE:" or "DOE:" for "I'm Jane Doe")."""
    words = said.split()
    if not words:
        return False
    if len(person.tokens) == 1:
        return person.name in (words[0], words[-1])
    return said == person.name or words[-1] == person.surname


def attribute(transcript: Transcript) -> None:
    """Decide who speaks each paragraph (kind, person, voxpop description) with notes."""
    _Attribution(transcript).run()
    roles.settle(transcript)
