"""Who holds the programme, settled from the whole page once attribution has read it turn by
turn: evidence no single paragraph carries, read from the page's own shape, never from a
name. Each pass changes only what its evidence covers and says so with a `# check:` note.

- Press questions printed bare: on a page that presents a press event ("Daily Press
  Briefing", "... said to the media"), unlabelled questions each followed by an unlabelled
  answer are the journalists'; the one answering holds the event (the host).
- Hosts among themselves: two or three named voices talking with the host turn after turn,
  on a page that welcomes, bills and thanks no guest, are co-hosts.
- Handed over by name: "Now news with Jane Doe." and then that voice reading a segment of
  its own, answering no one, is a programme voice.
- An opening notice ("The following program was taped ...") by a voice never heard again
  is an announcer's.
- A voice naming itself as the programme opens ("And I'm Ben."), heard again, neither
  thanked nor answering questions, is a co-host.
"""

from __future__ import annotations

import itertools
import re

from broadcast_kit.importer.cues import ends_with_question, first_person
from broadcast_kit.importer.document import Paragraph, Transcript, to_host_side
from broadcast_kit.importer.people import Person
from broadcast_kit.importer.words import Words, alternatives, normal

# "said to the media", "told reporters", "briefs the press": the page reports a press event
_TO_THE_PRESS = re.compile(
    r"(?i)\b(?:said|says|spoke|speaks|speaking|told|tells|talks?|talked|brief(?:s|ed|ing)?)"
    r"\s+(?:to\s+)?(?:the\s+)?(?:media|press|reporters|journalists)\b"
)
_QUESTION_WORDS = 80  # a journalist's question with its preamble; longer is a statement
# "1/ ...", "2) ...", "Q3. ...": the page numbers its questions
_NUMBERED = re.compile(r"^\s*(?:Q\s*)?\d{1,2}\s*([/).:-])\s")


def settle(transcript: Transcript) -> None:
    """Run the page-wide passes on an attributed transcript."""
    words = transcript.people.words
    _press_questions(transcript, words)
    _hosts_among_themselves(transcript, words)
    _handed_over_by_name(transcript, words)
    _opening_notice(transcript)
    _names_itself_at_the_top(transcript, words)


def _press_event(transcript: Transcript, words: Words) -> bool:
    lines = [transcript.title or "", transcript.programme or "", *transcript.header_lines]
    return any(words.press_event.search(line) or _TO_THE_PRESS.search(line) for line in lines)


def _press_questions(transcript: Transcript, words: Words) -> None:
    """Bare questions at a press event: a journalist asks, the one holding it answers."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    if len(spoken) < 4 or any(p.label is not None for p in spoken):
        return
    if not _press_event(transcript, words):
        return
    # a page that numbers its questions numbers the ones that end without a question mark too
    numbering = {
        m.group(1)
        for p in spoken
        if ends_with_question(p.text) and (m := _NUMBERED.match(p.text)) is not None
    }
    questions: list[Paragraph] = []
    for i, para in enumerate(spoken):
        numbered = (m := _NUMBERED.match(para.text)) is not None and m.group(1) in numbering
        if not (ends_with_question(para.text) or numbered):
            continue
        if len(para.text.split()) > _QUESTION_WORDS:
            continue
        after = spoken[i + 1] if i + 1 < len(spoken) else None
        if after is not None and ends_with_question(after.text):
            return  # questions in a row: someone's own rhetoric, not a press event's Q and A
        if para.kind != "host" or (para.person is not None and para.person.host_side):
            continue  # a voice attribution found (a quote, a hand-over) stays
        questions.append(para)
    answers = len(spoken) - len(questions)
    if len(questions) < 2 or answers < len(questions):
        return
    journalist = transcript.people.person("Journalist")
    # the first question, printed right under the headline, was read as a header line
    first = spoken[0]
    above = [b for b in transcript.dropped if b.line < first.line]
    if (
        above
        and above[-1].text in transcript.header_lines[-1:]
        and above[-1].text != transcript.title
        and ends_with_question(above[-1].text)
        and len(above[-1].text.split()) <= _QUESTION_WORDS
        and not ends_with_question(first.text)
    ):
        block = above[-1]
        transcript.dropped.remove(block)
        story = next(s for s in transcript.stories if first in s.paragraphs)
        asked = Paragraph(block.text, block.line)
        story.paragraphs.insert(story.paragraphs.index(first), asked)
        questions.insert(0, asked)
    journalist.interviewee = True
    for n, para in enumerate(questions):
        para.kind, para.person = "interview", journalist
        para.notes = ["Journalist: an unlabelled question at a press event"]
        if n == 0:
            para.notes.append(
                "check: the questions are taken as journalists' and the answers as the"
                " host's: the page presents a press event and labels no one"
            )


def _mean_words(paragraphs: list[Paragraph]) -> float:
    return sum(len(p.text.split()) for p in paragraphs) / len(paragraphs) if paragraphs else 0.0


def _names(person: Person) -> str:
    """The person's full name and each of its words, as regex alternatives."""
    return "|".join(re.escape(n) for n in sorted({person.name, *person.tokens}, key=len)[::-1])


