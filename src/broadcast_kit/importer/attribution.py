"""Attribution: who speaks each paragraph, from the narration's cues and the paragraph's voice."""

from __future__ import annotations

import re

from broadcast_kit.importer.cues import (
    BROADCASTER,
    OPINION,
    Cue,
    ends_with_question,
    find_cue,
    first_person,
    is_voxpop,
    unquoted,
)
from broadcast_kit.importer.people import Person, mentions
from broadcast_kit.importer.transcript import Paragraph, Story, Transcript

# --- attribution --------------------------------------------------------------------------


def attribute(transcript: Transcript) -> None:
    """Decide who speaks each paragraph (kind, person, voxpop description) with notes."""
    people = transcript.people
    voxpops = 0
    for story in transcript.stories:
        audience = _audience(story)
        active: Person | None = None  # the interviewee who spoke the paragraph before
        pending: Cue | None = None  # the cue that ended the paragraph before
        named: list[Person] = []  # people the narration before named
        asked = False  # the narration before ended with a question
        interviewees: list[Person] = []
        last_person: Person | None = None
        for number, para in enumerate(story.paragraphs, start=1):
            text = para.text
            voice = first_person(text)
            named_here = people.named_in(text)
            cue_here = find_cue(text, people, named_here[-1] if named_here else last_person)
            if is_voxpop(text) or (pending is not None and pending.voxpop):
                voxpops += 1
                para.kind, para.voice = "voxpop", f"voxpop-{voxpops}"
                para.description = pending.voxpop if pending and pending.voxpop else audience
                why = f"after the cue “{pending.sentence}”" if pending else "a quote opening with …"
                para.notes.append(f"check: voxpop ({why}); who is speaking?")
                active, pending, named, asked = None, None, [], False
                continue
            resumes = None
            if active is not None:
                wrap_up = number == len(story.paragraphs)
                resumes = _resumes(text, active, voice, cue_here is not None, wrap_up)
            if pending is not None and pending.person is not None:
                _speak(para, pending.person, f"after the cue “{pending.sentence}”")
            elif active is not None and resumes == "continues":
                note = "continues in the first person"
                if voice != "singular":
                    note = f"check: still {active.name}? ('we', no cue)"
                _speak(para, active, note)
            elif voice == "singular" and named:
                person = next((p for p in reversed(named) if p.interviewee), named[-1])
                note = "first person after the narration named them"
                if len(named) > 1:
                    others = ", ".join(p.name for p in named if p is not person)
                    note = f"check: {note} (it also named {others})"
                _speak(para, person, note)
            else:
                after = active if resumes == "unclear" else None
                _narration(para, after, asked and cue_here is None, interviewees, voice)
            if para.kind == "interview" and para.person is not None:
                active = para.person
                if para.person not in interviewees:
                    interviewees.append(para.person)
                last_person = para.person
                pending, named, asked = None, [], False
                continue
            active, named, pending = None, named_here, cue_here
            last_person = named[-1] if named else last_person
            asked = ends_with_question(text)
            if pending is not None and pending.person is not None:
                pending.person.interviewee = True


def _speak(para: Paragraph, person: Person, note: str) -> None:
    person.interviewee = True
    para.kind, para.person = "interview", person
    check = note.startswith("check: ")
    note = f"{person.name}: {note.removeprefix('check: ')}"
    para.notes.append(f"check: {note}" if check else note)
    if len(person.tokens) == 1 and not check:
        para.notes.append(f"check: only '{person.name}' is named; write the full name in voices")


def _resumes(text: str, active: Person, voice: str | None, cue: bool, wrap_up: bool) -> str:
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
    return "clear" if wrap_up else "unclear"


def _narration(
    para: Paragraph,
    active: Person | None,
    asked: bool,
    interviewees: list[Person],
    voice: str | None,
) -> None:
    recent = interviewees[-1] if interviewees else None
    if active is not None:
        para.notes.append(f"check: narration resumes here? (after {active.name}, no cue)")
    elif asked and recent is not None:
        para.notes.append(
            f"check: answers the question above; {recent.name}? (host unless a voice is heard)"
        )
    elif recent is not None and (opinions := OPINION.findall(unquoted(para.text))):
        shown = ", ".join(f"“{o}”" for o in opinions[:3])
        para.notes.append(f"check: sounds like an interviewee ({shown}); {recent.name}?")
    elif voice == "singular":
        para.notes.append("check: first person but no one named before it; who speaks?")


_AUDIENCES = (
    ("audience", "Audience member"),
    ("visitor", "Visitor"),
    ("listener", "Listener"),
    ("spectator", "Spectator"),
    ("concertgoer", "Concertgoer"),
    ("resident", "Resident"),
    ("citizen", "Citizen"),
    ("participant", "Participant"),
    ("shopper", "Shopper"),
    ("voter", "Voter"),
    ("passer-by", "Passer-by"),
)


def _audience(story: Story) -> str:
    """Who the voxpops of a story are, from the narration's words ("audience members")."""
    words = " ".join(p.text for p in story.paragraphs)
    for noun, description in _AUDIENCES:
        if re.search(rf"(?i)\b{noun}s?\b", words):
            return description
    return "Listener"