def _thanked(person: Person, spoken: list[Paragraph]) -> bool:
    """Whether another voice thanks or welcomes `person` by name ("Jane Doe, thank you.",
    "Welcome, Jane."): what a programme says to its guest."""
    names = _names(person)
    thanked = re.compile(
        rf"(?i:thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much)?|welcome(?:\s+back)?),?\s+(?:{names})\b"
        rf"|\b(?:{names}),?\s+(?i:thanks?\b|thank\s+you|welcome\b)"
    )
    return any(thanked.search(p.text) for p in spoken if p.person is not person)


def _answers_questions(person: Person, spoken: list[Paragraph]) -> bool:
    """Whether at least half of `person`'s turns (two at least) follow someone's question."""
    turns = answered = 0
    for before, para in itertools.pairwise(spoken):
        if para.person is person and before.person is not person:
            turns += 1
            answered += ends_with_question(before.text)
    return answered >= 2 and answered * 2 >= turns


def _hosts_among_themselves(transcript: Transcript, words: Words) -> None:
    """Named voices talking with the host as equals, where the page shows no guest."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    labelled = [p for p in spoken if p.label is not None]
    if len(spoken) < 6 or len(labelled) < 0.8 * len(spoken):
        return
    host = [p for p in spoken if p.kind == "host" and p.person is None and p.label is not None]
    others = [p for p in spoken if p.kind != "host"]
    if any(p.person is None for p in others):
        return
    voices = list(dict.fromkeys(p.person for p in others if p.person is not None))
    # two voices alone are an interview unless the page says otherwise; three or four at a
    # table where no one is welcomed are the programme's own
    if not host or not 2 <= len(voices) <= 3:
        return
    if any(p.kind != "interview" or p.label is None or p.label.by_role for p in others):
        return  # a voxpop, a clip, or a role ("Reporter:", "Caller:") is no co-host
    roles = words.reporter_labels | words.questioner_labels | words.answerer_labels
    if any(normal(v.name) in roles or normal(v.name) in words.voxpop_labels for v in voices):
        return  # "Reporter:", "Q:", "Caller:" name a role, not a co-host
    head = [transcript.title or "", *transcript.header_lines]
    if any(re.search(rf"(?i)\b(?:{words.guest_events})\s+with\b", line) for line in head):
        return  # "An Interview with Jane Doe": the page bills a guest
    if any(words.guest_heard.search(line) for line in [*head, *(p.text for p in spoken)]):
        return  # someone is welcomed, billed or thanks for being had: an interview
    # "With your hosts, Jane Doe and John Roe": a page that names its hosts bills no one else
    hosts = alternatives(words.lists.host_labels)
    names_hosts = re.compile(
        rf"(?i:\b(?:{hosts})s?)(?:\s*[,:]|\s+(?:are|is|was|were))?\s+[A-Z]|(?i:\bhosted\s+by)\s+[A-Z]"
    )
    billing = [line for line in [*head, *(p.text for p in spoken[:4])] if names_hosts.search(line)]
    # a moderator giving each voice the floor by name ("Tom, you first.", "Leo?"): a panel
    given = [
        v
        for v in voices
        if any(re.search(rf"(?:^|(?<=[.!?]\s))(?:{_names(v)})\s*[,?]", p.text) for p in host)
    ]
    if len(given) == len(voices):
        return
    for voice in voices:
        own = [p for p in others if p.person is voice]
        if billing and not any(t in line for t in voice.tokens for line in billing):
            return  # not among the hosts the page names: a guest
        if _thanked(voice, spoken):
            return  # "Jane Doe, thank you.": the programme thanks its guest
        if len(own) < 3 or _mean_words(own) > max(1.5 * _mean_words(host), 40):
            return  # a soundbite, or answers at length: a guest
        after_question = sum(
            1
            for before, para in itertools.pairwise(spoken)
            if para.person is voice
            and before.person is not voice
            and ends_with_question(before.text)
        )
        if after_question * 2 > len(own):
            return  # mostly answers questions put to it: a guest
    for voice in voices:
        _co_host(
            voice,
            others,
            "talks with the host turn after turn, and the page welcomes or bills no guest",
        )


def _co_host(person: Person, paragraphs: list[Paragraph], evidence: str) -> None:
    """Make `person` a co-host: their paragraphs the host side's, the first with a check
    naming the evidence."""
    person.interviewee, person.programme = False, "co-host"
    to_host_side([p for p in paragraphs if p.person is person], person, "co-host", evidence)


def _handed_over_by_name(transcript: Transcript, words: Words) -> None:
    """ "Now news with Jane Doe." then JANE DOE: reading the news: a programme voice."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    people = dict.fromkeys(
        p.person
        for p in spoken
        if p.kind == "interview"
        and p.person is not None
        and p.label is not None
        and not p.label.by_role
        and not p.label.quote
    )
    # a clip, a welcome, a guest, or a conversation ("I spoke earlier with Jane Doe.")
    not_a_hand_over = re.compile(
        rf"(?i)\b(?:{words.hand_over}|thank|thanks|introduce|welcome|guest|join(?:s|ed)?"
        r"|sp[eo]ke|speaks|talk(?:s|ed)?|ask(?:s|ed)?|interview(?:s|ed)?|conversation)"
    )
    for person in people:
        if person is None or len(person.tokens) < 2:
            continue
        own = [i for i, p in enumerate(spoken) if p.person is person]
        first = own[0]
        if first == 0 or spoken[first].label is None:
            continue
        before = spoken[first - 1]
        if before.kind != "host" or (before.person is not None and not before.person.host_side):
            continue
        last = re.split(r"(?<=[.!?])\s+", before.text.strip())[-1]
        name = re.escape(person.name)
        if not re.search(rf"(?<![\w-]){name}\s*[.!]?$", last, re.IGNORECASE):
            continue
        if len(last.split()) > 10 or not_a_hand_over.search(last) or first_person(last):
            continue
        if words.guest_heard.search(last) or words.office_titles.search(last):
            continue
        said = spoken[first].text
        if ends_with_question(said) or words.guest_heard.search(said):
            continue
        # the segment goes on past the clips it plays, to the next programme voice's label
        segment = []
        for para in spoken[first + 1 :]:
            if para.label is not None and para.kind == "host" and para.person is not person:
                break
            if para.label is None and para.kind == "host" and para.person is None:
                segment.append(para)
        if len(said.split()) + sum(len(p.text.split()) for p in segment) < 40:
            continue  # a few words: no segment of its own
        answered = sum(
            1 for i in own[1:] if ends_with_question(spoken[i - 1].text) and i - 1 not in own
        )
        if answered * 2 >= len(own):
            continue  # answers the questions put to it: an interviewee
        person.interviewee, person.programme = False, "reporter"
        for i in own:
            spoken[i].kind = "host"
            spoken[i].notes = [
                n.replace(f"{person.name}: ", f"{person.name} (reporter): ", 1)
                for n in spoken[i].notes
            ]
        spoken[first].notes.append(
            f"check: {person.name} taken as a programme voice: handed over to by name"
            f" (“{last}”), and speaks at length without answering anyone"
        )
        for para in segment:
            para.person = person
            para.notes = [f"{person.name} (reporter): goes on after the clip"]


# "The following program was taped ...", "This podcast contains ...": about the programme
_ABOUT_THE_PROGRAMME = re.compile(
    r"(?i)^(?:the\s+following|this|today's|tonight's)\s+(?:\w+\s+){0,2}"
    r"(?:program|programme|show|podcast|episode|broadcast|recording)\b"
)


def _opening_notice(transcript: Transcript) -> None:
    """The first words, a notice about the programme, by a voice heard only there."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    if len(spoken) < 3:
        return
    first = spoken[0]
    person = first.person
    if first.kind != "interview" or person is None or first.label is None:
        return
    if any(p.person is person for p in spoken[1:]) or first_person(first.text) is not None:
        return
    if not _ABOUT_THE_PROGRAMME.search(first.text) or len(first.text.split()) > 40:
        return
    person.interviewee, person.programme = False, "announcer"
    first.kind = "host"
    first.notes = [
        n.replace(f"{person.name}: ", f"{person.name} (announcer): ", 1) for n in first.notes
    ]
    first.notes.append(
        f"check: {person.name} taken as announcer: opens with a notice about the programme"
        " and is not heard again"
    )


def _guest_says(words: Words) -> re.Pattern[str]:
    """What a guest says of being had ("thanks for having me"), not the word "guest"."""
    return re.compile(rf"(?i)(?<![\w-]){alternatives(words.lists.guest_phrases)}(?![\w-])")


def _names_itself_at_the_top(transcript: Transcript, words: Words) -> None:
    """ "And I'm Ben." among the first paragraphs, by a labelled voice: a co-host."""
    spoken = [p for p in transcript.paragraphs if p.spoken]
    for para in spoken[:3]:
        person = para.person
        if para.kind != "interview" or person is None or para.label is None:
            continue
        if para.label.by_role or _guest_says(words).search(para.text):
            continue  # "I'm Jane Doe. Thanks for having me."
        if sum(1 for p in spoken if p.person is person) < 2:
            continue  # one line to say one's name: a montage of guests, callers

        name = re.escape(person.tokens[0])
        said = re.search(
            rf"(?:^|(?<=[.!?]\s)|(?<=\b[Aa]nd\s))I(?:['’]m|\s+am)\s+{name}\b", para.text
        )
        if said is None or _thanked(person, spoken) or _answers_questions(person, spoken):
            continue
        _co_host(
            person,
            spoken,
            f"says “{said.group(0)}” as the programme opens, and is neither thanked as a guest"
            " nor answering questions",
        )
